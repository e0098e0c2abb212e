// A supplier's page in the app (#/supplier/{handle}), where the public
// channel page sends people to follow: profile, cards, Follow button.
import { api, get, enc } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { cardView } from './cardview.js';
import { refresh as refreshFeed } from './feedstore.js';
import { pagedList } from './pager.js';
import { currentUser } from './session.js';
import { openShare } from './share.js';
import { toast, errorToast, confirmSheet, busy } from './ui.js';

export function supplierView(ctx) {
	const el = h('section', { class: 'stack' }, h('div', { class: 'spinner' }));
	let pager = null;
	let gone = false;

	async function load() {
		const me = currentUser();
		try {
			const [sup, following] = await Promise.all([get('/v1/suppliers/' + enc(ctx.param)),
				me && me.role === 'distributor' && get('/v1/me/following')]);
			const f = following && (following.items || []).find((x) => x.supplier && x.supplier.id === sup.id);
			if (!gone) render(sup, f ? f.state : 'none');
		} catch (err) {
			if (!gone) el.replaceChildren(h('p', { class: 'error', 'data-test': 'supplier-error' }, err.message), h('button', { class: 'btn', onclick: load }, t('retry')));
		}
	}

	function render(sup, state) {
		const me = currentUser();
		if (pager) pager.destroy();
		pager = pagedList('/v1/suppliers/' + enc(sup.id) + '/cards',
			(c) => cardView(c, { test: 'supplier-card', onShare: me && me.role === 'distributor' && openShare }), 'supplier-cards', t('supplier.empty'));
		el.replaceChildren(profile(sup), followBox(sup, state, me), pager.el);
		ctx.setTitle(sup.name || sup.handle);
	}

	function followBox(sup, state, me) {
		if (!me) return h('a', { class: 'btn btn-primary', href: '#/signin', 'data-test': 'follow-button', 'data-state': 'none', onclick: ctx.returnHere }, t('supplier.signinToFollow'));
		if (me.role !== 'distributor') return '';
		const button = h('button', {
			class: state === 'none' ? 'btn btn-primary' : 'btn', 'data-test': 'follow-button', 'data-state': state,
			'aria-pressed': String(state === 'active'), disabled: state === 'blocked', onclick: toggle,
		}, t('supplier.' + state));
		return h('div', { class: 'stack' }, button, state === 'pending' && h('p', { class: 'hint center', 'data-test': 'follow-state' }, t('supplier.pendingHint')));

		async function toggle() {
			const path = '/v1/suppliers/' + enc(sup.id) + '/follow';
			if (state !== 'none' && !(await confirmSheet(t('supplier.unfollowConfirm', { name: sup.name || sup.handle }), t('supplier.unfollow')))) return;
			try {
				const res = await busy(button, t('working'), () => api(state === 'none' ? 'PUT' : 'DELETE', path));
				if (res) toast(t(res.state === 'pending' ? 'supplier.requested' : 'supplier.followed'));
				render(sup, res ? res.state : 'none');
				refreshFeed(); // new or fewer cards, now with or without prices
			} catch (err) {
				errorToast(err);
			}
		}
	}

	load();
	return { el, title: t('role.supplier'), destroy() { gone = true; if (pager) pager.destroy(); } };
}

function profile(sup) {
	const known = ['verified', 'ship_48h', 'exchange_7d'];
	return h('header', { class: 'box stack', 'data-test': 'supplier-profile' },
		h('h1', { 'data-test': 'supplier-name' }, sup.name || sup.handle),
		h('p', { class: 'muted small' }, '@' + sup.handle),
		h('div', { class: 'row wrap' }, [...(sup.badges || []), ...(sup.guarantees || [])].map((b) =>
			h('span', { class: 'badge ok' }, known.includes(b) ? t('badge.' + b) : b))),
		sup.bio && h('p', { class: 'pre' }, sup.bio),
		sup.contact && h('p', { class: 'small' }, t('profile.contact') + ': ' + sup.contact));
}
