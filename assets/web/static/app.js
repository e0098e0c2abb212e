// The app shell: loads the signed-in account, routes #/… hashes to
// screens, draws the tab bar for the account's role and shows the feed's
// live stream's connection state and the count of orders waiting for the
// supplier's answer.
import { api, get, onUnauthorized } from './api.js';
import { h, svgIcon } from './dom.js';
import { t, ago, LANG } from './i18n.js';
import { feed, subscribe, start as startFeed, stop as stopFeed } from './feedstore.js';
import { currentUser, setUser } from './session.js';
import { toast } from './ui.js';
import { money } from './money.js';
import { signinView, signupView } from './auth.js';
import { feedView } from './feed.js';
import { sharesView } from './shares.js';
import { postView } from './post.js';
import { myCardsView } from './mycards.js';
import { followersView } from './followers.js';
import { profileView } from './profile.js';
import { supplierView } from './supplier.js';
import { developersView } from './developers.js';
import { ordersView } from './orders.js';
import { onOrders, waitingCount, start as startOrders, stop as stopOrders } from './orderstore.js';

// name: [screen, who may open it, tab icon]. Who: 'out' (signed out only),
// 'any', 'in' (any account) or a role. Tabs appear in this order.
const ROUTES = {
	signin: [signinView, 'out'],
	signup: [signupView, 'out'],
	supplier: [supplierView, 'any'],
	feed: [feedView, 'distributor', 'M4 5h16v4H4zM4 12h16v7H4z'],
	shares: [sharesView, 'distributor', 'M4 12v7h16v-7M12 3v12M7 8l5-5 5 5'],
	post: [postView, 'supplier', 'M12 5v14M5 12h14'],
	cards: [myCardsView, 'supplier', 'M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z'],
	orders: [ordersView, 'in', 'M6 3h12l2 5v13H4V8zM4 8h16M9 12h6'],
	followers: [followersView, 'supplier', 'M8 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM1 21c0-4 3-6 7-6s7 2 7 6M16 3a4 4 0 0 1 0 8M18 15c3 .5 5 2.5 5 6'],
	developers: [developersView, 'in'],
	profile: [profileView, 'in', 'M12 12a5 5 0 1 0 0-10 5 5 0 0 0 0 10zM3 22c0-5 4-8 9-8s9 3 9 8'],
};

const $ = (id) => document.getElementById(id);
let current = null; // the mounted screen: {el, title, destroy?}
let returnTo = null; // where to go after signing in
let booted = false;

const home = () => (currentUser().role === 'supplier' ? '#/cards' : '#/feed');
const go = (hash) => (location.hash === hash ? route() : (location.hash = hash));
const setTitle = (s) => { document.title = s + ' · ' + t('appName'); };

function route() {
	const [, name, param = ''] = /^#\/([^/]*)\/?(.*)$/.exec(location.hash) || [];
	const [view, who] = ROUTES[name] || [];
	const me = currentUser();
	if (!view) return go(me ? home() : '#/signin');
	if (who === 'out' && me) return go(home());
	if (who !== 'out' && who !== 'any' && !me) {
		returnTo = location.hash;
		return go('#/signin');
	}
	if (me && /^(supplier|distributor)$/.test(who) && who !== me.role) return go(home());

	if (current && current.destroy) current.destroy();
	let p = param;
	try { p = decodeURIComponent(param); } catch { /* a malformed escape: use it as typed */ }
	current = view({ param: p, go, signedIn, signOut, setTitle, returnHere: () => { returnTo = location.hash; } });
	$('view').replaceChildren(current.el);
	setTitle(current.title);
	drawTabs(name);
	scrollTo(0, 0);
	// Move focus to the new screen for screen readers, except on first load.
	if (booted) $('view').focus({ preventScroll: true });
	booted = true;
}

function drawTabs(active) {
	const me = currentUser();
	$('tabs').hidden = !me;
	$('tabs').replaceChildren(...Object.entries(ROUTES)
		.filter(([, [, who, icon]]) => me && icon && (who === 'in' || who === me.role))
		.map(([name, [, , icon]]) => h('a', { href: '#/' + name, class: 'tab', 'data-test': 'tab-' + name, 'aria-current': name === active && 'page' },
			svgIcon(icon), t('tab.' + name), name === 'orders' && h('span', { class: 'tab-badge', 'data-test': 'orders-badge', hidden: true }))));
	drawBadge();
}

// drawBadge shows how many orders and after-sales wait for the supplier.
function drawBadge() {
	const el = document.querySelector('[data-test=orders-badge]');
	if (!el) return;
	const n = waitingCount();
	el.hidden = !n;
	el.textContent = n > 99 ? '99+' : String(n);
	el.title = t('orders.waiting', { n }); // the tab reads "Orders 2" to screen readers
}

function drawConn() {
	const el = $('conn');
	el.hidden = !currentUser();
	el.dataset.state = feed.conn;
	el.textContent = t('conn.' + feed.conn);
}

function signedIn(account) {
	setUser(account);
	startLive(account.role);
	drawConn();
	const to = returnTo;
	returnTo = null;
	go(to && !/^#\/sign/.test(to) ? to : home());
}

function endSession(message, back) {
	returnTo = back ? location.hash : null;
	stopFeed();
	stopOrders();
	setUser(null);
	drawConn();
	toast(message);
	go('#/signin');
}

async function signOut() {
	try {
		await api('DELETE', '/v1/sessions/current');
	} catch { /* the session may be gone already; sign out here anyway */ }
	endSession(t('signedOut'));
}

onUnauthorized(() => {
	if (currentUser()) return endSession(t('sessionEnded'), true);
	// A visitor reached something that needs an account: sign in, then come back.
	returnTo = location.hash;
	go('#/signin');
});
subscribe((c) => c.type === 'conn' && drawConn());
onOrders((c) => c.type === 'count' && drawBadge());
subscribe((c) => c.type === 'event' && notify(c.ev));

const told = new Set(); // parcels already announced

// notify tells of what happened elsewhere: a new order or follow request
// (suppliers), a parcel on its way (distributors).
function notify(ev) {
	const me = currentUser();
	const o = ev.order;
	if (!me) return;
	if (ev.type === 'follow.requested' && ev.distributor) toast(t('followers.requested', { name: ev.distributor.name || ev.distributor.handle }));
	if (ev.type === 'order.submitted' && me.role === 'supplier') toast(t('orders.new', { name: o.distributor.name || o.distributor.handle, total: money(o.total) }));
	if (ev.type === 'order.updated' && me.role === 'distributor' && o.shipments.length && (o.state === 'shipped' || o.state === 'partially_shipped')) {
		const s = o.shipments[o.shipments.length - 1];
		if (!told.has(s.id) && Date.now() - Date.parse(s.shipped_at) < 60000) toast(t('orders.shipped', { carrier: s.carrier, number: s.tracking_number }));
		told.add(s.id);
	}
}

// startLive opens the account's stream: a distributor's feed and orders,
// a supplier's orders, after-sales and follow requests.
function startLive(role) {
	startFeed(role);
	startOrders(role);
}

// Relative times ("3 min ago") are refreshed once a minute.
setInterval(() => document.querySelectorAll('[data-time]').forEach((el) => { el.textContent = ago(el.dataset.time); }), 60000);

async function boot() {
	document.documentElement.lang = LANG === 'zh' ? 'zh-CN' : 'en';
	$('brand').textContent = t('appName');
	$('tabs').setAttribute('aria-label', t('appName'));
	// Asks whether the HttpOnly cookie is a live session; a signed-out
	// answer is a 200, so a first visit logs no failed request.
	try {
		const session = await get('/v1/sessions/current', { quiet: true });
		setUser(session.signed_in ? session.account : null);
	} catch (err) {
		// Unreachable or failing: offer a retry.
		return $('view').replaceChildren(h('div', { class: 'empty' }, h('p', { class: 'error' }, err.message),
			h('button', { class: 'btn', 'data-test': 'boot-retry', onclick: boot }, t('retry'))));
	}
	if (currentUser()) startLive(currentUser().role);
	drawConn();
	addEventListener('hashchange', route);
	route();
}

boot();
