// Who is signed in: the account from GET /v1/me. The credential itself is
// the HttpOnly cookie, which no code here can touch.
let me = null;
const listeners = new Set();

export const currentUser = () => me;

// setUser records the account (or null) and tells those who keep
// per-account state (the post draft) whether the account changed.
export function setUser(account) {
	const changed = (me && me.id) !== (account && account.id);
	me = account;
	listeners.forEach((fn) => fn(me, changed));
}

export const onUser = (fn) => listeners.add(fn);
