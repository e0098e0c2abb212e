package catalog

import "time"

// ChangeKind names something that happened to a supplier's cards or to a
// follow. The names are the event types of the public feed protocol.
type ChangeKind string

// The kinds of change that reach distributors' feeds.
const (
	CardPublished ChangeKind = "card.published"
	CardUpdated   ChangeKind = "card.updated"
	CardWithdrawn ChangeKind = "card.withdrawn"
	FollowChanged ChangeKind = "follow.changed"

	// The kinds addressed to accounts rather than to a supplier's
	// followers: an order's and an after-sale's two parties, and the
	// supplier asked to approve a follow.
	OrderSubmittedChange   ChangeKind = "order.submitted"
	OrderUpdatedChange     ChangeKind = "order.updated"
	AfterSaleUpdatedChange ChangeKind = "aftersale.updated"
	FollowRequested        ChangeKind = "follow.requested"
)

// AddressedToAccounts reports whether changes of kind go to the accounts
// they name (SupplierID and DistributorID) rather than to followers.
func (k ChangeKind) AddressedToAccounts() bool {
	switch k {
	case OrderSubmittedChange, OrderUpdatedChange, AfterSaleUpdatedChange, FollowRequested:
		return true
	}
	return false
}

// Change is one entry of the durable change log. Seq is assigned by the
// store in the same transaction as the write it records, from one counter
// for the whole log, so changes are totally ordered and the order survives
// restarts. Stores hand changes to subscribers only after commit.
type Change struct {
	Seq        uint64
	Kind       ChangeKind
	SupplierID string
	At         time.Time

	// Card is set for card changes: the card as it is after the change.
	Card *Card
	// Supplier is set for card changes: what the frame shows of the card's
	// supplier and the levels prices are chosen by.
	Supplier *Publisher
	// Follow is set for follow changes (and follow.requested); its State
	// is StateNone when the follow was removed.
	Follow *Follow

	// DistributorID is the other account an account-addressed change goes
	// to (empty for follow.requested, which only the supplier gets).
	DistributorID string
	// Order is set for order changes: the order as it is now, consignee
	// masked. AfterSale likewise for after-sale changes.
	Order     *OrderView
	AfterSale *AfterSaleView
	// Requester is set for follow.requested: who asked to follow.
	Requester *AccountView
}

// ForDistributor reports whether a follow change concerns the given
// distributor. Card changes concern every active follower of SupplierID.
func (c Change) ForDistributor(id string) bool {
	return c.Follow != nil && c.Follow.DistributorID == id
}

// Publisher is what a card change carries of its supplier: what a frame
// shows of it and the levels a follower's price is chosen by. It is never
// the whole Account, so no password hash or contact travels to the hub,
// a broker or a webhook.
type Publisher struct {
	Ref    SupplierRef
	Levels []string
}

// Publisher returns the part of a supplier account that card changes carry.
func (a Account) Publisher() *Publisher {
	return &Publisher{Ref: a.Ref(), Levels: a.Levels}
}

// EffectiveLevel returns level if the supplier still has it, else the
// lowest level: the same rule as Account.EffectiveLevel.
func (p Publisher) EffectiveLevel(level string) string {
	return Account{Levels: p.Levels}.EffectiveLevel(level)
}
