// DOM helpers. User text reaches the page only through textContent and
// attributes, never innerHTML, so nothing anyone types can become markup.

const PROPS = new Set(['value', 'checked', 'disabled', 'selected', 'hidden', 'multiple']);

// h(tag, attrs, ...children): "on…" functions become listeners, some keys
// are properties, null/false are skipped, the rest are attributes. Buttons
// default to type=button so that none submits a form by accident.
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	if (tag === 'button') el.type = 'button';
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v == null || v === false) continue;
		if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
		else if (k === 'class') el.className = v;
		else if (PROPS.has(k)) el[k] = v;
		else el.setAttribute(k, v === true ? '' : String(v));
	}
	add(el, children);
	return el;
}

function add(el, children) {
	for (const c of children) {
		if (Array.isArray(c)) add(el, c);
		else if (c != null && c !== false) el.append(c);
	}
}

let uid = 0;
// field gives every input a visible label, which is also its accessible name.
export function field(label, input, hint) {
	input.id = input.id || 'f' + ++uid;
	return h('div', { class: 'field' }, h('label', { for: input.id }, label), input,
		hint ? h('p', { class: 'hint' }, hint) : null);
}

// errorLine is a form's inline error; role=alert announces it.
export const errorLine = (test) => h('p', { class: 'error', role: 'alert', 'data-test': test });

export function svgIcon(d) {
	const ns = 'http://www.w3.org/2000/svg';
	const svg = document.createElementNS(ns, 'svg');
	const p = document.createElementNS(ns, 'path');
	svg.setAttribute('viewBox', '0 0 24 24');
	svg.setAttribute('aria-hidden', 'true');
	svg.setAttribute('class', 'icon');
	p.setAttribute('d', d);
	svg.append(p);
	return svg;
}

// sameOrigin turns a URL on another origin into a path on ours: share URLs
// carry the public origin (--origin), which may not be the one the app was
// opened on, and the CSP only allows images from 'self'.
export function sameOrigin(url) {
	try {
		const u = new URL(url, location.href);
		return u.origin === location.origin ? u.href : u.pathname + u.search;
	} catch {
		return url;
	}
}

// onVisible calls fn when el nears the viewport (infinite scroll). An
// observer reports only changes, so again() re-checks after a short page
// left the sentinel in view.
export function onVisible(el, fn) {
	const io = new IntersectionObserver((es) => es.some((e) => e.isIntersecting) && fn(), { rootMargin: '800px 0px' });
	io.observe(el);
	return {
		again() { io.unobserve(el); io.observe(el); },
		stop() { io.disconnect(); },
	};
}
