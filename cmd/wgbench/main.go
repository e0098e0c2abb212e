// Command wgbench is the load tool behind `make bench-load`: it seeds a
// fresh data directory straight through package storage, starts the
// weigong binary as a child process on loopback and measures websocket
// fan-out and feed reads against the targets, writing the
// "Fan-out" and "Feed reads" sections of docs/BENCHMARKS.md.
//
// Every load targets 127.0.0.1 and stops by itself.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "webhooks" {
		if err := webhooksMain(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "wgbench webhooks:", err)
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
	bin := flag.String("bin", "bin/weigong", "the weigong binary to measure")
	followers := flag.Int("followers", 5000, "fan-out: websocket clients following one supplier")
	cards := flag.Int("cards", 50, "fan-out: cards posted per run")
	suppliers := flag.Int("suppliers", 200, "feed reads: suppliers the reader follows")
	feedCards := flag.Int("feedcards", 200000, "feed reads: cards of those suppliers in all")
	concurrency := flag.Int("concurrency", 64, "feed reads: concurrent keep-alive clients")
	duration := flag.Duration("duration", 10*time.Second, "feed reads: time per endpoint per run")
	runs := flag.Int("runs", 3, "runs on the same seeded data, each on a fresh server process; medians are quoted")
	out := flag.String("out", "docs/BENCHMARKS.md", `markdown file whose "Fan-out" and "Feed reads" sections are replaced ("" = print only)`)
	flag.Parse()
	if err := run(*bin, *followers, *cards, *suppliers, *feedCards, *concurrency, *duration, *runs, *out); err != nil {
		fmt.Fprintln(os.Stderr, "wgbench:", err)
		os.Exit(1)
	}
}

func run(bin string, followers, cards, suppliers, feedCards, concurrency int, d time.Duration, runs int, out string) error {
	if followers < 1 || cards < 1 || suppliers < 1 || feedCards < suppliers*2 || runs < 1 {
		return fmt.Errorf("sizes must be positive and feedcards at least twice suppliers")
	}
	limit, err := raiseFileLimit()
	if err != nil {
		return fmt.Errorf("raising RLIMIT_NOFILE: %w", err)
	}
	if need := uint64(followers + concurrency + 100); limit < need {
		return fmt.Errorf("open-file limit %d is below the %d that %d sockets need", limit, need, followers)
	}
	dir, err := os.MkdirTemp("", "wgbench-data-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	scratch := os.TempDir()
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		scratch = "/dev/shm"
	}
	scratch, err = os.MkdirTemp(scratch, "wgbench-seed-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)

	data, err := seed(dir, scratch, seedConfig{followers: followers, suppliers: suppliers, feedCards: feedCards})
	if err != nil {
		return fmt.Errorf("seeding: %w", err)
	}

	var loads []string
	var fans []fanoutResult
	var trivs, feeds []readResult
	for i := range runs {
		loads = append(loads, loadAverage())
		progress("run %d/%d (load average %s)", i+1, runs, loads[i])
		srv, err := startServer(bin, dir)
		if err != nil {
			return err
		}
		fan, err := runFanout(srv, data, cards, 20*time.Millisecond)
		if err != nil {
			srv.stop()
			return fmt.Errorf("fan-out: %w", err)
		}
		progress("fan-out: %.0f deliveries/s, p50 %s p99 %s, missing %d, RSS/idle conn %.1f KiB",
			fan.perSecond, ms(fan.p50), ms(fan.p99), fan.missing, fan.rssIdleKiB)
		triv, feed, err := runFeedReads(srv.addr, data.feedToken, concurrency, d)
		srv.stop()
		if err != nil {
			return fmt.Errorf("feed reads: %w", err)
		}
		progress("feed reads: trivial %.0f rps p99 %s; feed %.0f rps p99 %s", triv.rps, ms(triv.p99), feed.rps, ms(feed.p99))
		fans, trivs, feeds = append(fans, fan), append(trivs, triv), append(feeds, feed)
	}

	ri := runInfo{command: "go run ./cmd/wgbench " + strings.Join(os.Args[1:], " "),
		date: time.Now().UTC().Format("2006-01-02"), runs: runs, loads: loads}
	if followers < 5000 || feedCards < 200000 || suppliers < 200 {
		ri.note = "Sizes are below the issue's (5,000 followers; 200 suppliers / 200,000 cards), so no target counts as met at the issue's size."
	}
	fanSec := fanoutSection(ri, fans)
	feedSec := feedSection(ri, suppliers, feedCards, concurrency, d, trivs, feeds)
	fmt.Print(fanSec, feedSec)
	if out == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return replaceSections(out, fanSec, feedSec)
}
