package catalog

import (
	"regexp"
	"time"
	"unicode/utf8"
)

// Role says whether an account posts cards (supplier) or follows and
// reshares them (distributor). An account has exactly one role for life.
type Role string

// The two roles.
const (
	RoleSupplier    Role = "supplier"
	RoleDistributor Role = "distributor"
)

// FollowPolicy decides whether a new follower is active at once (open) or
// waits for the supplier's approval.
type FollowPolicy string

// The follow policies a supplier may choose.
const (
	PolicyOpen     FollowPolicy = "open"
	PolicyApproval FollowPolicy = "approval"
)

// Limits on account fields. Every input has a limit so that no caller can
// make the server store or render unbounded text.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 256
	MaxNameLen     = 64
	MaxBioLen      = 500
	MaxContactLen  = 100
	MaxLevels      = 10
	MaxLevelLen    = 32
)

// DefaultLevel is the single price level every supplier starts with.
const DefaultLevel = "standard"

var handlePattern = regexp.MustCompile(`^[a-z0-9_]{3,32}$`)
var levelPattern = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// Account is a supplier or a distributor. The supplier-only fields are
// empty for distributors.
type Account struct {
	ID           string
	Role         Role
	Handle       string
	Name         string
	Bio          string
	Contact      string
	CreatedAt    time.Time
	PasswordHash []byte

	FollowPolicy FollowPolicy
	Levels       []string
	Badges       []string
	Guarantees   []string
	// LevelRules raise followers to a level by what they bought
	// (levels.go).
	LevelRules []LevelRule
	// EarnedBadges come and go with the supplier's measured figures
	// (metrics.go), measured over BadgeOrders orders in the window; Badges
	// are granted by the operator.
	EarnedBadges []string
	BadgeOrders  int

	// Version counts the account's writes, from 1; If-Match compares with it.
	Version int64
}

// IsSupplier reports whether the account posts cards.
func (a Account) IsSupplier() bool { return a.Role == RoleSupplier }

// HasLevel reports whether name is one of the supplier's price levels.
func (a Account) HasLevel(name string) bool {
	for _, l := range a.Levels {
		if l == name {
			return true
		}
	}
	return false
}

// LowestLevel is the level new followers start on.
func (a Account) LowestLevel() string {
	if len(a.Levels) == 0 {
		return DefaultLevel
	}
	return a.Levels[0]
}

// Session is a bearer token, stored only as a hash so that a stolen
// database file does not hand out working tokens.
type Session struct {
	TokenHash string
	AccountID string
	CreatedAt time.Time
	ExpiresAt time.Time
	// Ticket marks a single-use websocket ticket; ParentHash is the hash of
	// the token it was issued for, so revoking that token revokes the
	// sockets the ticket opened.
	Ticket     bool
	ParentHash string
	// KeyID is set when the token is an app key rather than a sign-in:
	// the request may then do only what Scopes allow (appkeys.go).
	KeyID  string
	Scopes []Scope
}

// ValidateHandle checks the handle rules of API.md.
func ValidateHandle(handle string) error {
	if !handlePattern.MatchString(handle) {
		return Errorf(Invalid, "handle must be 3 to 32 characters of a-z, 0-9 and _")
	}
	return nil
}

// ValidatePassword checks the password length rules.
func ValidatePassword(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLen {
		return Errorf(Invalid, "password must be at least %d characters", MinPasswordLen)
	}
	if len(password) > MaxPasswordLen {
		return Errorf(Invalid, "password must be at most %d bytes", MaxPasswordLen)
	}
	return nil
}

// validateText checks that a free-text field is valid UTF-8, not longer
// than max characters, and free of invisible controls (see forbiddenRune).
// Its messages name the field, and the character by code point.
func validateText(field, value string, max int) error {
	if !utf8.ValidString(value) {
		return Errorf(Invalid, "%s must be valid UTF-8", field)
	}
	if utf8.RuneCountInString(value) > max {
		return Errorf(Invalid, "%s must be at most %d characters", field, max)
	}
	for _, r := range value {
		if kind := forbiddenRune(r); kind != "" {
			return Errorf(Invalid, "%s must not contain %s (%U)", field, kind, r)
		}
	}
	return nil
}

// ValidateText is validateText for the free text of other packages (a
// share's own words), so every text field follows one rule.
func ValidateText(field, value string, max int) error {
	return validateText(field, value, max)
}

// forbiddenRune names the kind of r if free text may not contain it, or
// returns "". Refused: the C0 controls except tab and newline, DEL and the
// C1 controls (Unicode general category Cc), which terminals, logs and
// some apps act on instead of showing; and the bidi embeddings, overrides
// and isolates U+202A–U+202E and U+2066–U+2069, which reorder the text
// around them so that what a buyer reads differs from what is stored
// ("Trojan Source", CVE-2021-42574). The bidi marks LRM, RLM and ALM
// reorder nothing beyond themselves and stay allowed.
func forbiddenRune(r rune) string {
	switch {
	case r == '\n' || r == '\t':
		return ""
	case r < 0x20 || r >= 0x7F && r <= 0x9F:
		return "control characters"
	case r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069:
		return "bidirectional formatting characters"
	}
	return ""
}

// validateLevels checks a supplier's ordered list of level names.
func validateLevels(levels []string) error {
	if len(levels) == 0 || len(levels) > MaxLevels {
		return Errorf(Invalid, "levels must list 1 to %d level names", MaxLevels)
	}
	seen := map[string]bool{}
	for _, l := range levels {
		if !levelPattern.MatchString(l) {
			return Errorf(Invalid, "level names must be 1 to 32 characters of a-z, 0-9 and _")
		}
		if seen[l] {
			return Errorf(Invalid, "level %q is listed twice", l)
		}
		seen[l] = true
	}
	return nil
}
