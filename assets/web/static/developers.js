// The Developers screen, under Me: app keys (create with scopes, the key
// shown once, revoke) and webhooks (create with the secret shown once,
// ping, the delivery log with each attempt, retry, enable/disable,
// delete). API.md part 2, "Developers".
import { api, get, enc } from './api.js';
import { h, field, errorLine } from './dom.js';
import { t, ago } from './i18n.js';
import { toast, errorToast, confirmSheet, copyToast, sheet, formAction, busy } from './ui.js';

const SCOPES = ['feed:read', 'cards:write', 'orders:read', 'orders:write', 'shares:write', 'webhooks:manage'];

export function developersView() {
	return {
		el: h('section', { class: 'stack' }, h('h1', {}, t('dev.title')), h('p', { class: 'hint' }, t('dev.intro')),
			keysBox(), hooksBox()),
		title: t('dev.title'),
	};
}

// secretBox shows a secret that the server will never show again.
function secretBox(label, secret, test) {
	return h('div', { class: 'box stack', 'data-test': test },
		h('p', {}, h('b', {}, label)), h('code', { class: 'break', 'data-test': test + '-value' }, secret),
		h('p', { class: 'hint' }, t('dev.shownOnce')),
		h('button', { class: 'btn', onclick: () => copyToast(secret) }, t('shares.copy')));
}

function keysBox() {
	const list = h('div', { class: 'list', 'data-test': 'dev-keys' });
	const shown = h('div');
	const name = h('input', { maxlength: 64, 'data-test': 'dev-key-name' });
	const boxes = SCOPES.map((s) => h('input', { type: 'checkbox', value: s, 'data-test': 'dev-scope-' + s.replace(':', '-') }));
	const error = errorLine('dev-key-error');
	const create = h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'dev-key-create' }, t('dev.createKey'));
	const form = h('form', { class: 'stack', novalidate: true }, field(t('dev.keyName'), name),
		h('fieldset', {}, h('legend', {}, t('dev.scopes')), boxes.map((b) => h('label', { class: 'inline' }, b, b.value))),
		error, create);
	async function load() {
		const keys = (await get('/v1/keys')).items;
		list.replaceChildren(...(keys.length ? keys.map(keyRow) : [h('p', { class: 'muted' }, t('dev.noKeys'))]));
	}
	function keyRow(k) {
		const node = h('article', { class: 'item col', 'data-test': 'dev-key', 'data-key-id': k.id },
			h('b', {}, k.name), h('p', { class: 'small' }, k.scopes.join(', ')),
			h('p', { class: 'small muted' }, t('dev.lastUsed') + ': ' + (k.last_used_at ? ago(k.last_used_at) : t('dev.never'))),
			h('div', { class: 'row' }, h('button', { class: 'btn danger-text', 'data-test': 'dev-key-revoke', onclick: async () => {
				if (!(await confirmSheet(t('dev.revokeConfirm'), t('dev.revoke')))) return;
				try {
					await api('DELETE', '/v1/keys/' + enc(k.id));
					node.remove();
					toast(t('dev.revoked'));
				} catch (err) { errorToast(err); }
			} }, t('dev.revoke'))));
		return node;
	}
	formAction(form, create, error, async () => {
		const scopes = boxes.filter((b) => b.checked).map((b) => b.value);
		if (!name.value.trim() || !scopes.length) throw new Error(t('dev.keyNeeds'));
		const k = await api('POST', '/v1/keys', { name: name.value.trim(), scopes });
		shown.replaceChildren(secretBox(t('dev.newKey'), k.key, 'dev-new-key'));
		form.reset();
		await load();
	});
	load().catch(errorToast);
	return h('div', { class: 'box stack' }, h('h2', {}, t('dev.keys')), shown, list, form);
}

function hooksBox() {
	const list = h('div', { class: 'list', 'data-test': 'dev-hooks' });
	const shown = h('div');
	const url = h('input', { type: 'url', maxlength: 2048, placeholder: 'https://', 'data-test': 'dev-hook-url' });
	const events = h('input', { value: '*', 'data-test': 'dev-hook-events' });
	const error = errorLine('dev-hook-error');
	const create = h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'dev-hook-create' }, t('dev.createHook'));
	const form = h('form', { class: 'stack', novalidate: true }, field(t('dev.hookURL'), url),
		field(t('dev.hookEvents'), events, t('dev.hookEventsHint')), error, create);
	async function load() {
		const hooks = (await get('/v1/webhooks')).items;
		list.replaceChildren(...(hooks.length ? hooks.map(hookRow) : [h('p', { class: 'muted' }, t('dev.noHooks'))]));
	}
	function hookRow(w) {
		const path = '/v1/webhooks/' + enc(w.id);
		const state = w.enabled ? t('dev.enabled') : t('dev.disabled') + (w.disabled_reason ? ' (' + w.disabled_reason + ')' : '');
		const act = (label, test, fn) => h('button', { class: 'btn', 'data-test': test, onclick: (e) => busy(e.currentTarget, null, () => fn().catch(errorToast)) }, label);
		return h('article', { class: 'item col', 'data-test': 'dev-hook', 'data-hook-id': w.id, 'data-enabled': String(w.enabled) },
			h('b', { class: 'break' }, w.url), h('p', { class: 'small' }, w.events.join(', ') + ' · ' + state),
			h('div', { class: 'row wrap' },
				act(t('dev.ping'), 'dev-hook-ping', async () => { await api('POST', path + '/ping'); toast(t('dev.pinged')); }),
				act(t('dev.deliveries'), 'dev-hook-deliveries', () => deliveries(path)),
				act(w.enabled ? t('dev.disable') : t('dev.enable'), 'dev-hook-toggle', async () => { await api('PATCH', path, { enabled: !w.enabled }); await load(); }),
				act(t('remove'), 'dev-hook-delete', async () => {
					if (await confirmSheet(t('dev.deleteHookConfirm'), t('remove'))) { await api('DELETE', path); await load(); }
				})));
	}
	formAction(form, create, error, async () => {
		const ev = events.value.split(',').map((s) => s.trim()).filter(Boolean);
		const w = await api('POST', '/v1/webhooks', { url: url.value.trim(), events: ev });
		shown.replaceChildren(secretBox(t('dev.newSecret'), w.secret, 'dev-new-secret'));
		form.reset();
		await load();
	});
	load().catch(errorToast);
	return h('div', { class: 'box stack' }, h('h2', {}, t('dev.hooks')), shown, list, form);
}

// deliveries opens the delivery log of one webhook: each delivery with
// its state and attempts (status, latency, error), and a retry button.
async function deliveries(path) {
	const body = h('div', { class: 'list', 'data-test': 'dev-deliveries' });
	const draw = async () => {
		const page = await get(path + '/deliveries?limit=50');
		body.replaceChildren(...(page.items.length ? page.items.map((d) => h('article', { class: 'item col', 'data-test': 'dev-delivery', 'data-state': d.state },
			h('p', {}, h('b', {}, d.type), ' · ', h('span', { 'data-test': 'dev-delivery-state' }, t('dev.state.' + d.state))),
			d.attempts.map((a) => h('p', { class: 'small', 'data-test': 'dev-attempt' },
				ago(a.at) + ' · ' + (a.status || '—') + ' · ' + a.latency_ms + ' ms' + (a.error ? ' · ' + a.error : ''))),
			h('button', { class: 'btn', 'data-test': 'dev-delivery-retry', onclick: (e) => busy(e.currentTarget, null, async () => {
				try { await api('POST', path + '/deliveries/' + enc(d.id) + '/retry'); toast(t('dev.retried')); await draw(); } catch (err) { errorToast(err); }
			}) }, t('retry')))) : [h('p', { class: 'muted' }, t('dev.noDeliveries'))]));
	};
	await draw();
	sheet(t('dev.deliveries'), h('div', { class: 'stack' }, body,
		h('button', { class: 'btn', 'data-test': 'dev-deliveries-refresh', onclick: (e) => busy(e.currentTarget, null, () => draw().catch(errorToast)) }, t('dev.refresh'))), 'dev-deliveries-sheet');
}
