package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// scenario is one fan-out load: subs subscribers of one publisher, pubs
// publications one after another with pause between them (none: back to
// back, each sent as soon as the previous one was answered).
type scenario struct {
	subs, pubs int
	pause      time.Duration
	idleRSS    bool // measure RSS per idle connection before publishing
	// group, when set, names subscriber i's group (the cluster's node it
	// is on); each group's latencies are kept apart in fanoutResult.byGroup.
	group func(i int) string
}

func (sc scenario) String() string {
	if sc.pause == 0 {
		return fmt.Sprintf("%d × %d back to back", sc.subs, sc.pubs)
	}
	return fmt.Sprintf("%d × %d at %s spacing", sc.subs, sc.pubs, sc.pause)
}

// fanoutResult is one scenario on one server.
type fanoutResult struct {
	delivered, missing int
	closed             int // subscribers whose socket ended early
	perSecond          float64
	// p50, p99 and max run from sending a publication to each receipt,
	// the one clock both servers share; ackP99 from its answer instead.
	p50, p99, max time.Duration
	ackP99        time.Duration
	pubMean       time.Duration // publish round trip while fanning out
	pubP99        time.Duration
	rssIdleKiB    float64
	// serverCPU and clientCPU are CPU time (user + system) per delivery
	// from the first publication to the last receipt: on a shared machine
	// they move much less than the rates do.
	serverCPU, clientCPU time.Duration
	frameBytes           int    // mean websocket message size received
	sample               []byte // one delivered message, to give Centrifugo the same bytes
	// byGroup holds each delivery's latency from the publication's answer,
	// by scenario.group; nil when the scenario has no groups.
	byGroup map[string][]time.Duration
}

// subscriber is one socket. Only its reader goroutine writes got; the
// scenario reads it after wg.Wait.
type subscriber struct {
	conn *websocket.Conn
	got  map[string]time.Time // card ID → receipt time
}

var cardIDPrefix = []byte(`"card":{"id":"`)

// cardIDs finds the card IDs in a message without decoding it: the client
// shares two cores with the server, so a JSON decode of every message
// would take CPU from the thing being measured. A Centrifugo message may
// hold several publications, one per line.
func cardIDs(msg []byte, ids []string) []string {
	for {
		i := bytes.Index(msg, cardIDPrefix)
		if i < 0 {
			return ids
		}
		msg = msg[i+len(cardIDPrefix):]
		j := bytes.IndexByte(msg, '"')
		if j <= 0 {
			return ids
		}
		ids = append(ids, string(msg[:j]))
		msg = msg[j:]
	}
}

// hasPing reports whether a Centrifugo message holds its ping, "{}".
func hasPing(msg []byte) bool {
	for _, line := range bytes.Split(msg, []byte("\n")) {
		if string(line) == "{}" {
			return true
		}
	}
	return false
}

// runScenario connects sc.subs subscribers, optionally measures the
// server's RSS per idle connection, publishes sc.pubs times and collects
// every subscriber's receipts; it disconnects everyone before returning.
func runScenario(t target, sc scenario) (fanoutResult, error) {
	var res fanoutResult
	before, err := rssKiB(t.pid())
	if err != nil {
		return res, err
	}
	subs, err := connectAll(t, sc.subs)
	defer func() {
		for _, s := range subs {
			if s != nil {
				s.conn.Close()
			}
		}
	}()
	if err != nil {
		return res, err
	}
	if sc.idleRSS {
		time.Sleep(2 * time.Second) // let the server settle into idle
		idle, err := rssKiB(t.pid())
		if err != nil {
			return res, err
		}
		res.rssIdleKiB = float64(idle-before) / float64(len(subs))
	}

	want := int64(sc.subs * sc.pubs)
	var received, closed, bytesIn, messages atomic.Int64
	allIn := make(chan struct{})
	var sampleOnce sync.Once
	var wg sync.WaitGroup
	for _, s := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ids []string
			for {
				_, msg, err := s.conn.ReadMessage()
				if err != nil {
					closed.Add(1)
					return
				}
				at := time.Now()
				bytesIn.Add(int64(len(msg)))
				messages.Add(1)
				if t.answersPings() && hasPing(msg) {
					s.conn.WriteMessage(websocket.TextMessage, []byte("{}"))
				}
				ids = cardIDs(msg, ids[:0])
				if len(ids) > 0 {
					sampleOnce.Do(func() { res.sample = bytes.Clone(msg) })
				}
				for _, id := range ids {
					if _, dup := s.got[id]; !dup {
						s.got[id] = at
						if received.Add(1) == want {
							close(allIn)
						}
					}
				}
			}
		}()
	}

	sent := map[string]time.Time{}
	acked := map[string]time.Time{}
	var rtts []time.Duration
	serverBefore, err := processCPU(t.pid())
	if err != nil {
		return res, err
	}
	clientBefore := selfCPU()
	first := time.Now()
	for i := range sc.pubs {
		t0 := time.Now()
		id, err := t.publish(i)
		if err != nil {
			return res, err
		}
		at := time.Now()
		sent[id], acked[id] = t0, at
		rtts = append(rtts, at.Sub(t0))
		if sc.pause > 0 {
			time.Sleep(sc.pause)
		}
	}
	select {
	case <-allIn:
	case <-time.After(30 * time.Second):
		progress("%s: gave up waiting, %d of %d deliveries", t.name(), received.Load(), want)
	}
	serverAfter, err := processCPU(t.pid())
	if err != nil {
		return res, err
	}
	clientAfter := selfCPU()
	res.closed = int(closed.Load())
	for _, s := range subs {
		s.conn.Close()
	}
	wg.Wait()
	if n := messages.Load(); n > 0 {
		res.frameBytes = int(bytesIn.Load() / n)
	}

	var fromSend, fromAck []time.Duration
	var last time.Time
	if sc.group != nil {
		res.byGroup = map[string][]time.Duration{}
	}
	for i, s := range subs {
		for id, at := range s.got {
			t0, ok := sent[id]
			if !ok {
				continue
			}
			fromSend = append(fromSend, at.Sub(t0))
			fromAck = append(fromAck, at.Sub(acked[id]))
			if sc.group != nil {
				g := sc.group(i)
				res.byGroup[g] = append(res.byGroup[g], at.Sub(acked[id]))
			}
			if at.After(last) {
				last = at
			}
		}
	}
	res.delivered = len(fromSend)
	res.missing = int(want) - res.delivered
	var total time.Duration
	for _, d := range rtts {
		total += d
	}
	res.pubMean = total / time.Duration(len(rtts))
	_, res.pubP99, _ = percentiles(rtts)
	if res.delivered > 0 {
		res.serverCPU = (serverAfter - serverBefore) / time.Duration(res.delivered)
		res.clientCPU = (clientAfter - clientBefore) / time.Duration(res.delivered)
		res.perSecond = float64(res.delivered) / last.Sub(first).Seconds()
		res.p50, res.p99, res.max = percentiles(fromSend)
		_, res.ackP99, _ = percentiles(fromAck)
	}
	return res, nil
}

// connectAll opens n subscribers, 32 at a time.
func connectAll(t target, n int) ([]*subscriber, error) {
	subs := make([]*subscriber, n)
	dialer := &websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 512}
	sem := make(chan struct{}, 32)
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	start := time.Now()
	var done atomic.Int64
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			c, err := t.dial(dialer, i)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if first == nil {
					first = fmt.Errorf("%s socket %d: %w", t.name(), i, err)
				}
				return
			}
			subs[i] = &subscriber{conn: c, got: map[string]time.Time{}}
			if k := done.Add(1); k%1000 == 0 {
				progress("%s: %d/%d sockets subscribed (%s)", t.name(), k, n, time.Since(start).Round(time.Millisecond))
			}
		}()
	}
	wg.Wait()
	return subs, first
}

// publishAlone times n publications, with pause after each, with no
// subscriber connected: the baseline of the write path.
func publishAlone(t target, n int, pause time.Duration) ([]time.Duration, error) {
	var rtts []time.Duration
	for i := range n {
		t0 := time.Now()
		if _, err := t.publish(1_000_000 + i); err != nil {
			return nil, err
		}
		rtts = append(rtts, time.Since(t0))
		time.Sleep(pause)
	}
	return rtts, nil
}

// rssKiB reads a process's resident set size from /proc.
func rssKiB(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			return strconv.ParseInt(f[1], 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// processCPU is a process's user + system CPU time so far, from
// /proc/PID/stat (fields 14 and 15, in clock ticks of 10 ms).
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; count from its ')'.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("parsing /proc/%d/stat", pid)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// selfCPU is this process's (the load client's) user + system CPU time.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
