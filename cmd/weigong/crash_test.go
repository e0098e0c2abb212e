package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestCrash_WritesSurviveSIGKILL checks API.md part 2, "Writes are atomic",
// from outside, the way a phone on a bad network uses the API: concurrent
// clients write while the real binary is killed with SIGKILL at random
// moments and restarted on the same data directory, and every request
// that got no answer is sent again, unchanged, until one comes. After
// every kill, with the server down, `weigong check` must pass. The crash
// moments and the clients' choices come from a seed the test logs
// (WEIGONG_CRASH_SEED replays it; WEIGONG_CRASHES soaks longer).
//
// The binary is built once and shared by the two subtests, each on its own
// data directory:
//   - posts: cards created with an Idempotency-Key; see testCrashPosts.
//   - patches: cards edited with If-Match and an Idempotency-Key; see
//     testCrashPatches.
func TestCrash_WritesSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it dozens of times")
	}
	bin := weigongBinary(t)
	seed, crashes := crashSeed(t), crashCount(t)
	if onTestPostgres() {
		t.Log("crash test on PostgreSQL + NATS JetStream (WEIGONG_TEST_STORE=postgres)")
	} else {
		t.Log("crash test on bbolt")
	}
	t.Run("posts", func(t *testing.T) { testCrashPosts(t, bin, seed, crashes) })
	t.Run("patches", func(t *testing.T) { testCrashPatches(t, bin, seed, crashes) })
}

// crashCardReply is the part of a Card the crash tests read.
type crashCardReply struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Version *int64 `json:"version"` // absent before API.md part 2
}

// crashPosters is how many clients post cards at once.
const crashPosters = 16

// testCrashPosts: crashPosters clients of one supplier post cards, each
// with a title and an Idempotency-Key of its own that no other request
// uses, and send every unanswered POST again with the same key and body
// until it is answered. Every request is answered in the end, so:
//   - lost: every card named in a 201 is in the supplier's channel and
//     answers GET /v1/cards/{id}, with its title;
//   - duplicated: each title is in the channel exactly once, as the card
//     its 201 named (a retry that created a second card shows up here, or
//     as a 201 naming another card than the first);
//   - no card has a title that was never acknowledged.
func testCrashPosts(t *testing.T, bin string, seed uint64, crashes int) {
	rig := newCrashRig(t, bin)
	sup := rig.proc.signUp(t, "supplier", "crash_poster")
	imageID := rig.proc.upload(t, sup.token)

	var mu sync.Mutex
	acked := map[string]string{} // title → ID of the card its 201 named
	clients := make([]func(context.Context), crashPosters)
	for i := range clients {
		clients[i] = func(ctx context.Context) {
			for n := 0; !rig.isDraining(); n++ {
				title := fmt.Sprintf("post c%02d n%04d", i, n)
				ans, ok := rig.untilAnswered(ctx, crashCall{method: "POST", path: "/v1/cards", token: sup.token,
					body: map[string]any{"title": title, "description": "crash test", "image_ids": []string{imageID},
						"cost_price": 1000, "retail_price": 2000},
					header: []string{"Idempotency-Key", fmt.Sprintf("post-c%02d-n%04d", i, n)}})
				if !ok {
					return
				}
				var card crashCardReply
				if ans.status != http.StatusCreated || json.Unmarshal(ans.body, &card) != nil || card.ID == "" || card.Title != title {
					rig.failf("POST /v1/cards %q = %d %s, want 201 with that card", title, ans.status, ans.body)
					continue
				}
				mu.Lock()
				acked[title] = card.ID
				mu.Unlock()
			}
		}
	}
	rig.loop(rand.New(rand.NewPCG(seed, 0)), crashes, clients)

	// The clients are done and the last run is up: count.
	channel := crashChannel(t, rig, sup)
	extra, twice := 0, []string{}
	for title, ids := range channel {
		if len(ids) > 1 {
			extra += len(ids) - 1
			twice = append(twice, fmt.Sprintf("%q ×%d", title, len(ids)))
		}
		if _, ok := acked[title]; !ok {
			t.Errorf("card %q (%v) is in the channel but no POST of it was acknowledged", title, ids)
		}
	}
	var lost []string
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for title, id := range acked {
		var card crashCardReply
		ans, ok := rig.untilAnswered(ctx, crashCall{method: "GET", path: "/v1/cards/" + id, token: sup.token})
		if !ok {
			t.Fatal("reading the acknowledged cards took over 60 s")
		}
		if ans.status != http.StatusOK || json.Unmarshal(ans.body, &card) != nil || card.Title != title ||
			!slices.Contains(channel[title], id) {
			lost = append(lost, fmt.Sprintf("%q (%s: GET %d)", title, id, ans.status))
		}
	}
	slices.Sort(twice)
	slices.Sort(lost)
	t.Logf("posts: %s; %d cards acknowledged, %d in the channel, %d created twice, %d lost",
		rig.summary(), len(acked), crashChannelSize(channel), extra, len(lost))
	if extra > 0 {
		t.Errorf("%d cards created twice over %d crashes (%.2f a crash): %s",
			extra, rig.crashes, float64(extra)/float64(rig.crashes), crashFirst(twice))
	}
	if len(lost) > 0 {
		t.Errorf("%d acknowledged cards lost: %s", len(lost), crashFirst(lost))
	}
	rig.crash() // and check once more
}

// crashChannel reads the supplier's whole channel: title → card IDs.
func crashChannel(t *testing.T, rig *crashRig, sup rstAccount) map[string][]string {
	t.Helper()
	byTitle := map[string][]string{}
	next := ""
	for page := 0; ; page++ {
		if page > 1000 {
			t.Fatal("the channel did not end after 1,000 pages")
		}
		path := "/v1/suppliers/" + sup.id + "/cards?limit=100"
		if next != "" {
			path += "&before=" + url.QueryEscape(next)
		}
		var list struct {
			Items []crashCardReply `json:"items"`
			Next  string           `json:"next"`
		}
		rig.proc.call(t, http.StatusOK, "GET", path, sup.token, nil, &list)
		for _, c := range list.Items {
			byTitle[c.Title] = append(byTitle[c.Title], c.ID)
		}
		if list.Next == "" {
			return byTitle
		}
		next = list.Next
	}
}

func crashChannelSize(byTitle map[string][]string) int {
	n := 0
	for _, ids := range byTitle {
		n += len(ids)
	}
	return n
}

// crashFirst joins the first ten of a failure list, to keep messages short.
func crashFirst(list []string) string {
	if len(list) > 10 {
		return strings.Join(list[:10], ", ") + fmt.Sprintf(", … (%d more)", len(list)-10)
	}
	return strings.Join(list, ", ")
}

const (
	crashSoloCards   = 8 // cards with one writer each
	crashSharedCards = 4 // cards with two writers each, racing on If-Match
)

// testCrashPatches: clients of one supplier edit cards with PATCH, each
// request carrying `If-Match: <version>` (the card's version as that
// client last saw it) and an Idempotency-Key used by no other request.
// Each patch sets a title no other patch sets, so a card's title says
// which patch made its current version. Eight cards have one writer each;
// four have two writers each, racing on If-Match. A writer goes on from
// the version of the last answer.
//
// What each answer must be, and what the writer does:
//   - 200 to a fresh request: the patch committed once; the reply has
//     version If-Match+1 and the title sent.
//   - 200 to a request sent again after no answer: whether the first
//     attempt committed before the kill or only this one did, the answer
//     is the same (the first result is replayed): version If-Match+1 and
//     the title sent. A patch applied twice would show a version beyond
//     If-Match+1, or, since its second application's If-Match no longer
//     matches, a 412.
//   - 412 precondition_failed: the patch did not commit. For a card with
//     two writers that is the other writer having won; the writer reads
//     the card and goes on from its version. For a card's only writer it
//     can only be a retry of its own committed patch that the server did
//     not recognise (idempotency record lost or not in the same
//     transaction): a failure. The writer then reads the card to carry on.
//   - Stale If-Match: now and then (one patch in five, once a card has
//     been patched) a writer sends If-Match one below the version it
//     knows, with a fresh key. That must be 412, on retries too, and must
//     not change the card.
//   - No answer, and the run that got the request has been killed: the
//     writer sends it again unchanged (the contract's way), or, one time
//     in three and only as a card's only writer, abandons it and reads
//     the card: it must be at the version the writer knew with the title
//     it knew (not applied), or one above with the abandoned patch's
//     title (applied once, counted as committed); anything else is a lost
//     or doubled update. The writer goes on from the version it read.
//
// Every version a 200 or a read names is recorded with the title that made
// it; two patches claiming one version is a lost update. At the end the
// card's version must be its first version plus the number of patches
// known to have committed, every version in between made by a known patch
// (a version nobody was told of is a patch applied twice, or committed
// and then refused on retry), and its title that of the last one.
func testCrashPatches(t *testing.T, bin string, seed uint64, crashes int) {
	rig := newCrashRig(t, bin)
	sup := rig.proc.signUp(t, "supplier", "crash_patcher")
	imageID := rig.proc.upload(t, sup.token)

	var cards []*crashPatchCard
	var writers []*crashWriter
	stats := &crashPatchStats{}
	for i := range crashSoloCards + crashSharedCards {
		c := newCrashPatchCard(t, rig, sup, imageID, i, 1+i/crashSoloCards)
		cards = append(cards, c)
		for w := range c.writers {
			writers = append(writers, &crashWriter{rig: rig, card: c, token: sup.token, w: w, stats: stats,
				rng: clientRNG(seed, 1, len(writers)), known: c.first, title: c.firstTitle})
		}
	}
	clients := make([]func(context.Context), len(writers))
	for i, wr := range writers {
		clients[i] = wr.run
	}
	rig.loop(rand.New(rand.NewPCG(seed, 1)), crashes, clients)

	for _, c := range cards {
		var got crashCardReply
		rig.proc.call(t, http.StatusOK, "GET", "/v1/cards/"+c.id, sup.token, nil, &got)
		c.checkFinal(t, got)
	}
	t.Logf("patches: %s; %d patches acknowledged, %d committed, %d refused with 412 (stale or lost race), "+
		"%d abandoned after no answer and read back (%d of them applied)", rig.summary(), stats.acked.Load(),
		crashCommitted(cards), stats.refused.Load(), stats.abandoned.Load(), stats.abandonedApplied.Load())
	rig.crash() // and check once more
}

// crashPatchStats counts what the patch writers saw, for the log.
type crashPatchStats struct {
	acked, refused, abandoned, abandonedApplied atomic.Int64
}

// crashPatchCard is one card under PATCH and what its writers learnt.
type crashPatchCard struct {
	id, name   string
	writers    int
	first      int64  // version in the create reply
	firstTitle string // title at that version

	mu        sync.Mutex
	committed map[int64]string // version → title of the patch that made it
}

// newCrashPatchCard creates card i with the given number of writers, on
// the first run, before any crash.
func newCrashPatchCard(t *testing.T, rig *crashRig, sup rstAccount, imageID string, i, writers int) *crashPatchCard {
	t.Helper()
	name := fmt.Sprintf("card%02d", i)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ans, ok := rig.untilAnswered(ctx, crashCall{method: "POST", path: "/v1/cards", token: sup.token,
		body: map[string]any{"title": name, "description": "crash test", "image_ids": []string{imageID},
			"cost_price": 1000, "retail_price": 2000}})
	var card crashCardReply
	if !ok || ans.status != http.StatusCreated || json.Unmarshal(ans.body, &card) != nil {
		t.Fatalf("POST /v1/cards = %d %s", ans.status, ans.body)
	}
	if card.Version == nil {
		t.Fatalf(`POST /v1/cards answered a card without "version" (API.md part 2, "Writes are atomic"): %s`, ans.body)
	}
	return &crashPatchCard{id: card.ID, name: name, writers: writers, first: *card.Version, firstTitle: name,
		committed: map[int64]string{}}
}

// commit records that the patch titled title made version v.
func (c *crashPatchCard) commit(rig *crashRig, v int64, title string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.committed[v]; ok && old != title {
		rig.failf("%s: version %d made by both %q and %q: a lost update", c.name, v, old, title)
	}
	c.committed[v] = title
}

// checkFinal compares the card as read at the end with what its writers
// were told.
func (c *crashPatchCard) checkFinal(t *testing.T, got crashCardReply) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if got.Version == nil {
		t.Errorf("%s: no version at the end", c.name)
		return
	}
	v := *got.Version
	var unknown []string
	for w := c.first + 1; w <= v; w++ {
		if _, ok := c.committed[w]; !ok {
			unknown = append(unknown, strconv.FormatInt(w, 10))
		}
	}
	if want := c.first + int64(len(c.committed)); v != want || len(unknown) > 0 {
		t.Errorf("%s: version %d at the end, want %d (%d + %d committed patches); versions no client was told of: [%s]",
			c.name, v, want, c.first, len(c.committed), strings.Join(unknown, " "))
	}
	want, ok := c.committed[v]
	if v == c.first {
		want, ok = c.firstTitle, true
	}
	if ok && got.Title != want {
		t.Errorf("%s: title %q at version %d, want %q, the last committed patch's", c.name, got.Title, v, want)
	}
}

func crashCommitted(cards []*crashPatchCard) int {
	n := 0
	for _, c := range cards {
		c.mu.Lock()
		n += len(c.committed)
		c.mu.Unlock()
	}
	return n
}

// crashWriter is one client patching one card.
type crashWriter struct {
	rig   *crashRig
	card  *crashPatchCard
	token string
	w     int
	rng   *rand.Rand
	stats *crashPatchStats
	known int64  // the card's version as this writer last saw it
	title string // the card's title at known
}

func (wr *crashWriter) run(ctx context.Context) {
	for n := 0; !wr.rig.isDraining(); n++ {
		if !wr.patch(ctx, n) {
			return
		}
	}
}

// patch sends the writer's patch number n and settles what it did, as the
// cases in testCrashPatches's comment say. It returns false when the
// writer cannot go on (ctx ended, or a reply without version).
func (wr *crashWriter) patch(ctx context.Context, n int) bool {
	c, rig := wr.card, wr.rig
	stale := wr.known > c.first && wr.rng.IntN(5) == 0
	ifMatch := wr.known
	title := fmt.Sprintf("%s w%d n%04d", c.name, wr.w, n)
	if stale {
		ifMatch--
		title += " stale"
	}
	call := crashCall{method: "PATCH", path: "/v1/cards/" + c.id, token: wr.token,
		body:   map[string]any{"title": title, "retail_price": 2000 + n},
		header: []string{"If-Match", strconv.FormatInt(ifMatch, 10), "Idempotency-Key", strings.ReplaceAll(title, " ", "-")}}
	var ans crashAnswer
	for {
		a, run, ok, err := rig.try(ctx, call)
		if err != nil {
			return false
		}
		if ok {
			ans = a
			break
		}
		rig.pause(ctx)
		if c.writers == 1 && !stale && wr.rng.IntN(3) == 0 {
			// Give up only once the run that got the request is dead:
			// a live one might still commit it after the read.
			_, now, err := rig.current(ctx)
			if err != nil {
				return false
			}
			if now > run {
				wr.stats.abandoned.Add(1)
				return wr.reconcile(ctx, ifMatch, title)
			}
		}
	}
	switch ans.status {
	case http.StatusOK:
		var got crashCardReply
		if json.Unmarshal(ans.body, &got) != nil || got.Version == nil {
			rig.failf("PATCH %q = 200 without a version: %s", title, ans.body)
			return false
		}
		if stale {
			rig.failf("PATCH %q with stale If-Match %d (the card was at %d) = 200, want 412", title, ifMatch, wr.known)
		} else if *got.Version != ifMatch+1 || got.Title != title {
			rig.failf("PATCH %q If-Match %d = version %d, title %q; want version %d and the title sent",
				title, ifMatch, *got.Version, got.Title, ifMatch+1)
		}
		wr.stats.acked.Add(1)
		c.commit(rig, *got.Version, got.Title)
		wr.known, wr.title = *got.Version, got.Title
		return true
	case http.StatusPreconditionFailed:
		wr.stats.refused.Add(1)
		var e struct {
			Error struct{ Code string } `json:"error"`
		}
		if json.Unmarshal(ans.body, &e) != nil || e.Error.Code != "precondition_failed" {
			rig.failf("PATCH %q = 412 %s, want code precondition_failed", title, ans.body)
		}
		if c.writers == 1 && !stale {
			rig.failf("PATCH %q If-Match %d = 412, but this client is the card's only writer and %d was its version: "+
				"a retry of a committed patch must replay its 200", title, ifMatch, ifMatch)
			return wr.reconcile(ctx, ifMatch, title)
		}
		return wr.reread(ctx, c.writers == 1)
	default:
		rig.failf("PATCH %q If-Match %d = %d %s, want 200 or 412", title, ifMatch, ans.status, ans.body)
		if c.writers == 1 {
			return wr.reconcile(ctx, ifMatch, title)
		}
		return wr.reread(ctx, false)
	}
}

// read gets the card as it is now.
func (wr *crashWriter) read(ctx context.Context) (int64, string, bool) {
	var got crashCardReply
	if !wr.rig.get(ctx, "/v1/cards/"+wr.card.id, wr.token, &got) {
		return 0, "", false
	}
	if got.Version == nil {
		wr.rig.failf("GET /v1/cards/%s: no version", wr.card.id)
		return 0, "", false
	}
	return *got.Version, got.Title, true
}

// reread goes on from the card as it is now, after a refused patch. When
// unchanged is true (a card's only writer), the refusal must have left the
// card as the writer knew it.
func (wr *crashWriter) reread(ctx context.Context, unchanged bool) bool {
	v, title, ok := wr.read(ctx)
	if !ok {
		return false
	}
	if unchanged && (v != wr.known || title != wr.title) {
		wr.rig.failf("%s: a refused patch moved the card from version %d %q to %d %q",
			wr.card.name, wr.known, wr.title, v, title)
	}
	wr.known, wr.title = v, title
	return true
}

// reconcile settles, for a card's only writer, a patch whose outcome it
// was not told: the card must show it not applied or applied once.
func (wr *crashWriter) reconcile(ctx context.Context, ifMatch int64, sent string) bool {
	v, title, ok := wr.read(ctx)
	if !ok {
		return false
	}
	switch {
	case v == ifMatch && title == wr.title:
	case v == ifMatch+1 && title == sent:
		wr.stats.abandonedApplied.Add(1)
		wr.card.commit(wr.rig, v, title)
	default:
		wr.rig.failf("%s after patch %q (If-Match %d) went unanswered: version %d %q; want %d %q (not applied) or %d %q (applied once)",
			wr.card.name, sent, ifMatch, v, title, ifMatch, wr.title, ifMatch+1, sent)
	}
	wr.known, wr.title = v, title
	return true
}
