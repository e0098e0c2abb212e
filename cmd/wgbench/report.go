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

func fanoutSection(ri runInfo, rs []fanoutResult) string {
	var b strings.Builder
	b.WriteString("## Fan-out\n\n")
	ri.header(&b)
	r0 := rs[0]
	fmt.Fprintf(&b, "%d distributor websockets follow one supplier; all connected and past `ready`, then the supplier posts %d cards through `POST /v1/cards`, one after another with a 20 ms pause. ", r0.clients, r0.cards)
	b.WriteString("Latency runs from the 201 arriving at the poster to the frame arriving at each client (a negative value means the frame beat the 201); deliveries/s is all deliveries over the time from the first post to the last receipt. ")
	b.WriteString("Each client is one gorilla/websocket reader goroutine that finds the card ID without a full JSON decode. RSS per idle connection is the server's VmRSS (from /proc) after all sockets are idle minus before any connected, divided by their number.\n\n")
	b.WriteString("The two extra columns: p99 measured from sending each POST instead of from its 201, and the mean POST round trip while the fan-out runs (which, with the 20 ms pause, paces the posts and so bounds deliveries/s).\n\n")
	b.WriteString("| run | deliveries/s | p50 | p99 | max | p99 from send | mean POST | delivered | missing | closed early | RSS/idle conn |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
	for i, r := range rs {
		fmt.Fprintf(&b, "| %d | %.0f | %s | %s | %s | %s | %s | %d | %d | %d | %.1f KiB |\n", i+1, r.perSecond, ms(r.p50), ms(r.p99), ms(r.max), ms(r.sendP99), ms(r.postMean), r.delivered, r.missing, r.closed, r.rssIdleKiB)
	}
	per := median(pick(rs, func(r fanoutResult) float64 { return r.perSecond }))
	p50 := median(pick(rs, func(r fanoutResult) time.Duration { return r.p50 }))
	p99 := median(pick(rs, func(r fanoutResult) time.Duration { return r.p99 }))
	mx := median(pick(rs, func(r fanoutResult) time.Duration { return r.max }))
	rss := median(pick(rs, func(r fanoutResult) float64 { return r.rssIdleKiB }))
	all := true
	for _, r := range rs {
		all = all && r.missing == 0 && r.closed == 0
	}
	sp99 := median(pick(rs, func(r fanoutResult) time.Duration { return r.sendP99 }))
	pm := median(pick(rs, func(r fanoutResult) time.Duration { return r.postMean }))
	fmt.Fprintf(&b, "| **median** | **%.0f** | **%s** | **%s** | %s | %s | %s | | | | **%.1f KiB** |\n\n", per, ms(p50), ms(p99), ms(mx), ms(sp99), ms(pm), rss)
	fmt.Fprintf(&b, "Every client got every card in every run: %v.\n\n", all)
	b.WriteString("Targets (issue), at 5,000 followers:\n\n")
	full := r0.clients >= 5000
	scale := ""
	if !full {
		scale = fmt.Sprintf(" (measured at %d followers, not 5,000)", r0.clients)
	}
	fmt.Fprintf(&b, "- fan-out p99 ≤ 100 ms: %s — %s%s\n", verdict(full && p99 <= 100*time.Millisecond && all), ms(p99), scale)
	fmt.Fprintf(&b, "- ≥ 100,000 deliveries/s: %s — %.0f/s%s. Posts go one after another, so the rate is at most %d deliveries per (20 ms + mean POST round trip); a slow POST under fan-out load lowers it.\n", verdict(full && per >= 100000), per, scale, r0.clients)
	fmt.Fprintf(&b, "- ≤ 20 KiB RSS per idle connection: %s — %.1f KiB\n\n", verdict(rss <= 20), rss)
	return b.String()
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
