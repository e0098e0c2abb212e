package catalog

import (
	"context"

	"github.com/weigong/weigong/catalog/wire"
)

// ProfileInput is the body of PATCH /v1/me (wire.ProfilePatch); nil
// fields are left as they are, and an empty list clears one.
type ProfileInput = wire.ProfilePatch

// UpdateProfile applies a profile patch, honouring If-Match against the
// account's version. Follow policy and levels belong to suppliers only.
// When levels are removed or renamed, the same unit of work moves every
// follower on a removed level to the level it now effectively has (each
// gets follow.changed) and drops the removed levels' prices from the
// supplier's cards, so nothing a follower sees changes without an event.
//
// It returns the account as its owner sees it (never the password hash,
// which must not reach the idempotency record either).
func (s *Service) UpdateProfile(ctx context.Context, a Account, in ProfileInput) (AccountView, error) {
	if (in.FollowPolicy != nil || in.Levels != nil || in.Guarantees != nil || in.LevelRules != nil) && !a.IsSupplier() {
		return AccountView{}, Errorf(Invalid, "only suppliers have a follow_policy, levels, guarantees and level_rules")
	}
	return update(ctx, s, a.ID, func(tx Tx) (AccountView, error) {
		a, err := tx.Account(a.ID)
		if err != nil {
			return AccountView{}, err
		}
		if err := checkVersion(ctx, a.Version); err != nil {
			return AccountView{}, err
		}
		changed, err := applyProfileInput(a, in)
		if err != nil {
			return AccountView{}, err
		}
		changed.Version++
		if err := tx.UpdateAccount(changed); err != nil {
			return AccountView{}, err
		}
		if in.Levels != nil || in.LevelRules != nil {
			if err := s.relevel(tx, changed); err != nil {
				return AccountView{}, err
			}
		}
		return changed.PrivateView(), nil
	})
}

// applyProfileInput returns a with the patch applied and validated.
func applyProfileInput(a Account, in ProfileInput) (Account, error) {
	if err := applyText(&a.Name, in.Name, "name", MaxNameLen); err != nil {
		return Account{}, err
	}
	if err := applyText(&a.Bio, in.Bio, "bio", MaxBioLen); err != nil {
		return Account{}, err
	}
	if err := applyText(&a.Contact, in.Contact, "contact", MaxContactLen); err != nil {
		return Account{}, err
	}
	if in.Name != nil && a.Name == "" {
		return Account{}, Errorf(Invalid, "name must not be empty")
	}
	if p := in.FollowPolicy; p != nil {
		if FollowPolicy(*p) != PolicyOpen && FollowPolicy(*p) != PolicyApproval {
			return Account{}, Errorf(Invalid, `follow_policy must be "open" or "approval"`)
		}
		a.FollowPolicy = FollowPolicy(*p)
	}
	if in.Levels != nil {
		if err := validateLevels(*in.Levels); err != nil {
			return Account{}, err
		}
		a.Levels = append([]string(nil), (*in.Levels)...)
	}
	if in.Guarantees != nil {
		if err := validateGuarantees(*in.Guarantees); err != nil {
			return Account{}, err
		}
		a.Guarantees = append([]string{}, (*in.Guarantees)...)
	}
	if in.LevelRules != nil {
		a.LevelRules = append([]LevelRule{}, (*in.LevelRules)...)
	}
	if in.LevelRules != nil || in.Levels != nil {
		if err := validateLevelRules(a.LevelRules, a); err != nil {
			return Account{}, err
		}
	}
	return a, nil
}

// relevel brings follows and cards in step with the supplier's levels, in
// the unit of work that changed them: a follower on a level that no longer
// exists is moved to the level it effectively has (with follow.changed),
// and cards lose the prices of removed levels.
func (s *Service) relevel(tx Tx, supplier Account) error {
	follows, err := tx.SupplierFollows(supplier.ID)
	if err != nil {
		return err
	}
	for _, f := range follows {
		moved := settleLevel(f, supplier, f.EarnedLevel)
		if moved == f {
			continue
		}
		moved.Version++
		if _, err := tx.SaveFollow(moved); err != nil {
			return err
		}
	}
	cards, err := tx.SupplierCards(supplier.ID)
	if err != nil {
		return err
	}
	for _, c := range cards {
		if !dropStaleLevelPrices(&c, supplier) {
			continue
		}
		c.UpdatedAt, c.Version = s.Now(), c.Version+1
		if _, err := tx.SaveCard(c, CardUpdated); err != nil {
			return err
		}
	}
	return nil
}

func applyText(dst *string, value *string, field string, max int) error {
	if value == nil {
		return nil
	}
	if err := validateText(field, *value, max); err != nil {
		return err
	}
	*dst = *value
	return nil
}

// Supplier finds a supplier by ID or handle.
func (s *Service) Supplier(ctx context.Context, idOrHandle string) (Account, error) {
	return view(ctx, s, func(tx Tx) (Account, error) { return supplierIn(tx, idOrHandle) })
}

// supplierIn finds a supplier by ID or handle inside tx.
func supplierIn(tx Tx, idOrHandle string) (Account, error) {
	a, err := tx.Account(idOrHandle)
	if ErrorCode(err) == NotFound && ValidateHandle(idOrHandle) == nil {
		a, err = tx.AccountByHandle(idOrHandle)
	}
	if err == nil && !a.IsSupplier() {
		err = Errorf(NotFound, "no such supplier")
	}
	if ErrorCode(err) == NotFound {
		return Account{}, Errorf(NotFound, "no such supplier")
	}
	return a, err
}

// AccountView is an account as the API shows it (wire.Account). The
// supplier-only fields are flattened in for suppliers and absent for
// distributors; Version is shown to the account itself only (it is what
// PATCH /v1/me's If-Match compares with).
type AccountView = wire.Account

// SupplierFields are the parts of an account only suppliers have;
// MeasuredOrders is how many orders due in 90 days the earned badges were
// measured from.
type SupplierFields = wire.SupplierFields

// PrivateView is the account as its owner sees it: everything.
func (a Account) PrivateView() AccountView {
	v := a.PublicView(true)
	v.Version = a.Version
	if v.SupplierFields != nil {
		v.Levels = nonNil(a.Levels)
		v.LevelRules = a.LevelRules
	}
	return v
}

// PublicView is the account as others see it. A supplier's contact is shown
// only to its active followers (withContact), and its level names only to
// itself: the channel page may travel further than the supplier intends.
func (a Account) PublicView(withContact bool) AccountView {
	v := AccountView{ID: a.ID, Role: string(a.Role), Handle: a.Handle, Name: a.Name, Bio: a.Bio, CreatedAt: a.CreatedAt}
	if withContact {
		v.Contact = a.Contact
	}
	if a.IsSupplier() {
		v.SupplierFields = &SupplierFields{FollowPolicy: string(a.FollowPolicy), Badges: a.AllBadges(), Guarantees: nonNil(a.Guarantees)}
		if len(a.EarnedBadges) > 0 {
			v.MeasuredOrders = a.BadgeOrders
		}
	}
	return v
}
