package assets

import (
	"bufio"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// peakMemory samples the Go heap while a benchmark runs and reads the
// process's peak resident set (VmHWM) at the end. The RSS peak is reset
// first, so the memory used to generate the inputs is not counted.
type peakMemory struct {
	heap atomic.Uint64
	done chan struct{}
	cpu  time.Duration // user+system CPU time of the process at the start
}

func startPeakMemory(tb testing.TB) *peakMemory {
	runtime.GC()
	debug.FreeOSMemory()
	// Writing 5 to clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0).
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		tb.Logf("cannot reset the RSS peak: %v", err)
	}
	pm := &peakMemory{done: make(chan struct{}), cpu: cpuTime()}
	go pm.sample()
	return pm
}

// sample reads the bytes in live and unswept heap objects every
// millisecond; runtime/metrics does not stop the world as ReadMemStats does.
func (pm *peakMemory) sample() {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		metrics.Read(s)
		if v := s[0].Value.Uint64(); v > pm.heap.Load() {
			pm.heap.Store(v)
		}
		select {
		case <-pm.done:
			return
		case <-tick.C:
		}
	}
}

// report stops sampling and reports both peaks in MiB, and the CPU time
// used per iteration: on a shared, noisy machine that figure moves much
// less than the wall-clock time.
func (pm *peakMemory) report(b *testing.B) {
	close(pm.done)
	b.ReportMetric(float64((cpuTime()-pm.cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(pm.heap.Load())/(1<<20), "MiB-heap-peak")
	if hwm, ok := vmHWM(); ok {
		b.ReportMetric(float64(hwm)/(1<<10), "MiB-rss-peak")
	}
}

// vmHWM returns the process's peak resident set size in KiB.
func vmHWM() (int, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return kb, err == nil
		}
	}
	return 0, false
}

// cpuTime returns the user plus system CPU time used by the process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
