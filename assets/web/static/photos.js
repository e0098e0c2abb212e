// The photo picker of the post screen (nine photos) and of after-sales
// evidence (five): each photo uploads as soon as it is picked, with its
// own progress bar and retry; reordered by drag (pointer events: touch,
// pen, mouse) or with ◀ ▶; removable.
import { uploadImage, newKey, keyAfter } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { toast } from './ui.js';

let seq = 0;

export class PhotoPicker {
	// opts.max: how many photos (9 for a card, 5 for after-sales
	// evidence); opts.test: the file input's data-test.
	constructor(opts = {}) {
		this.max = opts.max || 9;
		// items: {lid, file, url, state: uploading|done|error, progress, image, error, key, abort}
		this.items = [];
		const input = h('input', {
			type: 'file', accept: 'image/*', multiple: true, class: 'visually-hidden', 'data-test': opts.test || 'post-photos',
			onchange: () => {
				this.add([...input.files]);
				input.value = ''; // so that picking the same photo again fires change again
			},
		});
		this.addTile = h('label', { class: 'photo-add' }, input, h('b', { 'aria-hidden': 'true' }, '+'), t('post.addPhotos'));
		this.grid = h('div', { class: 'photo-grid', 'data-test': 'photo-grid' });
		this.status = h('div', { 'aria-live': 'polite' });
		this.el = h('div', { class: 'stack' }, this.grid, this.status);
		this.render();
	}

	add(files) {
		const room = this.max - this.items.length;
		if (files.length > room) toast(t('post.maxN', { n: this.max }), 'error');
		for (const file of files.slice(0, room)) {
			const item = { lid: ++seq, file, url: URL.createObjectURL(file), key: newKey() };
			this.items.push(item);
			this.upload(item);
		}
		this.render();
	}

	upload(item) {
		Object.assign(item, { state: 'uploading', error: '', progress: 0 });
		if (item.file.size > 20 << 20) return Object.assign(item, { state: 'error', error: t('post.tooLarge') });
		const up = uploadImage(item.file, (f) => this.paint(item, f), item.key);
		item.abort = up.abort;
		up.promise.then((image) => Object.assign(item, { state: 'done', image }), (err) => {
			if (err.code === 'aborted') return;
			Object.assign(item, { state: 'error', error: err.message, key: keyAfter(err, item.key) });
		}).finally(() => {
			// Re-rendering mid-drag would pull the tile from under the finger.
			if (this.dragging) this.dirty = true;
			else if (this.items.includes(item)) this.render();
		});
	}

	imageIds() { return this.items.map((i) => i.image.id); }
	uploading() { return this.items.some((i) => i.state === 'uploading'); }
	failed() { return this.items.some((i) => i.state === 'error'); }

	remove(item) {
		if (item.abort) item.abort();
		URL.revokeObjectURL(item.url);
		this.items.splice(this.items.indexOf(item), 1);
		this.render();
	}

	reset() {
		[...this.items].forEach((i) => this.remove(i));
	}

	move(from, to) {
		if (to < 0 || to >= this.items.length || from === to) return;
		this.items.splice(to, 0, ...this.items.splice(from, 1));
		this.render();
		// Keep focus on the moved photo's arrow so that ◀ ◀ ◀ works from the keyboard.
		const b = this.grid.children[to].querySelector(to > from ? '.ph-right' : '.ph-left');
		if (!b.disabled) b.focus();
	}

	paint(item, f, bar = this.grid.querySelector('[data-lid="' + item.lid + '"] .bar')) {
		item.progress = f;
		if (!bar) return;
		bar.firstChild.style.width = Math.round(f * 100) + '%';
		bar.setAttribute('aria-valuenow', Math.round(f * 100));
	}

	render() {
		const n = this.items.length;
		this.grid.replaceChildren(...this.items.map((item, i) => this.tile(item, i, n)), n < this.max ? this.addTile : '');
		// Upload errors are listed under the grid: a tile is too small to hold them.
		this.status.replaceChildren(h('p', { class: 'hint' }, t('post.photoCount', { n, max: this.max })),
			...this.items.flatMap((item, i) => (item.state === 'error'
				? h('p', { class: 'error', 'data-test': 'photo-error', 'data-index': i }, t('photo.n', { n: i + 1 }) + ': ' + item.error) : [])));
	}

	tile(item, i, n) {
		const btn = (cls, key, test, sym, onclick, disabled) => h('button', {
			class: 'ph-btn ' + cls, 'aria-label': t(key, { n: i + 1 }), 'data-test': test, disabled, onclick,
		}, h('span', {}, sym));
		const tile = h('div', {
			class: 'photo-tile ' + item.state, 'data-test': 'photo-tile', 'data-state': item.state, 'data-index': i, 'data-lid': item.lid,
			'data-image-id': item.image && item.image.id, role: 'group', 'aria-label': t('photo.n', { n: i + 1 }),
		},
		h('img', { src: item.url, alt: '', draggable: 'false' }),
		h('span', { class: 'drag', 'aria-hidden': 'true' }, '⠿'),
		btn('ph-remove', 'post.remove', 'photo-remove', '×', () => this.remove(item)),
		btn('ph-left', 'post.left', 'photo-left', '◀', () => this.move(i, i - 1), i === 0),
		btn('ph-right', 'post.right', 'photo-right', '▶', () => this.move(i, i + 1), i === n - 1),
		item.state === 'uploading' && h('div', {
			class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100,
			'aria-label': t('post.uploading'), 'data-test': 'photo-progress',
		}, h('span', {})),
		item.state === 'error' && h('div', { class: 'ph-error' },
			h('button', { class: 'btn', 'data-test': 'photo-retry', onclick: () => { this.upload(item); this.render(); } }, t('retry'))));
		this.paint(item, item.progress, tile.querySelector('.bar'));
		tile.addEventListener('pointerdown', (e) => this.drag(e, tile, i));
		return tile;
	}

	// drag moves the tile with the pointer and drops it on the nearest slot.
	// Touch drags start only on the ⠿ handle (touch-action: none), so a
	// finger anywhere else on the tiles still scrolls the page.
	drag(e, tile, from) {
		if (e.button > 0 || e.target.closest('button') || (e.pointerType === 'touch' && !e.target.closest('.drag'))) return;
		e.preventDefault();
		const tiles = [...this.grid.querySelectorAll('.photo-tile')];
		const centres = tiles.map((el) => {
			const r = el.getBoundingClientRect();
			return [r.left + r.width / 2, r.top + r.height / 2];
		});
		let to = from;
		tile.setPointerCapture(e.pointerId);
		tile.classList.add('dragging');
		this.dragging = true;
		const stop = new AbortController();
		const on = (type, fn) => tile.addEventListener(type, fn, { signal: stop.signal });
		on('pointermove', (ev) => {
			tile.style.transform = 'translate(' + (ev.clientX - e.clientX) + 'px,' + (ev.clientY - e.clientY) + 'px)';
			const d = centres.map(([x, y]) => (ev.clientX - x) ** 2 + (ev.clientY - y) ** 2);
			to = d.indexOf(Math.min(...d));
			tiles.forEach((el, j) => el.classList.toggle('drop-target', j === to && j !== from));
		});
		const end = (ev) => {
			stop.abort();
			tile.style.transform = '';
			tile.classList.remove('dragging');
			tiles.forEach((el) => el.classList.remove('drop-target'));
			this.dragging = false;
			if (ev.type === 'pointerup' && to !== from) this.move(from, to);
			else if (this.dirty) this.render();
			this.dirty = false;
		};
		on('pointerup', end);
		on('pointercancel', end);
	}
}
