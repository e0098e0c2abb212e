package wire

import "time"

// Account is an account as the API shows it. The supplier-only fields are
// set for suppliers and absent for distributors.
type Account struct {
	ID        string    `json:"id"`
	Role      string    `json:"role"`
	Handle    string    `json:"handle"`
	Name      string    `json:"name"`
	Bio       string    `json:"bio"`
	Contact   string    `json:"contact,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// Version is shown to the account itself only (If-Match on PATCH /v1/me).
	Version int64 `json:"version,omitempty"`
	*SupplierFields
}

// SupplierFields are the parts of an account only suppliers have.
type SupplierFields struct {
	FollowPolicy   string      `json:"follow_policy"`
	Levels         []string    `json:"levels,omitempty"`
	LevelRules     []LevelRule `json:"level_rules,omitempty"`
	Badges         []string    `json:"badges"`
	MeasuredOrders int         `json:"measured_orders,omitempty"`
	Guarantees     []string    `json:"guarantees"`
}

// LevelRule raises a follower to Level once its completed orders with the
// supplier over 90 days reach MinSpend90d fen.
type LevelRule struct {
	Level       string `json:"level"`
	MinSpend90d int64  `json:"min_spend_90d"`
}

// SignUp is the body of POST /v1/accounts.
type SignUp struct {
	Role     string `json:"role"`
	Handle   string `json:"handle"`
	Password string `json:"password"`
	Name     string `json:"name"`
}

// SignIn is the body of POST /v1/sessions.
type SignIn struct {
	Handle   string `json:"handle"`
	Password string `json:"password"`
}

// Session is the reply to sign-up and sign-in.
type Session struct {
	Account Account `json:"account"`
	Token   string  `json:"token"`
}

// SessionState is the reply to GET /v1/sessions/current, signed in or not:
// Account is set only when SignedIn.
type SessionState struct {
	SignedIn bool     `json:"signed_in"`
	Account  *Account `json:"account,omitempty"`
}

// Health is the reply to GET /healthz once the server is ready: Status "ok".
type Health struct {
	Status string `json:"status"`
}

// ProfilePatch is the body of PATCH /v1/me; nil fields are left as they
// are, and a pointer to an empty list clears that list. FollowPolicy,
// Levels and Guarantees belong to suppliers only.
type ProfilePatch struct {
	Name         *string      `json:"name,omitempty"`
	Bio          *string      `json:"bio,omitempty"`
	Contact      *string      `json:"contact,omitempty"`
	FollowPolicy *string      `json:"follow_policy,omitempty"`
	Levels       *[]string    `json:"levels,omitempty"`
	Guarantees   *[]string    `json:"guarantees,omitempty"`
	LevelRules   *[]LevelRule `json:"level_rules,omitempty"`
}

// FollowState is the reply to PUT /v1/suppliers/{id}/follow.
type FollowState struct {
	State string `json:"state"`
}

// Following is one entry of GET /v1/me/following.
type Following struct {
	Supplier Account `json:"supplier"`
	State    string  `json:"state"`
	Level    string  `json:"level"`
}

// Follower is one entry of GET /v1/me/followers.
type Follower struct {
	Distributor Account   `json:"distributor"`
	State       string    `json:"state"`
	Level       string    `json:"level"`
	Since       time.Time `json:"since"`
	Version     int64     `json:"version"`
}

// FollowerPatch is the body of PATCH /v1/me/followers/{id}.
type FollowerPatch struct {
	State *string `json:"state,omitempty"`
	Level *string `json:"level,omitempty"`
}

// UploadedImage is the reply to POST /v1/images.
type UploadedImage = Image

// Metrics is the reply to GET /v1/suppliers/{id}/metrics (API.md part 2,
// "Guarantees and measured metrics"): a supplier's measured figures over
// its own orders placed in the last WindowDays days, and the badges they
// earn. Rates are fractions from 0 to 1, nil (JSON null) below the number
// of orders due that a rate needs; OnTimeLowerBound is the Wilson lower
// bound of OnTimeShipRate; MedianAcceptMinutes is in minutes.
type Metrics struct {
	WindowDays          int       `json:"window_days"`
	Orders              int       `json:"orders"`
	OrdersDue           int       `json:"orders_due"`
	OnTime              int       `json:"on_time"`
	OnTimeShipRate      *float64  `json:"on_time_ship_rate"`
	OnTimeLowerBound    *float64  `json:"on_time_lower_bound"`
	CancelRate          *float64  `json:"cancel_rate"`
	Deliveries          int       `json:"deliveries"`
	AftersaleRate       *float64  `json:"aftersale_rate"`
	NotAsDescribedRate  *float64  `json:"not_as_described_rate"`
	MedianAcceptMinutes *float64  `json:"median_accept_minutes"`
	Badges              []string  `json:"badges"`
	ComputedAt          time.Time `json:"computed_at"`
}
