package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// percentiles sorts lat in place and returns its p50, p99 and max.
func percentiles(lat []time.Duration) (p50, p99, max time.Duration) {
	slices.Sort(lat)
	at := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	return at(0.50), at(0.99), lat[len(lat)-1]
}

// median of a few run figures; the runs are few, so the median is the
// figure quoted, and every run is listed beside it.
func median[T int | int64 | float64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func pick[R, T any](rs []R, f func(R) T) []T {
	out := make([]T, len(rs))
	for i, r := range rs {
		out[i] = f(r)
	}
	return out
}

func us(d time.Duration) string { return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond)) }

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func verdict(ok bool) string {
	if ok {
		return "**met**"
	}
	return "**not met**"
}

// loadAverage returns the 1-minute load average, to show in the report
// whether the machine was busy with other work during a run.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

// runInfo is what every section says about how the figures were made.
type runInfo struct {
	command string
	date    string
	runs    int
	note    string   // honest caveats about sizes
	loads   []string // 1-minute load average before each run
}

func (ri runInfo) header(b *strings.Builder) {
	fmt.Fprintf(b, "Command: `%s` — %s, %d runs, medians quoted. ", ri.command, ri.date, ri.runs)
	b.WriteString("Loopback on one machine with 2 cores: the load tool and the server share them, so every figure here is a floor for a server on its own hardware. ")
	if ri.note != "" {
		b.WriteString(ri.note + " ")
	}
	fmt.Fprintf(b, "1-minute load average before each run: %s (it counts this tool's own previous run as well as any other work on the machine; other builds and tests ran beside these runs, which is why figures can differ by up to 2× between invocations). ", strings.Join(ri.loads, ", "))
	b.WriteString("\n\n")
}

func fanoutSection(ri runInfo, c config, r results) string {
	var b strings.Builder
	b.WriteString("## Fan-out\n\n")
	ri.header(&b)
	servers := []string{"Weigong"}
	if c.centrifugo != "" {
		servers = append(servers, "Centrifugo")
		b.WriteString("Weigong and Centrifugo run alternately, each run on a fresh server process, under the same load client (Centrifugo's build and configuration: \"Centrifugo for comparison\" below). ")
	}
	b.WriteString("Weigong's subscribers are distributors following one supplier, who publishes by `POST /v1/cards`; Centrifugo's join one channel, published to by its HTTP API (`/api/publish`) with the frame Weigong delivered (same size, new card ID). ")
	b.WriteString("Each publication is sent when the previous one has been answered (back to back), or that plus a pause. ")
	b.WriteString("Latency runs from sending a publication to its receipt at each subscriber; deliveries/s is all deliveries over the time from the first publication to the last receipt. ")
	b.WriteString("Each subscriber is one gorilla/websocket reader goroutine that finds card IDs without a JSON decode. RSS per idle connection is the server's VmRSS (from /proc) 2 s after all 5,000-scenario sockets are subscribed, minus before any connected, divided by their number. ")
	b.WriteString("\"publish\" is the publication's round trip while the fan-out runs.\n\n")

	for _, x := range []struct {
		sc  scenario
		res map[string][]fanoutResult
	}{{c.burst, r.burst}, {c.paced, r.paced}} {
		fmt.Fprintf(&b, "### %s\n\n", x.sc)
		b.WriteString("| server | run | deliveries/s | p50 | p99 | max | p99 from answer | publish mean | publish p99 | server CPU/delivery | client CPU/delivery | missing | closed early | bytes/message |")
		if x.sc.idleRSS {
			b.WriteString(" RSS/idle conn |")
		}
		b.WriteString("\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
		if x.sc.idleRSS {
			b.WriteString("---|")
		}
		b.WriteString("\n")
		for _, name := range servers {
			for i, f := range x.res[name] {
				fmt.Fprintf(&b, "| %s | %d | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %d | %d | %d |", name, i+1, f.perSecond,
					ms(f.p50), ms(f.p99), ms(f.max), ms(f.ackP99), ms(f.pubMean), ms(f.pubP99), us(f.serverCPU), us(f.clientCPU), f.missing, f.closed, f.frameBytes)
				if x.sc.idleRSS {
					fmt.Fprintf(&b, " %.1f KiB |", f.rssIdleKiB)
				}
				b.WriteString("\n")
			}
		}
		for _, name := range servers {
			m := medians(x.res[name])
			fmt.Fprintf(&b, "| **%s, median** | | **%.0f** | **%s** | **%s** | %s | %s | %s | %s | **%s** | %s | | | |", name, m.perSecond,
				ms(m.p50), ms(m.p99), ms(m.max), ms(m.ackP99), ms(m.pubMean), ms(m.pubP99), us(m.serverCPU), us(m.clientCPU))
			if x.sc.idleRSS {
				fmt.Fprintf(&b, " **%.1f KiB** |", m.rssIdleKiB)
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	b.WriteString(fanoutTargets(c, r))
	return b.String()
}

// medians is the median of each figure over runs.
func medians(rs []fanoutResult) fanoutResult {
	if len(rs) == 0 {
		return fanoutResult{}
	}
	return fanoutResult{
		perSecond:  median(pick(rs, func(r fanoutResult) float64 { return r.perSecond })),
		p50:        median(pick(rs, func(r fanoutResult) time.Duration { return r.p50 })),
		p99:        median(pick(rs, func(r fanoutResult) time.Duration { return r.p99 })),
		max:        median(pick(rs, func(r fanoutResult) time.Duration { return r.max })),
		ackP99:     median(pick(rs, func(r fanoutResult) time.Duration { return r.ackP99 })),
		pubMean:    median(pick(rs, func(r fanoutResult) time.Duration { return r.pubMean })),
		pubP99:     median(pick(rs, func(r fanoutResult) time.Duration { return r.pubP99 })),
		rssIdleKiB: median(pick(rs, func(r fanoutResult) float64 { return r.rssIdleKiB })),
		serverCPU:  median(pick(rs, func(r fanoutResult) time.Duration { return r.serverCPU })),
		clientCPU:  median(pick(rs, func(r fanoutResult) time.Duration { return r.clientCPU })),
	}
}

// fanoutTargets states the targets against the medians.
func fanoutTargets(c config, r results) string {
	var b strings.Builder
	full := c.burst.subs >= 5000 && c.burst.pubs >= 100
	scale := ""
	if !full {
		scale = fmt.Sprintf(" (measured at %s, not 5,000 × 100)", c.burst)
	}
	complete := true
	for _, m := range []map[string][]fanoutResult{r.burst, r.paced} {
		for _, rs := range m {
			for _, f := range rs {
				complete = complete && f.missing == 0 && f.closed == 0
			}
		}
	}
	fmt.Fprintf(&b, "Every subscriber got every publication in every run: %v.\n\n", complete)
	b.WriteString("Targets (issue 8):\n\n")
	w, wp := medians(r.burst["Weigong"]), medians(r.paced["Weigong"])
	if c.centrifugo == "" {
		b.WriteString("- deliveries/s ≥ 1.5× Centrifugo's, p99 no worse than Centrifugo's: **not measured** (run with `CENTRIFUGO=/path/to/centrifugo`)\n")
	} else {
		ce, cp := medians(r.burst["Centrifugo"]), medians(r.paced["Centrifugo"])
		ratio := median(pairRatios(r.burst, func(f fanoutResult) float64 { return f.perSecond }))
		fmt.Fprintf(&b, "- deliveries/s ≥ 1.5× Centrifugo's (%s): %s — %.0f/s against %.0f/s, **%.2f×** (median of the runs' ratios, run i of each server paired)%s\n",
			c.burst, verdict(full && complete && ratio >= 1.5), w.perSecond, ce.perSecond, ratio, scale)
		pratio := median(pairRatios(r.paced, func(f fanoutResult) float64 { return f.perSecond }))
		fmt.Fprintf(&b, "  - at %s (where the pace bounds both): %.0f/s against %.0f/s, %.2f×\n", c.paced, wp.perSecond, cp.perSecond, pratio)
		fmt.Fprintf(&b, "- p99 no worse than Centrifugo's: %s — %s: %s against %s; %s: %s against %s\n",
			verdict(full && complete && w.p99 <= ce.p99 && wp.p99 <= cp.p99), c.burst, ms(w.p99), ms(ce.p99), c.paced, ms(wp.p99), ms(cp.p99))
		fmt.Fprintf(&b, "- RSS per idle websocket ≤ 20 KiB: %s — %.1f KiB (Centrifugo %.1f KiB)%s\n", verdict(full && w.rssIdleKiB <= 20), w.rssIdleKiB, ce.rssIdleKiB, scale)
	}
	if c.centrifugo == "" {
		fmt.Fprintf(&b, "- RSS per idle websocket ≤ 20 KiB: %s — %.1f KiB%s\n", verdict(full && w.rssIdleKiB <= 20), w.rssIdleKiB, scale)
	}
	if c.alone && len(r.post) > 0 {
		var aloneP99 []time.Duration
		for _, rtts := range r.alone {
			_, p99, _ := percentiles(append([]time.Duration(nil), rtts...))
			aloneP99 = append(aloneP99, p99)
		}
		quiet := median(aloneP99)
		live := medians(r.post)
		ratio := float64(live.pubP99) / float64(quiet)
		fmt.Fprintf(&b, "- p99 of `POST /v1/cards` with %d live followers within 1.5× of its p99 with none: %s — %s against %s, **%.2f×** (%s: %d POSTs each way per run, %s after each so that one fan-out is over before the next POST; medians of the runs' p99). Back to back, where the fan-outs overlap and take both cores, the POST's p99 is the \"publish p99\" of the first table.\n",
			c.post.subs, verdict(c.post.subs >= 5000 && ratio <= 1.5), ms(live.pubP99), ms(quiet), ratio, c.post, c.post.pubs, c.post.pause)
	}
	b.WriteString("\n")
	return b.String()
}

// pairRatios divides Weigong's figure by Centrifugo's, run by run.
func pairRatios(m map[string][]fanoutResult, f func(fanoutResult) float64) []float64 {
	w, c := m["Weigong"], m["Centrifugo"]
	var out []float64
	for i := range min(len(w), len(c)) {
		out = append(out, f(w[i])/f(c[i]))
	}
	if len(out) == 0 {
		out = []float64{0}
	}
	return out
}

func feedSection(ri runInfo, suppliers, cards, concurrency int, d time.Duration, triv, feed []readResult) string {
	var b strings.Builder
	b.WriteString("## Feed reads\n\n")
	ri.header(&b)
	fmt.Fprintf(&b, "One distributor follows %d suppliers with %d cards in all. %d keep-alive clients (Go net/http) send `GET /v1/feed?limit=20` for %s, alternating the first page with a random deeper page (`before=` one of the first 200 pages' cursors); `GET /healthz`, the trivial endpoint, is measured the same way on the same server just before. ", suppliers, cards, concurrency, d)
	b.WriteString("Both rates include the load client's own work on the shared cores; the trivial endpoint is the more client-bound of the two, which makes the ratio look better than it would against a server alone.\n\n")
	b.WriteString("| run | endpoint | rps | p50 | p99 | max | errors |\n|---|---|---|---|---|---|---|\n")
	var ratios []float64
	for i := range triv {
		for _, r := range []readResult{triv[i], feed[i]} {
			fmt.Fprintf(&b, "| %d | `%s` | %.0f | %s | %s | %s | %d |\n", i+1, r.name, r.rps, ms(r.p50), ms(r.p99), ms(r.max), r.errors)
		}
		ratios = append(ratios, feed[i].rps/triv[i].rps)
	}
	trps := median(pick(triv, func(r readResult) float64 { return r.rps }))
	frps := median(pick(feed, func(r readResult) float64 { return r.rps }))
	tp50 := median(pick(triv, func(r readResult) time.Duration { return r.p50 }))
	tp99 := median(pick(triv, func(r readResult) time.Duration { return r.p99 }))
	fp50 := median(pick(feed, func(r readResult) time.Duration { return r.p50 }))
	fp99 := median(pick(feed, func(r readResult) time.Duration { return r.p99 }))
	ratio := median(ratios)
	fmt.Fprintf(&b, "| **median** | `GET /healthz` | **%.0f** | **%s** | **%s** | | |\n", trps, ms(tp50), ms(tp99))
	fmt.Fprintf(&b, "| **median** | `GET /v1/feed?limit=20` | **%.0f** | **%s** | **%s** | | |\n\n", frps, ms(fp50), ms(fp99))
	fmt.Fprintf(&b, "Feed/trivial rps ratio (median of the runs' ratios): **%.0f %%**.\n\n", ratio*100)
	full := suppliers >= 200 && cards >= 200000
	scale := ""
	if !full {
		scale = fmt.Sprintf(" (measured with %d suppliers / %d cards, not 200 / 200,000)", suppliers, cards)
	}
	b.WriteString("Targets (issue), 200 suppliers / 200,000 cards:\n\n")
	fmt.Fprintf(&b, "- feed reads ≥ 50 %% of the trivial endpoint's rps: %s — %.0f %%%s\n", verdict(full && ratio >= 0.5), ratio*100, scale)
	fmt.Fprintf(&b, "- feed p99 ≤ 10 ms: %s — %s%s\n\n", verdict(full && fp99 <= 10*time.Millisecond), ms(fp99), scale)
	return b.String()
}

// replaceSections writes the given sections into the markdown file at
// path, each replacing the section of the same heading (up to the next
// "## " heading) or appended when missing. The file is read right before
// writing: other sections belong to other tools and stay as they are.
func replaceSections(path string, sections ...string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	doc := string(old)
	if doc == "" {
		doc = "# Benchmarks\n\n"
	}
	for _, sec := range sections {
		heading := sec[:strings.IndexByte(sec, '\n')+1]
		start := -1
		if strings.HasPrefix(doc, heading) {
			start = 0
		} else if i := strings.Index(doc, "\n"+heading); i >= 0 {
			start = i + 1
		}
		if start < 0 {
			if !strings.HasSuffix(doc, "\n\n") {
				doc = strings.TrimRight(doc, "\n") + "\n\n"
			}
			doc += sec
			continue
		}
		end := len(doc)
		if i := strings.Index(doc[start+len(heading):], "\n## "); i >= 0 {
			end = start + len(heading) + i + 1
		}
		doc = doc[:start] + sec + doc[end:]
	}
	return os.WriteFile(path, []byte(doc), 0o644)
}
