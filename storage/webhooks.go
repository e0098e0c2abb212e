package storage

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed/webhook"
)

var _ webhook.Store = (*DB)(nil)

// Webhooks and their deliveries (feed/webhook). They are cold next to
// cards and changes, so records are JSON. A delivery's key is its webhook
// and its 12-byte ID (log Seq and a number), so a webhook's deliveries
// sort by when their event happened and writing one twice is a no-op.

// deliveryIDLen is the size of a delivery ID in a key: Seq(8) + n(4).
const deliveryIDLen = 12

func webhookKey(id string) ([]byte, bool) {
	k, ok := parseID(id)
	return k[:], ok
}

// deliveryKey is webhook(16) + delivery ID(12).
func deliveryKey(webhookID, id string) ([]byte, bool) {
	w, ok := parseID(webhookID)
	raw, err := hex.DecodeString(id)
	if !ok || err != nil || len(raw) != deliveryIDLen || len(id) != 2*deliveryIDLen {
		return nil, false
	}
	return join(w[:], raw), true
}

// deliveryDueKey is webhook(16) + next attempt(8, Unix ns) + delivery ID(12).
func deliveryDueKey(dk []byte, next time.Time) []byte {
	return join(dk[:idLen], u64(uint64(next.UnixNano())), dk[idLen:])
}

// webhookRecord is a webhook as stored: with the secret key loaded
// (UseSecretKey), the signing secret is sealed with it, bound to the
// webhook's key, so a copy of the database file signs nothing.
type webhookRecord struct {
	webhook.Webhook
	SealedSecret []byte `json:"sealed_secret,omitempty"`
}

func (db *DB) putWebhook(tx kvTx, key []byte, w webhook.Webhook) error {
	r := webhookRecord{Webhook: w}
	if db.sealer != nil {
		sealed, err := db.sealer.seal([]byte(w.Secret), key)
		if err != nil {
			return err
		}
		r.SealedSecret, r.Secret = sealed, ""
	}
	return putJSON(tx.Bucket(bWebhooks), key, r)
}

func (db *DB) decodeWebhook(key, raw []byte) (webhook.Webhook, error) {
	var r webhookRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return webhook.Webhook{}, fmt.Errorf("storage: decoding webhook %x: %w", key, err)
	}
	if len(r.SealedSecret) > 0 {
		if db.sealer == nil {
			return webhook.Webhook{}, fmt.Errorf("storage: webhook %x: its secret is sealed and no secret key is loaded", key)
		}
		plain, err := db.sealer.open(r.SealedSecret, key)
		if err != nil {
			return webhook.Webhook{}, fmt.Errorf("storage: webhook %x: %w", key, err)
		}
		r.Secret = string(plain)
	}
	return r.Webhook, nil
}

// CreateWebhook stores a new webhook and indexes it under its account.
func (db *DB) CreateWebhook(ctx context.Context, w webhook.Webhook) error {
	key, ok1 := webhookKey(w.ID)
	acc, ok2 := parseID(w.AccountID)
	if !ok1 || !ok2 {
		return catalog.Errorf(catalog.Invalid, "webhook has no valid IDs")
	}
	return db.update(ctx, func(tx kvTx) error {
		if tx.Bucket(bWebhooks).Get(key) != nil {
			return catalog.Errorf(catalog.Conflict, "webhook already exists")
		}
		if err := db.putWebhook(tx, key, w); err != nil {
			return err
		}
		return tx.Bucket(bAccountWebhooks).Put(join(acc[:], key), nil)
	})
}

// Webhook returns a webhook, or NotFound.
func (db *DB) Webhook(ctx context.Context, id string) (webhook.Webhook, error) {
	var w webhook.Webhook
	err := db.view(ctx, func(tx kvTx) error {
		var err error
		w, err = db.getWebhook(tx, id)
		return err
	})
	return w, err
}

func (db *DB) getWebhook(tx kvTx, id string) (webhook.Webhook, error) {
	key, ok := webhookKey(id)
	if !ok {
		return webhook.Webhook{}, notFound("webhook")
	}
	raw := tx.Bucket(bWebhooks).Get(key)
	if raw == nil {
		return webhook.Webhook{}, notFound("webhook")
	}
	return db.decodeWebhook(key, raw)
}

// AccountWebhooks lists an account's webhooks, oldest first.
func (db *DB) AccountWebhooks(ctx context.Context, accountID string) ([]webhook.Webhook, error) {
	acc, ok := parseID(accountID)
	if !ok {
		return nil, nil
	}
	var out []webhook.Webhook
	err := db.view(ctx, func(tx kvTx) error {
		c := tx.Bucket(bAccountWebhooks).Cursor()
		for k, _ := c.Seek(acc[:]); bytes.HasPrefix(k, acc[:]); k, _ = c.Next() {
			w, err := db.getWebhook(tx, formatID(k[idLen:]))
			if err != nil {
				return err
			}
			out = append(out, w)
		}
		return nil
	})
	return out, err
}

// EnabledWebhooks lists every enabled webhook.
func (db *DB) EnabledWebhooks(ctx context.Context) ([]webhook.Webhook, error) {
	var out []webhook.Webhook
	err := db.view(ctx, func(tx kvTx) error {
		return tx.Bucket(bWebhooks).ForEach(func(k, v []byte) error {
			w, err := db.decodeWebhook(k, v)
			if err != nil {
				return err
			}
			if w.Enabled {
				out = append(out, w)
			}
			return nil
		})
	})
	return out, err
}

// UpdateWebhook replaces a webhook that exists.
func (db *DB) UpdateWebhook(ctx context.Context, w webhook.Webhook) error {
	return db.update(ctx, func(tx kvTx) error {
		if _, err := db.getWebhook(tx, w.ID); err != nil {
			return err
		}
		key, _ := webhookKey(w.ID)
		return db.putWebhook(tx, key, w)
	})
}

// DeleteWebhook deletes a webhook, its index entry, its deliveries and
// their due entries.
func (db *DB) DeleteWebhook(ctx context.Context, id string) error {
	return db.update(ctx, func(tx kvTx) error {
		w, err := db.getWebhook(tx, id)
		if err != nil {
			return err
		}
		key, _ := webhookKey(id)
		acc, _ := parseID(w.AccountID)
		for _, b := range [][]byte{bWebhookDeliveries, bWebhookDue} {
			if err := deletePrefix(tx.Bucket(b), key); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bAccountWebhooks).Delete(join(acc[:], key)); err != nil {
			return err
		}
		return tx.Bucket(bWebhooks).Delete(key)
	})
}

// deletePrefix deletes every key of b that starts with prefix.
func deletePrefix(b kvBucket, prefix []byte) error {
	c := b.Cursor()
	for k, _ := c.Seek(prefix); bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// AddDeliveries stores deliveries that are not stored yet, each pending
// one in the due index, in one transaction.
func (db *DB) AddDeliveries(ctx context.Context, ds []webhook.Delivery) error {
	return db.update(ctx, func(tx kvTx) error {
		for _, d := range ds {
			dk, ok := deliveryKey(d.WebhookID, d.ID)
			if !ok {
				return catalog.Errorf(catalog.Invalid, "delivery has no valid IDs")
			}
			if tx.Bucket(bWebhookDeliveries).Get(dk) != nil {
				continue
			}
			if err := putDelivery(tx, dk, d); err != nil {
				return err
			}
		}
		return nil
	})
}

// putDelivery writes a delivery and its entry in the due index (pending)
// or the finished index (succeeded or failed).
func putDelivery(tx kvTx, dk []byte, d webhook.Delivery) error {
	if err := putJSON(tx.Bucket(bWebhookDeliveries), dk, d); err != nil {
		return err
	}
	if d.State == webhook.Pending {
		return tx.Bucket(bWebhookDue).Put(deliveryDueKey(dk, d.NextAt), nil)
	}
	return tx.Bucket(bWebhookFinished).Put(finishedKey(dk, d), nil)
}

// finishedKey is finished(8, Unix ns: the last attempt) + webhook + ID, so
// the sweep prunes finished deliveries oldest first.
func finishedKey(dk []byte, d webhook.Delivery) []byte {
	at := d.CreatedAt
	if n := len(d.Attempts); n > 0 {
		at = d.Attempts[n-1].At
	}
	return join(u64(uint64(at.UnixNano())), dk)
}

// PruneDeliveries deletes the deliveries that finished (succeeded or
// failed) before cutoff, and returns how many it deleted: the delivery
// log is kept as long as the change log (--retention).
func (db *DB) PruneDeliveries(ctx context.Context, cutoff time.Time) (int, error) {
	n := 0
	err := db.update(ctx, func(tx kvTx) error {
		c := tx.Bucket(bWebhookFinished).Cursor()
		end := u64(uint64(cutoff.UnixNano()))
		for k, _ := c.First(); k != nil && bytes.Compare(k[:8], end) < 0 && n < 10000; k, _ = c.First() {
			if err := tx.Bucket(bWebhookDeliveries).Delete(bytes.Clone(k[8:])); err != nil {
				return err
			}
			if err := c.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// Delivery returns one delivery of a webhook, or NotFound.
func (db *DB) Delivery(ctx context.Context, webhookID, id string) (webhook.Delivery, error) {
	var d webhook.Delivery
	err := db.view(ctx, func(tx kvTx) error {
		var err error
		d, err = getDelivery(tx, webhookID, id)
		return err
	})
	return d, err
}

func getDelivery(tx kvTx, webhookID, id string) (webhook.Delivery, error) {
	var d webhook.Delivery
	dk, ok := deliveryKey(webhookID, id)
	if !ok {
		return d, notFound("delivery")
	}
	found, err := getJSON(tx.Bucket(bWebhookDeliveries), dk, &d)
	if !found || err != nil {
		return d, orNotFound(err, "delivery")
	}
	return d, nil
}

// Deliveries lists a webhook's deliveries newest first.
func (db *DB) Deliveries(ctx context.Context, webhookID, before string, limit int) ([]webhook.Delivery, string, error) {
	w, ok := parseID(webhookID)
	if !ok {
		return nil, "", notFound("webhook")
	}
	start := join(w[:], bytes.Repeat([]byte{0xff}, deliveryIDLen))
	if before != "" {
		dk, ok := deliveryKey(webhookID, before)
		if !ok {
			return nil, "", errBadCursor
		}
		start = dk
	}
	var out []webhook.Delivery
	next := ""
	err := db.view(ctx, func(tx kvTx) error {
		c := tx.Bucket(bWebhookDeliveries).Cursor()
		k, v := c.Seek(start)
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; bytes.HasPrefix(k, w[:]); k, v = c.Prev() {
			if len(out) == limit {
				next = out[len(out)-1].ID
				break
			}
			var d webhook.Delivery
			if err := json.Unmarshal(v, &d); err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	return out, next, err
}

// DueDeliveries returns up to limit pending deliveries due at now.
func (db *DB) DueDeliveries(ctx context.Context, webhookID string, now time.Time, limit int) ([]webhook.Delivery, error) {
	w, ok := parseID(webhookID)
	if !ok {
		return nil, nil
	}
	var out []webhook.Delivery
	err := db.view(ctx, func(tx kvTx) error {
		c := tx.Bucket(bWebhookDue).Cursor()
		for k, _ := c.Seek(w[:]); bytes.HasPrefix(k, w[:]) && len(out) < limit; k, _ = c.Next() {
			if int64(beUint64(k[idLen:idLen+8])) > now.UnixNano() {
				break
			}
			var d webhook.Delivery
			found, err := getJSON(tx.Bucket(bWebhookDeliveries), join(w[:], k[idLen+8:]), &d)
			if err != nil {
				return err
			}
			if found {
				out = append(out, d)
			}
		}
		return nil
	})
	return out, err
}

// NextDue returns the earliest next attempt of a webhook's pending
// deliveries.
func (db *DB) NextDue(ctx context.Context, webhookID string) (time.Time, bool, error) {
	w, ok := parseID(webhookID)
	if !ok {
		return time.Time{}, false, nil
	}
	var next time.Time
	var found bool
	err := db.view(ctx, func(tx kvTx) error {
		k, _ := tx.Bucket(bWebhookDue).Cursor().Seek(w[:])
		if bytes.HasPrefix(k, w[:]) {
			next, found = time.Unix(0, int64(beUint64(k[idLen:idLen+8]))).UTC(), true
		}
		return nil
	})
	return next, found, err
}

// SaveDelivery replaces a stored delivery and moves its due entry.
func (db *DB) SaveDelivery(ctx context.Context, d webhook.Delivery) error {
	return db.SaveDeliveries(ctx, []webhook.Delivery{d})
}

// SaveDeliveries replaces stored deliveries in one transaction. One that
// is gone (its webhook was deleted meanwhile) is skipped.
func (db *DB) SaveDeliveries(ctx context.Context, ds []webhook.Delivery) error {
	return db.update(ctx, func(tx kvTx) error {
		for _, d := range ds {
			old, err := getDelivery(tx, d.WebhookID, d.ID)
			if catalog.ErrorCode(err) == catalog.NotFound && len(ds) > 1 {
				continue
			}
			if err != nil {
				return err
			}
			dk, _ := deliveryKey(d.WebhookID, d.ID)
			stale, index := deliveryDueKey(dk, old.NextAt), bWebhookDue
			if old.State != webhook.Pending {
				stale, index = finishedKey(dk, old), bWebhookFinished
			}
			if err := tx.Bucket(index).Delete(stale); err != nil {
				return err
			}
			if err := putDelivery(tx, dk, d); err != nil {
				return err
			}
		}
		return nil
	})
}
