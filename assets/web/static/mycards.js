// The supplier's own cards: edit prices, mark sold out / back in stock, withdraw.
import { api, enc } from './api.js';
import { h, field, errorLine } from './dom.js';
import { t, ago } from './i18n.js';
import { money, yuan, parseYuan } from './money.js';
import { pagedList } from './pager.js';
import { priceInput } from './post.js';
import { stockText } from './cardview.js';
import { currentUser } from './session.js';
import { sheet, toast, errorToast, confirmSheet, busy, formAction } from './ui.js';

export function myCardsView() {
	const pager = pagedList('/v1/suppliers/' + enc(currentUser().id) + '/cards', row, 'mycards', t('mycards.empty'));
	const el = h('section', { class: 'stack' },
		h('div', { class: 'row spread' }, h('h1', {}, t('tab.cards')),
			h('a', { class: 'btn btn-primary', href: '#/post', 'data-test': 'mycards-new' }, t('mycards.new'))),
		pager.el);
	return { el, title: t('tab.cards'), destroy: pager.destroy };
}

function row(card) {
	let node = render(card);

	async function patch(change) {
		const fresh = render(await api('PATCH', '/v1/cards/' + enc(card.id), change));
		node.replaceWith(fresh);
		node = fresh;
	}

	async function withdraw() {
		if (!(await confirmSheet(t('mycards.withdrawConfirm', { title: card.title }), t('mycards.withdraw')))) return;
		try {
			await api('DELETE', '/v1/cards/' + enc(card.id));
			node.remove();
			toast(t('mycards.withdrawn'));
		} catch (err) {
			errorToast(err);
		}
	}

	function render(c) {
		card = c;
		const images = c.images || [];
		const btn = (test, label, onclick, cls = '') => h('button', { class: 'btn ' + cls, 'data-test': test, onclick }, label);
		return h('article', { class: 'item', 'data-test': 'mycard', 'data-card-id': c.id },
			h('span', { class: 'thumb' }, images[0] && h('img', { src: images[0].urls.grid, alt: '', loading: 'lazy' }),
				images.length > 1 && h('span', {}, images.length)),
			h('div', { class: 'item-body' },
				h('h3', {}, c.sold_out && h('span', { class: 'badge soldout', 'data-test': 'mycard-soldout' }, t('card.soldout')), c.title),
				h('p', { class: 'small', 'data-test': 'mycard-prices' },
					[t('price.cost') + ' ' + money(c.cost_price), t('price.retail') + ' ' + money(c.retail_price),
						c.floor_price && t('price.floor') + ' ' + money(c.floor_price)].filter(Boolean).join(' · ')),
				stockText(c) && h('p', { class: 'small muted', 'data-test': 'mycard-stock' }, stockText(c)),
				h('time', { class: 'muted small', 'data-time': c.created_at }, ago(c.created_at)),
				h('div', { class: 'row wrap' },
					btn('mycard-edit', t('mycards.edit'), () => editPrices(c, patch)),
					btn('mycard-soldout-toggle', c.sold_out ? t('mycards.restock') : t('mycards.soldout'),
						(e) => busy(e.currentTarget, null, () => patch({ sold_out: !c.sold_out })).catch(errorToast)),
					btn('mycard-withdraw', t('mycards.withdraw'), withdraw, 'danger-text'))));
	}
	return node;
}

// stockInputs edits the stock of a card or of each variant (empty:
// unlimited); change() returns the PATCH fields for what changed.
function stockInputs(c) {
	const count = (n, attrs) => h('input', { type: 'number', min: 0, inputmode: 'numeric', placeholder: t('post.unlimited'), value: n == null ? '' : n, ...attrs });
	const vs = c.variants || [];
	const inputs = vs.length ? vs.map((v) => count(v.stock, { 'data-test': 'edit-variant-stock', 'data-spec': v.spec })) : [count(c.stock, { 'data-test': 'edit-stock' })];
	const read = (i) => {
		if (!i.value.trim()) return null;
		if (!(Number.isInteger(+i.value) && +i.value >= 0)) throw new Error(t('post.badStock'));
		return +i.value;
	};
	return {
		el: vs.length ? vs.map((v, k) => field(t('post.stock') + ' · ' + v.spec, inputs[k])) : field(t('post.stock'), inputs[0], t('post.stockHint')),
		change() {
			if (!vs.length) return read(inputs[0]) === (c.stock ?? null) ? {} : { stock: read(inputs[0]) };
			const next = vs.map((v, k) => ({ spec: v.spec, stock: read(inputs[k]) }));
			return next.every((v, k) => v.stock === (vs[k].stock ?? null)) ? {} : { variants: next };
		},
	};
}

// editPrices edits the three main prices and the stock; only changed
// fields are sent, and an emptied floor is sent as null (no floor).
function editPrices(c, patch) {
	const stock = stockInputs(c);
	const cost = priceInput('edit-cost', { value: yuan(c.cost_price), autofocus: true });
	const retail = priceInput('edit-retail', { value: yuan(c.retail_price) });
	const floor = priceInput('edit-floor', { value: c.floor_price ? yuan(c.floor_price) : '', placeholder: t('optional') });
	const error = errorLine('edit-error');
	const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'edit-save' }, t('save'));
	const form = h('form', { class: 'stack', novalidate: true }, h('p', { class: 'muted small' }, c.title),
		h('div', { class: 'two' }, field(t('price.cost'), cost), field(t('price.retail'), retail)),
		field(t('post.floor'), floor, t('post.floorClear')), stock.el, error, save);
	const d = sheet(t('mycards.edit'), form, 'edit-sheet');
	formAction(form, save, error, async () => {
		const [cp, rp] = [parseYuan(cost.value), parseYuan(retail.value)];
		const fp = floor.value.trim() ? parseYuan(floor.value) : null;
		if (cp === null || rp === null || (fp === null && floor.value.trim())) throw new Error(t('err.price'));
		if (fp !== null && fp > rp) throw new Error(t('post.floorAbove'));
		const change = stock.change();
		if (cp !== c.cost_price) change.cost_price = cp;
		if (rp !== c.retail_price) change.retail_price = rp;
		if (fp !== (c.floor_price || null)) change.floor_price = fp;
		if (Object.keys(change).length) await patch(change);
		d.close();
		if (Object.keys(change).length) toast(t('saved'));
	});
}
