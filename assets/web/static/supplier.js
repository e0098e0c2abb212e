// A supplier's page in the app (#/supplier/{handle}), where the public
// channel page sends people to follow: profile, cards, Follow button.
import { api, get, enc } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { cardView, supplierBadges } from './cardview.js';
import { openOrderForm } from './orderform.js';
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
			(c) => cardView(c, { test: 'supplier-card', onShare: me && me.role === 'distributor' && openShare, onOrder: me && me.role === 'distributor' && openOrderForm }),
			'supplier-cards', t('supplier.empty'));
		el.replaceChildren(profile(sup), metricsBox(sup), followBox(sup, state, me), pager.el);
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
	return h('header', { class: 'box stack', 'data-test': 'supplier-profile' },
		h('h1', { 'data-test': 'supplier-name' }, sup.name || sup.handle),
		h('p', { class: 'muted small' }, '@' + sup.handle),
		h('div', { class: 'row wrap' }, supplierBadges(sup)),
		(sup.guarantees || []).length > 0 && h('div', { class: 'row wrap', 'data-test': 'supplier-guarantees' }, sup.guarantees.map((g) =>
			h('span', { class: 'badge', 'data-test': 'supplier-guarantee', 'data-guarantee': g }, t('badge.' + g)))),
		sup.bio && h('p', { class: 'pre' }, sup.bio),
		sup.contact && h('p', { class: 'small' }, t('profile.contact') + ': ' + sup.contact));
}

// metricsBox shows the supplier's measured figures (GET
// /v1/suppliers/{id}/metrics); rates stay "—" below 20 orders due.
export function metricsBox(sup) {
	const box = h('section', { class: 'box stack', 'data-test': 'supplier-metrics' }, h('h2', {}, t('metrics.title')));
	get('/v1/suppliers/' + enc(sup.id) + '/metrics').then((m) => {
		const pct = (x) => (x == null ? '—' : (Math.round(x * 1000) / 10) + '%');
		const row = (key, value, test) => h('div', { class: 'row spread small' }, h('span', {}, t('metrics.' + key)), h('b', { 'data-test': test }, value));
		box.append(
			row('due', String(m.orders_due), 'metrics-orders-due'),
			row('onTime', pct(m.on_time_ship_rate), 'metrics-on-time'),
			row('cancel', pct(m.cancel_rate), 'metrics-cancel'),
			row('aftersale', pct(m.aftersale_rate), 'metrics-aftersale'),
			row('accept', m.median_accept_minutes == null ? '—' : t('metrics.minutes', { n: Math.round(m.median_accept_minutes) }), 'metrics-accept'),
			h('p', { class: 'hint' }, t('metrics.hint', { days: m.window_days })));
	}, () => box.append(h('p', { class: 'hint' }, t('metrics.none'))));
	return box;
}
