package catalog

import (
	"context"
	"time"
)

// ProfileInput is the body of PATCH /v1/me; nil fields are left as they are.
type ProfileInput struct {
	Name         *string       `json:"name"`
	Bio          *string       `json:"bio"`
	Contact      *string       `json:"contact"`
	FollowPolicy *FollowPolicy `json:"follow_policy"`
	Levels       *[]string     `json:"levels"`
}

// UpdateProfile applies a profile patch. Follow policy and levels belong to
// suppliers only.
func (s *Service) UpdateProfile(ctx context.Context, a Account, in ProfileInput) (Account, error) {
	if (in.FollowPolicy != nil || in.Levels != nil) && !a.IsSupplier() {
		return Account{}, Errorf(Invalid, "only suppliers have a follow_policy and levels")
	}
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
		if *p != PolicyOpen && *p != PolicyApproval {
			return Account{}, Errorf(Invalid, `follow_policy must be "open" or "approval"`)
		}
		a.FollowPolicy = *p
	}
	if in.Levels != nil {
		if err := validateLevels(*in.Levels); err != nil {
			return Account{}, err
		}
		a.Levels = append([]string(nil), (*in.Levels)...)
	}
	return a, s.Accounts.UpdateAccount(ctx, a)
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
	a, err := s.Accounts.Account(ctx, idOrHandle)
	if ErrorCode(err) == NotFound && ValidateHandle(idOrHandle) == nil {
		a, err = s.Accounts.AccountByHandle(ctx, idOrHandle)
	}
	if err == nil && !a.IsSupplier() {
		err = Errorf(NotFound, "no such supplier")
	}
	if ErrorCode(err) == NotFound {
		return Account{}, Errorf(NotFound, "no such supplier")
	}
	return a, err
}

// AccountView is an account as the API shows it. The supplier-only fields
// are flattened in for suppliers and absent for distributors.
type AccountView struct {
	ID        string    `json:"id"`
	Role      Role      `json:"role"`
	Handle    string    `json:"handle"`
	Name      string    `json:"name"`
	Bio       string    `json:"bio"`
	Contact   string    `json:"contact,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	*SupplierFields
}

// SupplierFields are the parts of an account only suppliers have.
type SupplierFields struct {
	FollowPolicy FollowPolicy `json:"follow_policy"`
	Levels       []string     `json:"levels,omitempty"`
	Badges       []string     `json:"badges"`
	Guarantees   []string     `json:"guarantees"`
}

// PrivateView is the account as its owner sees it: everything.
func (a Account) PrivateView() AccountView {
	v := a.PublicView(true)
	if v.SupplierFields != nil {
		v.Levels = nonNil(a.Levels)
	}
	return v
}

// PublicView is the account as others see it. A supplier's contact is shown
// only to its active followers (withContact), and its level names only to
// itself: the channel page may travel further than the supplier intends.
func (a Account) PublicView(withContact bool) AccountView {
	v := AccountView{ID: a.ID, Role: a.Role, Handle: a.Handle, Name: a.Name, Bio: a.Bio, CreatedAt: a.CreatedAt}
	if withContact {
		v.Contact = a.Contact
	}
	if a.IsSupplier() {
		v.SupplierFields = &SupplierFields{FollowPolicy: a.FollowPolicy, Badges: nonNil(a.Badges), Guarantees: nonNil(a.Guarantees)}
	}
	return v
}
