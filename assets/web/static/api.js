// The one door to the server. Auth is the HttpOnly wg_session cookie: the
// app never holds a token.
import { t } from './i18n.js';

export class ApiError extends Error {
	constructor(status, code, message) {
		super(message);
		this.status = status;
		this.code = code;
	}
}

// What to do when the session is gone (a 401, or the stream's 4001).
let unauthorized = () => {};
export const onUnauthorized = (fn) => { unauthorized = fn; };
export const signedOut = () => unauthorized();

function apiError(status, data, requestId) {
	const e = (data && data.error) || {};
	// A 500 says nothing; its request ID lets support find it in the log.
	const id = status >= 500 && requestId ? ' (' + requestId + ')' : '';
	return new ApiError(status, e.code || 'internal', (e.message || t('err.status', { status })) + id);
}

const netError = () => new ApiError(0, 'network', t('err.network'));

// api returns the JSON reply (null for 204) or throws an ApiError with the
// server's message. opts.quiet: a 401 does not end the session (sign-in
// answers a wrong password with 401). opts.key: Idempotency-Key;
// opts.version: If-Match, so a move made on a stale copy gets 412.
export async function api(method, path, body, opts = {}) {
	const headers = { Accept: 'application/json' };
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	if (opts.key) headers['Idempotency-Key'] = opts.key;
	if (opts.version) headers['If-Match'] = String(opts.version);
	let res;
	try {
		res = await fetch(path, { method, headers, body: body && JSON.stringify(body), credentials: 'same-origin' });
	} catch {
		throw netError();
	}
	if (res.status === 204) return null;
	const data = await res.json().catch(() => null);
	if (res.ok) return data;
	if (res.status === 401 && !opts.quiet) unauthorized();
	throw apiError(res.status, data, res.headers.get('X-Request-Id'));
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const enc = encodeURIComponent;

export function qs(params) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) if (v != null && v !== '') q.set(k, v);
	const s = q.toString();
	return s ? '?' + s : '';
}

// newKey makes an Idempotency-Key (randomUUID needs https; this does not).
export function newKey() {
	return Array.from(crypto.getRandomValues(new Uint8Array(16)), (x) => x.toString(16).padStart(2, '0')).join('');
}

// keyAfter picks the key for a retry. After a network error, 429 or 5xx
// the write may have happened: keep the key so it cannot happen twice.
// Any other answer means it did not: a new key, so that the server does
// not replay that stored failure to the corrected form.
export function keyAfter(err, key) {
	return !err.status || err.status === 429 || err.status >= 500 ? key : newKey();
}

// uploadImage posts a photo with XMLHttpRequest, as fetch cannot report
// upload progress. Returns {promise, abort}; abort rejects with "aborted".
export function uploadImage(file, onProgress, key) {
	const xhr = new XMLHttpRequest();
	const promise = new Promise((resolve, reject) => {
		xhr.open('POST', '/v1/images');
		xhr.setRequestHeader('Accept', 'application/json');
		if (key) xhr.setRequestHeader('Idempotency-Key', key);
		xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
		xhr.onload = () => {
			let data = null;
			try { data = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
			if (xhr.status < 300 && data) return resolve(data);
			if (xhr.status === 401) unauthorized();
			reject(apiError(xhr.status, data, xhr.getResponseHeader('X-Request-Id')));
		};
		xhr.onerror = () => reject(netError());
		xhr.onabort = () => reject(new ApiError(0, 'aborted', ''));
		const form = new FormData();
		form.append('image', file, file.name || 'photo.jpg');
		xhr.send(form);
	});
	return { promise, abort: () => xhr.abort() };
}
