package sharedstate

import (
	"context"
	"encoding/binary"
	"strconv"
	"testing"
	"time"

	"github.com/weigong/weigong/cmd/weigong/server"
	"github.com/weigong/weigong/share"
	"github.com/weigong/weigong/storage/pgtest"
)

// BenchmarkState measures what a request pays for the shared state: one
// rate-limit Allow and one visitor Admit on PostgreSQL over loopback
// (pgtest's server, fsync on; the tables are unlogged), beside the
// in-memory counter one node uses by default.
func BenchmarkState(b *testing.B) {
	s, err := Open(context.Background(), pgtest.NewDatabase(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	memory := server.NewMemoryRateCounter()
	for _, c := range []struct {
		name    string
		counter server.RateCounter
	}{{"memory", memory}, {"postgres", s}} {
		b.Run("allow/"+c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				// Distinct keys, most allowed: the upsert's insert path.
				if _, err := c.counter.Allow(ctx, "uploads", strconv.Itoa(i%50_000), 1000); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("admit/postgres", func(b *testing.B) {
		now := time.Now()
		for i := 0; i < b.N; i++ {
			var visitor, place [16]byte
			binary.LittleEndian.PutUint64(visitor[:], uint64(i))
			binary.LittleEndian.PutUint64(place[:], uint64(i%1000))
			if _, err := s.Admit(ctx, visitor, place, now, time.Hour, share.MaxViewsPerAddress); err != nil {
				b.Fatal(err)
			}
		}
	})
}
