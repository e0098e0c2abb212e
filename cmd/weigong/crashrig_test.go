package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The crash tests' rig: the real binary on one data directory, killed
// with SIGKILL at moments drawn from a logged seed, checked with `weigong
// check` while it is down, and restarted; its clients send each request
// again, byte for byte, until some run of the binary answers it.

// crashUpMax bounds how long one run of the binary lives before it is
// killed; each run lives a uniform random time in [0, crashUpMax), so some
// kills land while the clients' retries of the last crash are in flight.
const crashUpMax = 300 * time.Millisecond

// crashDrainTimeout bounds how long the clients may take, after the last
// restart, to get an answer to what they had sent.
const crashDrainTimeout = 90 * time.Second

// crashSeed is WEIGONG_CRASH_SEED when set, to replay a failure's crash
// moments and client choices, and otherwise the clock. Goroutine
// scheduling is not replayed, so a seed reproduces the shape of a run, not
// every interleaving.
func crashSeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("WEIGONG_CRASH_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("WEIGONG_CRASH_SEED=%q: %v", s, err)
		}
		seed = v
	}
	t.Logf("crash seed %d (rerun with WEIGONG_CRASH_SEED=%d)", seed, seed)
	return seed
}

// crashCount is how many times each crash test kills the binary: 24, or
// WEIGONG_CRASHES for a longer soak.
func crashCount(t *testing.T) int {
	t.Helper()
	if s := os.Getenv("WEIGONG_CRASHES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("WEIGONG_CRASHES=%q: want a positive integer", s)
		}
		return n
	}
	return 24
}

// crashRig runs the binary on one data directory. Clients reach the
// current run through it: the address changes at every restart, since the
// binary listens on 127.0.0.1:0.
type crashRig struct {
	t    *testing.T
	bin  string
	data string
	web  *http.Client
	proc *rstProc // the current run; only the conductor touches it

	mu       sync.Mutex
	addr     string        // host:port of the current run; "" while it is down
	run      int           // runs started so far
	changed  chan struct{} // closed and replaced whenever addr changes
	draining bool          // after the last restart: finish what was sent, send nothing new

	crashes    int          // kills so far; only the conductor touches it
	unanswered atomic.Int64 // attempts that got no complete answer
	failures   atomic.Int64 // contract violations seen by clients
}

// newCrashRig starts the first run on a fresh data directory.
func newCrashRig(t *testing.T, bin string) *crashRig {
	transport := &http.Transport{MaxIdleConnsPerHost: 32}
	r := &crashRig{t: t, bin: bin, data: t.TempDir(), changed: make(chan struct{}),
		web: &http.Client{Transport: transport, Timeout: 20 * time.Second}}
	t.Cleanup(transport.CloseIdleConnections)
	r.start()
	return r
}

func (r *crashRig) setAddr(addr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addr = addr
	if addr != "" {
		r.run++
	}
	close(r.changed)
	r.changed = make(chan struct{})
}

func (r *crashRig) start() {
	r.proc = rstStart(r.t, r.bin, r.data)
	r.setAddr(r.proc.addr)
}

// crash marks the binary down, so that no client sends to it any more,
// kills it and checks the database file while nothing holds it.
func (r *crashRig) crash() {
	r.setAddr("")
	r.proc.kill(r.t)
	r.crashes++
	r.check()
}

// check runs `weigong check` on the data directory; the server must be
// down (bbolt locks the file for one process). On PostgreSQL there is no
// file to check: the server recovers its own write-ahead log, and what
// the rig checks of the data (nothing acknowledged lost, nothing doubled)
// is the same on both engines.
func (r *crashRig) check() {
	r.t.Helper()
	if _, ok := pgStores.Load(r.data); ok {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, r.bin, "check", "--data", r.data).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		r.t.Fatalf("weigong check after crash %d: %v\n%s", r.crashes, err, out)
	}
}

func (r *crashRig) isDraining() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.draining
}

// current waits (bounded by ctx) until a run is up and returns its address
// and number.
func (r *crashRig) current(ctx context.Context) (string, int, error) {
	for {
		r.mu.Lock()
		addr, run, changed := r.addr, r.run, r.changed
		r.mu.Unlock()
		if addr != "" {
			return addr, run, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return "", 0, ctx.Err()
		}
	}
}

// failf records a contract violation seen by a client goroutine. Only the
// first twenty are printed; the count is reported at the end.
func (r *crashRig) failf(format string, args ...any) {
	n := r.failures.Add(1)
	switch {
	case n <= 20:
		r.t.Errorf(format, args...)
	case n == 21:
		r.t.Errorf("further contract violations counted, not printed")
	}
}

// loop runs the clients while it kills and restarts the binary crashes
// times, each run living a random time drawn from rng; then it lets the
// clients finish what they had sent, on the last run, which stays up.
func (r *crashRig) loop(rng *rand.Rand, crashes int, clients []func(context.Context)) {
	r.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	// A Fatalf below (a run that does not start, a failed check) must not
	// leave clients logging after the test has ended.
	defer func() { cancel(); wg.Wait() }()
	for _, client := range clients {
		wg.Go(func() { client(ctx) })
	}
	for range crashes {
		time.Sleep(time.Duration(rng.Int64N(int64(crashUpMax))))
		r.crash()
		r.start()
	}
	r.mu.Lock()
	r.draining = true
	r.mu.Unlock()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(crashDrainTimeout):
		r.t.Fatalf("clients still had unanswered requests %v after the last restart", crashDrainTimeout)
	}
}

// crashCall is one request as a client means it.
type crashCall struct {
	method, path, token string
	body                any
	header              []string // name, value pairs
}

// crashAnswer is a complete answer from some run of the binary.
type crashAnswer struct {
	status int
	body   []byte
}

// try sends call once to the current run. ok is false when no complete
// answer came back (refused, reset, timed out, body cut off); run is the
// run it went to. err is set only when ctx ended.
func (r *crashRig) try(ctx context.Context, call crashCall) (ans crashAnswer, run int, ok bool, err error) {
	addr, run, err := r.current(ctx)
	if err != nil {
		return crashAnswer{}, 0, false, err
	}
	var body io.Reader
	if call.body != nil {
		js, err := json.Marshal(call.body)
		if err != nil {
			panic(err) // the tests' own maps and strings always marshal
		}
		body = bytes.NewReader(js)
	}
	req, err := http.NewRequestWithContext(ctx, call.method, "http://"+addr+call.path, body)
	if err != nil {
		panic(err) // a malformed URL is a bug in the test
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if call.token != "" {
		req.Header.Set("Authorization", "Bearer "+call.token)
	}
	for i := 0; i+1 < len(call.header); i += 2 {
		req.Header.Set(call.header[i], call.header[i+1])
	}
	resp, err := r.web.Do(req)
	if err != nil {
		r.unanswered.Add(1)
		return crashAnswer{}, run, false, ctx.Err()
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		r.unanswered.Add(1)
		return crashAnswer{}, run, false, ctx.Err()
	}
	return crashAnswer{status: resp.StatusCode, body: data}, run, true, nil
}

// pause waits a little between two attempts of one request, so that a
// client whose request failed on a live run does not spin.
func (r *crashRig) pause(ctx context.Context) {
	select {
	case <-time.After(20 * time.Millisecond):
	case <-ctx.Done():
	}
}

// untilAnswered sends call again, unchanged, until some run answers it.
// ok is false only when ctx ended first.
func (r *crashRig) untilAnswered(ctx context.Context, call crashCall) (crashAnswer, bool) {
	for {
		ans, _, ok, err := r.try(ctx, call)
		if err != nil {
			return crashAnswer{}, false
		}
		if ok {
			return ans, true
		}
		r.pause(ctx)
	}
}

// get reads path as token until some run answers, and decodes a 200 into
// out. It is how clients learn the state after a crash; ok is false when
// ctx ended or the answer was not a 200 (recorded as a failure).
func (r *crashRig) get(ctx context.Context, path, token string, out any) bool {
	ans, ok := r.untilAnswered(ctx, crashCall{method: "GET", path: path, token: token})
	if !ok {
		return false
	}
	if ans.status != http.StatusOK {
		r.failf("GET %s = %d: %s", path, ans.status, ans.body)
		return false
	}
	if err := json.Unmarshal(ans.body, out); err != nil {
		r.failf("GET %s: decoding %s: %v", path, ans.body, err)
		return false
	}
	return true
}

// clientRNG is client i's own random stream, derived from the seed.
func clientRNG(seed uint64, stream, i int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(stream*1000+i+1)))
}

// summary is the line each crash test logs, pass or fail.
func (r *crashRig) summary() string {
	return fmt.Sprintf("%d crashes, %d attempts unanswered and sent again, %d contract violations",
		r.crashes, r.unanswered.Load(), r.failures.Load())
}
