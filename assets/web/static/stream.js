// The live feed: one websocket to /v1/feed/stream that resumes from the
// last cursor after every drop, backing off exponentially with jitter so a
// restarted server is not hit by every phone at the same moment.
import { get } from './api.js';

const MAX_DELAY = 30000;
const OFFLINE_AFTER = 4; // failed attempts in a row before we show "offline"

export class FeedStream {
	// h: onEvent(ev), onState('live'|'reconnecting'|'offline'), onResync(), onSignedOut().
	constructor(h) {
		Object.assign(this, { h, ws: null, cursor: null, attempt: 0, timer: 0, stopped: true, state: '', seen: new Set() });
		this.listening = new AbortController();
		const opt = { signal: this.listening.signal };
		// Back online or back on screen: try now rather than wait out the backoff.
		const wake = () => !this.stopped && this.state !== 'live' && this.connect();
		addEventListener('online', wake, opt);
		addEventListener('offline', () => this.setState('offline'), opt);
		document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && wake(), opt);
	}

	setState(s) {
		if (s !== this.state) this.h.onState((this.state = s));
	}

	// connect opens the socket; `after` sets the resume cursor (null: from now).
	connect(after) {
		if (after !== undefined) this.cursor = after;
		this.stopped = false;
		clearTimeout(this.timer);
		this.drop();
		if (navigator.onLine === false) return this.setState('offline'); // 'online' wakes us
		this.setState(this.attempt >= OFFLINE_AFTER ? 'offline' : 'reconnecting');
		const q = this.cursor ? '?after=' + encodeURIComponent(this.cursor) : '';
		const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/v1/feed/stream' + q);
		this.ws = ws;
		ws.onmessage = (e) => ws === this.ws && this.frame(e.data);
		ws.onclose = (e) => {
			if (ws !== this.ws) return;
			this.ws = null;
			this.closed(e.code);
		};
	}

	frame(data) {
		let m;
		try { m = JSON.parse(data); } catch { return; }
		if (m.type === 'ready') {
			this.attempt = 0;
			if (m.cursor) this.cursor = m.cursor;
			this.setState('live');
		} else if (m.type === 'resync') {
			// Our cursor is too old to replay: the store refetches the feed and
			// calls connect() again with a fresh cursor; old cursors mean nothing now.
			this.cursor = null;
			this.seen.clear();
			this.drop();
			this.h.onResync();
		} else {
			// Delivery is at least once around a reconnect: skip seen cursors.
			if (m.cursor) {
				if (this.seen.has(m.cursor)) return;
				this.seen.add(m.cursor);
				if (this.seen.size > 2000) this.seen.delete(this.seen.values().next().value);
				this.cursor = m.cursor;
			}
			this.h.onEvent(m);
		}
	}

	closed(code) {
		if (this.stopped) return;
		if (code === 4001) { // signed out
			this.stop();
			this.h.onSignedOut();
		} else if (code === 4008) { // too slow: nothing is lost, resume almost at once
			this.setState('reconnecting');
			this.schedule(200 + Math.random() * 800);
		} else {
			this.retry();
		}
	}

	// retry waits 50–100 % of min(30 s, 2^n s). A refused upgrade looks like
	// any failure (1006), so the third asks /v1/me if the session is over.
	retry() {
		const n = this.attempt++;
		const cap = Math.min(MAX_DELAY, 1000 * 2 ** n);
		this.setState(this.attempt >= OFFLINE_AFTER || navigator.onLine === false ? 'offline' : 'reconnecting');
		this.schedule(cap / 2 + (Math.random() * cap) / 2);
		if (n === 2) get('/v1/me').catch(() => {});
	}

	schedule(ms) {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.connect(), ms);
	}

	// drop closes the socket without a reconnect. One still connecting is
	// closed once open: closing it earlier makes the browser log an error.
	drop() {
		const ws = this.ws;
		this.ws = null;
		if (!ws) return;
		ws.onmessage = ws.onclose = null;
		if (ws.readyState === WebSocket.CONNECTING) ws.onopen = () => ws.close(1000);
		else ws.close(1000);
	}

	stop() {
		this.stopped = true;
		clearTimeout(this.timer);
		this.drop();
		this.setState('offline');
	}

	destroy() {
		this.stop();
		this.listening.abort();
	}
}
