// "Order for a buyer" (一件代发): the distributor picks the variant and
// quantity and enters the end buyer's address, pasted from the chat and
// split into fields by address.js; the supplier ships straight to the
// buyer. The server prices the order; the total here is a preview.
import { api, newKey, keyAfter } from './api.js';
import { h, field, errorLine } from './dom.js';
import { t } from './i18n.js';
import { money } from './money.js';
import { parseAddress } from './address.js';
import { sheet, toast, formAction } from './ui.js';

const FIELDS = ['name', 'phone', 'province', 'city', 'district', 'address', 'postcode'];

// unitPrice is the caller's price for qty: their level's cost, or the
// volume price for that quantity if lower (API.md part 2, "Orders").
export function unitPrice(prices, qty) {
	let best = prices.cost;
	for (const v of prices.volume || []) if (qty >= v.min_qty && v.price < best) best = v.price;
	return best;
}

// openOrderForm opens the sheet for card; opts.shareId traces the sale to
// one of the caller's shares of it.
export function openOrderForm(card, opts = {}) {
	let key = newKey(); // one per sheet: a double tap places one order
	const variants = card.variants || [];
	const left = (v) => (v.stock == null ? '' : ' · ' + t('stock.left', { n: v.stock }));
	const variant = variants.length > 0 && h('select', { 'data-test': 'order-variant' },
		variants.map((v) => h('option', { value: v.spec, disabled: v.stock === 0 }, v.spec + left(v))));
	const qty = h('input', { type: 'number', min: 1, max: 9999, value: 1, inputmode: 'numeric', 'data-test': 'order-qty' });
	const total = h('p', { class: 'hint', 'aria-live': 'polite', 'data-test': 'order-preview' });
	const paste = h('textarea', { rows: 2, maxlength: 500, placeholder: t('orderForm.pastePlaceholder'), 'data-test': 'order-paste' });
	const inputs = Object.fromEntries(FIELDS.map((f) => [f, h('input', {
		maxlength: f === 'address' ? 200 : 50, 'data-test': 'order-' + f, autocomplete: 'off',
		inputmode: f === 'phone' || f === 'postcode' ? 'tel' : undefined, placeholder: f === 'postcode' ? t('optional') : undefined,
	})]));
	const note = h('input', { maxlength: 500, placeholder: t('optional'), 'data-test': 'order-note' });
	const error = errorLine('order-error');
	const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'order-submit' }, t('orderForm.submit'));

	const preview = () => {
		const n = Math.floor(+qty.value);
		total.textContent = n >= 1 ? t('orderForm.preview', { n, p: money(unitPrice(card.prices, n)), total: money(unitPrice(card.prices, n) * n) }) : '';
	};
	const fill = () => {
		const got = parseAddress(paste.value);
		FIELDS.forEach((f) => { if (got[f]) inputs[f].value = got[f]; });
		const missing = FIELDS.filter((f) => f !== 'postcode' && !inputs[f].value.trim());
		toast(missing.length ? t('orderForm.filledSome') : t('orderForm.filled'), missing.length ? 'error' : 'info');
		(missing.length ? inputs[missing[0]] : submit).focus();
	};
	const fillButton = h('button', { class: 'btn', 'data-test': 'order-paste-fill', onclick: fill }, t('orderForm.fill'));
	const form = h('form', { class: 'stack', novalidate: true, oninput: preview },
		h('p', { class: 'muted small' }, card.title),
		variant && field(t('orderForm.variant'), variant), field(t('orderForm.qty'), qty), total,
		h('fieldset', { class: 'stack' }, h('legend', {}, t('orderForm.buyer')),
			field(t('orderForm.paste'), paste, t('orderForm.pasteHint')), fillButton,
			h('div', { class: 'two' }, field(t('consignee.name'), inputs.name), field(t('consignee.phone'), inputs.phone)),
			h('div', { class: 'three' }, field(t('consignee.province'), inputs.province), field(t('consignee.city'), inputs.city),
				field(t('consignee.district'), inputs.district)),
			field(t('consignee.address'), inputs.address), field(t('consignee.postcode'), inputs.postcode)),
		field(t('order.note'), note), error, submit);
	// Pasting the whole address into the text box fills the fields at once.
	paste.addEventListener('paste', () => setTimeout(fill));
	const d = sheet(t('orderForm.title'), form, 'order-sheet-new');
	preview();

	formAction(form, submit, error, async () => {
		const n = Number(qty.value);
		if (!Number.isInteger(n) || n < 1) throw invalid(qty, t('orderForm.badQty'));
		const consignee = {};
		for (const f of FIELDS) {
			const v = inputs[f].value.trim();
			if (!v && f !== 'postcode') throw invalid(inputs[f], t('orderForm.need', { field: t('consignee.' + f) }));
			if (v) consignee[f] = v;
		}
		const line = { card_id: card.id, qty: n };
		if (variant) line.variant = variant.value;
		const body = { lines: [line], consignee };
		if (note.value.trim()) body.note = note.value.trim();
		if (opts.shareId) body.share_id = opts.shareId;
		let o;
		try {
			o = await api('POST', '/v1/orders', body, { key });
		} catch (err) {
			key = keyAfter(err, key);
			throw err; // e.g. 409 "only 2 left"
		}
		form.replaceWith(h('div', { class: 'stack', 'data-test': 'order-result', 'data-order-id': o.id },
			h('p', { class: 'ok-msg' }, t('orderForm.placed', { total: money(o.total) })),
			h('a', { class: 'btn btn-primary', href: '#/orders', 'data-test': 'order-result-view', onclick: () => d.close() }, t('orderForm.view'))));
	}, t('working'));
}

function invalid(input, msg) {
	input.setAttribute('aria-invalid', 'true');
	input.focus();
	return new Error(msg);
}
