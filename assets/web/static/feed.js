// The feed screen: the search box (search.js), then the feed store
// rendered, paging older cards in as the end nears and applying live
// changes in place without moving what is being read.
import { h, onVisible } from './dom.js';
import { t } from './i18n.js';
import { feed, subscribe, loadMore, refresh } from './feedstore.js';
import { cardView } from './cardview.js';
import { openShare } from './share.js';
import { openOrderForm } from './orderform.js';
import { searchBox } from './search.js';

const TOP = 40; // px from the top within which new cards simply appear

export function feedView() {
	const list = h('div', { class: 'feed-list', 'data-test': 'feed-list' });
	const status = h('div', { class: 'status', 'data-test': 'feed-status' });
	const sentinel = h('div', { class: 'sentinel' });
	const pill = h('button', { class: 'new-pill', hidden: true, 'data-test': 'feed-new-pill', onclick: () => scrollTo({ top: 0, behavior: 'smooth' }) });
	const nodes = new Map(); // card id → element
	let unseen = 0;

	const make = (card) => {
		const node = cardView(card, { test: 'feed-card', onShare: openShare, onOrder: openOrderForm });
		nodes.set(card.id, node);
		return node;
	};
	const showPill = (n) => {
		unseen = n;
		pill.textContent = t('feed.new', { n });
		pill.hidden = !n;
	};

	function renderStatus() {
		let s = [];
		if (feed.error) {
			s = [h('p', { class: 'error' }, feed.error.message),
				h('button', { class: 'btn', 'data-test': 'feed-retry', onclick: feed.loaded ? loadMore : refresh }, t('retry'))];
		} else if (!feed.loaded) s = [h('div', { class: 'spinner' })];
		else if (!feed.cards.length) {
			s = [h('p', { class: 'empty', 'data-test': 'feed-empty' }, t('feed.empty'))];
		} else if (!feed.next) s = [h('p', { class: 'muted small', 'data-test': 'feed-end' }, t('feed.end'))];
		status.replaceChildren(...s);
	}

	// keepAnchor makes a DOM change, then scrolls by as much as the first
	// visible card (or its replacement) moved, so changes above the viewport
	// do not shift what is being read. CSS scroll anchoring is off on the
	// list so that the browser does not compensate a second time.
	function keepAnchor(change, gone, replacement) {
		const anchor = [...list.children].find((n) => (n !== gone || replacement) && n.getBoundingClientRect().bottom > 0);
		const before = anchor ? anchor.getBoundingClientRect().top : 0;
		change();
		const now = anchor === gone ? replacement : anchor;
		if (now && scrollY > TOP) scrollBy(0, now.getBoundingClientRect().top - before);
	}

	const watch = onVisible(sentinel, () => feed.loaded && !feed.error && loadMore());
	const unsubscribe = subscribe((c) => {
		const old = nodes.get(c.id || (c.card && c.card.id));
		if (c.type === 'reset') {
			nodes.clear();
			list.replaceChildren(...feed.cards.map(make));
		} else if (c.type === 'append') {
			list.append(...c.cards.map(make));
		} else if (c.type === 'insert') {
			const node = make(c.card);
			node.classList.add('slide-in');
			if (scrollY > TOP) showPill(unseen + 1); // the reader is further down: keep their place
			keepAnchor(() => list.prepend(node));
		} else if (c.type === 'update' && old) {
			const node = make(c.card);
			keepAnchor(() => old.replaceWith(node), old, node);
		} else if (c.type === 'remove' && old) {
			nodes.delete(c.id);
			keepAnchor(() => old.remove(), old);
		}
		renderStatus();
		if (c.type === 'reset' || c.type === 'append') watch.again(); // a short page leaves the end in view
	});

	const onScroll = () => unseen && scrollY <= TOP && showPill(0);
	addEventListener('scroll', onScroll, { passive: true });
	list.replaceChildren(...feed.cards.map(make));
	renderStatus();
	if (feed.scrollY) requestAnimationFrame(() => scrollTo(0, feed.scrollY));

	const live = h('div', {}, pill, list, status, sentinel);
	const search = searchBox(live);
	return {
		el: h('section', { class: 'stack' }, search.el, live),
		destroy() {
			search.destroy();
			feed.scrollY = scrollY;
			unsubscribe();
			watch.stop();
			removeEventListener('scroll', onScroll);
		},
	};
}
