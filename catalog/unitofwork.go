package catalog

import (
	"context"
	"time"
)

// A unit of work is one use case's transaction: everything it writes (the
// object, the change it appends to the log, its idempotency record, later
// stock reservations and order rows) commits together or not at all. The
// shape maps one to one onto SQL: Update is BEGIN … COMMIT (ROLLBACK when
// fn fails), View is a read-only transaction.
type UnitOfWork interface {
	// Update runs fn in one read-write transaction, committed (durably:
	// fsynced) when fn returns nil and rolled back when it returns an
	// error, which Update then returns. fn may run more than once if the
	// store retries a serialisation failure, so it must have no side
	// effects outside tx.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// View runs fn in a read-only transaction: one consistent snapshot.
	View(ctx context.Context, fn func(tx Tx) error) error
}

// Tx is the access to every store inside one unit of work. Reads see the
// transaction's own writes. Methods return *Error values with code NotFound
// or Conflict where the caller can act on them; anything else is an
// internal failure. A Tx must not be used after its fn returns.
type Tx interface {
	Account(id string) (Account, error)
	AccountByHandle(handle string) (Account, error)
	// CreateAccount stores a new account; a taken handle is a Conflict.
	CreateAccount(a Account) error
	// UpdateAccount replaces an account, moving its handle if it changed.
	UpdateAccount(a Account) error

	// CreateSession stores a session, so that signing up creates the
	// account and its first session together.
	CreateSession(s Session) error

	Image(id string) (Image, error)
	CreateImage(img Image) error

	// Card returns a card, withdrawn or not.
	Card(id string) (Card, error)
	// SaveCard writes c and appends a change of the given kind to the log.
	// A card.withdrawn change always leaves the card withdrawn.
	SaveCard(c Card, kind ChangeKind) (Change, error)
	// SupplierCards lists every card of a supplier that is not withdrawn.
	SupplierCards(supplierID string) ([]Card, error)

	// Follow returns the follow of distributorID to supplierID, or NotFound.
	Follow(supplierID, distributorID string) (Follow, error)
	// SaveFollow stores f (or deletes it when f.State is StateNone) and
	// appends a follow.changed change.
	SaveFollow(f Follow) (Change, error)
	// SupplierFollows lists every follow of a supplier, in any state.
	SupplierFollows(supplierID string) ([]Follow, error)

	// Order returns an order, or NotFound.
	Order(id string) (Order, error)
	// SaveOrder writes o, keeps its indexes (per party, out_order_id,
	// due time) in step and appends a change of kind for both parties;
	// kind "" appends none.
	SaveOrder(o Order, kind ChangeKind) (Change, error)
	// OrderByOutID returns the ID of the distributor's order with that
	// out_order_id, if there is one.
	OrderByOutID(distributorID, outOrderID string) (string, bool, error)
	AfterSale(id string) (AfterSale, error)
	// SaveAfterSale writes a case and appends a change of kind for both
	// parties.
	SaveAfterSale(a AfterSale, kind ChangeKind) (Change, error)
	// OrderAfterSales lists every case of an order.
	OrderAfterSales(orderID string) ([]AfterSale, error)
	// CompletedSpend sums the totals (fen) of the distributor's orders
	// with the supplier that were completed at or after since.
	CompletedSpend(supplierID, distributorID string, since time.Time) (int64, error)
	// SupplierOrdersSince returns the supplier's orders placed at or after
	// since (consignees masked), each with its after-sale cases.
	SupplierOrdersSince(supplierID string, since time.Time) ([]MeasuredOrder, error)
	// Metrics returns a supplier's stored figures, if measured.
	Metrics(supplierID string) (Metrics, bool, error)
	// SaveMetrics stores a supplier's figures and clears its mark as
	// needing a new measure (SaveOrder and SaveAfterSale set the mark).
	SaveMetrics(supplierID string, m Metrics) error
	// FollowRequested appends follow.requested for the supplier of a
	// pending follow.
	FollowRequested(f Follow) (Change, error)

	// ShareRef returns what an order needs of a share, or NotFound.
	ShareRef(id string) (ShareRef, error)
	// AddShareSale adds orders and sales (fen) to a share's figures.
	AddShareSale(id string, orders int, sales int64) error

	// IdempotencyRecord returns the record of accountID's key, if any.
	IdempotencyRecord(accountID, key string) (IdempotencyRecord, bool, error)
	// SaveIdempotencyRecord stores (or replaces) the record of accountID's key.
	SaveIdempotencyRecord(accountID, key string, r IdempotencyRecord) error
}

// IdempotencyWindow is how long a repeated Idempotency-Key returns the
// first result (API.md "Conventions").
const IdempotencyWindow = 24 * time.Hour

// MaxIdempotencyKeyLen bounds a client-chosen Idempotency-Key, in bytes.
const MaxIdempotencyKeyLen = 128

// IdempotencyRecord is the first result of a write sent with an
// Idempotency-Key, kept for IdempotencyWindow so that a retry gets the
// same answer. Fingerprint identifies the request (method, path, body), so
// the same key with another request is told apart and refused.
type IdempotencyRecord struct {
	Fingerprint string
	// Result is the use case's result as JSON: what the first answer's body was.
	Result    []byte
	CreatedAt time.Time
}
