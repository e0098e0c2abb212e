// Package feed owns what a distributor receives: the feed of cards from the
// suppliers it actively follows, the per-distributor event stream with its
// resumable cursors, and the fan-out hub that pushes each change to open
// connections the moment it is committed.
//
// The hub knows nothing about sockets: it writes encoded frames to a narrow
// Sink interface. Changes reach it through a Bus, in-process today, so that
// a message broker can carry them between nodes later.
package feed
