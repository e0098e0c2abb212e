// One product card as a distributor or visitor sees it: nine-grid, text,
// supplier and, where the caller may see them, their cost, the suggested
// retail price and the margin between the two.
import { h } from './dom.js';
import { t, ago } from './i18n.js';
import { money, margin } from './money.js';
import { openLightbox } from './lightbox.js';

// nineGrid: one photo large, 2–4 in two columns, 5–9 in three. Cells use
// the 360 px grid.jpg (a single photo the display size); a tap opens the viewer.
export function nineGrid(images) {
	const n = images.length;
	return h('div', { class: 'grid grid-' + (n === 1 ? 1 : n <= 4 ? 2 : 3), 'data-test': 'card-grid' },
		images.map((im, i) => h('button', {
			class: 'grid-cell', 'aria-label': t('photo.open', { n: i + 1, total: n }), onclick: () => openLightbox(images, i),
		}, h('img', n === 1
			? { src: im.urls.display, width: im.width, height: im.height, alt: '', loading: 'lazy', decoding: 'async' }
			: { src: im.urls.grid, width: 360, height: 360, alt: '', loading: 'lazy', decoding: 'async' }))));
}

const box = (label, value, cls, test) => h('div', { class: 'price ' + cls },
	h('span', { class: 'price-label' }, label), h('span', { class: 'price-value', 'data-test': test }, value));

function priceRow(p) {
	const m = margin(p.cost, p.retail);
	return h('div', { class: 'prices' },
		box(t('price.cost'), money(p.cost), 'cost', 'card-cost'),
		box(t('price.retail'), money(p.retail), 'retail', 'card-retail'),
		box(t('price.margin'), money(m.fen) + (m.pct && ' · ' + m.pct), 'margin', 'card-margin'));
}

// supplierBadges shows a supplier's badges; earned ones (on_time,
// as_described) say how many orders they were measured from.
export function supplierBadges(sup) {
	const badges = sup.badges || [];
	const earned = badges.some((b) => b === 'on_time' || b === 'as_described');
	return [badges.map((b) => h('span', { class: 'badge ok', 'data-test': 'supplier-badge', 'data-badge': b }, t('badge.' + b))),
		earned && sup.measured_orders > 0 && h('span', { class: 'muted small', 'data-test': 'supplier-measured' }, t('badge.measured', { n: sup.measured_orders }))];
}

// earlyBadge marks a card seen before its early-access window ends
// ("抢先 / Early until 18:00").
function earlyBadge(card) {
	const ea = card.early_access;
	if (!ea || ea.released || !(Date.parse(ea.until) > Date.now())) return null;
	const until = new Date(ea.until).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
	return h('span', { class: 'badge early', 'data-test': 'card-early', title: t('card.earlyHint', { level: ea.level }) }, t('card.early', { until }));
}

// stockText says what is left: "白/M 5 left · 蓝/L 3 left", "12 left",
// the variants alone, or '' (unlimited, or not the caller's to see).
export function stockText(c) {
	const vs = c.variants || [];
	if (vs.length) return vs.map((v) => v.spec + (v.stock == null ? '' : ' ' + t('stock.left', { n: v.stock }))).join(' · ');
	return c.stock == null ? '' : t('stock.left', { n: c.stock });
}

// cardView renders a card with data-test opts.test. opts.onShare and
// opts.onOrder add the Share and "Order for a buyer" buttons, offered
// only with prices (to active followers).
export function cardView(card, opts) {
	const p = card.prices;
	const sup = card.supplier || {};
	const tiers = (p && p.volume) || [];
	return h('article', { class: 'card', 'data-test': opts.test, 'data-card-id': card.id },
		h('div', { class: 'card-head' },
			h('a', { class: 'card-supplier', href: '#/supplier/' + encodeURIComponent(sup.handle), 'data-test': 'card-supplier' }, sup.name || sup.handle),
			supplierBadges(sup),
			h('time', { class: 'muted', 'data-time': card.created_at }, ago(card.created_at))),
		nineGrid(card.images || []),
		h('h3', { class: 'card-title', 'data-test': 'card-title' },
			card.sold_out && h('span', { class: 'badge soldout', 'data-test': 'card-soldout' }, t('card.soldout')),
			earlyBadge(card), card.title),
		card.description && h('p', { class: 'card-desc', 'data-test': 'card-description' }, card.description),
		p ? priceRow(p) : h('p', { class: 'muted small', 'data-test': 'card-noprice' }, t('price.hidden')),
		tiers.length > 0 && h('p', { class: 'muted small', 'data-test': 'card-volume' },
			t('price.volume') + ' ' + tiers.map((v) => t('price.tier', { n: v.min_qty, p: money(v.price) })).join(' · ')),
		stockText(card) && h('p', { class: 'muted small', 'data-test': 'card-stock' }, stockText(card)),
		p && (opts.onShare || opts.onOrder) && h('div', { class: 'card-actions' },
			opts.onOrder && !card.sold_out && h('button', { class: 'btn', 'data-test': 'card-order', onclick: () => opts.onOrder(card) }, t('orderForm.button')),
			opts.onShare && h('button', { class: 'btn btn-primary', 'data-test': 'card-share', onclick: () => opts.onShare(card) }, t('share.button'))));
}
