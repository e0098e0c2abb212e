package server

import (
	"hash/fnv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/storage"
)

// IdempotencyWindow is how long a repeated Idempotency-Key returns the
// first result (API.md "Conventions").
const IdempotencyWindow = 24 * time.Hour

const maxIdempotencyKey = 128

// idempotency replays the first successful result of a create request
// sent again with the same key by the same account. Requests with the same
// key are serialised by a striped lock, so a double tap that arrives twice
// at once still creates one thing.
type idempotency struct {
	db    *storage.DB
	locks [64]sync.Mutex
}

func newIdempotency(db *storage.DB) *idempotency { return &idempotency{db: db} }

func (i *idempotency) lock(key string) *sync.Mutex {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return &i.locks[h.Sum32()%uint32(len(i.locks))]
}

// idempotent is the middleware for create endpoints; it runs after
// authentication.
func (s *Server) idempotent(c *fiber.Ctx) error {
	key := c.Get("Idempotency-Key")
	account := caller(c)
	if key == "" || account == nil {
		return c.Next()
	}
	if len(key) > maxIdempotencyKey {
		return catalog.Errorf(catalog.Invalid, "Idempotency-Key must be at most %d characters", maxIdempotencyKey)
	}
	scoped := c.Method() + " " + c.Path() + " " + key
	mu := s.idem.lock(account.ID + " " + scoped)
	mu.Lock()
	defer mu.Unlock()
	ctx := c.UserContext()
	prev, ok, err := s.idem.db.IdempotentResult(ctx, account.ID, scoped)
	if err != nil {
		return err
	}
	if ok && time.Since(prev.CreatedAt) < IdempotencyWindow {
		c.Set("Idempotent-Replayed", "true")
		c.Set(fiber.HeaderContentType, prev.ContentType)
		return c.Status(prev.Status).Send(prev.Body)
	}
	if err := c.Next(); err != nil {
		return err
	}
	status := c.Response().StatusCode()
	if status < 200 || status > 299 {
		return nil
	}
	rec := storage.IdempotentResult{Status: status, ContentType: string(c.Response().Header.ContentType()),
		Body: append([]byte(nil), c.Response().Body()...), CreatedAt: time.Now().UTC()}
	return s.idem.db.SaveIdempotentResult(ctx, account.ID, scoped, rec)
}
