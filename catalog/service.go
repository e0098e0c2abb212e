package catalog

import (
	"runtime"
	"time"

	"github.com/google/uuid"
)

// SessionTTL is how long a bearer token stays valid after sign-in.
const SessionTTL = 90 * 24 * time.Hour

// Service enforces the catalog's rules on top of its stores. It holds no
// state of its own beyond its dependencies, so several nodes can run one.
type Service struct {
	Stores
	// Now and NewID are replaceable in tests.
	Now   func() time.Time
	NewID func() string
	// hashSlots bounds concurrent password hashing: each hash takes 19 MiB,
	// and a flood of sign-ins must not be able to take all memory.
	hashSlots chan struct{}
}

// NewService returns a Service over the given stores.
func NewService(st Stores) *Service {
	return &Service{
		Stores:    st,
		Now:       func() time.Time { return time.Now().UTC() },
		NewID:     newID,
		hashSlots: make(chan struct{}, 2*runtime.NumCPU()),
	}
}

// newID returns a UUIDv7: time-ordered, so store keys sort by creation.
func newID() string {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}

// withHashSlot runs fn while holding one of the bounded hashing slots.
func (s *Service) withHashSlot(fn func()) {
	s.hashSlots <- struct{}{}
	defer func() { <-s.hashSlots }()
	fn()
}
