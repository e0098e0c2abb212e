// Full-screen photo viewer (display.jpg) with arrow buttons, keyboard
// arrows and horizontal swipes (pointer events: touch, pen and mouse).
import { h } from './dom.js';
import { t } from './i18n.js';
import { modal } from './ui.js';

export function openLightbox(images, start) {
	const n = images.length;
	let i = start;
	const img = h('img', { class: 'lb-img', alt: '', draggable: 'false', 'data-test': 'lightbox-image' });
	const count = h('span', { class: 'lb-count', 'aria-live': 'polite' });
	const nav = (cls, label, by, test) =>
		h('button', { class: 'lb-nav ' + cls, 'aria-label': t(label), 'data-test': test, hidden: n < 2, onclick: () => show(i + by) }, by < 0 ? '‹' : '›');
	const d = h('dialog', { class: 'lightbox', 'aria-label': t('photo.viewer'), 'data-test': 'lightbox' }, img,
		nav('lb-prev', 'photo.prev', -1, 'lightbox-prev'), nav('lb-next', 'photo.next', 1, 'lightbox-next'),
		h('button', { class: 'lb-close', 'aria-label': t('close'), autofocus: true, 'data-test': 'lightbox-close', onclick: () => d.close() }, '×'),
		count);

	function show(k) {
		i = (k + n) % n;
		img.src = images[i].urls.display;
		count.textContent = n > 1 ? i + 1 + ' / ' + n : '';
		if (n > 1) new Image().src = images[(i + 1) % n].urls.display; // warm the likely next one
	}

	let x0 = null;
	d.addEventListener('pointerdown', (e) => { x0 = e.target === img ? e.clientX : null; });
	d.addEventListener('pointerup', (e) => {
		const dx = x0 === null ? 0 : e.clientX - x0;
		if (Math.abs(dx) > 40) show(dx < 0 ? i + 1 : i - 1);
		x0 = null;
	});
	d.addEventListener('keydown', (e) => {
		if (e.key === 'ArrowLeft') show(i - 1);
		if (e.key === 'ArrowRight') show(i + 1);
	});
	show(i);
	modal(d);
}
