// Command wgbench is the load tool behind `make bench-load`: it seeds a
// fresh data directory straight through package storage, starts the
// weigong binary as a child process on loopback and measures websocket
// fan-out (side by side with a Centrifugo binary when -centrifugo or
// $CENTRIFUGO names one), POST /v1/cards with and without live followers,
// and feed reads against the issues' targets, writing the "Fan-out" and
// "Feed reads" sections of docs/BENCHMARKS.md. `wgbench orders` measures
// drop-ship orders instead (orders.go); `wgbench cluster` three nodes on
// PostgreSQL and NATS JetStream (cluster.go).
//
// Every load targets 127.0.0.1 and stops by itself.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// config is what the flags set.
type config struct {
	bin, centrifugo, out string
	runs                 int
	burst, paced         scenario
	// post times POST /v1/cards with post.subs live followers, spaced so
	// that each fan-out is over before the next POST; alone times the same
	// POSTs with no live follower.
	post                 scenario
	alone                bool
	feed                 bool
	suppliers, feedCards int
	concurrency          int
	duration             time.Duration
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "webhooks" {
		if err := webhooksMain(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "wgbench webhooks:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "cluster" {
		if err := clusterMain(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "wgbench cluster:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "orders" {
		if err := ordersMain(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "wgbench orders:", err)
			os.Exit(1)
		}
		return
	}
	var c config
	flag.StringVar(&c.bin, "bin", "bin/weigong", "the weigong binary to measure")
	flag.StringVar(&c.centrifugo, "centrifugo", os.Getenv("CENTRIFUGO"), "a Centrifugo binary to measure side by side (default $CENTRIFUGO; empty: Weigong alone)")
	flag.IntVar(&c.burst.subs, "burst-subs", 5000, "back-to-back fan-out: subscribers (and the idle RSS measurement)")
	flag.IntVar(&c.burst.pubs, "burst-pubs", 100, "back-to-back fan-out: publications")
	flag.IntVar(&c.paced.subs, "paced-subs", 1000, "paced fan-out: subscribers")
	flag.IntVar(&c.paced.pubs, "paced-pubs", 50, "paced fan-out: publications")
	flag.DurationVar(&c.paced.pause, "pace", 20*time.Millisecond, "paced fan-out: pause after each publication")
	flag.IntVar(&c.post.subs, "post-subs", 5000, "write path: live followers while POST /v1/cards is timed (0: skip)")
	flag.IntVar(&c.post.pubs, "post-pubs", 50, "write path: POSTs timed, with and without live followers")
	flag.DurationVar(&c.post.pause, "post-pace", 400*time.Millisecond, "write path: pause after each timed POST")
	flag.BoolVar(&c.feed, "feed", true, "measure feed reads too")
	flag.IntVar(&c.suppliers, "suppliers", 200, "feed reads: suppliers the reader follows")
	flag.IntVar(&c.feedCards, "feedcards", 200000, "feed reads: cards of those suppliers in all")
	flag.IntVar(&c.concurrency, "concurrency", 64, "feed reads: concurrent keep-alive clients")
	flag.DurationVar(&c.duration, "duration", 10*time.Second, "feed reads: time per endpoint per run")
	flag.IntVar(&c.runs, "runs", 3, "runs per server, alternating the servers, each on a fresh server process; medians are quoted")
	flag.StringVar(&c.out, "out", "docs/BENCHMARKS.md", `markdown file whose "Fan-out" and "Feed reads" sections are replaced ("" = print only)`)
	flag.Parse()
	c.burst.idleRSS = true
	c.alone = c.post.subs > 0
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "wgbench:", err)
		os.Exit(1)
	}
}

// results are every run's figures, per server.
type results struct {
	burst, paced map[string][]fanoutResult // by target name
	post         []fanoutResult            // Weigong's timed POSTs with live followers
	alone        [][]time.Duration         // and with none, per run
	trivs, feeds []readResult
	loads        []string
}

func run(c config) error {
	if c.burst.subs < 1 || c.burst.pubs < 1 || c.paced.subs < 1 || c.paced.pubs < 1 || c.suppliers < 1 ||
		c.feedCards < c.suppliers*2 || c.runs < 1 || c.post.subs < 0 || c.post.pubs < 1 {
		return fmt.Errorf("sizes must be positive and feedcards at least twice suppliers")
	}
	followers := max(c.burst.subs, c.paced.subs, c.post.subs)
	limit, err := raiseFileLimit()
	if err != nil {
		return fmt.Errorf("raising RLIMIT_NOFILE: %w", err)
	}
	if need := uint64(2*followers + c.concurrency + 100); limit < need {
		return fmt.Errorf("open-file limit %d is below the %d that %d sockets need", limit, need, followers)
	}
	dir, err := os.MkdirTemp("", "wgbench-data-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	removeOnSignal(dir)
	scratch := os.TempDir()
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		scratch = "/dev/shm"
	}
	scratch, err = os.MkdirTemp(scratch, "wgbench-seed-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	removeOnSignal(scratch)

	feedCards, suppliers := c.feedCards, c.suppliers
	if !c.feed {
		feedCards, suppliers = 2, 1
	}
	data, err := seed(dir, scratch, seedConfig{followers: followers, suppliers: suppliers, feedCards: feedCards})
	if err != nil {
		return fmt.Errorf("seeding: %w", err)
	}

	r := results{burst: map[string][]fanoutResult{}, paced: map[string][]fanoutResult{}}
	var sample []byte
	for i := range c.runs {
		r.loads = append(r.loads, loadAverage())
		progress("run %d/%d (load average %s)", i+1, c.runs, r.loads[i])
		// Weigong goes first in the first round (Centrifugo publishes the
		// frame it delivered), then the order alternates.
		order := []string{"Weigong", "Centrifugo"}
		if i%2 == 1 {
			order = []string{"Centrifugo", "Weigong"}
		}
		for _, name := range order {
			if name == "Centrifugo" && c.centrifugo == "" {
				continue
			}
			if name == "Weigong" {
				s, err := runWeigong(c, dir, data, &r)
				if err != nil {
					return err
				}
				sample = s
				continue
			}
			if err := runCentrifugo(c, scratch, sample, &r); err != nil {
				return err
			}
		}
	}

	ri := runInfo{command: "go run ./cmd/wgbench " + strings.Join(os.Args[1:], " "),
		date: time.Now().UTC().Format("2006-01-02"), runs: c.runs, loads: r.loads}
	if c.burst.subs < 5000 || c.feedCards < 200000 || c.suppliers < 200 {
		ri.note = "Sizes are below the issue's (5,000 subscribers; 200 suppliers / 200,000 cards), so no target counts as met at the issue's size."
	}
	sections := []string{fanoutSection(ri, c, r)}
	if c.feed {
		sections = append(sections, feedSection(ri, c.suppliers, c.feedCards, c.concurrency, c.duration, r.trivs, r.feeds))
	}
	fmt.Print(strings.Join(sections, ""))
	if c.out == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(c.out), 0o755); err != nil {
		return err
	}
	return replaceSections(c.out, sections...)
}

// runWeigong is one Weigong run on a fresh server process: POSTs with no
// live follower, both fan-out scenarios, then feed reads. It returns one
// delivered frame.
func runWeigong(c config, dir string, data seeded, r *results) ([]byte, error) {
	srv, err := startServer(c.bin, dir)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	t := &weigongTarget{srv: srv, data: data}
	burst, paced, err := runScenarios(t, c)
	if err != nil {
		return nil, err
	}
	r.burst[t.name()] = append(r.burst[t.name()], burst)
	r.paced[t.name()] = append(r.paced[t.name()], paced)
	// After the fan-outs, whose 5,000 fresh connections are the ones the
	// idle RSS is measured on.
	if c.alone {
		alone, err := publishAlone(t, c.post.pubs, c.post.pause)
		if err != nil {
			return nil, fmt.Errorf("posting alone: %w", err)
		}
		post, err := runScenario(t, c.post)
		if err != nil {
			return nil, fmt.Errorf("posting to live followers: %w", err)
		}
		_, aloneP99, _ := percentiles(append([]time.Duration(nil), alone...))
		progress("Weigong, POST /v1/cards p99: %s with %d live followers, %s with none", ms(post.pubP99), c.post.subs, ms(aloneP99))
		r.alone, r.post = append(r.alone, alone), append(r.post, post)
	}
	if c.feed {
		triv, feed, err := runFeedReads(srv.addr, data.feedToken, c.concurrency, c.duration)
		if err != nil {
			return nil, fmt.Errorf("feed reads: %w", err)
		}
		progress("feed reads: trivial %.0f rps p99 %s; feed %.0f rps p99 %s", triv.rps, ms(triv.p99), feed.rps, ms(feed.p99))
		r.trivs, r.feeds = append(r.trivs, triv), append(r.feeds, feed)
	}
	return burst.sample, nil
}

func runCentrifugo(c config, dir string, frame []byte, r *results) error {
	if frame == nil {
		return fmt.Errorf("no Weigong frame to publish on Centrifugo")
	}
	t, err := startCentrifugo(c.centrifugo, dir, frame)
	if err != nil {
		return err
	}
	defer t.stop()
	time.Sleep(time.Second) // let it settle before the RSS baseline
	burst, paced, err := runScenarios(t, c)
	if err != nil {
		return err
	}
	r.burst[t.name()] = append(r.burst[t.name()], burst)
	r.paced[t.name()] = append(r.paced[t.name()], paced)
	return nil
}

func runScenarios(t target, c config) (burst, paced fanoutResult, err error) {
	for _, x := range []struct {
		sc  scenario
		res *fanoutResult
	}{{c.burst, &burst}, {c.paced, &paced}} {
		if *x.res, err = runScenario(t, x.sc); err != nil {
			return burst, paced, fmt.Errorf("%s, %s: %w", t.name(), x.sc, err)
		}
		f := *x.res
		progress("%s, %s: %.0f deliveries/s, p50 %s p99 %s from send, missing %d, publish p99 %s, CPU/delivery server %s client %s, RSS/idle conn %.1f KiB",
			t.name(), x.sc, f.perSecond, ms(f.p50), ms(f.p99), f.missing, ms(f.pubP99), us(f.serverCPU), us(f.clientCPU), f.rssIdleKiB)
	}
	return burst, paced, nil
}

// removeOnSignal removes dir if the tool is interrupted; the servers it
// started die with it (Pdeathsig).
func removeOnSignal(dir string) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ch
		os.RemoveAll(dir)
		os.Exit(1)
	}()
}
