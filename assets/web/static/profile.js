// The profile screen: name, bio, contact and sign-out; for suppliers the
// follow policy, price levels and channel link with QR code; for
// distributors the suppliers they follow.
import { api, enc } from './api.js';
import { h, field, errorLine } from './dom.js';
import { t } from './i18n.js';
import { followingList } from './following.js';
import { supplierBadges } from './cardview.js';
import { guaranteesEditor, levelRulesEditor } from './promises.js';
import { metricsBox } from './supplier.js';
import { currentUser, setUser } from './session.js';
import { toast, copyToast, busy, formAction } from './ui.js';

export function profileView(ctx) {
	const me = currentUser();
	const supplier = me.role === 'supplier';
	const text = (tag, key, max, hint) => {
		const input = h(tag, { maxlength: max, value: me[key] || '', rows: tag === 'textarea' && 3, 'data-test': 'profile-' + key });
		return [input, field(t('profile.' + key), input, hint)];
	};
	const [name, nameField] = text('input', 'name', 64);
	const [bio, bioField] = text('textarea', 'bio', 500);
	const [contact, contactField] = text('input', 'contact', 100, t('profile.contactHint'));
	const levels = supplier && levelEditor(me.levels || ['standard']);
	const guarantees = supplier && guaranteesEditor(me.guarantees);
	const rules = supplier && levelRulesEditor(me.levels, me.level_rules);
	const policy = (value) => h('label', { class: 'inline' },
		h('input', { type: 'radio', name: 'policy', value, checked: (me.follow_policy || 'open') === value, 'data-test': 'profile-policy-' + value }),
		t('profile.' + value));
	const error = errorLine('profile-error');
	const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'profile-save' }, t('save'));
	const form = h('form', { class: 'stack', novalidate: true }, nameField, bioField, contactField,
		supplier && h('fieldset', {}, h('legend', {}, t('profile.policy')), policy('open'), policy('approval')),
		supplier && h('fieldset', { class: 'stack' }, h('legend', {}, t('profile.levels')), h('p', { class: 'hint' }, t('profile.levelsHint')), levels.el),
		supplier && rules.el, supplier && guarantees.el,
		error, save);

	formAction(form, save, error, async () => {
		const body = { name: name.value.trim(), bio: bio.value.trim(), contact: contact.value.trim() };
		if (supplier) {
			body.follow_policy = form.querySelector('[name=policy]:checked').value;
			body.levels = levels.values();
			levels.check(body.levels);
			body.level_rules = rules.values(body.levels);
			body.guarantees = guarantees.values();
		}
		setUser(await api('PATCH', '/v1/me', body));
		toast(t('saved'));
	});

	return {
		el: h('section', { class: 'stack' }, h('h1', {}, t('tab.profile')),
			h('p', { class: 'muted', 'data-test': 'profile-handle' }, '@' + me.handle + ' · ' + t('role.' + me.role)),
			supplier && h('div', { class: 'row wrap' }, supplierBadges(me)),
			supplier && metricsBox(me),
			supplier ? channel(me.handle) : followingList(), form,
			h('a', { class: 'btn', href: '#/developers', 'data-test': 'profile-developers' }, t('dev.link')),
			h('button', { class: 'btn danger-text', 'data-test': 'profile-signout', onclick: (e) => busy(e.currentTarget, null, ctx.signOut) }, t('profile.signout'))),
		title: t('tab.profile'),
	};
}

function channel(handle) {
	const link = location.origin + '/c/' + enc(handle);
	return h('div', { class: 'box stack' }, h('h2', {}, t('profile.channel')), h('p', { class: 'hint' }, t('profile.channelHint')),
		h('a', { class: 'break', href: link, target: '_blank', rel: 'noopener', 'data-test': 'profile-channel-link' }, link),
		h('button', { class: 'btn', 'data-test': 'profile-channel-copy', onclick: () => copyToast(link) }, t('shares.copy')),
		h('img', { class: 'qr', src: '/c/' + enc(handle) + '/qr.png', alt: t('profile.qrAlt'), width: 200, height: 200, 'data-test': 'profile-qr' }));
}

// levelEditor edits the ordered level names, lowest first (API.md).
function levelEditor(initial) {
	const list = h('ol', { class: 'levels', 'data-test': 'profile-levels' });
	const rows = () => [...list.children];
	const shift = (li, by) => {
		const all = rows();
		const to = all.indexOf(li) + by;
		if (to < 0 || to >= all.length) return;
		if (by < 0) all[to].before(li);
		else all[to].after(li);
		li.querySelector(by < 0 ? '.up' : '.down').focus();
	};
	const addRow = (value) => {
		const input = h('input', { value, maxlength: 32, autocapitalize: 'none', spellcheck: 'false', 'aria-label': t('profile.levelName'), 'data-test': 'profile-level' });
		const btn = (cls, key, sym, onclick) => h('button', { class: 'icon-btn ' + cls, 'aria-label': t(key), 'data-test': 'profile-level-' + cls, onclick }, sym);
		const li = h('li', { class: 'row' }, input,
			btn('up', 'profile.levelUp', '▲', () => shift(li, -1)),
			btn('down', 'profile.levelDown', '▼', () => shift(li, 1)),
			btn('remove', 'remove', '×', () => rows().length > 1 && li.remove()));
		list.append(li);
		return input;
	};
	initial.forEach(addRow);
	return {
		el: h('div', { class: 'stack' }, list,
			h('button', { class: 'btn', 'data-test': 'profile-level-add', onclick: () => rows().length < 10 && addRow('').focus() }, t('profile.addLevel'))),
		values: () => rows().map((li) => li.querySelector('input').value.trim().toLowerCase()).filter(Boolean),
		check(v) {
			const bad = !v.length || v.length > 10 ? 'levelsCount'
				: !v.every((x) => /^[a-z0-9_]{1,32}$/.test(x)) ? 'levelChars' : new Set(v).size < v.length ? 'levelDup' : '';
			if (bad) throw new Error(t('profile.' + bad));
		},
	};
}
