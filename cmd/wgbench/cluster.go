package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"

	"github.com/weigong/weigong/storage"
)

// clusterConfig is what `wgbench cluster` flags set.
type clusterConfig struct {
	bin, out  string
	pg        *pgServer
	runs      int
	followers int
	posts     int           // paced posts for the latency scenario
	pace      time.Duration // pause after each of them
	capPosts  int           // back-to-back posts for the CPU scenario
	posters   int           // concurrent posters for posts/s
	duration  time.Duration // how long they post, per store and run
}

// clusterRun is one run's figures.
type clusterRun struct {
	load string
	// latency: followers spread over A, B and C, posts through A.
	latency fanoutResult
	// capacity: followers all on B, posts back to back through A.
	capacity fanoutResult
	// CPU per change of node A (which takes the POSTs and relays) and of
	// node C (no followers: it only consumes the bus); per delivery of B
	// net of C's per-change cost.
	writerPerPost, consumerPerChange, perDelivery time.Duration
	idleC                                         float64 // node C's idle CPU, seconds per second
	// posts/s through HTTP on one node, per store.
	postgres, bbolt readResult
}

var natsReady = regexp.MustCompile(`JetStream on (nats://\S+)`)

// clusterMain is `wgbench cluster`: three weigong nodes on one PostgreSQL
// database and one NATS JetStream server on loopback, for the figures of
// issue 12 in the "Scale-out (issue 12)" section of docs/BENCHMARKS.md.
func clusterMain(args []string) error {
	var c clusterConfig
	fs := flag.NewFlagSet("cluster", flag.ContinueOnError)
	fs.StringVar(&c.bin, "bin", "bin/weigong", "the weigong binary to measure")
	var pgURL string
	fs.StringVar(&pgURL, "pg", os.Getenv("WEIGONG_TEST_POSTGRES"), "postgres:// URL of a server where a fresh database is created per run (default $WEIGONG_TEST_POSTGRES, as `withpg` sets it)")
	fs.IntVar(&c.runs, "runs", 3, "runs; medians are quoted")
	fs.IntVar(&c.followers, "followers", 300, "followers of the one supplier, seeded straight into the database")
	fs.IntVar(&c.posts, "posts", 200, "latency: cards posted through node A, one every -pace")
	fs.DurationVar(&c.pace, "pace", 50*time.Millisecond, "latency: pause after each card")
	fs.IntVar(&c.capPosts, "cpu-posts", 600, "CPU per delivery: cards posted back to back through A to followers all on B")
	fs.IntVar(&c.posters, "posters", 8, "posts/s: concurrent posters on one node")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "posts/s: time per store per run")
	fs.StringVar(&c.out, "out", "docs/BENCHMARKS.md", `markdown file whose "Scale-out (issue 12)" section is replaced ("" = print only)`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if pgURL == "" {
		return fmt.Errorf("no PostgreSQL: run under `go run ./cmd/withpg --` or pass -pg postgres://…")
	}
	if c.runs < 1 || c.followers < 3 || c.posts < 1 || c.capPosts < 1 || c.posters < 1 {
		return fmt.Errorf("runs, posts, cpu-posts and posters must be positive, followers at least 3")
	}
	if _, err := raiseFileLimit(); err != nil {
		return err
	}
	pg, err := connectPG(pgURL)
	if err != nil {
		return err
	}
	defer pg.close()
	c.pg = pg
	// Nodes sharing a database must share its secret key; the children
	// inherit it.
	key := make([]byte, 32)
	rand.Read(key)
	os.Setenv("WEIGONG_SECRET_KEY", hex.EncodeToString(key))

	var rs []clusterRun
	for i := range c.runs {
		r := clusterRun{load: loadAverage()}
		progress("cluster run %d/%d (load average %s)", i+1, c.runs, r.load)
		if err := runCluster(c, &r); err != nil {
			return err
		}
		// The stores take turns going first.
		stores := []func() error{
			func() (err error) { r.postgres, err = runPostsPostgres(c); return },
			func() (err error) { r.bbolt, err = runPostsBolt(c); return },
		}
		if i%2 == 1 {
			stores[0], stores[1] = stores[1], stores[0]
		}
		for _, f := range stores {
			if err := f(); err != nil {
				return err
			}
		}
		progress("posts/s: PostgreSQL %.0f (p99 %s, %d errors), bbolt %.0f (p99 %s, %d errors)",
			r.postgres.rps, ms(r.postgres.p99), r.postgres.errors, r.bbolt.rps, ms(r.bbolt.p99), r.bbolt.errors)
		rs = append(rs, r)
	}
	ri := runInfo{command: "go run ./cmd/withpg -- go run ./cmd/wgbench cluster " + strings.Join(args, " "),
		date: time.Now().UTC().Format("2006-01-02"), runs: c.runs, loads: pick(rs, func(r clusterRun) string { return r.load })}
	sec := clusterSection(ri, c, rs)
	fmt.Print(sec)
	if c.out == "" {
		return nil
	}
	return replaceSections(c.out, sec)
}

// runCluster starts NATS and three nodes on a fresh database, measures
// cross-node latency with followers on every node, then CPU costs with
// followers on B only, and stops everything it started.
func runCluster(c clusterConfig, r *clusterRun) error {
	tmp, err := os.MkdirTemp("", "wgbench-cluster-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	db, drop, err := c.pg.createDatabase()
	if err != nil {
		return err
	}
	defer drop()
	data, err := seedPostgres(db, c.followers)
	if err != nil {
		return err
	}
	bus, err := startChild(c.bin, natsReady, "nats", "--addr", "127.0.0.1:0", "--dir", tmp+"/nats")
	if err != nil {
		return fmt.Errorf("starting NATS: %w", err)
	}
	defer bus.stop()
	var nodes []*server
	defer func() {
		for _, n := range nodes {
			n.stop()
		}
	}()
	for _, name := range nodeNames {
		n, err := startServer(c.bin, tmp+"/"+name, "--store", db, "--bus", bus.addr, "--blobs", tmp+"/blobs")
		if err != nil {
			return fmt.Errorf("starting node %s: %w", name, err)
		}
		nodes = append(nodes, n)
	}

	spread := &clusterTarget{nodes: nodes, data: data, on: func(i int) int { return i % 3 }}
	sc := scenario{subs: c.followers, pubs: c.posts, pause: c.pace, group: func(i int) string { return nodeNames[i%3] }}
	if r.latency, err = runScenario(spread, sc); err != nil {
		return fmt.Errorf("cluster latency: %w", err)
	}
	same, cross := sameAndCross(r.latency)
	progress("cluster latency from answer: same node p50 %s p99 %s, cross-node p50 %s p99 %s, missing %d",
		ms(same.p50), ms(same.p99), ms(cross.p50), ms(cross.p99), r.latency.missing)

	// CPU: A takes the POSTs, B fans out to every follower, C has no
	// follower and only consumes the bus. C's CPU per change is what every
	// node pays per change whatever its followers. Each node's idle CPU
	// (timers, polls) is measured first and taken out.
	pids := pick(nodes, func(n *server) int { return n.cmd.Process.Pid })
	idle, err := cpuRates(pids, 4*time.Second)
	if err != nil {
		return err
	}
	before, err := cpuTimes(pids)
	if err != nil {
		return err
	}
	start := time.Now()
	onB := &clusterTarget{nodes: nodes, data: data, on: func(int) int { return 1 }, measured: 1}
	if r.capacity, err = runScenario(onB, scenario{subs: c.followers, pubs: c.capPosts, pause: 0}); err != nil {
		return fmt.Errorf("cluster CPU: %w", err)
	}
	wall := time.Since(start).Seconds()
	after, err := cpuTimes(pids)
	if err != nil {
		return err
	}
	busy := func(node int, d time.Duration, seconds float64) time.Duration {
		return d - time.Duration(idle[node]*seconds*float64(time.Second))
	}
	aBusy := busy(0, after[0]-before[0], wall)
	cBusy := busy(2, after[2]-before[2], wall)
	r.idleC = idle[2]
	r.writerPerPost = aBusy / time.Duration(c.capPosts)
	r.consumerPerChange = cBusy / time.Duration(c.capPosts)
	if f := r.capacity; f.delivered > 0 && f.perSecond > 0 {
		// runScenario measures B from the first POST to the last receipt.
		window := float64(f.delivered) / f.perSecond
		bBusy := busy(1, f.serverCPU*time.Duration(f.delivered), window)
		r.perDelivery = (bBusy - cBusy) / time.Duration(f.delivered)
	}
	progress("cluster CPU: node B %s/delivery gross, %s net; node C %s/change (idle %.1f ms/s); node A %s/post; %.0f deliveries/s on B, missing %d",
		us(r.capacity.serverCPU), us(r.perDelivery), us(r.consumerPerChange), 1000*r.idleC, us(r.writerPerPost), r.capacity.perSecond, r.capacity.missing)
	return nil
}

var nodeNames = []string{"A", "B", "C"}

// cpuTimes reads each process's CPU time so far (processCPU).
func cpuTimes(pids []int) ([]time.Duration, error) {
	out := make([]time.Duration, len(pids))
	for i, pid := range pids {
		var err error
		if out[i], err = processCPU(pid); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// cpuRates measures each process's CPU seconds per second over d.
func cpuRates(pids []int, d time.Duration) ([]float64, error) {
	before, err := cpuTimes(pids)
	if err != nil {
		return nil, err
	}
	time.Sleep(d)
	after, err := cpuTimes(pids)
	if err != nil {
		return nil, err
	}
	rates := make([]float64, len(pids))
	for i := range pids {
		rates[i] = (after[i] - before[i]).Seconds() / d.Seconds()
	}
	return rates, nil
}

// sameAndCross splits a spread run's latencies into node A's followers
// (same node as the POST) and B's and C's (cross-node).
func sameAndCross(f fanoutResult) (same, cross readResult) {
	pct := func(lat []time.Duration) (r readResult) {
		r.requests = len(lat)
		if len(lat) > 0 {
			r.p50, r.p99, r.max = percentiles(append([]time.Duration(nil), lat...))
		}
		return r
	}
	return pct(f.byGroup["A"]), pct(append(append([]time.Duration(nil), f.byGroup["B"]...), f.byGroup["C"]...))
}

// clusterTarget is the three nodes under the fan-out load: subscriber i
// listens on nodes[on(i)], cards are posted through node A, and the CPU
// of nodes[measured] is the server CPU that runScenario reports.
type clusterTarget struct {
	nodes    []*server
	data     seeded
	on       func(i int) int
	measured int
}

func (t *clusterTarget) name() string       { return "cluster" }
func (t *clusterTarget) pid() int           { return t.nodes[t.measured].cmd.Process.Pid }
func (t *clusterTarget) answersPings() bool { return false }
func (t *clusterTarget) stop()              {}

func (t *clusterTarget) dial(d *websocket.Dialer, i int) (*websocket.Conn, error) {
	return dialFeed(d, t.nodes[t.on(i)].addr, t.data.fanTokens[i])
}

func (t *clusterTarget) publish(i int) (string, error) { return postCard(t.nodes[0].addr, t.data, i) }

// runPostsPostgres times card posts on one node over a fresh PostgreSQL
// database, with the in-process bus: the store alone.
func runPostsPostgres(c clusterConfig) (readResult, error) {
	db, drop, err := c.pg.createDatabase()
	if err != nil {
		return readResult{}, err
	}
	defer drop()
	data, err := seedPostgres(db, 0)
	if err != nil {
		return readResult{}, err
	}
	dir, err := os.MkdirTemp("", "wgbench-pgnode-")
	if err != nil {
		return readResult{}, err
	}
	defer os.RemoveAll(dir)
	return runPosts(c, "PostgreSQL", dir, data, "--store", db)
}

// runPostsBolt times card posts on one node over a fresh bbolt file.
func runPostsBolt(c clusterConfig) (readResult, error) {
	dir, err := os.MkdirTemp("", "wgbench-boltnode-")
	if err != nil {
		return readResult{}, err
	}
	defer os.RemoveAll(dir)
	scratch, err := os.MkdirTemp("", "wgbench-boltseed-")
	if err != nil {
		return readResult{}, err
	}
	defer os.RemoveAll(scratch)
	data, err := seed(dir, scratch, seedConfig{followers: 0, suppliers: 1, feedCards: 2})
	if err != nil {
		return readResult{}, err
	}
	return runPosts(c, "bbolt", dir, data)
}

// runPosts starts one node and has c.posters clients post cards as fast
// as they are answered for c.duration.
func runPosts(c clusterConfig, name, dir string, data seeded, flags ...string) (readResult, error) {
	srv, err := startServer(c.bin, dir, flags...)
	if err != nil {
		return readResult{}, err
	}
	defer srv.stop()
	return loadRequests("POST /v1/cards, "+name, c.posters, c.duration, http.StatusCreated, func(w, i int) *http.Request {
		return cardRequest(srv.addr, data, w*1_000_000+i)
	}), nil
}

// pgServer is the PostgreSQL server the runs create their databases on,
// through one admin connection kept for the whole tool's run.
type pgServer struct {
	url  string
	conn *pgx.Conn
}

func connectPG(url string) (*pgServer, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	return &pgServer{url: url, conn: conn}, nil
}

func (pg *pgServer) close() { pg.conn.Close(context.Background()) }

// createDatabase creates a fresh database and returns its URL and a
// function that drops it.
func (pg *pgServer) createDatabase() (string, func(), error) {
	name := "wgbench_" + newID()[24:]
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := pg.conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("creating database: %w", err)
	}
	u, err := url.Parse(pg.url)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := pg.conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			progress("dropping database %s: %v", name, err)
		}
	}
	return u.String(), drop, nil
}

// seedPostgres seeds the fan-out supplier and its followers straight into
// the database at url, as seed does into a bbolt file.
func seedPostgres(url string, followers int) (seeded, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	db, err := storage.OpenPostgres(ctx, url)
	if err != nil {
		return seeded{}, err
	}
	s := &seeder{db: db, ctx: ctx, now: time.Now().UTC()}
	out, err := s.run(seedConfig{followers: followers, suppliers: 1, feedCards: 2})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return out, err
}

// clusterSection renders the runs and the capacity model for
// docs/BENCHMARKS.md.
func clusterSection(ri runInfo, c clusterConfig, rs []clusterRun) string {
	var b strings.Builder
	b.WriteString("## Scale-out (issue 12)\n\n")
	ri.header(&b)
	fmt.Fprintf(&b, "Each run starts `weigong nats` (embedded JetStream, fsync on every write) and three nodes A, B and C (`weigong serve --store postgres://… --bus nats://… --blobs DIR`, one shared secret key and blobs folder) on a fresh PostgreSQL database (`CREATE DATABASE` per run, PostgreSQL from `withpg` on the same machine), with one supplier and %d followers seeded straight into the database. Everything runs on this 2-core machine: PostgreSQL, NATS, the three nodes and the load client share the same two cores.\n\n", c.followers)

	b.WriteString("### Publish → receipt, same node and cross-node\n\n")
	fmt.Fprintf(&b, "Follower i's websocket is on node i mod 3; the supplier posts %d cards through node A, one every %s after the previous answer. Latency runs from the POST's answer (201 received) to each follower's receipt, grouped by the follower's node: A is the node that took the POST, B and C are the others. On a node with `--bus` every hub, A's included, is fed by that node's JetStream consumer (commit → relay → JetStream → consumer → hub → websocket), so the two groups differ by where the POST was served, not by the path of the change.\n\n", c.posts, c.pace)
	b.WriteString("| run | same node p50 | same node p99 | cross-node p50 | cross-node p99 | deliveries (same / cross) | missing |\n|---|---|---|---|---|---|---|\n")
	var sames, crosses []readResult
	for i, r := range rs {
		same, cross := sameAndCross(r.latency)
		sames, crosses = append(sames, same), append(crosses, cross)
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %d / %d | %d |\n", i+1, ms(same.p50), ms(same.p99), ms(cross.p50), ms(cross.p99), same.requests, cross.requests, r.latency.missing)
	}
	p50 := func(r readResult) time.Duration { return r.p50 }
	p99 := func(r readResult) time.Duration { return r.p99 }
	fmt.Fprintf(&b, "| **median** | **%s** | **%s** | **%s** | **%s** | | |\n\n",
		ms(median(pick(sames, p50))), ms(median(pick(sames, p99))), ms(median(pick(crosses, p50))), ms(median(pick(crosses, p99))))

	b.WriteString("### Card posts per second, PostgreSQL and bbolt\n\n")
	fmt.Fprintf(&b, "One node per store, same client load: %d concurrent posters send `POST /v1/cards` (one photo, keep-alive connections) as fast as they are answered for %s, no follower connected. PostgreSQL: a fresh database, in-process bus (the store alone); bbolt: a fresh data directory. The stores take turns going first.\n\n", c.posters, c.duration)
	b.WriteString("| run | store | posts/s | p50 | p99 | errors |\n|---|---|---|---|---|---|\n")
	for i, r := range rs {
		for _, x := range []readResult{r.postgres, r.bbolt} {
			fmt.Fprintf(&b, "| %d | %s | %.0f | %s | %s | %d |\n", i+1, strings.TrimPrefix(x.name, "POST /v1/cards, "), x.rps, ms(x.p50), ms(x.p99), x.errors)
		}
	}
	rps := func(r readResult) float64 { return r.rps }
	pgs, bolts := pick(rs, func(r clusterRun) readResult { return r.postgres }), pick(rs, func(r clusterRun) readResult { return r.bbolt })
	pgRate := median(pick(pgs, rps))
	fmt.Fprintf(&b, "| **median** | PostgreSQL | **%.0f** | **%s** | **%s** | |\n", pgRate, ms(median(pick(pgs, p50))), ms(median(pick(pgs, p99))))
	fmt.Fprintf(&b, "| **median** | bbolt | **%.0f** | **%s** | **%s** | |\n\n", median(pick(bolts, rps)), ms(median(pick(bolts, p50))), ms(median(pick(bolts, p99))))
	fmt.Fprintf(&b, "PostgreSQL/bbolt posts/s (median of the runs' ratios): **%.2f×**.\n\n",
		median(pick(rs, func(r clusterRun) float64 { return r.postgres.rps / r.bbolt.rps })))

	b.WriteString("### Fan-out capacity: measured per node, modelled for N nodes\n\n")
	fmt.Fprintf(&b, "Measured: in the same cluster, all %d followers connect to node B and %d cards are posted back to back through node A. CPU is each node process's user + system time from /proc/PID/stat (10 ms ticks) over the posting and delivery, minus the node's idle CPU (measured over 4 s just before, with every node idle; node C's is listed). Node C has no follower, so its CPU per change is what every node pays for every change whatever its followers: every node runs the relay (it tails the change log in PostgreSQL and publishes each change to JetStream, which drops the repeats by message ID) and the consumer that feeds its hub. Node B's CPU per delivery is net of that (compare the single-node figure, server CPU/delivery in \"Fan-out\" above); node A's CPU per post adds the HTTP request, the PostgreSQL transaction and, if A holds the singletons lease (`serve.go`), the webhook tailer's read of each change. PostgreSQL's and NATS's own CPU are not in these figures. B's deliveries/s is bounded by how fast A's POSTs are answered, not by B's CPU.\n\n", c.followers, c.capPosts)
	b.WriteString("| run | B CPU/delivery (gross) | B CPU/delivery (net of idle and per-change) | C CPU/change | C idle CPU | A CPU/post | B deliveries/s | missing |\n|---|---|---|---|---|---|---|---|\n")
	for i, r := range rs {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %.1f ms/s | %s | %.0f | %d |\n", i+1, us(r.capacity.serverCPU), us(r.perDelivery), us(r.consumerPerChange), 1000*r.idleC, us(r.writerPerPost), r.capacity.perSecond, r.capacity.missing)
	}
	perDelivery := median(pick(rs, func(r clusterRun) time.Duration { return r.perDelivery }))
	perChange := median(pick(rs, func(r clusterRun) time.Duration { return r.consumerPerChange }))
	perPost := median(pick(rs, func(r clusterRun) time.Duration { return r.writerPerPost }))
	fmt.Fprintf(&b, "| **median** | **%s** | **%s** | **%s** | %.1f ms/s | **%s** | **%.0f** | |\n\n",
		us(median(pick(rs, func(r clusterRun) time.Duration { return r.capacity.serverCPU }))), us(perDelivery), us(perChange),
		1000*median(pick(rs, func(r clusterRun) float64 { return r.idleC })), us(perPost),
		median(pick(rs, func(r clusterRun) float64 { return r.capacity.perSecond })))

	b.WriteString("**This 2-core machine cannot measure more than one node's worth of CPU**: three nodes, PostgreSQL, NATS and the load client already share its two cores, so the rows below are a model fed with the medians above, not a measurement of N machines. ")
	b.WriteString("Model: N nodes of `cores` cores each (2 here), followers spread evenly, posts spread evenly over the nodes at r changes/s in all. Every node pays the per-change cost for every change, and its share r/N of the posts' extra cost (A's CPU/post minus the per-change cost it also pays); the rest of its CPU fans out:\n\n")
	b.WriteString("    deliveries/s(N, r) = N × (cores − r × per-change − (r / N) × (per-post − per-change)) / per-delivery\n\n")
	fmt.Fprintf(&b, "with per-delivery = %s, per-change = %s, per-post = %s. ", us(perDelivery), us(perChange), us(perPost))
	fmt.Fprintf(&b, "r cannot exceed what the one PostgreSQL primary accepts: every post is a transaction on the single writer, measured above at %.0f posts/s on this machine (a dedicated database server does more; adding nodes does not raise it). ", pgRate)
	b.WriteString("Assumptions: the cost per delivery does not grow with followers per node (true of the hub's loop, not measured beyond this run's size); the network, NATS and PostgreSQL are not the bottleneck (NATS carries r messages/s to each node, not one per delivery); fan-out latency, not modelled here, grows with followers per node; CPU per operation was measured at the load averages above, which inflate it (context switches, cold caches), so the model errs low.\n\n")
	// One card a second, ten, and as many as the PostgreSQL writer took.
	rates := []float64{1, 10, math.Round(pgRate)}
	b.WriteString("| nodes |")
	for _, r := range rates {
		fmt.Fprintf(&b, " deliveries/s, r = %.0f/s | followers per change, r = %.0f/s |", r, r)
	}
	b.WriteString("\n|---|")
	b.WriteString(strings.Repeat("---|---|", len(rates)))
	b.WriteString("\n")
	for _, n := range []int{1, 2, 3, 5, 10, 20} {
		fmt.Fprintf(&b, "| %d |", n)
		for _, r := range rates {
			d := modelDeliveries(n, 2, r, perDelivery, perChange, perPost)
			fmt.Fprintf(&b, " %.0f | %.0f |", d, d/r)
		}
		b.WriteString("\n")
	}
	b.WriteString("\n\"followers per change\" is deliveries/s ÷ r: how many followers every change can reach, sustained, with all nodes' CPU busy. Capacity grows linearly with nodes while the per-change cost stays small beside the fan-out; the per-change cost is the term that does not shrink with N, and the PostgreSQL writer bounds r.\n\n")
	return b.String()
}

// modelDeliveries is the capacity model of clusterSection: deliveries per
// second that n nodes of cores cores each sustain at r changes per second.
func modelDeliveries(n, cores int, r float64, perDelivery, perChange, perPost time.Duration) float64 {
	if perDelivery <= 0 {
		return 0
	}
	extra := max(0, (perPost - perChange).Seconds())
	budget := float64(cores) - r*perChange.Seconds() - r/float64(n)*extra
	return max(0, float64(n)*budget/perDelivery.Seconds())
}
