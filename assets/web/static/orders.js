// The Orders screen, both roles: orders placed (distributor) or received
// (supplier), filtered by state, and after-sales cases. Rows change in
// place as order.* and aftersale.updated events arrive; a supplier's new
// orders appear at the top without a reload.
import { h, sameOrigin } from './dom.js';
import { t, ago } from './i18n.js';
import { money } from './money.js';
import { pagedList } from './pager.js';
import { currentUser } from './session.js';
import { onOrders } from './orderstore.js';
import { openOrder } from './ordersheet.js';
import { caseRow } from './aftersales.js';

const ORDER_STATES = ['submitted', 'accepted', 'partially_shipped', 'shipped', 'delivered', 'completed', 'rejected', 'cancelled'];
let shown = 'orders';
let stateFilter = '';

export function ordersView() {
	const tabs = h('div', { class: 'segmented', role: 'tablist' });
	const body = h('div', { class: 'stack' });
	let pager = null;
	let stopLive = () => {};

	const show = (which) => {
		shown = which;
		tabs.replaceChildren(...['orders', 'aftersales'].map((s) => h('button', {
			role: 'tab', 'aria-selected': String(s === which), 'data-test': 'orders-tab-' + s, onclick: () => show(s),
		}, t('orders.tab.' + s))));
		if (pager) pager.destroy();
		stopLive();
		if (which === 'orders') {
			const filter = h('select', { 'data-test': 'orders-state', 'aria-label': t('orders.filter'), onchange: () => { stateFilter = filter.value; show('orders'); } },
				h('option', { value: '' }, t('orders.all')),
				ORDER_STATES.map((s) => h('option', { value: s, selected: s === stateFilter }, t('order.state.' + s))));
			pager = pagedList('/v1/orders' + (stateFilter ? '?state=' + stateFilter : ''), once(orderRow), 'orders', t('orders.empty'));
			stopLive = live(pager.el, 'order', orderRow, (o) => !stateFilter || o.state === stateFilter, () => show('orders'));
			body.replaceChildren(filter, pager.el);
		} else {
			pager = pagedList('/v1/aftersales', once(caseRow), 'aftersales', t('aftersales.empty'));
			stopLive = live(pager.el, 'aftersale', caseRow, () => true, () => show('aftersales'));
			body.replaceChildren(pager.el);
		}
	};
	show(shown);
	return {
		el: h('section', { class: 'stack' }, h('h1', {}, t('tab.orders')), tabs, body),
		title: t('tab.orders'),
		destroy() { stopLive(); pager.destroy(); },
	};
}

// once wraps a row function so that an item already drawn (it arrived
// live while its page was loading) is not drawn twice.
const once = (row) => (item) => (document.querySelector('[data-id="' + CSS.escape(item.id) + '"]') ? null : row(item));

// live keeps a list of kind 'order' or 'aftersale' (its rows' data-test)
// current: a changed item is redrawn in place, a new one that passes the
// filter goes on top, and after a resync the list is loaded again.
function live(el, kind, row, fits, redraw) {
	const list = el.querySelector('.list');
	return onOrders((c) => {
		if (c.type === 'resync') return list.isConnected && redraw(); // events were lost: load the list again
		const item = c[kind];
		if (!item) return;
		const old = list.querySelector('[data-test=' + kind + '][data-id="' + CSS.escape(item.id) + '"]');
		if (old) old.replaceWith(row(item));
		else if (fits(item) && (c.created || kind === 'aftersale')) {
			list.prepend(row(item));
			el.querySelectorAll('.empty').forEach((e) => e.remove());
		}
	});
}

// orderRow is one order in the list; "Details" opens the order sheet.
export function orderRow(o) {
	const first = o.lines[0] || {};
	const other = currentUser().role === 'supplier' ? o.distributor : o.supplier;
	const c = o.consignee || {};
	return h('article', { class: 'item', 'data-test': 'order', 'data-id': o.id, 'data-order-id': o.id, 'data-state': o.state },
		h('span', { class: 'thumb' }, first.image_url && h('img', { src: sameOrigin(first.image_url), alt: '', loading: 'lazy' }),
			o.lines.length > 1 && h('span', {}, o.lines.length)),
		h('div', { class: 'item-body' },
			h('p', { class: 'clamp' }, h('strong', {}, first.title), first.variant && ' · ' + first.variant, ' × ' + first.qty),
			h('p', { class: 'row wrap small' }, stateBadge(o),
				o.cancel_requested && o.state === 'accepted' && h('span', { class: 'badge warn', 'data-test': 'order-cancel-requested' }, t('order.cancelRequested')),
				h('b', { class: 'accent', 'data-test': 'order-total' }, money(o.total))),
			h('p', { class: 'small muted', 'data-test': 'order-consignee' },
				[c.name, c.phone, c.province, c.city].filter(Boolean).join(' ') + ' · ' + (other.name || other.handle)),
			trackingLines(o),
			h('div', { class: 'row spread' },
				h('time', { class: 'muted small', 'data-time': o.created_at }, ago(o.created_at)),
				h('button', { class: 'btn', 'data-test': 'order-open', 'aria-label': t('order.details') + t('colon') + first.title, onclick: () => openOrder(o.id) }, t('order.details')))));
}

export const stateBadge = (o) => h('span', {
	class: 'badge state-' + o.state, 'data-test': 'order-state', 'data-state': o.state,
}, t('order.state.' + o.state));

// trackingLines lists the order's parcels: "SF Express SF123…".
export function trackingLines(o) {
	return (o.shipments || []).map((s) => h('p', { class: 'small', 'data-test': 'order-tracking' },
		t('order.parcel') + t('colon') + s.carrier + ' ',
		s.tracking_url && /^https?:/.test(s.tracking_url)
			? h('a', { href: s.tracking_url, target: '_blank', rel: 'noopener noreferrer', 'data-test': 'order-tracking-number' }, s.tracking_number)
			: h('b', { 'data-test': 'order-tracking-number' }, s.tracking_number)));
}
