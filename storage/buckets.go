package storage

// Bucket names. Indexes are flat buckets of composite keys whose first
// part is the owner's ID, so "the index of supplier S" is the key range
// with prefix S.
var (
	// bMeta holds the log ID and the pruning horizon.
	bMeta = []byte("meta")

	bAccounts = []byte("accounts") // account ID → binary account (accountrecord.go)
	bHandles  = []byte("handles")  // handle → account ID

	bSessions      = []byte("sessions")       // token hash → sessionRecord
	bSessionExpiry = []byte("session_expiry") // expires(8) + token hash → nil

	bImages = []byte("images") // image ID → imageRecord

	// bCards keeps every card, withdrawn ones too: share pages must still
	// tell a withdrawn card (410) from one that never existed (404).
	bCards = []byte("cards") // card ID → binary card (cardrecord.go)
	// bSupplierCards indexes the live cards only, per supplier.
	bSupplierCards = []byte("supplier_cards") // supplier + card ID → nil
	// bLiveCards is every live card in ID (so time) order: the timeline a
	// feed read can walk when the followed suppliers post densely.
	bLiveCards = []byte("live_cards") // card ID → supplier ID
	// bWithdrawnCards orders withdrawn cards by withdrawal time, so the
	// sweep can purge those older than the retention (PurgeWithdrawnCards).
	bWithdrawnCards = []byte("withdrawn_cards") // withdrawn(8) + card ID → nil
	// bCardRelease orders cards in their early-access window by its end.
	bCardRelease = []byte("card_release") // release(8) + card ID → nil

	bFollows   = []byte("follows")   // supplier + distributor → followRecord
	bFollowing = []byte("following") // distributor + supplier → copy of the followRecord
	// bFollowers pages a supplier's followers per state, newest first.
	bFollowers = []byte("followers") // supplier + state(1) + since(8) + distributor → nil

	// bChanges is the global change log; its bucket sequence is the one
	// counter that gives every change its Seq.
	bChanges            = []byte("changes")             // seq(8) → changeRecord
	bSupplierChanges    = []byte("supplier_changes")    // supplier + seq → nil (card changes)
	bDistributorChanges = []byte("distributor_changes") // distributor + seq → nil (follow changes)

	// bEarnedLevels lists the follows holding a level earned by purchases,
	// which the sweep reassesses as purchases leave the 90-day window.
	bEarnedLevels = []byte("earned_levels") // supplier + distributor → nil

	// bRelayCursors keeps each durable tailer's position in the log.
	bRelayCursors = []byte("relay_cursors") // tailer name → seq(8)

	// App keys (catalog/appkeys.go): the record under the key's hash, and
	// each account's keys in creation order.
	bAppKeys        = []byte("app_keys")         // key hash → appKeyRecord
	bAccountAppKeys = []byte("account_app_keys") // account + key ID → key hash

	// Webhooks (webhooks.go): each account's endpoints, and per endpoint
	// its deliveries and the pending ones by next attempt.
	bWebhooks          = []byte("webhooks")           // webhook ID → JSON webhook
	bAccountWebhooks   = []byte("account_webhooks")   // account + webhook ID → nil
	bWebhookDeliveries = []byte("webhook_deliveries") // webhook + delivery ID(12) → JSON delivery
	bWebhookDue        = []byte("webhook_due")        // webhook + next(8) + delivery ID(12) → nil
	bWebhookFinished   = []byte("webhook_finished")   // finished(8) + webhook + delivery ID(12) → nil

	bIdempotency     = []byte("idempotency")         // account ID + 0 + key → idempotencyRecord
	bIdempotencyTime = []byte("idempotency_created") // created(8) + account ID + 0 + key → nil
)

// Keys in bMeta.
var (
	keyLogID   = []byte("log_id")
	keyHorizon = []byte("horizon")
)

var allBuckets = [][]byte{
	bMeta, bAccounts, bHandles, bSessions, bSessionExpiry, bImages,
	bCards, bSupplierCards, bLiveCards, bWithdrawnCards, bFollows, bFollowing, bFollowers,
	bChanges, bSupplierChanges, bDistributorChanges, bRelayCursors,
	bIdempotency, bIdempotencyTime, bAppKeys, bAccountAppKeys,
	bWebhooks, bAccountWebhooks, bWebhookDeliveries, bWebhookDue, bWebhookFinished,
}
