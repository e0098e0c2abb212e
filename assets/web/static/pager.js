// A cursor-paginated list (API.md "Lists"): loads pages of `path` as its
// end scrolls into view and renders each item with row(item), which may
// return null to skip one (already shown, say).
import { get, qs } from './api.js';
import { h, onVisible } from './dom.js';
import { t } from './i18n.js';

export function pagedList(path, row, test, empty) {
	const list = h('div', { class: 'list', 'data-test': test });
	const status = h('div', { class: 'status' });
	const sentinel = h('div', { class: 'sentinel' });
	let next = null;
	let busy = false;
	let done = false;

	async function load() {
		if (busy || done) return;
		busy = true;
		status.replaceChildren(h('div', { class: 'spinner' }));
		try {
			const q = qs({ limit: 20, before: next });
			const page = await get(path + (path.includes('?') ? '&' + q.slice(1) : q));
			list.append(...(page.items || []).map(row).filter(Boolean)); // row may skip an item (null)
			next = page.next;
			done = !next;
			status.replaceChildren(list.children.length ? '' : h('p', { class: 'empty', 'data-test': test + '-empty' }, empty));
			busy = false;
			watch.again();
		} catch (err) {
			busy = false;
			status.replaceChildren(h('p', { class: 'error' }, err.message),
				h('button', { class: 'btn', 'data-test': test + '-retry', onclick: load }, t('retry')));
		}
	}

	const watch = onVisible(sentinel, load);
	return { el: h('div', {}, list, status, sentinel), destroy: watch.stop };
}
