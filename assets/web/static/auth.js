// Sign-up (choosing supplier or distributor) and sign-in. The server sets
// the wg_session cookie; the app keeps only the account it returns.
import { api } from './api.js';
import { h, field, errorLine } from './dom.js';
import { t } from './i18n.js';
import { formAction } from './ui.js';

// Handles are lower case; phones like to capitalise the first letter.
const handleInput = (test) => h('input', {
	name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', maxlength: 32, 'data-test': test,
});
const handleOf = (input) => input.value.trim().toLowerCase();
const passwordInput = (test, autocomplete) => h('input', { type: 'password', autocomplete, 'data-test': test });

function authForm(name, title, fields, switchHref, switchKey, submitFn) {
	const error = errorLine(name + '-error');
	const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': name + '-submit' }, title);
	const form = h('form', { class: 'stack auth', novalidate: true }, h('h1', {}, title), fields, error, submit,
		h('a', { class: 'center', href: switchHref, 'data-test': name + '-switch' }, t(switchKey)));
	formAction(form, submit, error, submitFn);
	return { el: form, title };
}

export function signinView(ctx) {
	const handle = handleInput('signin-handle');
	const password = passwordInput('signin-password', 'current-password');
	return authForm('signin', t('signin.title'), [field(t('field.handle'), handle), field(t('field.password'), password)],
		'#/signup', 'signin.toSignup', async () => {
			const res = await api('POST', '/v1/sessions', { handle: handleOf(handle), password: password.value }, { quiet: true });
			ctx.signedIn(res.account);
		});
}

export function signupView(ctx) {
	const role = (value) => h('label', { class: 'role-choice' },
		h('input', { type: 'radio', name: 'role', value, checked: value === 'distributor', 'data-test': 'signup-role-' + value }),
		h('span', {}, h('strong', {}, t('role.' + value)), h('small', {}, t('role.' + value + 'Hint'))));
	const roles = h('fieldset', { class: 'roles' }, h('legend', {}, t('signup.role')), role('supplier'), role('distributor'));
	const handle = handleInput('signup-handle');
	const name = h('input', { autocomplete: 'name', maxlength: 64, 'data-test': 'signup-name' });
	const password = passwordInput('signup-password', 'new-password');
	return authForm('signup', t('signup.title'),
		[roles, field(t('field.handle'), handle, t('field.handleHint')), field(t('field.name'), name),
			field(t('field.password'), password, t('field.passwordHint'))],
		'#/signin', 'signup.toSignin', async () => {
			if (!/^[a-z0-9_]{3,32}$/.test(handleOf(handle))) throw new Error(t('field.handleHint'));
			if ([...password.value].length < 8) throw new Error(t('field.passwordHint'));
			const res = await api('POST', '/v1/accounts', {
				role: roles.querySelector(':checked').value, handle: handleOf(handle),
				password: password.value, name: name.value.trim() || handleOf(handle),
			}, { quiet: true });
			ctx.signedIn(res.account);
		});
}
