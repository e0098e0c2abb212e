package catalog

import "time"

// FollowState is where a distributor stands with a supplier.
type FollowState string

// The follow states. StateNone is used in events for "no longer follows";
// it is never stored.
const (
	StateActive  FollowState = "active"
	StatePending FollowState = "pending"
	StateBlocked FollowState = "blocked"
	StateNone    FollowState = "none"
)

// Follow is the relationship between one distributor and one supplier. Only
// an active follow lets the distributor see prices, and only those of its
// Level.
type Follow struct {
	SupplierID    string
	DistributorID string
	State         FollowState
	// Level is the level the follower is on: the higher of ManualLevel
	// (set by the supplier) and EarnedLevel (reached by purchases). Every
	// price rule reads Level.
	Level       string
	ManualLevel string
	EarnedLevel string
	Since       time.Time
	// Version counts the follow's writes, from 1; If-Match compares with it.
	Version int64
}

// Active reports whether the follow grants prices.
func (f Follow) Active() bool { return f.State == StateActive }
