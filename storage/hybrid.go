package storage

// Feed pages and replays both have two ways to read, and which is cheaper
// depends on the request (measurements in docs/FEED.md):
//
//   - scan: walk one global, time-ordered index (the live-card timeline,
//     or the change log) and keep what belongs to the followed sources. It
//     costs one step per entry walked, whoever wrote it, and stops as soon
//     as it has limit results.
//   - merge: seek each followed source's own index and k-way merge them.
//     It costs one B+tree seek per source, plus log(k) per result.
//
// Both reads scan first, within a budget of steps worth about as much as
// the merge's seeks, and merge only the part the budget did not reach. A
// reconnect after a short gap, or a distributor whose suppliers write much
// of the log, is served by the scan alone; sparse sources over a long span
// cost at most the budget more than a pure merge, about twice at worst.

// The budgets, in entries per followed source. BenchmarkHybridCost put one
// merge seek at 28–58 walked entries of the change log and 42–71 of the
// live-card timeline (medians of noisy runs); 32 sits at the low end, so a
// wasted scan costs at most about as much again as the merge it precedes.
// The bases keep small requests on the scan, whose fixed cost is lower.
const (
	scanPerSource     = 32
	scanBase          = 64
	feedScanPerSource = 32
	feedScanBase      = 64
)

// replayBudget is how many log entries Changes walks before merging.
func (db *DB) replayBudget(sources int) uint64 {
	if db.budget != nil {
		return db.budget(sources)
	}
	return uint64(scanPerSource*sources + scanBase)
}

// feedBudget is how many timeline entries a feed read walks before merging.
func (db *DB) feedBudget(sources int) uint64 {
	if db.budget != nil {
		return db.budget(sources)
	}
	return uint64(feedScanPerSource*sources + feedScanBase)
}
