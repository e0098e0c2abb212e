// Small question sheets used by order and after-sales moves: a reason
// (reject, cancel) and a parcel (carrier and tracking number).
import { h, field, errorLine } from './dom.js';
import { t } from './i18n.js';
import { sheet, formAction } from './ui.js';

// CARRIERS are offered in the carrier fields; any other name may be typed.
export const CARRIERS = ['顺丰速运', '中通快递', '圆通速递', '韵达快递', '申通快递', '京东物流', 'EMS', '极兔速递'];

let seq = 0;
// carrierInput is a text field with the common carriers as suggestions.
export function carrierInput(test) {
	const id = 'carriers' + ++seq;
	const input = h('input', { list: id, maxlength: 40, autocomplete: 'off', 'data-test': test });
	return [input, h('datalist', { id }, CARRIERS.map((c) => h('option', { value: c })))];
}

// askReason asks for an optional reason, then calls fn(reason).
export function askReason(title, fn) {
	const input = h('textarea', { rows: 2, maxlength: 500, autofocus: true, 'data-test': 'reason-text' });
	const ok = h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'reason-ok' }, t('ok'));
	const form = h('form', { class: 'stack', novalidate: true }, field(t('order.reason'), input), ok);
	const d = sheet(title, form, 'reason-sheet');
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		d.close();
		fn(input.value.trim());
	});
}

// askParcel asks for a carrier and tracking number, then calls
// fn({carrier, tracking_number}).
export function askParcel(title, fn) {
	const [carrier, list] = carrierInput('parcel-carrier');
	const number = h('input', { maxlength: 40, 'data-test': 'parcel-number' });
	const ok = h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'parcel-ok' }, t('ok'));
	const error = errorLine('parcel-error');
	const form = h('form', { class: 'stack', novalidate: true }, list, field(t('ship.carrier'), carrier), field(t('ship.number'), number), error, ok);
	const d = sheet(title, form, 'parcel-sheet');
	formAction(form, ok, error, async () => {
		if (!carrier.value.trim()) throw new Error(t('ship.needCarrier'));
		if (!number.value.trim()) throw new Error(t('ship.needNumber'));
		d.close();
		fn({ carrier: carrier.value.trim(), tracking_number: number.value.trim() });
	});
}
