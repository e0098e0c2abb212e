package main

import (
	"math"
	"testing"
	"time"
)

// TestModelDeliveries checks the capacity model against sums done by
// hand: the figures in docs/BENCHMARKS.md come from it.
func TestModelDeliveries(t *testing.T) {
	for _, tc := range []struct {
		name                       string
		nodes, cores               int
		rate                       float64
		perDelivery, perChange, pp time.Duration
		want                       float64
	}{
		// No per-change or per-post cost: every core fans out.
		{"free changes", 3, 2, 10, 10 * time.Microsecond, 0, 0, 3 * 2 / 10e-6},
		// 100 changes/s × 2 ms = 0.2 core per node for changes; posts
		// cost 3 ms more, spread over 2 nodes: 0.15 core each.
		{"costs", 2, 2, 100, 10 * time.Microsecond, 2 * time.Millisecond, 5 * time.Millisecond, 2 * (2 - 0.2 - 0.15) / 10e-6},
		// Changes alone take more than the node has: nothing is left.
		{"saturated", 4, 1, 1000, 10 * time.Microsecond, 2 * time.Millisecond, 2 * time.Millisecond, 0},
		{"no measurement", 3, 2, 10, 0, 0, 0, 0},
	} {
		got := modelDeliveries(tc.nodes, tc.cores, tc.rate, tc.perDelivery, tc.perChange, tc.pp)
		if math.Abs(got-tc.want) > 1e-6*math.Max(1, tc.want) {
			t.Errorf("%s: %.1f deliveries/s, want %.1f", tc.name, got, tc.want)
		}
	}
}

// TestSameAndCross checks that node A's followers are the same-node group
// and B's and C's together the cross-node one.
func TestSameAndCross(t *testing.T) {
	ms := time.Millisecond
	f := fanoutResult{byGroup: map[string][]time.Duration{
		"A": {1 * ms, 2 * ms},
		"B": {10 * ms},
		"C": {20 * ms, 30 * ms},
	}}
	same, cross := sameAndCross(f)
	if same.requests != 2 || same.p50 != 2*ms || same.max != 2*ms {
		t.Errorf("same node: %+v, want 2 deliveries, p50 and max 2 ms", same)
	}
	if cross.requests != 3 || cross.p50 != 20*ms || cross.max != 30*ms {
		t.Errorf("cross-node: %+v, want 3 deliveries, p50 20 ms, max 30 ms", cross)
	}
	if len(f.byGroup["B"]) != 1 || len(f.byGroup["C"]) != 2 {
		t.Errorf("sameAndCross changed its input: %v", f.byGroup)
	}
}
