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

// cardView renders a card with data-test opts.test. opts.onShare adds the
// Share button, offered only with prices (to active followers).
export function cardView(card, opts) {
	const p = card.prices;
	const sup = card.supplier || {};
	const tiers = (p && p.volume) || [];
	return h('article', { class: 'card', 'data-test': opts.test, 'data-card-id': card.id },
		h('div', { class: 'card-head' },
			h('a', { class: 'card-supplier', href: '#/supplier/' + encodeURIComponent(sup.handle), 'data-test': 'card-supplier' }, sup.name || sup.handle),
			(sup.badges || []).includes('verified') && h('span', { class: 'badge ok' }, t('badge.verified')),
			h('time', { class: 'muted', 'data-time': card.created_at }, ago(card.created_at))),
		nineGrid(card.images || []),
		h('h3', { class: 'card-title', 'data-test': 'card-title' },
			card.sold_out && h('span', { class: 'badge soldout', 'data-test': 'card-soldout' }, t('card.soldout')), card.title),
		card.description && h('p', { class: 'card-desc', 'data-test': 'card-description' }, card.description),
		p ? priceRow(p) : h('p', { class: 'muted small', 'data-test': 'card-noprice' }, t('price.hidden')),
		tiers.length > 0 && h('p', { class: 'muted small', 'data-test': 'card-volume' },
			t('price.volume') + ' ' + tiers.map((v) => t('price.tier', { n: v.min_qty, p: money(v.price) })).join(' · ')),
		p && opts.onShare && h('div', { class: 'card-actions' },
			h('button', { class: 'btn btn-primary', 'data-test': 'card-share', onclick: () => opts.onShare(card) }, t('share.button'))));
}
