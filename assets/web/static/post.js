// The supplier's post screen. The draft (photos, uploads in flight, text)
// survives switching tabs and is dropped when the account changes.
import { api, newKey, keyAfter } from './api.js';
import { h, field, errorLine } from './dom.js';
import { t } from './i18n.js';
import { money, margin, parseYuan } from './money.js';
import { PhotoPicker } from './photos.js';
import { currentUser, onUser } from './session.js';
import { toast, formAction } from './ui.js';

let draft = null;
onUser((me, changed) => {
	if (changed && draft) draft.picker.reset();
	if (changed) draft = null;
});

export const priceInput = (test, attrs) =>
	h('input', { inputmode: 'decimal', autocomplete: 'off', placeholder: '0.00', 'data-test': test, ...attrs });

export function postView(ctx) {
	draft = draft || buildDraft();
	draft.syncLevels(currentUser().levels || []);
	draft.go = ctx.go;
	return { el: draft.el, title: t('post.title') };
}

function buildDraft() {
	let key = newKey(); // one per form: a double tap on Publish posts once
	const picker = new PhotoPicker();
	const title = h('input', { maxlength: 100, 'data-test': 'post-title' });
	const desc = h('textarea', { rows: 4, maxlength: 2000, 'data-test': 'post-description' });
	const cost = priceInput('post-cost');
	const retail = priceInput('post-retail');
	const floor = priceInput('post-floor', { placeholder: t('optional') });
	const preview = h('p', { class: 'hint', 'aria-live': 'polite', 'data-test': 'post-margin' });
	const levels = h('div', { class: 'stack' });
	const tiers = h('div', { class: 'stack', 'data-test': 'post-volume' });
	const stock = h('input', { type: 'number', min: 0, inputmode: 'numeric', placeholder: t('post.unlimited'), 'data-test': 'post-stock' });
	const variants = h('div', { class: 'stack', 'data-test': 'post-variants' });
	const earlyLevel = h('select', { 'data-test': 'post-early-level' });
	const earlyHours = h('input', { type: 'number', min: 1, max: 168, value: 24, inputmode: 'numeric', 'data-test': 'post-early-hours' });
	const early = h('div', { class: 'two' }, field(t('post.earlyLevel'), earlyLevel), field(t('post.earlyHours'), earlyHours));
	const error = errorLine('post-error');
	const publish = h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'post-publish' }, t('post.publish'));

	const showMargin = () => {
		const c = parseYuan(cost.value);
		const r = parseYuan(retail.value);
		const m = c && r && margin(c, r);
		preview.textContent = m ? t('post.marginPreview', { m: money(m.fen), pct: m.pct }) : '';
	};

	const addTier = () => {
		const qty = h('input', { type: 'number', inputmode: 'numeric', min: 2, 'data-test': 'post-volume-qty' });
		const row = h('div', { class: 'tier' }, field(t('post.minQty'), qty), field(t('post.tierPrice'), priceInput('post-volume-price')),
			h('button', { class: 'icon-btn', 'aria-label': t('remove'), 'data-test': 'post-volume-remove', onclick: () => row.remove() }, '×'));
		tiers.append(row);
		qty.focus();
	};

	// A variant row: spec ("红/XL") and its stock (empty: unlimited).
	const addVariant = () => {
		const spec = h('input', { maxlength: 40, 'data-test': 'post-variant-spec' });
		const row = h('div', { class: 'tier' }, field(t('post.spec'), spec),
			field(t('post.stock'), h('input', { type: 'number', min: 0, inputmode: 'numeric', placeholder: t('post.unlimited'), 'data-test': 'post-variant-stock' })),
			h('button', { class: 'icon-btn', 'aria-label': t('remove'), 'data-test': 'post-variant-remove', onclick: () => { row.remove(); stockField.hidden = variants.children.length > 0; } }, '×'));
		variants.append(row);
		stockField.hidden = true; // with variants, stock is per variant
		spec.focus();
	};
	const stockField = field(t('post.stock'), stock, t('post.stockHint'));

	const form = h('form', { class: 'stack', novalidate: true, 'data-test': 'post-form', oninput: showMargin },
		h('h1', {}, t('post.title')), picker.el,
		field(t('post.cardTitle'), title), field(t('post.description'), desc),
		h('div', { class: 'two' }, field(t('price.cost'), cost, t('post.costHint')), field(t('price.retail'), retail)),
		preview, field(t('post.floor'), floor, t('post.floorHint')),
		h('details', { class: 'advanced', 'data-test': 'post-inventory' }, h('summary', {}, t('post.inventory')),
			stockField, variants,
			h('button', { class: 'btn', 'data-test': 'post-variant-add', onclick: addVariant }, t('post.addVariant'))),
		h('details', { class: 'advanced', 'data-test': 'post-advanced' }, h('summary', {}, t('post.advanced')),
			h('h3', {}, t('post.levels')), levels,
			h('h3', {}, t('post.early')), h('p', { class: 'hint' }, t('post.earlyHint')), early,
			h('h3', {}, t('post.volume')), tiers,
			h('button', { class: 'btn', 'data-test': 'post-volume-add', onclick: addTier }, t('post.addTier'))),
		error, publish);

	// invalid marks and focuses the input at fault and returns the Error to
	// throw; formAction shows its message.
	const invalid = (msg, input) => {
		if (input) {
			input.setAttribute('aria-invalid', 'true');
			input.focus();
		}
		return new Error(msg);
	};
	const yuanOf = (input) => {
		const fen = parseYuan(input.value);
		if (fen === null) throw invalid(t('err.price'), input);
		return fen;
	};

	// collect validates the form and returns the request body, or throws.
	// Prices are parsed from the typed digits into whole fen (money.js).
	function collect() {
		const fail = (msg, input) => { throw invalid(msg, input); };
		if (!picker.items.length) fail(t('post.needPhoto'));
		if (picker.uploading()) fail(t('post.waitUploads'));
		if (picker.failed()) fail(t('post.fixUploads'));
		if (!title.value.trim()) fail(t('post.needTitle'), title);
		const body = {
			title: title.value.trim(), description: desc.value.trim(), image_ids: picker.imageIds(),
			cost_price: yuanOf(cost), retail_price: yuanOf(retail),
		};
		if (floor.value.trim()) {
			body.floor_price = yuanOf(floor);
			if (body.floor_price > body.retail_price) fail(t('post.floorAbove'), floor);
		}
		const lp = {};
		levels.querySelectorAll('input').forEach((i) => { if (i.value.trim()) lp[i.dataset.level] = yuanOf(i); });
		if (Object.keys(lp).length) body.level_prices = lp;
		const vp = [];
		for (const row of tiers.children) {
			const [q, p] = row.querySelectorAll('input');
			if (!q.value && !p.value.trim()) continue;
			if (!(+q.value >= 2 && Number.isInteger(+q.value))) fail(t('post.badQty'), q);
			vp.push({ min_qty: +q.value, price: yuanOf(p) });
		}
		if (vp.length) body.volume_prices = vp.sort((a, b) => a.min_qty - b.min_qty);
		const count = (input) => {
			if (!input.value.trim()) return undefined;
			if (!(Number.isInteger(+input.value) && +input.value >= 0)) fail(t('post.badStock'), input);
			return +input.value;
		};
		const vs = [];
		for (const row of variants.children) {
			const [spec, n] = row.querySelectorAll('input');
			if (!spec.value.trim() && !n.value.trim()) continue;
			if (!spec.value.trim()) fail(t('post.needSpec'), spec);
			if (vs.some((v) => v.spec === spec.value.trim())) fail(t('post.dupSpec'), spec);
			vs.push({ spec: spec.value.trim(), stock: count(n) });
		}
		if (earlyLevel.value) {
			const hours = +earlyHours.value;
			if (!(Number.isInteger(hours) && hours >= 1 && hours <= 168)) fail(t('post.badHours'), earlyHours);
			body.early_access = { level: earlyLevel.value, hours };
		}
		if (vs.length) body.variants = vs;
		else if (count(stock) !== undefined) body.stock = count(stock);
		return body;
	}

	formAction(form, publish, error, async () => {
		const body = collect();
		try {
			await api('POST', '/v1/cards', body, { key });
		} catch (err) {
			key = keyAfter(err, key);
			throw err;
		}
		key = newKey();
		picker.reset();
		form.reset();
		tiers.replaceChildren();
		variants.replaceChildren();
		earlyLevel.value = '';
		stockField.hidden = false;
		showMargin();
		toast(t('post.published'));
		d.go('#/cards');
	}, t('post.publishing'));

	// Level prices: the lowest level pays cost_price, so only higher levels
	// get a field. Typed values survive a change of levels in the profile.
	const d = {
		el: form, picker, go: null,
		syncLevels(names) {
			const old = {};
			levels.querySelectorAll('input').forEach((i) => { old[i.dataset.level] = i.value; });
			levels.replaceChildren(...names.slice(1).map((l) =>
				field(t('post.levelPrice', { level: l }), priceInput('post-level-price', { 'data-level': l, value: old[l] || '' }))),
			names.length < 2 ? h('p', { class: 'hint' }, t('post.noLevels')) : '');
			// Early access goes to a level above the lowest (everyone is at least that).
			const was = earlyLevel.value;
			earlyLevel.replaceChildren(h('option', { value: '' }, t('post.earlyNone')),
				...names.slice(1).map((l) => h('option', { value: l, selected: l === was }, l)));
			early.hidden = names.length < 2;
		},
	};
	return d;
}
