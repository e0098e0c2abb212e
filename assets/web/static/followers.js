// The supplier's followers: approve requests, block and unblock, and put
// each follower on a price level. New requests and follows appear live
// (follow.requested on the supplier's stream).
import { api, enc } from './api.js';
import { h } from './dom.js';
import { t, ago } from './i18n.js';
import { pagedList } from './pager.js';
import { currentUser } from './session.js';
import { subscribe } from './feedstore.js';
import { toast, errorToast, confirmSheet, busy } from './ui.js';

let shown = 'pending';

export function followersView() {
	const tabs = h('div', { class: 'segmented', role: 'tablist' });
	const body = h('div', {});
	let pager = null;
	const show = (state) => {
		shown = state;
		tabs.replaceChildren(...['pending', 'active', 'blocked'].map((s) => h('button', {
			role: 'tab', 'aria-selected': String(s === state), 'data-test': 'followers-tab-' + s, onclick: () => show(s),
		}, t('followers.' + s))));
		if (pager) pager.destroy();
		pager = pagedList('/v1/me/followers?state=' + state, row, 'followers', t('followers.empty.' + state));
		body.replaceChildren(pager.el);
	};
	show(shown);
	const stop = subscribe((c) => {
		const ev = c.type === 'event' && c.ev.type === 'follow.requested' && c.ev;
		if (!ev || !ev.distributor || ev.state !== shown || body.querySelector('[data-distributor-id="' + CSS.escape(ev.distributor.id) + '"]')) return;
		const list = body.querySelector('.list');
		list.prepend(row({ distributor: ev.distributor, state: ev.state, level: (currentUser().levels || [])[0], since: new Date().toISOString() }));
		body.querySelectorAll('.empty').forEach((e) => e.remove());
	});
	return {
		el: h('section', { class: 'stack' }, h('h1', {}, t('tab.followers')), tabs, body),
		title: t('tab.followers'),
		destroy() { stop(); pager.destroy(); },
	};
}

function row(f) {
	const d = f.distributor || {};
	const levels = currentUser().levels || [];
	const node = h('article', { class: 'item col', 'data-test': 'follower', 'data-distributor-id': d.id, 'data-state': f.state });

	// update PATCHes the follow; a new state moves the row to another tab.
	async function update(change, el, done) {
		try {
			await busy(el, null, () => api('PATCH', '/v1/me/followers/' + enc(d.id), change));
			if (change.state) node.remove();
			toast(done);
		} catch (err) {
			errorToast(err);
		}
	}

	const level = h('select', {
		'data-test': 'follower-level', 'aria-label': t('followers.level'),
		onchange: () => update({ level: level.value }, level, t('followers.levelSaved', { level: level.value })),
	}, [...new Set([f.level, ...levels])].filter(Boolean).map((l) => h('option', { value: l, selected: l === f.level }, l)));
	const btn = (test, key, cls, onclick) => h('button', { class: 'btn ' + cls, 'data-test': test, onclick }, t(key));

	node.append(
		h('strong', { 'data-test': 'follower-name' }, d.name || d.handle),
		h('span', { class: 'muted small' }, '@' + d.handle + ' · ' + t('followers.since', { when: ago(f.since) })),
		h('div', { class: 'row wrap' },
			f.state !== 'blocked' && h('label', { class: 'inline' }, t('followers.level'), level),
			f.state === 'pending' && btn('follower-approve', 'followers.approve', 'btn-primary',
				(e) => update({ state: 'active', level: level.value }, e.currentTarget, t('followers.approved'))),
			f.state === 'blocked'
				? btn('follower-unblock', 'followers.unblock', '', (e) => update({ state: 'active' }, e.currentTarget, t('followers.unblocked')))
				: btn('follower-block', 'followers.block', 'danger-text', async (e) => {
					const b = e.currentTarget;
					if (await confirmSheet(t('followers.blockConfirm', { name: d.name || d.handle }), t('followers.block'))) {
						update({ state: 'blocked' }, b, t('followers.didBlock'));
					}
				})));
	return node;
}
