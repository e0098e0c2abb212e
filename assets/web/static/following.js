// The suppliers a distributor follows (on the profile screen). There is no
// search: a new supplier is reached through the link it hands out.
import { get } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

export function followingList() {
	const list = h('div', { class: 'list', 'data-test': 'following-list' }, h('div', { class: 'spinner' }));
	get('/v1/me/following').then((res) => {
		const items = res.items || [];
		list.replaceChildren(...items.map(row), items.length ? '' : h('p', { class: 'hint', 'data-test': 'following-empty' }, t('following.empty')));
	}, (err) => list.replaceChildren(h('p', { class: 'error' }, err.message)));
	return h('section', { class: 'stack' }, h('h2', {}, t('following.title')), list);
}

function row(f) {
	const s = f.supplier || {};
	return h('a', { class: 'item link', href: '#/supplier/' + encodeURIComponent(s.handle), 'data-test': 'following-item', 'data-state': f.state },
		h('strong', {}, s.name || s.handle), h('span', { class: 'muted small' }, '@' + s.handle),
		h('span', { class: f.state === 'active' ? 'badge ok' : 'badge' }, t('follow.' + f.state)),
		f.state === 'active' && f.level && h('span', { class: 'muted small' }, t('followers.level') + ': ' + f.level));
}
