package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/storage"
)

// seeded is what the load phases need to know about the seeded data.
type seeded struct {
	fanSupplierToken string
	fanImageID       string
	fanTokens        []string // one per follower of the fan-out supplier
	feedToken        string   // the distributor who follows the feed suppliers
}

// seedConfig sizes the data set.
type seedConfig struct {
	followers, suppliers, feedCards int
}

// seed writes every account, session, follow and card straight through
// package storage, because signing 5,000 accounts up over HTTP would spend
// minutes in the password hash. The DB has no publisher: nobody listens
// yet. It writes into scratch (tmpfs when available, where each
// transaction's fsync is nearly free, so 200,000 one-card transactions take
// a minute rather than ten) and then copies the file into dir on disk.
func seed(dir, scratch string, cfg seedConfig) (seeded, error) {
	tmp := filepath.Join(scratch, "weigong.db")
	db, err := storage.Open(tmp)
	if err != nil {
		return seeded{}, err
	}
	defer os.Remove(tmp)
	s := &seeder{db: db, ctx: context.Background(), now: time.Now().UTC()}
	out, err := s.run(cfg)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return seeded{}, err
	}
	return out, copyFile(tmp, filepath.Join(dir, "weigong.db"))
}

type seeder struct {
	db  *storage.DB
	ctx context.Context
	now time.Time
	n   int // accounts created, for unique handles
}

func (s *seeder) run(cfg seedConfig) (seeded, error) {
	var out seeded
	start := time.Now()

	fanSup, tok, err := s.account(catalog.RoleSupplier)
	if err != nil {
		return out, err
	}
	out.fanSupplierToken = tok
	out.fanImageID = newID()
	img := catalog.Image{ID: out.fanImageID, OwnerID: fanSup, Width: 1080, Height: 1080, CreatedAt: s.now}
	if err := s.db.CreateImage(s.ctx, img); err != nil {
		return out, err
	}
	for i := range cfg.followers {
		id, tok, err := s.account(catalog.RoleDistributor)
		if err != nil {
			return out, err
		}
		if err := s.follow(fanSup, id); err != nil {
			return out, err
		}
		out.fanTokens = append(out.fanTokens, tok)
		if (i+1)%1000 == 0 {
			progress("seed: %d/%d fan-out followers (%s)", i+1, cfg.followers, time.Since(start))
		}
	}

	reader, tok, err := s.account(catalog.RoleDistributor)
	if err != nil {
		return out, err
	}
	out.feedToken = tok
	sups := make([]string, cfg.suppliers)
	for i := range sups {
		if sups[i], _, err = s.account(catalog.RoleSupplier); err != nil {
			return out, err
		}
		if err := s.follow(sups[i], reader); err != nil {
			return out, err
		}
	}
	// Round robin over the suppliers, so the change log and the card index
	// interleave suppliers the way a live server's would.
	for i := range cfg.feedCards {
		if _, err := s.db.SaveCard(s.ctx, feedCard(sups[i%len(sups)], s.now), catalog.CardPublished); err != nil {
			return out, err
		}
		if (i+1)%20000 == 0 {
			progress("seed: %d/%d feed cards (%s)", i+1, cfg.feedCards, time.Since(start))
		}
	}
	progress("seed: done in %s", time.Since(start).Round(time.Second))
	return out, nil
}

// account creates an account with one session and returns its ID and
// bearer token. The password hash is left empty: nobody signs in.
func (s *seeder) account(role catalog.Role) (string, string, error) {
	s.n++
	a := catalog.Account{ID: newID(), Role: role, Handle: fmt.Sprintf("b%07d", s.n), Name: "Bench", CreatedAt: s.now}
	if role == catalog.RoleSupplier {
		a.FollowPolicy = catalog.PolicyOpen
		a.Levels = []string{catalog.DefaultLevel}
	}
	if err := s.db.CreateAccount(s.ctx, a); err != nil {
		return "", "", err
	}
	tok, err := catalog.NewToken()
	if err != nil {
		return "", "", err
	}
	sess := catalog.Session{TokenHash: catalog.HashToken(tok), AccountID: a.ID, CreatedAt: s.now, ExpiresAt: s.now.Add(30 * 24 * time.Hour)}
	return a.ID, tok, s.db.CreateSession(s.ctx, sess)
}

func (s *seeder) follow(supplier, distributor string) error {
	_, err := s.db.SaveFollow(s.ctx, catalog.Follow{SupplierID: supplier, DistributorID: distributor,
		State: catalog.StateActive, Level: catalog.DefaultLevel, Since: s.now})
	return err
}

// feedCard is a typical card: four photos, a short text.
func feedCard(supplier string, now time.Time) catalog.Card {
	c := catalog.Card{ID: newID(), SupplierID: supplier, Title: "春夏新款 纯棉T恤",
		Description: "春夏新款 纯棉 宽松 显瘦 多色可选 支持一件代发 48小时发货",
		Tags:        []string{"女装", "T恤"}, CostPrice: 1500, RetailPrice: 3900, CreatedAt: now, UpdatedAt: now}
	for range 4 {
		c.Images = append(c.Images, catalog.Image{ID: newID(), OwnerID: supplier, Width: 1080, Height: 1440, CreatedAt: now})
	}
	return c
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "wgbench: "+format+"\n", args...)
}
