// One order in a sheet: lines, the whole consignee (GET /v1/orders/{id}
// is the one place it is shown), parcels, and the moves the viewer may
// make from the current state (API.md part 2, "Orders"). Every move sends
// If-Match with the version shown, so a move made on a copy that changed
// meanwhile is refused (412) and the sheet reloads instead.
import { api, get, enc, newKey, keyAfter } from './api.js';
import { h, field, errorLine, sameOrigin } from './dom.js';
import { t } from './i18n.js';
import { money } from './money.js';
import { currentUser } from './session.js';
import { onOrders } from './orderstore.js';
import { stateBadge, trackingLines } from './orders.js';
import { openCaseForm } from './aftersales.js';
import { askReason, carrierInput } from './asks.js';
import { sheet, toast, formAction, busy } from './ui.js';

export function openOrder(id) {
	const body = h('div', { class: 'stack', 'data-test': 'order-detail' }, h('div', { class: 'spinner' }));
	const d = sheet(t('order.title'), body, 'order-sheet');
	let order = null;
	const path = '/v1/orders/' + enc(id);

	const show = (o) => {
		// What is typed in the shipment form survives a redraw, unless a
		// parcel was recorded meanwhile (then the form starts afresh).
		const typed = order && o.shipments.length === order.shipments.length
			? [...body.querySelectorAll('[data-test^=ship-]')].map((i) => [i.dataset.test + (i.dataset.line || ''), i.value]) : [];
		// Events carry the consignee masked; keep the whole one we were shown.
		order = order && o.consignee && !o.consignee.address ? { ...o, consignee: order.consignee } : o;
		body.replaceChildren(...[...detail(order), ...actions(order, move, show)].filter((x) => x != null && x !== false && x !== ''));
		for (const [k, v] of typed) {
			const i = [...body.querySelectorAll('[data-test^=ship-]')].find((x) => x.dataset.test + (x.dataset.line || '') === k);
			if (i && v) i.value = v;
		}
	};
	const load = () => get(path).then(show, (err) => body.replaceChildren(h('p', { class: 'error' }, err.message)));

	// move runs one action and shows the order it returns; a 412 or 409
	// (someone moved it meanwhile) shows it as it is now.
	async function move(action, payload, el) {
		try {
			show(await busy(el, t('working'), () => api('POST', path + '/' + action, payload, { version: order.version })));
		} catch (err) {
			toast(err.status === 412 ? t('order.changed') : err.message, 'error');
			if (err.status === 412 || err.status === 409) load();
		}
	}

	const stop = onOrders((c) => c.order && c.order.id === id && order && c.order.version > order.version && show(c.order));
	d.addEventListener('close', stop);
	load();
}

function detail(o) {
	const c = o.consignee || {};
	const supplier = currentUser().role === 'supplier';
	const other = supplier ? o.distributor : o.supplier;
	return [
		h('div', { class: 'row wrap' }, stateBadge(o),
			o.cancel_requested && o.state === 'accepted' && h('span', { class: 'badge warn', 'data-test': 'order-cancel-requested' }, t('order.cancelRequested')),
			h('span', { class: 'badge', 'data-test': 'order-payment', 'data-state': o.payment }, t('order.payment.' + o.payment))),
		h('p', { class: 'small muted' }, t(supplier ? 'order.from' : 'order.to', { name: other.name || other.handle }),
			o.out_order_id ? ' · ' + o.out_order_id : ''),
		h('div', { class: 'list' }, o.lines.map((l) => h('div', { class: 'row', 'data-test': 'order-line', 'data-line': l.line },
			l.image_url && h('img', { class: 'mini', src: sameOrigin(l.image_url), alt: '' }),
			h('span', { class: 'grow' }, l.title, l.variant && ' · ' + l.variant),
			h('span', { class: 'small' }, money(l.unit_price) + ' × ' + l.qty)))),
		h('p', {}, t('order.total') + ' ', h('b', { class: 'accent', 'data-test': 'order-detail-total' }, money(o.total))),
		h('div', { class: 'box small', 'data-test': 'order-consignee-full' },
			h('p', {}, h('strong', {}, c.name), ' ', c.phone),
			h('p', {}, [c.province, c.city, c.district, c.address, c.postcode].filter(Boolean).join(' '))),
		o.note && h('p', { class: 'small pre' }, t('order.note') + t('colon') + o.note),
		o.reason && h('p', { class: 'small muted' }, t('order.reason') + t('colon') + o.reason),
		o.ship_by && !o.shipments.length && h('p', { class: 'small', 'data-test': 'order-ship-by' }, t('order.shipBy', { when: new Date(o.ship_by).toLocaleString() })),
		(o.guarantees || []).length > 0 && h('p', { class: 'small muted' }, o.guarantees.map((g) => t('badge.' + g)).join(' · ')),
		...trackingLines(o),
	];
}

// actions returns the buttons (and the shipment form) for this state;
// show(order) redraws the sheet.
function actions(o, move, show) {
	const btn = (test, key, fn, cls = '') => h('button', { class: 'btn ' + cls, 'data-test': test, onclick: (e) => fn(e.currentTarget) }, t(key));
	const out = [];
	let form = null;
	if (currentUser().role === 'supplier') {
		if (o.state === 'submitted') {
			out.push(btn('order-accept', 'order.accept', (el) => move('accept', undefined, el), 'btn-primary'),
				btn('order-reject', 'order.reject', (el) => askReason(t('order.rejectWhy'), (reason) => move('reject', { reason }, el)), 'danger-text'));
		}
		if (o.state === 'accepted' && o.cancel_requested) {
			out.push(btn('order-cancel-approve', 'order.cancelApprove', (el) => move('cancel/approve', undefined, el), 'btn-danger'),
				btn('order-cancel-decline', 'order.cancelDecline', (el) => move('cancel/decline', undefined, el)));
		}
		if (o.payment === 'unpaid' && !['rejected', 'cancelled'].includes(o.state)) {
			out.push(btn('order-paid', 'order.markPaid', (el) => move('payment', { state: 'paid' }, el)));
		}
		if (o.state === 'accepted' || o.state === 'partially_shipped') form = shipForm(o, show);
	} else {
		if (o.state === 'submitted' || (o.state === 'accepted' && !o.cancel_requested)) {
			out.push(btn('order-cancel', o.state === 'submitted' ? 'order.cancel' : 'order.requestCancel',
				(el) => askReason(t('order.cancelWhy'), (reason) => move('cancel', reason ? { reason } : undefined, el)), 'danger-text'));
		}
		if (o.state === 'shipped') out.push(btn('order-receive', 'order.receive', (el) => move('receive', undefined, el), 'btn-primary'));
		if (['accepted', 'partially_shipped', 'shipped', 'delivered'].includes(o.state)) {
			out.push(btn('order-aftersale', 'aftersales.ask', () => openCaseForm(o)));
		}
	}
	return [out.length && h('div', { class: 'row wrap actions' }, out), form];
}

// shipForm records a parcel: carrier and tracking number, and which
// lines it holds when it is not everything left (a partial shipment).
function shipForm(o, show) {
	let key = newKey();
	const left = (l) => l.qty - (o.shipments || []).reduce((n, s) => n + s.lines.filter((x) => x.line === l.line).reduce((m, x) => m + x.qty, 0), 0);
	const [carrier, carriers] = carrierInput('ship-carrier');
	const number = h('input', { maxlength: 40, autocomplete: 'off', autocapitalize: 'characters', 'data-test': 'ship-tracking' });
	const url = h('input', { type: 'url', maxlength: 500, placeholder: t('optional'), 'data-test': 'ship-url' });
	const qty = o.lines.map((l) => h('input', { type: 'number', min: 0, max: left(l), inputmode: 'numeric', 'data-line': l.line, 'data-test': 'ship-line-qty', 'aria-label': l.title }));
	const error = errorLine('ship-error');
	const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'ship-submit' }, t('ship.submit'));
	const form = h('form', { class: 'stack box', novalidate: true, 'data-test': 'ship-form' },
		h('h3', {}, t('ship.title')),
		carriers,
		field(t('ship.carrier'), carrier), field(t('ship.number'), number), field(t('ship.url'), url),
		h('details', { 'data-test': 'ship-partial' }, h('summary', {}, t('ship.partial')),
			o.lines.map((l, i) => h('label', { class: 'inline' }, qty[i], l.title + (l.variant ? ' · ' + l.variant : '') + ' ' + t('ship.left', { n: left(l) })))),
		error, submit);
	formAction(form, submit, error, async () => {
		if (!carrier.value.trim()) throw new Error(t('ship.needCarrier'));
		if (!number.value.trim()) throw new Error(t('ship.needNumber'));
		const body = { carrier: carrier.value.trim(), tracking_number: number.value.trim() };
		if (url.value.trim()) body.tracking_url = url.value.trim();
		const lines = qty.filter((q) => +q.value > 0).map((q) => ({ line: +q.dataset.line, qty: +q.value }));
		if (lines.length) body.lines = lines;
		try {
			const res = await api('POST', '/v1/orders/' + enc(o.id) + '/shipments', body, { key, version: o.version });
			toast(t('ship.done'));
			show(res);
		} catch (err) {
			key = keyAfter(err, key);
			throw err.status === 412 ? new Error(t('order.changed')) : err;
		}
	});
	return form;
}
