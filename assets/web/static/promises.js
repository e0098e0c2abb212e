// A supplier's promises on the profile screen (API.md part 2,
// "Guarantees, measured trust, levels by purchases"): the guarantees
// every new order keeps, and the 90-day spend that earns a follower a
// price level.
import { h } from './dom.js';
import { t } from './i18n.js';
import { yuan, parseYuan } from './money.js';

// guaranteesEditor offers one handling time, late_refund and one
// exchange window; values() returns the codes.
export function guaranteesEditor(current) {
	const has = (g) => (current || []).includes(g);
	const radio = (group, code, key) => h('label', { class: 'inline' },
		h('input', { type: 'radio', name: 'g-' + group, value: code, checked: code ? has(code) : !(current || []).some((g) => g.startsWith(group)),
			'data-test': 'profile-guarantee-' + (code || group + '_none') }), t(key));
	const late = h('input', { type: 'checkbox', checked: has('late_refund'), 'data-test': 'profile-guarantee-late_refund' });
	const el = h('fieldset', { class: 'stack', 'data-test': 'profile-guarantees' }, h('legend', {}, t('profile.guarantees')),
		h('p', { class: 'hint' }, t('profile.guaranteesHint')),
		h('div', { class: 'row wrap', role: 'radiogroup', 'aria-label': t('profile.shipTime') },
			radio('ship', '', 'profile.shipNone'), ['ship_24h', 'ship_48h', 'ship_72h'].map((g) => radio('ship', g, 'badge.' + g))),
		h('label', { class: 'inline' }, late, t('badge.late_refund') + ' — ' + t('profile.lateRefundHint')),
		h('div', { class: 'row wrap', role: 'radiogroup', 'aria-label': t('profile.exchange') },
			radio('exchange', '', 'profile.exchangeNone'), ['exchange_7d', 'exchange_15d'].map((g) => radio('exchange', g, 'badge.' + g))));
	return {
		el,
		values: () => [el.querySelector('[name=g-ship]:checked').value, late.checked ? 'late_refund' : '',
			el.querySelector('[name=g-exchange]:checked').value].filter(Boolean),
	};
}

// levelRulesEditor has one field per level above the lowest: the 90-day
// spend (yuan, sent as fen) at which a follower is raised to it.
export function levelRulesEditor(levels, rules) {
	const spend = Object.fromEntries((rules || []).map((r) => [r.level, r.min_spend_90d]));
	const inputs = (levels || []).slice(1).map((l) => h('input', {
		inputmode: 'decimal', autocomplete: 'off', placeholder: t('profile.ruleNone'), value: spend[l] ? yuan(spend[l]) : '',
		'data-level': l, 'data-test': 'profile-rule', 'aria-label': t('profile.ruleFor', { level: l }),
	}));
	const el = h('fieldset', { class: 'stack', 'data-test': 'profile-rules' }, h('legend', {}, t('profile.rules')),
		h('p', { class: 'hint' }, t(inputs.length ? 'profile.rulesHint' : 'profile.rulesNoLevels')),
		inputs.map((i) => h('label', { class: 'inline' }, h('span', { class: 'grow' }, t('profile.ruleFor', { level: i.dataset.level })), i)));
	return {
		el,
		// values returns the rules for the levels still kept, or throws.
		values(kept) {
			const out = [];
			for (const i of inputs) {
				if (!i.value.trim() || !kept.includes(i.dataset.level)) continue;
				const fen = parseYuan(i.value);
				if (fen === null) {
					i.setAttribute('aria-invalid', 'true');
					throw new Error(t('err.price'));
				}
				out.push({ level: i.dataset.level, min_spend_90d: fen });
			}
			return out;
		},
	};
}
