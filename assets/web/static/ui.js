// Shared interface pieces: the toast, bottom sheets (native <dialog>: it
// traps focus and closes on Escape), a confirm sheet, clipboard copy.
import { h } from './dom.js';
import { t } from './i18n.js';

const toastEl = document.getElementById('toast');
let toastTimer = 0;

// toast shows a short message in an aria-live region. With the Popover
// API it goes to the top layer (re-shown each time, to rise above a sheet
// opened since), so that it stays visible over open sheets.
export function toast(message, kind = 'info') {
	clearTimeout(toastTimer);
	toastEl.textContent = message;
	toastEl.dataset.kind = kind;
	toastEl.hidden = false;
	if (toastEl.showPopover) {
		toastEl.popover = 'manual';
		if (toastEl.matches(':popover-open')) toastEl.hidePopover();
		toastEl.showPopover();
	}
	toastTimer = setTimeout(() => { toastEl.hidden = true; }, kind === 'error' ? 6000 : 3500);
}

export const errorToast = (err) => toast(err.message, 'error');

export async function copyToast(text, okMsg) {
	const ok = await copyText(text);
	toast(ok ? okMsg || t('copied') : t('copyFailed'), ok ? 'info' : 'error');
}

// modal shows a <dialog> (focus goes to its autofocus control); on close
// it is removed and focus returns to whatever opened it.
export function modal(d) {
	const opener = document.activeElement;
	d.addEventListener('close', () => {
		d.remove();
		if (opener && opener.isConnected) opener.focus({ preventScroll: true });
	});
	document.body.append(d);
	d.showModal();
	return d;
}

let seq = 0;

export function sheet(title, body, test) {
	const id = 'sh' + ++seq;
	const d = h('dialog', { class: 'sheet', 'aria-labelledby': id, 'data-test': test },
		h('div', { class: 'sheet-inner' },
			h('div', { class: 'sheet-head' }, h('h2', { id }, title),
				h('button', { class: 'icon-btn', 'aria-label': t('close'), 'data-test': 'sheet-close', onclick: () => d.close() }, '×')),
			body));
	// A tap on the backdrop lands on the dialog itself, outside the panel.
	d.addEventListener('click', (e) => e.target === d && d.close());
	return modal(d);
}

export function confirmSheet(message, okLabel) {
	return new Promise((resolve) => {
		let ok = false;
		const d = sheet(t('sure'), h('div', { class: 'stack' }, h('p', {}, message),
			h('div', { class: 'row' },
				h('button', { class: 'btn', 'data-test': 'confirm-cancel', autofocus: true, onclick: () => d.close() }, t('cancel')),
				h('button', { class: 'btn btn-danger', 'data-test': 'confirm-ok', onclick: () => { ok = true; d.close(); } }, okLabel))), 'confirm');
		d.addEventListener('close', () => resolve(ok));
	});
}

// copyText resolves to whether text reached the clipboard. The Clipboard
// API needs a secure context; the fallback selects a hidden textarea for
// execCommand('copy'), placed in the open sheet if any because a modal
// dialog makes the rest of the page inert.
export async function copyText(text) {
	try {
		if (navigator.clipboard && window.isSecureContext) {
			await navigator.clipboard.writeText(text);
			return true;
		}
	} catch { /* fall back */ }
	const ta = h('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true', tabindex: '-1', value: text });
	(document.querySelector('dialog[open]') || document.body).append(ta);
	ta.select();
	let ok = false;
	try { ok = document.execCommand('copy'); } catch { /* unsupported */ }
	ta.remove();
	return ok;
}

// formAction runs fn on submit with the button busy, and shows the
// message of anything it throws (a validation Error or an ApiError) in
// the form's error line.
export function formAction(form, button, error, fn, label = t('working')) {
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
		error.textContent = '';
		busy(button, label, fn).catch((err) => { error.textContent = err.message; });
	});
}

// busy disables a control while fn runs, so a double tap cannot send
// twice, optionally showing label meanwhile.
export async function busy(el, label, fn) {
	const old = el.textContent;
	el.disabled = true;
	if (label) el.textContent = label;
	try {
		return await fn();
	} finally {
		el.disabled = false;
		if (label) el.textContent = old;
	}
}
