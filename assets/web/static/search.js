// The search box at the top of the feed: GET /v1/search over the suppliers
// the distributor follows (Chinese substrings from one character, Latin
// word prefixes; catalog/searchtext.go), narrowed by supplier, tag and
// "in stock only". While a query or a filter is set it shows its own pages
// of results instead of the live feed; clearing everything brings the
// feed back.
import { get, qs } from './api.js';
import { h, onVisible } from './dom.js';
import { t } from './i18n.js';
import { cardView } from './cardview.js';
import { openShare } from './share.js';
import { openOrderForm } from './orderform.js';

const DEBOUNCE = 300; // ms after the last keystroke before searching

// searchBox(feedEl) returns {el, destroy}; feedEl is hidden while results show.
export function searchBox(feedEl) {
	const input = h('input', { type: 'search', maxlength: 100, enterkeyhint: 'search', placeholder: t('search.placeholder'),
		'aria-label': t('search.placeholder'), 'data-test': 'search-input', oninput: () => later(run) });
	const clear = h('button', { class: 'icon-btn', hidden: true, 'aria-label': t('search.clear'), 'data-test': 'search-clear', onclick: reset }, '×');
	const supplier = h('select', { 'aria-label': t('search.supplier'), 'data-test': 'search-supplier', onchange: () => run() },
		h('option', { value: '' }, t('search.allSuppliers')));
	const tag = h('input', { type: 'text', maxlength: 20, placeholder: t('search.tag'), 'aria-label': t('search.tag'),
		'data-test': 'search-tag', oninput: () => later(run) });
	const inStock = h('input', { type: 'checkbox', 'data-test': 'search-instock', onchange: () => run() });
	const list = h('div', { class: 'feed-list', 'data-test': 'search-results' });
	const status = h('div', { class: 'status', 'data-test': 'search-status' });
	const sentinel = h('div', { class: 'sentinel' });
	const results = h('div', { class: 'stack', hidden: true }, list, status, sentinel);
	let timer = 0;
	let gen = 0; // bumped by every new search: older answers are dropped
	let asked = null; // the parameters of the search on show
	let next = null;
	let busy = false;

	function later(fn) {
		clearTimeout(timer);
		timer = setTimeout(fn, DEBOUNCE);
	}

	const params = () => ({ q: input.value.trim(), supplier_id: supplier.value, tag: tag.value.trim(), in_stock: inStock.checked ? 'true' : '' });
	const active = (p) => Boolean(p.q || p.supplier_id || p.tag || p.in_stock);

	// run starts a new search from the first page, or shows the feed again
	// when nothing is asked.
	function run() {
		clearTimeout(timer);
		gen++;
		const p = params();
		const on = active(p);
		asked = p;
		clear.hidden = !on;
		results.hidden = !on;
		feedEl.hidden = on;
		list.replaceChildren();
		next = null;
		busy = false;
		if (on) load(p, gen);
		else status.replaceChildren();
	}

	async function load(p, g) {
		busy = true;
		status.replaceChildren(h('div', { class: 'spinner' }));
		try {
			const page = await get('/v1/search' + qs({ ...p, limit: 20, before: next }));
			if (g !== gen) return;
			list.append(...(page.items || []).map((c) => cardView(c, { test: 'search-card', onShare: openShare, onOrder: openOrderForm })));
			next = page.next || null;
			busy = false;
			status.replaceChildren(!list.children.length
				? h('p', { class: 'empty', 'data-test': 'search-empty' }, t('search.empty'))
				: !next ? h('p', { class: 'muted small', 'data-test': 'search-end' }, t('feed.end')) : '');
			watch.again(); // a short page leaves the end in view
		} catch (err) {
			if (g !== gen) return;
			busy = false;
			status.replaceChildren(h('p', { class: 'error' }, err.message),
				h('button', { class: 'btn', 'data-test': 'search-retry', onclick: () => load(p, g) }, t('retry')));
		}
	}

	function reset() {
		input.value = '';
		tag.value = '';
		supplier.value = '';
		inStock.checked = false;
		run();
	}

	// A page may be short yet have next (the server examines a bounded
	// number of candidates per request), so keep loading while the end shows.
	const watch = onVisible(sentinel, () => !results.hidden && next && !busy && load(asked, gen));

	// Suppliers to filter by: those followed actively (a pending follow
	// finds nothing anyway).
	get('/v1/me/following').then((res) => {
		for (const f of res.items || []) {
			const s = f.supplier || {};
			if (f.state === 'active') supplier.append(h('option', { value: s.id }, s.name || s.handle));
		}
	}, () => { /* the filter simply offers no suppliers */ });

	const form = h('form', { class: 'search', role: 'search', onsubmit: (e) => { e.preventDefault(); input.blur(); run(); } },
		h('div', { class: 'row' }, input, clear),
		h('div', { class: 'row search-filters' }, supplier, tag,
			h('label', { class: 'inline' }, inStock, t('search.inStock'))));
	return {
		el: h('div', { class: 'stack' }, form, results),
		destroy() {
			clearTimeout(timer);
			gen++;
			watch.stop();
		},
	};
}
