// The account's live stream and, for distributors, the feed as data:
// cards, paging cursor. It lives for the session, so the feed stays
// current behind other screens. Suppliers have the stream only (orders,
// after-sales, follow requests); events other than the feed's reach
// subscribers as {type: 'event', ev} (orderstore.js listens).
import { get, qs, signedOut } from './api.js';
import { FeedStream } from './stream.js';

export const feed = { cards: [], next: null, loaded: false, loading: false, error: null, conn: 'offline', scrollY: 0 };

const listeners = new Set();
let stream = null;
let gen = 0; // bumped by refresh() and stop(); see page()
let withFeed = true; // false for suppliers: they have no feed

// subscribe(fn): fn({type: reset|append|insert|update|remove|conn|error|event|resync, card?, cards?, id?, ev?}).
export function subscribe(fn) {
	listeners.add(fn);
	return () => listeners.delete(fn);
}
const emit = (change) => listeners.forEach((fn) => fn(change));
const indexOf = (id) => feed.cards.findIndex((c) => c.id === id);

// start opens the stream for the signed-in account's role.
export function start(role) {
	stop();
	withFeed = role !== 'supplier';
	stream = new FeedStream({
		onEvent: apply,
		onState: (s) => { feed.conn = s; emit({ type: 'conn' }); },
		onResync: () => { emit({ type: 'resync' }); reload(); },
		onSignedOut: signedOut,
	});
	reload();
}

export function stop() {
	if (stream) stream.destroy();
	stream = null;
	gen++;
	Object.assign(feed, { cards: [], next: null, loaded: false, loading: false, error: null, conn: 'offline', scrollY: 0 });
	emit({ type: 'conn' });
}

// reload takes the event cursor first, then the newest page, then streams
// from that cursor: whatever is published in between arrives by replay
// and is deduplicated by card id, so nothing falls into a gap.
async function reload() {
	const s = stream; // a sign-out meanwhile replaces or ends it
	let cursor = null;
	try {
		cursor = (await get('/v1/feed/events')).cursor || null;
	} catch { /* a live-only stream is the best we can do */ }
	if (withFeed) await refresh();
	if (s && s === stream) s.connect(cursor);
}

// page loads one page. A refresh (before = null) supersedes every request
// still in flight, and so does stop(): their answers are dropped.
async function page(before, use) {
	const g = before ? gen : ++gen;
	feed.loading = true;
	try {
		const res = await get('/v1/feed' + qs({ limit: 20, before }));
		if (g !== gen) return;
		feed.next = res.next || null;
		feed.error = null;
		use(res.items || []);
	} catch (err) {
		if (g !== gen) return;
		feed.error = err;
		emit({ type: 'error' });
	} finally {
		if (g === gen) feed.loading = false;
	}
}

// refresh replaces the cards with the newest page (also after a follow
// change, which can change the suppliers and costs we see).
export const refresh = () => page(null, (items) => {
	feed.cards = items;
	feed.loaded = true;
	emit({ type: 'reset' });
});

export function loadMore() {
	if (!feed.next || feed.loading) return;
	page(feed.next, (items) => {
		const fresh = items.filter((c) => indexOf(c.id) < 0);
		feed.cards.push(...fresh);
		emit({ type: 'append', cards: fresh });
	});
}

function apply(ev) {
	const card = ev.card;
	if (card && (ev.type === 'card.published' || ev.type === 'card.updated')) {
		const i = indexOf(card.id);
		if (i >= 0) {
			feed.cards[i] = card;
			emit({ type: 'update', card });
		} else if (ev.type === 'card.published') {
			feed.cards.unshift(card);
			emit({ type: 'insert', card });
		} // an update to a card older than those loaded: nothing to show
	} else if (ev.type === 'card.withdrawn') {
		removeWhere((c) => c.id === ev.card_id);
	} else if (ev.type === 'follow.changed') {
		if (ev.state === 'active') refresh(); // approved or new level: other cards, other costs
		else removeWhere((c) => c.supplier && c.supplier.id === ev.supplier_id);
	} else {
		emit({ type: 'event', ev }); // order.*, aftersale.updated, follow.requested
	}
}

function removeWhere(pred) {
	for (const c of feed.cards.filter(pred)) {
		feed.cards.splice(indexOf(c.id), 1);
		emit({ type: 'remove', id: c.id });
	}
}
