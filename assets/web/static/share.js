// One-tap reshare: price and words, POST /v1/shares, then the system share
// sheet with the photos where files can be shared, else the copy text on
// the clipboard and the collage image to save.
import { api, newKey, keyAfter } from './api.js';
import { h, field, errorLine, sameOrigin } from './dom.js';
import { t } from './i18n.js';
import { money, yuan, parseYuan } from './money.js';
import { sheet, toast, copyToast, formAction } from './ui.js';

export function openShare(card) {
	const p = card.prices;
	const floor = p.floor || 0;
	let key = newKey(); // one per sheet: a double tap cannot create two shares
	const price = h('input', { inputmode: 'decimal', autocomplete: 'off', value: yuan(p.retail), autofocus: true, 'data-test': 'share-price' });
	const text = h('textarea', { rows: 3, maxlength: 1000, placeholder: card.description, 'data-test': 'share-text' });
	const error = errorLine('share-error');
	const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'share-confirm' }, t('share.confirm'));
	const form = h('form', { class: 'stack', novalidate: true },
		h('p', { class: 'muted small' }, card.title),
		field(t('share.price'), price, t('share.retail', { p: money(p.retail) }) + (floor ? ' · ' + t('share.floor', { p: money(floor) }) : '')),
		field(t('share.text'), text), error, submit);
	sheet(t('share.title'), form, 'share-sheet');

	formAction(form, submit, error, async () => {
		const fen = parseYuan(price.value);
		if (fen === null || fen < floor) {
			price.setAttribute('aria-invalid', 'true');
			throw new Error(fen === null ? t('err.price') : t('share.belowFloor', { p: money(floor) }));
		}
		const body = { card_id: card.id, price: fen };
		if (text.value.trim()) body.text = text.value.trim();
		try {
			form.replaceWith(await deliver(await api('POST', '/v1/shares', body, { key }), card));
		} catch (err) {
			key = keyAfter(err, key);
			throw err; // shown in the sheet, e.g. the server's 400 for a price below the floor
		}
	});
}

// shareFiles fetches the photos as Files if the browser can share files
// (asked with an empty file first, so as not to download for nothing).
async function shareFiles(share, card) {
	try {
		const probe = [new File([''], 'x.jpg', { type: 'image/jpeg' })];
		if (!navigator.canShare || !navigator.canShare({ files: probe })) return null;
		const urls = share.image_urls || card.images.map((im) => im.urls.display);
		const files = await Promise.all(urls.map(async (u, i) => {
			const res = await fetch(sameOrigin(u));
			if (!res.ok) throw new Error(res.status);
			return new File([await res.blob()], 'weigong-' + (i + 1) + '.jpg', { type: 'image/jpeg' });
		}));
		return navigator.canShare({ files, text: share.copy_text }) ? files : null;
	} catch {
		return null;
	}
}

// nativeShare fails with NotAllowedError when the tap's user activation ran
// out while we waited for the server; the result's Share button is a fresh tap.
async function nativeShare(files, share) {
	try {
		await navigator.share({ files, text: share.copy_text });
	} catch (err) {
		if (err.name !== 'AbortError') toast(t('share.tapShare')); // AbortError: the user closed it
	}
}

async function deliver(share, card) {
	const files = await shareFiles(share, card);
	if (files) nativeShare(files, share);
	else copyToast(share.copy_text, t('share.copied'));
	const collage = sameOrigin(share.collage_url);
	return h('div', { class: 'stack', 'data-test': 'share-result' },
		h('p', { class: 'ok-msg' }, t('share.done')),
		h('a', { class: 'break', href: share.url, target: '_blank', rel: 'noopener', 'data-test': 'share-result-url' }, share.url),
		h('p', { class: 'copy-text', 'data-test': 'share-result-text' }, share.copy_text),
		h('div', { class: 'row' },
			files && h('button', { class: 'btn btn-primary', 'data-test': 'share-native', onclick: () => nativeShare(files, share) }, t('share.native')),
			h('button', { class: 'btn', 'data-test': 'share-copy-text', onclick: () => copyToast(share.copy_text, t('share.copied')) }, t('share.copy'))),
		h('img', { class: 'collage', src: collage, alt: t('share.collageAlt'), 'data-test': 'share-collage' }),
		h('a', { class: 'btn', href: collage, download: 'weigong-' + share.id + '.jpg', 'data-test': 'share-save' }, t('share.save')),
		h('p', { class: 'hint' }, t('share.saveHint')));
}
