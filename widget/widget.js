/* Trouvaille : boîte de recherche pour sites partenaires.
 * <script src="https://trouvaille.example/widget.js" defer></script>
 * <trouvaille-recherche serveur="https://trouvaille.example" cle="…" carnet="…" placeholder="…" lang="fr"
 *   lien-note="https://partenaire.example/notes/{id}" lien-resultats="https://partenaire.example/recherche?q={q}"></trouvaille-recherche>
 * No dependency, no build step. ARIA combobox: the input owns a listbox of
 * completions (GET /v1/suggest) and of notes (GET /v1/search), highlighted
 * by the server (escaped HTML with <mark>, re-sanitised here).
 *
 * Where a note opens: its own url; else lien-note, the partner's address of
 * a note ({id} replaced by the note's id, URL-encoded); else, for a public
 * note only, Trouvaille's page /n/{id} (it shows public notes only: with a
 * key or token that sees community or private notes, those have no page
 * there), when the server's pages are open to anyone (public_pages is not
 * false). A note with no address stays in the list, aria-disabled, saying
 * it has no page to open. « Voir les N résultats » opens lien-resultats ({q}
 * replaced by the query, URL-encoded), else Trouvaille's page of results,
 * unless the search counted notes that page does not show (sees_non_public)
 * or the server's pages are closed (public_pages: false).
 * Both templates must give an http(s) address (relative ones are read from
 * the page's address); another is ignored, with a warning in the console.
 * Each opening first fires the cancelable event trouvaille-ouvrir, detail
 * {url} (and id for a note). */
(function () {
  'use strict';
  if (!window.customElements || customElements.get('trouvaille-recherche')) return;

  var script = document.currentScript;
  var scriptOrigin = '';
  try { scriptOrigin = script && script.src ? new URL(script.src).origin : ''; } catch (e) { /* keep '' */ }

  var TEXT = {
    fr: {
      label: 'Rechercher dans les notes',
      placeholder: 'Rechercher…',
      suggestions: 'Suggestions',
      // Results, not notes: a lexicon term or an organisation is one too.
      notes: 'Résultats',
      all: function (n) { return 'Voir les ' + fmt(n, 'fr') + ' résultats'; },
      count: function (n) { return n === 0 ? 'Aucun résultat\u00a0: essayez d’autres mots, ou moins de mots.' : n === 1 ? '1 résultat trouvé' : fmt(n, 'fr') + ' résultats trouvés'; },
      keepTyping: 'Une seule lettre ne suffit pas pour chercher\u00a0: continuez à taper le mot.',
      hint: 'Flèches haut et bas pour parcourir, Entrée pour ouvrir, Échap pour fermer.',
      error: 'Recherche indisponible pour le moment\u00a0: réessayez plus tard.',
      // The site's own fault (a key, an origin, the server's address):
      // the visitor can only tell the site; the reason is in the console.
      badServer: 'La recherche ne fonctionne pas sur ce site pour le moment. Prévenez l’équipe du site.',
      loading: 'Recherche en cours…',
      nopage: 'Aucune page à ouvrir pour cette note',
      missing: function (w) { return 'ne contient pas\u00a0: ' + w; }
    },
    en: {
      label: 'Search the notes',
      placeholder: 'Search…',
      suggestions: 'Suggestions',
      notes: 'Results',
      all: function (n) { return 'See all ' + fmt(n, 'en') + ' results'; },
      count: function (n) { return n === 0 ? 'No result: try other words, or fewer words.' : n === 1 ? '1 result found' : fmt(n, 'en') + ' results found'; },
      keepTyping: 'One letter is not enough to search: keep typing the word.',
      hint: 'Up and down arrows to browse, Enter to open, Escape to close.',
      error: 'Search is unavailable right now: try again later.',
      badServer: 'Search does not work on this site right now. Please tell the site’s team.',
      loading: 'Searching…',
      nopage: 'No page to open for this note',
      missing: function (w) { return 'does not contain: ' + w; }
    }
  };

  // oneLetterEnd reports whether the query ends with a single letter,
  // alone or after an elided article (as the search page's oneLetter).
  function oneLetterEnd(q) {
    var words = q.trim().split(/\s+/);
    var w = words[words.length - 1].split(/['\u2019]/).pop();
    return w.length === 1 && w.toLowerCase() !== w.toUpperCase();
  }

  function fmt(n, lang) {
    try { return n.toLocaleString(lang === 'en' ? 'en-CA' : 'fr-CA'); } catch (e) { return String(n); }
  }

  var CSS = [
    ':host{display:block;position:relative;font-family:var(--trouvaille-police,inherit);color:inherit;',
    '--c:var(--trouvaille-couleur,#1f5fa8);max-width:40rem}',
    '*{box-sizing:border-box}',
    '.sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}',
    'input{width:100%;font:inherit;font-size:1rem;padding:.6em .8em;border:2px solid var(--c);border-radius:.4em;background:Canvas;color:CanvasText}',
    'input:focus{outline:3px solid var(--c);outline-offset:2px}',
    '[role=listbox]{position:absolute;z-index:1000;left:0;right:0;margin:.25em 0 0;padding:.25em 0;',
    'background:Canvas;color:CanvasText;border:1px solid #8a8a8a;border-radius:.4em;box-shadow:0 .3em 1em rgba(0,0,0,.18);max-height:28em;overflow:auto}',
    '[role=listbox][hidden]{display:none}',
    '.g{padding:.4em .8em .2em;font-size:.8em;font-weight:700;text-transform:uppercase;letter-spacing:.04em;opacity:.75}',
    '[role=option]{padding:.45em .8em;cursor:pointer;border-left:4px solid transparent}',
    '[role=option][aria-selected=true]{background:color-mix(in srgb,var(--c) 14%,Canvas);border-left-color:var(--c)}',
    '.t{color:var(--c);font-weight:600}',
    '[role=option][aria-selected=true] .t{text-decoration:underline}',
    '[role=option][aria-disabled=true]{cursor:default}',
    '[role=option][aria-disabled=true] .t{color:inherit}',
    '[role=option][aria-disabled=true][aria-selected=true] .t{text-decoration:none}',
    '.np{display:block;font-size:.85em;font-style:italic;margin-top:.15em}',
    '.m{display:block;font-size:.85em;margin-top:.15em}',
    '.s{display:block;font-size:.9em;margin-top:.15em;line-height:1.35}',
    '.all{font-weight:600;color:var(--c)}',
    'mark{background:color-mix(in srgb,var(--c) 22%,Canvas);color:CanvasText;border-radius:.15em;padding:0 .05em}',
    '.st{font-size:.85em;min-height:1.2em;margin:.3em 0 0;opacity:.8}'
  ].join('');

  var count = 0;

  // safe keeps only the text and <mark> of server HTML (defence in depth:
  // the server already escapes everything but <mark>). It parses by hand,
  // never through innerHTML: a host page that enforces Trusted Types
  // (require-trusted-types-for 'script') refuses any HTML assignment.
  var ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: '\'', nbsp: '\u00a0' };
  function decode(text) {
    return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, function (all, e) {
      if (e[0] === '#') {
        var c = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return c > 0 && c <= 0x10ffff && (c < 0xd800 || c > 0xdfff) ? String.fromCodePoint(c) : '\ufffd';
      }
      var v = ENTITIES[e.toLowerCase()];
      return v === undefined ? all : v;
    });
  }
  function safe(html) {
    var out = document.createDocumentFragment();
    var open = [out];
    // [^<>]: linear however many « < » the text holds.
    String(html || '').split(/(<[^<>]*>)/).forEach(function (part) {
      if (part[0] !== '<' || part[part.length - 1] !== '>') {
        if (part) open[open.length - 1].appendChild(document.createTextNode(decode(part)));
      } else if (/^<mark\b[^>]*>$/i.test(part)) {
        // Marks in marks: a few levels, the rest as text of the last.
        if (open.length < 4) open.push(open[open.length - 1].appendChild(document.createElement('mark')));
      } else if (/^<\/mark\s*>$/i.test(part) && open.length > 1) {
        open.pop();
      }
      // Any other tag is dropped, its text kept.
    });
    return out;
  }

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) if (attrs[k] != null) e.setAttribute(k, attrs[k]);
    (kids || []).forEach(function (c) { if (c != null) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }

  class Recherche extends HTMLElement {
    static get observedAttributes() { return ['placeholder', 'lang', 'serveur', 'cle', 'carnet', 'lien-note', 'lien-resultats']; }
  }

  Recherche.prototype.connectedCallback = function () {
    if (this._input) { this._labels(); return; }
    var id = 'tr' + (++count);
    var root = this.attachShadow({ mode: 'open' });
    if (root.adoptedStyleSheets && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS); // CSSOM: allowed under a strict style-src policy
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el('style', {}, [CSS]));
    }
    this._id = id;
    this._label = el('label', { 'for': id + '-q', 'class': 'sr', part: 'label' });
    this._input = el('input', {
      id: id + '-q', type: 'search', role: 'combobox', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false',
      'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': id + '-l', 'aria-describedby': id + '-h', part: 'input'
    });
    this._list = el('div', { id: id + '-l', role: 'listbox', hidden: '', part: 'listbox' });
    this._hint = el('p', { id: id + '-h', 'class': 'sr' });
    this._status = el('p', { 'class': 'st', role: 'status', 'aria-live': 'polite', part: 'status' });
    root.appendChild(this._label);
    root.appendChild(this._input);
    root.appendChild(this._list);
    root.appendChild(this._hint);
    root.appendChild(this._status);
    this._labels();
    this._options = [];
    this._active = -1;
    this._seq = 0;
    var self = this;
    this._input.addEventListener('input', function () { self._schedule(); });
    this._input.addEventListener('keydown', function (e) { self._key(e); });
    this._input.addEventListener('focus', function () { if (self._options.length) self._open(true); });
    this._input.addEventListener('blur', function () { setTimeout(function () { if (root.activeElement !== self._input) self._open(false); }, 150); });
    // Keep the focus in the input when the pointer picks an option.
    this._list.addEventListener('mousedown', function (e) { e.preventDefault(); });
    this._list.addEventListener('click', function (e) {
      var li = e.target.closest('[role=option]');
      if (!li) return;
      self._choose(self._options.indexOf(li));
    });
  };

  Recherche.prototype.attributeChangedCallback = function (name) {
    // Another key (a token renewed) has its own bucket: no wait carried.
    if (name === 'cle' || name === 'serveur') this._waitUntil = 0;
    if (this._input) { this._labels(); if (this._input.value) this._schedule(); }
  };

  Recherche.prototype.disconnectedCallback = function () {
    clearTimeout(this._timer);
    clearTimeout(this._retry);
  };

  Recherche.prototype._t = function () {
    return TEXT[(this.getAttribute('lang') || 'fr').slice(0, 2).toLowerCase() === 'en' ? 'en' : 'fr'];
  };

  Recherche.prototype._labels = function () {
    var t = this._t();
    this._label.textContent = t.label;
    this._input.setAttribute('placeholder', this.getAttribute('placeholder') || t.placeholder);
    this._input.setAttribute('lang', this._t() === TEXT.en ? 'en' : 'fr');
    this._hint.textContent = t.hint;
  };

  Recherche.prototype._base = function () {
    return (this.getAttribute('serveur') || scriptOrigin || location.origin).replace(/\/+$/, '');
  };

  // _url builds an API address; the key goes in the query string (key=),
  // which needs no CORS preflight.
  Recherche.prototype._url = function (path, params) {
    var u = new URL(this._base() + path);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError('not http');
    for (var k in params) {
      [].concat(params[k]).forEach(function (v) { if (v !== '' && v != null) u.searchParams.append(k, v); });
    }
    var cle = this.getAttribute('cle');
    if (cle) u.searchParams.set('key', cle);
    return u.toString();
  };

  // _template returns the value of attribute name if it is a usable address
  // template: it holds key ({id}, {q}) and gives an http(s) address
  // (relative to the page's). Otherwise null, and a warning once per value.
  Recherche.prototype._template = function (name, key) {
    var t = this.getAttribute(name);
    if (!t) return null;
    if (t.indexOf(key) >= 0 && httpAddress(fill(t, key, 'x'))) return t;
    this._warned = this._warned || {};
    if (!this._warned[name + t] && window.console) {
      this._warned[name + t] = true;
      console.warn('trouvaille-recherche : ' + name + ' ignoré : « ' + t + ' » doit être une adresse http ou https qui contient ' + key);
    }
    return null;
  };

  // fill puts value, URL-encoded, in place of every key of template t.
  function fill(t, key, value) {
    return t.split(key).join(encodeURIComponent(value));
  }

  // httpAddress returns the absolute form of an http(s) address (relative
  // to the page's), or null for any other (javascript:, data:…).
  function httpAddress(s) {
    try {
      var u = new URL(s, document.baseURI);
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  // _noteHref is where a hit opens: its url, the partner's lien-note, or
  // Trouvaille's page of a public note when the server's pages are open
  // (pages); null when none can show it.
  Recherche.prototype._noteHref = function (h, tpl, pages) {
    if (h.url && httpAddress(h.url)) return httpAddress(h.url);
    if (tpl) return httpAddress(fill(tpl, '{id}', h.id));
    if (pages && h.visibility === 'public') return this._base() + '/n/' + encodeURIComponent(h.id);
    return null;
  };

  Recherche.prototype._schedule = function () {
    var self = this;
    clearTimeout(this._timer);
    this._timer = setTimeout(function () { self._search(); }, 120);
  };

  Recherche.prototype._search = function () {
    var q = this._input.value.trim();
    var seq = ++this._seq;
    var self = this;
    if (this._abort) this._abort.abort();
    if (!q) { this._render(null, null); this._status.textContent = ''; return; }
    clearTimeout(this._retry);
    var wait = (this._waitUntil || 0) - Date.now();
    if (wait > 0) {
      // Refused for too many searches: the search runs once the wait
      // is over, with what is typed then; meanwhile the refusal is said
      // (it may have come from the completions, whose failures are
      // otherwise silent).
      this._status.textContent = this._waitMsg || this._t().error;
      this._retry = setTimeout(function () { self._search(); }, wait);
      return;
    }
    this._abort = window.AbortController ? new AbortController() : null;
    var opts = { signal: this._abort ? this._abort.signal : undefined, credentials: 'omit' };
    var carnet = this.getAttribute('carnet') || '';
    var get = function (u) {
      return fetch(u, opts).then(function (r) {
        if (r.status === 429) {
          // Nothing more is sent until the server's Retry-After has
          // passed: each keystroke sent two more requests, each refused,
          // which kept the key's bucket empty while a person typed.
          var secs = parseInt(r.headers.get('Retry-After'), 10);
          self._waitUntil = Date.now() + (secs > 0 ? secs : 1) * 1000;
          self._waitMsg = '';
        }
        if (r.status >= 400 && r.status < 500) {
          // A refusal (a query too long, too many searches): its French
          // message says what to do, where « try again later » never
          // helps. A key or an origin the site must fix (401, 403) is
          // the site's to fix: the visitor reads that the search is
          // broken here, the site's developers the reason in the console.
          return r.json().catch(function () { return null; }).then(function (b) {
            var msg = b && b.error && b.error.message;
            if (msg && window.console) console.warn('trouvaille-recherche : ' + msg);
            if (r.status === 429 && msg) self._waitMsg = msg;
            var e = new Error(msg || 'HTTP ' + r.status);
            e.refused = !!msg;
            e.site = r.status === 401 || r.status === 403;
            throw e;
          });
        }
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      });
    };
    // A serveur attribute that is no http(s) address (« trouvaille.example »
    // without https://) threw an English TypeError here, and the list
    // stayed busy for good: the site is told, in French.
    var urls;
    try {
      urls = [this._url('/v1/suggest', { q: this._input.value, limit: 3 }),
        this._url('/v1/search', { q: q, per_page: 5, facets: 'none', carnet: carnet ? carnet.split('|') : [] })];
    } catch (e) {
      if (window.console) console.warn('trouvaille-recherche : serveur ignoré : « ' + this.getAttribute('serveur') + ' » doit être une adresse http ou https (par exemple https://trouvaille.exemple.org)');
      this._render(null, null);
      this._status.textContent = this._t().badServer;
      return;
    }
    this._list.setAttribute('aria-busy', 'true');
    Promise.all([
      // No completion of an excluded word being typed (-montreal): one
      // chosen would search for what is excluded. The raw value tells the
      // server whether the last word is finished.
      /(^|\s)[-\u2212\u2010\u2011\u2013\u2014\ufe63\uff0d]\S*$/.test(this._input.value) ? Promise.resolve(null) :
        get(urls[0]).catch(function () { return null; }),
      get(urls[1])
    ]).then(function (r) {
      if (seq !== self._seq) return;
      self._render(r[0], r[1]);
      self._list.setAttribute('data-q', q); // the query the list shows
    }, function (err) {
      if (seq !== self._seq || (err && err.name === 'AbortError')) return;
      self._render(null, null);
      self._status.textContent = err && err.site ? self._t().badServer : err && err.refused ? err.message : self._t().error;
      var wait = (self._waitUntil || 0) - Date.now();
      if (wait > 0) {
        // The last search of a burst refused: run it when the wait is
        // over, even if nothing more is typed.
        self._retry = setTimeout(function () { self._search(); }, wait);
      }
    });
  };

  // _render fills the listbox: up to 4 completions (not the text already
  // typed), then the notes, then a link to every result.
  Recherche.prototype._render = function (sug, res) {
    var t = this._t();
    var self = this;
    var list = this._list;
    list.removeAttribute('aria-busy');
    list.textContent = '';
    this._options = [];
    this._active = -1;
    this._input.removeAttribute('aria-activedescendant');
    var typed = this._input.value.trim().toLowerCase();
    var comps = [];
    var carnet = this.getAttribute('carnet');
    ((sug && sug.groups) || []).forEach(function (g) {
      if (carnet && g.kind === 'titles') return; // titles of other carnets would mislead
      (g.items || []).forEach(function (it) {
        if (comps.length < 4 && it.value.toLowerCase() !== typed && !comps.some(function (c) { return c.value === it.value; })) comps.push(it);
      });
    });
    // Options come in labelled groups (role=group inside the listbox).
    var box = null;
    var group = function (name, label) {
      var gid = self._id + '-g' + name;
      box = el('div', { role: 'group', 'aria-labelledby': gid }, [el('div', { 'class': 'g', id: gid, role: 'presentation' }, [label])]);
      list.appendChild(box);
    };
    var add = function (li) { li.id = self._id + '-o' + self._options.length; li.setAttribute('aria-selected', 'false'); self._options.push(li); box.appendChild(li); };
    if (comps.length) {
      group('s', t.suggestions);
      comps.forEach(function (it) {
        var li = el('div', { role: 'option', 'data-value': it.value, part: 'suggestion' });
        li.appendChild(safe(it.html || ''));
        if (!li.textContent) li.textContent = it.value;
        add(li);
      });
    }
    var hits = (res && res.hits) || [];
    if (hits.length) {
      group('n', t.notes);
      var tpl = this._template('lien-note', '{id}');
      // A server whose pages are closed to anonymous visitors (or that
      // serves none) says so: its pages would answer « closed ».
      var pages = res.public_pages !== false;
      hits.forEach(function (h) {
        var href = self._noteHref(h, tpl, pages);
        var a = el('span', { 'class': 't' });
        a.appendChild(safe(h.title_html || ''));
        if (!a.textContent) a.textContent = h.title;
        // A note no page can show stays in the list (its title and
        // snippet are still worth reading), disabled, and says so.
        var li = el('div', href ? { role: 'option', 'data-href': href, 'data-id': h.id, part: 'hit' } :
          { role: 'option', 'aria-disabled': 'true', 'data-id': h.id, part: 'hit hit-sans-lien' }, [a]);
        if (h.snippet_html) { var s = el('span', { 'class': 's' }); s.appendChild(safe(h.snippet_html)); li.appendChild(s); }
        if (!href) li.appendChild(el('span', { 'class': 'np' }, [t.nopage]));
        // The words searched for that the note lacks (when fewer than
        // ten notes have them all, notes with most of them follow).
        var lacks = missingWords(res.words, h.matched_words);
        if (lacks) li.appendChild(el('span', { 'class': 'm', part: 'missing' }, [t.missing(lacks)]));
        add(li);
      });
      var results = this._template('lien-resultats', '{q}');
      var all = results ? httpAddress(fill(results, '{q}', this._input.value.trim())) :
        // Trouvaille's page shows public notes only: it cannot list what
        // a key seeing community or private notes counted; nor anything
        // when it is closed; nor the notes of filters it cannot take
        // (a key and its token filtering the same field).
        res.sees_non_public || !pages || res.scope_on_pages === false ? null :
          this._base() + '/?q=' + encodeURIComponent(this._input.value.trim()) +
          pageFilters(carnet ? carnet.split('|') : null, res.scope) +
          (t === TEXT.en ? '&lang=en' : '');
      if (res.total > hits.length && all) {
        add(el('div', { role: 'option', 'data-href': all, 'class': 'all', part: 'all' }, [t.all(res.total)]));
      }
    }
    // Nothing found for a query ending with one letter (« l'i », « c'est
    // q »): words are completed from their second letter.
    if (res) this._status.textContent = !res.total && oneLetterEnd(this._input.value) ? t.keepTyping : t.count(res.total || 0);
    this._open(this._options.length > 0 && (this._input === (this.shadowRoot && this.shadowRoot.activeElement)));
  };

  Recherche.prototype._open = function (on) {
    on = on && this._options.length > 0;
    if (on) this._list.removeAttribute('hidden'); else this._list.setAttribute('hidden', '');
    this._input.setAttribute('aria-expanded', on ? 'true' : 'false');
    if (!on) this._move(-1);
  };

  Recherche.prototype._move = function (i) {
    if (this._active >= 0 && this._options[this._active]) this._options[this._active].setAttribute('aria-selected', 'false');
    this._active = i;
    var li = this._options[i];
    if (li) {
      li.setAttribute('aria-selected', 'true');
      this._input.setAttribute('aria-activedescendant', li.id);
      if (li.scrollIntoView) li.scrollIntoView({ block: 'nearest' });
    } else {
      this._input.removeAttribute('aria-activedescendant');
    }
  };

  // exclusions returns the excluded words and phrases of a query as the
  // server reads them (query.Parse): -mot, -"mots exacts", with the
  // typographic quotes « » “ ” „ too, an unclosed quote running to the end;
  // a minus inside a phrase (« "logement -mtl" ») excludes nothing.
  // The signs that exclude the word they start, as the server reads them
  // (query.IsMinus): the hyphen-minus and the dashes a phone puts instead.
  var MINUS = '-\u2212\u2010\u2011\u2013\u2014\ufe63\uff0d';

  // pageFilters is the query string of the page of results for the notes
  // the box counted: its carnet attribute and the filters the key holds
  // every search to (res.scope). A field in both keeps the values of both
  // (the server ANDs them; the page ORs the values of one field).
  // missingWords: the words of the query (the result's words) a hit's
  // matched_words does not name, or '' (one word, or the hit does not say).
  function missingWords(words, matched) {
    if (!words || words.length < 2 || !matched || !matched.length) return '';
    return words.filter(function (w) { return matched.indexOf(w) < 0; }).join(', ');
  }

  function pageFilters(carnets, scope) {
    var f = {};
    Object.keys(scope || {}).forEach(function (k) { f[k] = scope[k].slice(); });
    if (carnets) {
      f.carnet = f.carnet ? f.carnet.filter(function (c) { return carnets.indexOf(c) >= 0; }) : carnets;
    }
    return Object.keys(f).sort().map(function (k) {
      return f[k].map(function (v) { return '&' + encodeURIComponent(k) + '=' + encodeURIComponent(v); }).join('');
    }).join('');
  }

  function exclusions(s) {
    var out = [], i = 0, n = s.length, Q = '"\u00ab\u00bb\u201c\u201d\u201e', sp = /\s/;
    while (i < n) {
      while (i < n && sp.test(s.charAt(i))) i++;
      if (i >= n) break;
      var start = i, ex = false;
      if (MINUS.indexOf(s.charAt(i)) >= 0 && i + 1 < n && !sp.test(s.charAt(i + 1))) { ex = true; i++; }
      if (Q.indexOf(s.charAt(i)) >= 0) {
        i++;
        while (i < n && Q.indexOf(s.charAt(i)) < 0) i++;
        if (i < n) i++;
      } else {
        while (i < n && !sp.test(s.charAt(i)) && Q.indexOf(s.charAt(i)) < 0) i++;
      }
      if (ex) out.push(s.slice(start, i));
    }
    return out;
  }

  // _choose acts on an option: a completion becomes the query, a note (or
  // "see all") opens; a note without address does nothing.
  Recherche.prototype._choose = function (i) {
    var li = this._options[i];
    if (!li || li.getAttribute('aria-disabled') === 'true') return;
    var href = li.getAttribute('data-href');
    if (href) {
      this._open(false);
      var detail = { url: href };
      if (li.hasAttribute('data-id')) detail.id = li.getAttribute('data-id');
      var ev = new CustomEvent('trouvaille-ouvrir', { detail: detail, bubbles: true, composed: true, cancelable: true });
      if (this.dispatchEvent(ev)) window.location.assign(href);
      return;
    }
    // The words the query excludes (-montreal) stay after the completion.
    this._input.value = [li.getAttribute('data-value')].concat(exclusions(this._input.value)).join(' ');
    this._search();
  };

  Recherche.prototype._key = function (e) {
    var n = this._options.length;
    var open = this._input.getAttribute('aria-expanded') === 'true';
    switch (e.key) {
      case 'ArrowDown':
      case 'Down':
        e.preventDefault();
        if (!open) { this._open(true); if (!n) this._search(); return; }
        this._move(this._active + 1 >= n ? 0 : this._active + 1);
        break;
      case 'ArrowUp':
      case 'Up':
        e.preventDefault();
        if (!open) { this._open(true); this._move(n - 1); return; }
        this._move(this._active <= 0 ? n - 1 : this._active - 1);
        break;
      case 'Enter':
        if (open && this._active >= 0) { e.preventDefault(); this._choose(this._active); }
        else { e.preventDefault(); clearTimeout(this._timer); this._search(); }
        break;
      case 'Escape':
      case 'Esc':
        if (open) { e.preventDefault(); this._open(false); }
        else if (this._input.value) { e.preventDefault(); this._input.value = ''; this._search(); }
        break;
      case 'Tab':
        this._open(false);
        break;
    }
  };

  customElements.define('trouvaille-recherche', Recherche);
})();
