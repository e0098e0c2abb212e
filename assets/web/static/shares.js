// The distributor's shares with what each brought: views → orders →
// sales. Copy the link, open it, order for a buyer who answered it
// (the order names the share), or delete it (the link stops working).
import { api, get, enc } from './api.js';
import { h, sameOrigin } from './dom.js';
import { t, ago } from './i18n.js';
import { money } from './money.js';
import { pagedList } from './pager.js';
import { openOrderForm } from './orderform.js';
import { toast, errorToast, confirmSheet, copyToast, busy } from './ui.js';

export function sharesView() {
	const pager = pagedList('/v1/shares', row, 'shares', t('shares.empty'));
	return { el: h('section', { class: 'stack' }, h('h1', {}, t('shares.title')), pager.el), title: t('shares.title'), destroy: pager.destroy };
}

function row(s) {
	const thumb = (s.image_urls || [])[0];
	async function remove() {
		if (!(await confirmSheet(t('shares.deleteConfirm'), t('shares.delete')))) return;
		try {
			await api('DELETE', '/v1/shares/' + enc(s.id));
			node.remove();
			toast(t('shares.deleted'));
		} catch (err) {
			errorToast(err);
		}
	}
	// The card is fetched now: its prices and stock may have changed since.
	const order = (e) => busy(e.currentTarget, null, () => get('/v1/cards/' + enc(s.card_id)))
		.then((card) => (card.prices ? openOrderForm(card, { shareId: s.id }) : toast(t('shares.noOrder'), 'error')), errorToast);
	const node = h('article', { class: 'item', 'data-test': 'share-item', 'data-share-id': s.id },
		h('span', { class: 'thumb' }, thumb && h('img', { src: sameOrigin(thumb), alt: '', loading: 'lazy' })),
		h('div', { class: 'item-body' },
			h('p', { class: 'clamp' }, s.text || s.copy_text),
			h('p', { class: 'small' }, h('b', { class: 'accent' }, money(s.price)), ' · ',
				h('time', { 'data-time': s.created_at }, ago(s.created_at))),
			h('p', { class: 'small funnel' },
				h('span', { 'data-test': 'share-views' }, t('shares.views', { n: s.views || 0 })), ' → ',
				h('span', { 'data-test': 'share-orders' }, t('shares.orders', { n: s.orders || 0 })), ' → ',
				h('b', { class: 'accent', 'data-test': 'share-sales' }, money(s.sales || 0))),
			h('div', { class: 'row wrap' },
				h('button', { class: 'btn btn-primary', 'data-test': 'share-order', onclick: order }, t('orderForm.button')),
				h('button', { class: 'btn', 'data-test': 'share-copy-link', onclick: () => copyToast(s.url) }, t('shares.copy')),
				h('a', { class: 'btn', href: s.url, target: '_blank', rel: 'noopener', 'data-test': 'share-open' }, t('shares.open')),
				h('button', { class: 'btn danger-text', 'data-test': 'share-delete', onclick: remove }, t('shares.delete')))));
	return node;
}
