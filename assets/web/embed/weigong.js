// Weigong embeddable widget: <weigong-channel handle="…"> shows a
// supplier's public channel (photos and titles, never a price) and
// <weigong-share id="…"> one share (photos, the distributor's text and
// price). Include it with
//   <script src="https://YOUR-WEIGONG/embed/weigong.js" crossorigin="anonymous" defer></script>
// (crossorigin="anonymous" keeps cookies off the script's own load too).
// Each element renders in its own Shadow DOM; theme it with CSS custom
// properties on the element or any ancestor:
//   --weigong-font, --weigong-fg, --weigong-bg, --weigong-muted,
//   --weigong-accent (prices, links), --weigong-radius, --weigong-columns.
// It reads only anonymous endpoints and sends no cookies (fetch with
// credentials: "omit", photos with crossorigin="anonymous"), so it never
// sees what a signed-in visitor would.
// Its own words are in Chinese or English: the element's lang attribute,
// else the nearest ancestor's (usually <html lang>), else the browser's
// language; zh* is Chinese, anything else English.
(() => {
  'use strict';
  const script = document.currentScript;
  const base = script ? new URL(script.src).origin : location.origin;

  const css = `
:host { display: block; font-family: var(--weigong-font, system-ui, sans-serif);
  color: var(--weigong-fg, #1d1d1f); background: var(--weigong-bg, transparent); }
a { color: var(--weigong-accent, #c2410c); text-decoration: none; }
.head { display: flex; align-items: baseline; gap: .5em; margin: 0 0 .5em; }
.name { font-weight: 600; font-size: 1.05em; }
.muted { color: var(--weigong-muted, #6e6e73); font-size: .85em; }
.grid { display: grid; gap: 6px; grid-template-columns: repeat(var(--weigong-columns, 3), minmax(0, 1fr)); }
.grid img { width: 100%; aspect-ratio: 1; object-fit: cover; display: block;
  border-radius: var(--weigong-radius, 8px); background: #eee; }
.title { font-size: .85em; margin: .25em 0 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.price { color: var(--weigong-accent, #c2410c); font-weight: 700; font-size: 1.3em; margin: .4em 0; }
.text { white-space: pre-wrap; margin: .3em 0; }
.state { color: var(--weigong-muted, #6e6e73); }
`;

  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    for (const c of children) e.append(c);
    return e;
  };

  const yuan = (fen) => '¥' + (fen / 100).toFixed(2);

  // Every word the widget writes itself, as [English, Chinese] (the web
  // app's i18n.js uses the same words).
  const words = {
    gone: ['No longer available', '商品已下架'],
    error: ['Could not load', '加载失败'],
    soldOut: ['Sold out', '已售罄'],
    open: ['Open', '打开'],
  };

  // language is 'zh' or 'en' for element e, as the header says.
  const language = (e) => {
    const tagged = e.closest('[lang]');
    const lang = (tagged && tagged.getAttribute('lang')) || navigator.language || '';
    return /^zh/i.test(lang) ? 'zh' : 'en';
  };

  async function getJSON(path) {
    const resp = await fetch(base + path, { credentials: 'omit', headers: { Accept: 'application/json' } });
    const body = await resp.json().catch(() => ({}));
    if (!resp.ok) {
      const err = new Error((body.error && body.error.message) || resp.statusText);
      err.status = resp.status;
      throw err;
    }
    return body;
  }

  // Base renders into its shadow root and re-renders when its attribute changes.
  class Base extends HTMLElement {
    constructor() {
      super();
      this.root = this.attachShadow({ mode: 'open' });
    }
    connectedCallback() { this.load(); }
    // t is a word in the element's language.
    t(key) { return words[key][language(this) === 'zh' ? 1 : 0]; }
    attributeChangedCallback() { if (this.isConnected) this.load(); }
    show(...nodes) {
      this.root.replaceChildren(el('style', {}, css), ...nodes);
    }
    async load() {
      this.setAttribute('data-state', 'loading');
      this.setAttribute('data-lang', language(this));
      try {
        this.show(...await this.render());
        this.setAttribute('data-state', 'ready');
      } catch (err) {
        const gone = err.status === 410 || err.status === 404;
        this.show(el('p', { class: 'state', part: 'state' }, this.t(gone ? 'gone' : 'error')));
        this.setAttribute('data-state', gone ? 'gone' : 'error');
      }
    }
  }

  class Channel extends Base {
    static get observedAttributes() { return ['handle', 'limit', 'lang']; }
    async render() {
      const handle = encodeURIComponent(this.getAttribute('handle') || '');
      const limit = Math.min(Math.max(parseInt(this.getAttribute('limit') || '12', 10) || 12, 1), 100);
      const supplier = await getJSON('/v1/suppliers/' + handle);
      const page = await getJSON('/v1/suppliers/' + encodeURIComponent(supplier.id) + '/cards?limit=' + limit);
      const link = base + '/c/' + encodeURIComponent(supplier.handle);
      const grid = el('div', { class: 'grid', part: 'grid' });
      for (const card of page.items) {
        const img = card.images[0];
        grid.append(el('a', { href: link, target: '_blank', rel: 'noopener', part: 'card', 'data-card': card.id },
          img ? el('img', { src: base + img.urls.grid, alt: card.title, loading: 'lazy', crossorigin: 'anonymous' }) : '',
          el('p', { class: 'title' }, card.title)));
      }
      return [el('div', { class: 'head', part: 'head' },
        el('a', { class: 'name', href: link, target: '_blank', rel: 'noopener' }, supplier.name),
        el('span', { class: 'muted' }, '@' + supplier.handle)), grid];
    }
  }

  class Share extends Base {
    static get observedAttributes() { return ['id', 'lang']; }
    async render() {
      const s = await getJSON('/v1/public/shares/' + encodeURIComponent(this.getAttribute('id') || ''));
      const grid = el('div', { class: 'grid', part: 'grid' });
      for (const img of s.card.images) grid.append(el('img', { src: img.urls.grid, alt: s.card.title, loading: 'lazy', crossorigin: 'anonymous' }));
      const nodes = [grid,
        el('p', { class: 'title', part: 'title' }, s.card.title),
        el('p', { class: 'price', part: 'price' }, yuan(s.price))];
      if (s.card.sold_out) nodes.push(el('p', { class: 'state', part: 'state' }, this.t('soldOut')));
      if (s.text) nodes.push(el('p', { class: 'text', part: 'text' }, s.text));
      nodes.push(el('p', { class: 'muted' }, s.distributor.name + (s.distributor.contact ? ' · ' + s.distributor.contact : '')),
        el('a', { href: s.url, target: '_blank', rel: 'noopener', part: 'link' }, this.t('open')));
      return nodes;
    }
  }

  if (!customElements.get('weigong-channel')) customElements.define('weigong-channel', Channel);
  if (!customElements.get('weigong-share')) customElements.define('weigong-share', Share);
})();
