// After-sales (售后), API.md part 2: the distributor asks (kind, lines,
// reason, category, up to five photos); both parties then move the case
// along its table: the supplier approves, rejects, receives a return,
// refunds or reships; the distributor withdraws or sends the return.
import { api, enc, newKey, keyAfter } from './api.js';
import { h, field, errorLine } from './dom.js';
import { askReason, askParcel } from './asks.js';
import { t, ago } from './i18n.js';
import { money, parseYuan } from './money.js';
import { PhotoPicker } from './photos.js';
import { openOrder } from './ordersheet.js';
import { currentUser } from './session.js';
import { sheet, toast, errorToast, formAction, busy } from './ui.js';

const KINDS = ['refund', 'return_refund', 'exchange', 'reissue'];
const CATEGORIES = ['quality', 'not_as_described', 'damaged', 'wrong_item', 'other'];

// caseRow is one case with the moves its viewer may make now. A move
// replaces the row with a new one, so that the next move sends the
// version it returned (If-Match) even before the stream's event arrives.
export function caseRow(c) {
	const node = h('article', { class: 'item col', 'data-test': 'aftersale', 'data-id': c.id, 'data-state': c.state },
		h('p', { class: 'row wrap' }, h('strong', {}, t('aftersales.kind.' + c.kind)),
			h('span', { class: 'badge state-' + c.state, 'data-test': 'aftersale-state', 'data-state': c.state }, t('aftersales.state.' + c.state)),
			c.amount > 0 && h('b', { class: 'accent', 'data-test': 'aftersale-amount' }, money(c.amount))),
		h('p', { class: 'small' }, t('aftersales.category.' + (c.category || 'other')) + (c.reason ? t('colon') + c.reason : '')),
		h('p', { class: 'small muted' },
			h('button', { class: 'link-btn', 'data-test': 'aftersale-order', onclick: () => openOrder(c.order_id) }, t('aftersales.order', { id: c.order_id.slice(0, 8) })),
			' · ' + c.lines.map((l) => '#' + l.line + ' × ' + l.qty).join(', ') + ' · ', h('time', { 'data-time': c.created_at }, ago(c.created_at))),
		(c.evidence_image_ids || []).length > 0 && h('div', { class: 'row wrap' }, c.evidence_image_ids.map((id) =>
			h('a', { href: '/media/' + enc(id) + '/display.jpg', target: '_blank', rel: 'noopener' },
				h('img', { class: 'mini', src: '/media/' + enc(id) + '/grid.jpg', alt: t('aftersales.photo'), 'data-test': 'aftersale-photo' })))),
		c.reject_reason && h('p', { class: 'small accent' }, t('order.reason') + t('colon') + c.reject_reason),
		parcel('aftersales.returned', c.return_shipment), parcel('aftersales.reshipped', c.reshipment),
		h('div', { class: 'row wrap' }, moves(c, act)));
	async function act(action, body, el) {
		try {
			node.replaceWith(caseRow(await busy(el, null, () => api('POST', '/v1/aftersales/' + enc(c.id) + '/' + action, body, { version: c.version }))));
		} catch (err) {
			errorToast(err);
		}
	}
	return node;
}

const parcel = (key, p) => p && h('p', { class: 'small', 'data-test': 'aftersale-parcel' }, t(key) + t('colon') + p.carrier + ' ' + p.tracking_number);

// moves lists the buttons of the case's current state for the viewer.
function moves(c, act) {
	const btn = (action, cls, fn) => h('button', {
		class: 'btn ' + cls, 'data-test': 'aftersale-' + action, onclick: (e) => (fn || ((el) => act(action, undefined, el)))(e.currentTarget),
	}, t('aftersales.do.' + action));
	const withParcel = (action) => (el) => askParcel(t('aftersales.do.' + action), (p) => act(action, p, el));
	const { kind, state } = c;
	if (currentUser().role === 'supplier') {
		return [
			state === 'requested' && btn('approve', 'btn-primary'),
			state === 'requested' && btn('reject', 'danger-text', (el) => askReason(t('aftersales.rejectWhy'), (reason) => act('reject', { reason }, el))),
			state === 'returning' && btn('receive', 'btn-primary'),
			((state === 'approved' && kind === 'refund') || (state === 'received' && kind === 'return_refund')) && btn('refund', 'btn-primary'),
			((state === 'approved' && kind === 'reissue') || (state === 'received' && kind === 'exchange')) && btn('reship', 'btn-primary', withParcel('reship')),
		];
	}
	return [
		state === 'approved' && (kind === 'return_refund' || kind === 'exchange') && btn('return', 'btn-primary', withParcel('return')),
		(state === 'requested' || state === 'rejected') && btn('withdraw', 'danger-text'),
	];
}

// openCaseForm is the distributor's request for after-sales on an order.
export function openCaseForm(o) {
	let key = newKey();
	const shipped = ['shipped', 'delivered', 'completed'].includes(o.state);
	const kinds = KINDS.filter((k) => shipped || k === 'refund' || k === 'reissue');
	const kind = h('div', { class: 'row wrap', role: 'radiogroup' }, kinds.map((k, i) => h('label', { class: 'inline' },
		h('input', { type: 'radio', name: 'as-kind', value: k, checked: i === 0, 'data-test': 'aftersale-kind-' + k }), t('aftersales.kind.' + k))));
	const qty = o.lines.map((l) => h('input', { type: 'number', min: 0, max: l.qty, value: l.qty, inputmode: 'numeric', 'data-line': l.line, 'data-test': 'aftersale-line-qty', 'aria-label': l.title }));
	const category = h('select', { 'data-test': 'aftersale-category' }, CATEGORIES.map((c) => h('option', { value: c }, t('aftersales.category.' + c))));
	const reason = h('textarea', { rows: 3, maxlength: 500, 'data-test': 'aftersale-reason' });
	const amount = h('input', { inputmode: 'decimal', placeholder: t('aftersales.amountAll'), 'data-test': 'aftersale-amount-input' });
	const picker = new PhotoPicker({ max: 5, test: 'aftersale-photos' });
	const error = errorLine('aftersale-error');
	const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'aftersale-submit' }, t('aftersales.submit'));
	const form = h('form', { class: 'stack', novalidate: true },
		h('fieldset', {}, h('legend', {}, t('aftersales.kindLabel')), kind),
		h('fieldset', { class: 'stack' }, h('legend', {}, t('aftersales.lines')),
			o.lines.map((l, i) => h('label', { class: 'inline' }, qty[i], l.title + (l.variant ? ' · ' + l.variant : '') + ' (≤ ' + l.qty + ')'))),
		field(t('aftersales.categoryLabel'), category), field(t('aftersales.reason'), reason),
		field(t('aftersales.amount'), amount, t('aftersales.amountHint', { p: money(o.total) })),
		h('fieldset', { class: 'stack' }, h('legend', {}, t('aftersales.photos')), picker.el),
		error, submit);
	const d = sheet(t('aftersales.ask'), form, 'aftersale-sheet');
	d.addEventListener('close', () => picker.reset());

	formAction(form, submit, error, async () => {
		const k = form.querySelector('[name=as-kind]:checked').value;
		const lines = qty.filter((q) => +q.value > 0).map((q) => ({ line: +q.dataset.line, qty: +q.value }));
		if (!lines.length) throw new Error(t('aftersales.needLines'));
		if (picker.uploading()) throw new Error(t('post.waitUploads'));
		if (picker.failed()) throw new Error(t('post.fixUploads'));
		const body = { kind: k, lines, reason: reason.value.trim(), category: category.value, evidence_image_ids: picker.imageIds() };
		if (amount.value.trim() && (k === 'refund' || k === 'return_refund')) {
			body.amount = parseYuan(amount.value);
			if (body.amount === null) throw new Error(t('err.price'));
		}
		try {
			await api('POST', '/v1/orders/' + enc(o.id) + '/aftersales', body, { key });
		} catch (err) {
			key = keyAfter(err, key);
			throw err;
		}
		d.close();
		toast(t('aftersales.sent'));
	});
}
