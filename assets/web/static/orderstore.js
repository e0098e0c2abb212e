// Orders and after-sales as they change: relays the stream's order.* and
// aftersale.updated events to the open screens, and keeps the supplier's
// count of what waits for its answer (the badge on the Orders tab).
import { get } from './api.js';
import { subscribe as onStream } from './feedstore.js';

const waiting = new Set(); // 'o' + order id or 'a' + after-sale id
const listeners = new Set();
let gen = 0;
let counting = false;

// needsAnswer: a new order, a cancel request, an after-sale request.
export const orderWaits = (o) => o.state === 'submitted' || (o.state === 'accepted' && o.cancel_requested);
const caseWaits = (a) => a.state === 'requested';

// onOrders(fn): fn({type: 'order'|'aftersale'|'resync'|'count', order?, aftersale?, created?}).
export function onOrders(fn) {
	listeners.add(fn);
	return () => listeners.delete(fn);
}
// A copy: a listener may subscribe anew (a list redrawn on resync), and
// must not hear the same change again.
const emit = (c) => [...listeners].forEach((fn) => fn(c));

export const waitingCount = () => waiting.size;

function track(key, yes) {
	const had = waiting.has(key);
	if (yes) waiting.add(key);
	else waiting.delete(key);
	if (had !== yes) emit({ type: 'count' });
}

// start begins counting for a supplier (distributors get events only).
export async function start(role) {
	stop();
	counting = role === 'supplier';
	if (!counting) return;
	const g = gen;
	try {
		const [subm, acc, cases] = await Promise.all([get('/v1/orders?state=submitted&limit=100'),
			get('/v1/orders?state=accepted&limit=100'), get('/v1/aftersales?state=requested&limit=100')]);
		if (g !== gen) return;
		[...subm.items, ...acc.items].forEach((o) => orderWaits(o) && waiting.add('o' + o.id));
		cases.items.forEach((a) => waiting.add('a' + a.id));
		emit({ type: 'count' });
	} catch { /* the badge is a convenience: the list itself is the truth */ }
}

export function stop() {
	gen++;
	counting = false;
	waiting.clear();
	emit({ type: 'count' });
}

onStream((c) => {
	if (c.type === 'resync') {
		if (counting) start('supplier');
		emit({ type: 'resync' });
	}
	if (c.type !== 'event') return;
	const { ev } = c;
	if (ev.order) {
		if (counting) track('o' + ev.order.id, orderWaits(ev.order));
		emit({ type: 'order', order: ev.order, created: ev.type === 'order.submitted' });
	} else if (ev.aftersale) {
		if (counting) track('a' + ev.aftersale.id, caseWaits(ev.aftersale));
		emit({ type: 'aftersale', aftersale: ev.aftersale });
	}
});
