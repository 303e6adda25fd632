/* Trouvaille — progressive enhancement of the server-rendered pages.
   Without this file every page works: forms submit, links navigate.
   With it: results as you type (the server renders the same page, and the
   parts that change are swapped in: one rendering, in templates/search.html),
   history kept in the URL, autocomplete (GET /v1/suggest, when the server has
   it), facet filter boxes, the filter sheet on small screens, and « Copier le
   lien » on a note. No dependency, no build step. */
(function () {
  'use strict';
  var d = document;
  d.documentElement.classList.add('js');
  var tEl = d.getElementById('t');
  var T = tEl ? JSON.parse(tEl.textContent) : {};
  // The filter parameters, from the table of filters and facets (schema.Dimensions).
  var fEl = d.getElementById('filters');
  var FILTERS = fEl ? JSON.parse(fEl.textContent) : [];
  // While a word is being typed, "no result" waits this long after the
  // answer (any key press cancels it): the last results stay meanwhile.
  var SETTLE = 1200;

  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function fold(s) { return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase(); }
  function fmt(n) {
    var s = String(n), sep = T.html_lang === 'en-CA' ? ',' : '\u202f';
    for (var i = s.length - 3; i > 0; i -= 3) s = s.slice(0, i) + sep + s.slice(i);
    return s;
  }
  function debounce(fn, ms) {
    var id;
    var f = function () { var a = arguments; clearTimeout(id); id = setTimeout(function () { fn.apply(null, a); }, ms); };
    f.cancel = function () { clearTimeout(id); };
    return f;
  }

  // Filter boxes for long lists (facets and browse pages): accent-insensitive.
  function bindListFilter(input, items, onDone) {
    input.addEventListener('input', function () {
      var q = fold(input.value.trim()), shown = 0;
      items().forEach(function (li) {
        var ok = !q || fold(li.textContent).indexOf(q) >= 0;
        li.hidden = !ok;
        if (ok) shown++;
      });
      if (onDone) onDone(q, shown);
    });
  }
  function enhanceFacetFilters(root) {
    root.querySelectorAll('.facet-filter').forEach(function (p) {
      p.hidden = false;
      var fs = p.closest('fieldset'), input = p.querySelector('input');
      bindListFilter(input, function () { return Array.prototype.slice.call(fs.querySelectorAll('.values li')); }, function (q) {
        var det = fs.querySelector('details');
        if (det && q) det.open = true;
      });
    });
  }

  // Browse pages: the list filter.
  var lf = d.getElementById('list-filter');
  if (lf) {
    lf.parentNode.hidden = false;
    bindListFilter(lf, function () { return Array.prototype.slice.call(d.querySelectorAll('.entries li')); }, function (q, shown) {
      d.querySelectorAll('section.letter').forEach(function (sec) {
        sec.hidden = !sec.querySelector('li:not([hidden])');
      });
      d.getElementById('list-none').hidden = shown > 0;
    });
  }

  // Note page: « Copier le lien ».
  var copy = d.getElementById('copy-link');
  if (copy) {
    var copyStatus = d.getElementById('copy-status');
    copy.hidden = false;
    copy.addEventListener('click', function () {
      var ta = d.createElement('textarea'), ok = false;
      ta.value = location.href; ta.setAttribute('readonly', ''); ta.className = 'vh';
      d.body.appendChild(ta); ta.select();
      try { ok = d.execCommand('copy'); } catch (e) { ok = false; }
      d.body.removeChild(ta);
      copy.focus();
      if (ok || !navigator.clipboard) { copyStatus.textContent = ok ? copy.dataset.copied : copy.dataset.failed; return; }
      navigator.clipboard.writeText(location.href).then(function () { copyStatus.textContent = copy.dataset.copied; }, function () { copyStatus.textContent = copy.dataset.failed; });
    });
  }

  var form = d.getElementById('s'), res = d.getElementById('res');
  if (!form || !res) return;
  var q = d.getElementById('q'), count = d.getElementById('count'), facetsEl = d.getElementById('facets');
  var lang = (new URLSearchParams(location.search)).get('lang') || '';
  enhanceFacetFilters(facetsEl);

  // --- State: the page's URL query, the only source of truth. ---
  function formParams() {
    var p = new URLSearchParams();
    new FormData(form).forEach(function (v, k) {
      v = String(v).trim();
      if (v !== '') p.append(k, v);
    });
    return canonical(p);
  }
  function canonical(p) {
    var out = new URLSearchParams();
    if (p.get('q')) out.set('q', p.get('q').trim());
    FILTERS.forEach(function (f) {
      var seen = {};
      p.getAll(f).forEach(function (v) { if (v && !seen[v]) { seen[v] = 1; out.append(f, v); } });
    });
    ['published_after', 'published_before', 'sort', 'page', 'lang'].forEach(function (k) {
      var v = p.get(k);
      if (v && !(k === 'page' && v === '1')) out.set(k, v);
    });
    return out;
  }
  function pageURL(p) { var s = p.toString(); return '/' + (s ? '?' + s : ''); }
  function withLang(path) { return lang ? path + (path.indexOf('?') >= 0 ? '&' : '?') + 'lang=' + encodeURIComponent(lang) : path; }

  function setForm(p) {
    q.value = p.get('q') || '';
    d.getElementById('published_after').value = p.get('published_after') || '';
    d.getElementById('published_before').value = p.get('published_before') || '';
    d.getElementById('sort').value = p.get('sort') || '';
  }

  // --- Search: the server renders the page for the new URL; the parts
  // that change are swapped in. ---
  var seq = 0, ctrl = null, typing = false, settle = null, quiet = false;
  // current: the search the results show. A jump to #res or #contenu (the
  // skip links) changes only the fragment; it must not re-render under the focus.
  var current = location.search;
  var det = d.getElementById('filtres-d'), toggle = d.getElementById('filters-toggle');
  var done = d.getElementById('filters-done'), closeBtn = d.getElementById('filters-close'), section = d.getElementById('resultats');
  function run(p, how, live) {
    // how: 'push' (a new entry in history), 'replace', or 'none' (back/forward).
    // live: the search runs while a word is being typed.
    // A deliberate search (a suggestion chosen, a filter, a link, Enter)
    // wins over the typing still waiting to run, which would replace it.
    if (!live && typed) typed.cancel();
    var url = pageURL(p);
    if (how === 'push' && url !== location.pathname + location.search) history.pushState(null, '', url);
    else if (how !== 'none') history.replaceState(null, '', url);
    current = location.search;
    var my = ++seq;
    clearTimeout(settle);
    if (ctrl) ctrl.abort();
    ctrl = window.AbortController ? new AbortController() : null;
    res.setAttribute('aria-busy', 'true');
    return fetch(url, { signal: ctrl && ctrl.signal, headers: { Accept: 'text/html' }, credentials: 'same-origin' })
      .then(function (r) {
        if (r.status === 429 && live) {
          // Too many searches from this address (many people behind one
          // connection, or fast typing): keep the results shown, try again
          // when the server says, unless a newer search came meanwhile.
          var secs = parseInt(r.headers.get('Retry-After'), 10) || 2;
          // Said, in the live region, or the results just stopped following
          // the typing without a word.
          count.textContent = (d.documentElement.lang || '').indexOf('en') === 0 ?
            'Many searches at once: trying again in ' + secs + (secs > 1 ? ' seconds…' : ' second…') :
            'Beaucoup de recherches en même temps\u00a0: nouvel essai dans ' + secs + (secs > 1 ? ' secondes…' : ' seconde…');
          settle = setTimeout(function () { if (my === seq) run(p, 'none', true); }, secs * 1000);
          return null;
        }
        return r.text();
      })
      .then(function (html) {
        if (html === null || my !== seq) return;
        var doc = new DOMParser().parseFromString(html, 'text/html');
        if (!doc.getElementById('res')) throw new Error('no results in the page');
        if (live && doc.querySelector('#res .empty')) {
          // Never "no result" in the middle of a word: keep the last results.
          settle = setTimeout(function () { if (my === seq) swap(doc, p); }, SETTLE);
          return;
        }
        swap(doc, p);
      })
      .catch(function (e) {
        if (e && e.name === 'AbortError') return;
        if (my === seq) location.href = url; // the server renders it without JS
      });
  }
  function swap(doc, p) {
    // Keep the focus on the same checkbox across the re-render of the facets.
    var a = d.activeElement, keep = a && a.type === 'checkbox' && facetsEl.contains(a) ? [a.name, a.value] : null;
    var open = {};
    facetsEl.querySelectorAll('details.more[open]').forEach(function (det) { open[det.closest('fieldset').dataset.param] = 1; });
    facetsEl.innerHTML = doc.getElementById('facets').innerHTML;
    facetsEl.querySelectorAll('details.more').forEach(function (det) { if (open[det.closest('fieldset').dataset.param]) det.open = true; });
    enhanceFacetFilters(facetsEl);
    if (keep) {
      facetsEl.querySelectorAll('input[type=checkbox]').forEach(function (c) {
        if (c.name === keep[0] && c.value === keep[1]) { var det = c.closest('details'); if (det) det.open = true; c.focus(); }
      });
    }
    res.innerHTML = doc.getElementById('res').innerHTML;
    count.textContent = doc.getElementById('count').textContent;
    toggle.textContent = doc.getElementById('filters-toggle').textContent;
    done.textContent = doc.getElementById('filters-done').textContent;
    d.getElementById('sort').innerHTML = doc.getElementById('sort').innerHTML;
    var h1 = form.querySelector('h1'), h1n = doc.querySelector('#s h1');
    if (h1 && h1n) h1.className = h1n.className;
    form.className = doc.getElementById('s').className;
    d.title = doc.title;
    res.removeAttribute('aria-busy');
    resultsShown(p.get('q') || '');
  }

  // --- Events. ---
  var typed = debounce(function () {
    var p = formParams();
    run(p, typing ? 'replace' : 'push', true);
    typing = true; // one history entry per burst of typing
  }, 300);
  q.addEventListener('input', function () {
    clearTimeout(settle); quiet = false; shut = null; lastKey = Date.now(); held = touched = false;
    // Typing is not choosing: the highlighted option is let go.
    if (active >= 0) { options[active].setAttribute('aria-selected', 'false'); active = -1; q.removeAttribute('aria-activedescendant'); }
    typed(); suggest(); updateBack();
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    quiet = true; // no suggestion list over the results just asked for
    closeList();
    typing = false;
    run(formParams(), 'push');
  });
  // Facets, dates and sort apply at once (they are form="s" controls).
  d.addEventListener('change', function (e) {
    var el = e.target;
    if (el.form !== form || el === q) return;
    typing = false;
    run(formParams(), 'push');
  });
  // Links to the search page inside the results (chips, pages, the facts of
  // each result, corrections, suggestions) and year facets stay in the page.
  function intercept(e) {
    var a = e.target.closest('a');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    var u = new URL(a.href, location.href);
    if (u.origin !== location.origin || u.pathname !== '/') return;
    e.preventDefault();
    var p = canonical(u.searchParams);
    typing = false;
    setForm(p);
    var chip = a.classList.contains('chip') && a.closest('.chips');
    run(p, 'push').then(function () {
      if (chip || a.classList.contains('clear')) (res.querySelector('.chips .chip') || q).focus();
      else if (!facetsEl.contains(a)) { section.focus(); section.scrollIntoView(); }
    });
  }
  res.addEventListener('click', intercept);
  facetsEl.addEventListener('click', intercept);
  window.addEventListener('popstate', function () {
    if (location.search === current) return; // only the fragment changed
    var p = canonical(new URLSearchParams(location.search));
    setForm(p);
    typing = false;
    run(p, 'none');
  });

  // --- Filters: a column on wide screens, a sheet on small ones (the
  // <details> « Filtres » that works without JavaScript becomes the sheet). ---
  var wide = window.matchMedia('(min-width: 48.01rem)'), byUser = false;
  function layoutFilters() { det.open = wide.matches; }
  layoutFilters();
  if (wide.addEventListener) wide.addEventListener('change', layoutFilters);
  toggle.addEventListener('click', function () { byUser = true; });
  det.addEventListener('toggle', function () {
    if (!byUser) return;
    byUser = false;
    if (det.open) closeBtn.focus();
  });
  function closeSheet(focus) {
    if (wide.matches) return;
    det.open = false;
    (focus || toggle).focus();
  }
  closeBtn.addEventListener('click', function () { closeSheet(); });
  done.addEventListener('click', function () { closeSheet(section); section.scrollIntoView(); });
  det.addEventListener('keydown', function (e) { if (e.key === 'Escape' && det.open && !wide.matches) { e.preventDefault(); closeSheet(); } });

  // --- Autocomplete (ARIA 1.2 combobox), when GET /v1/suggest exists. ---
  // The list never hides the results for long, and never flickers: while
  // the person types (a key within PAUSE), it stays open, even when results
  // arrive; once the typing has paused that long and the results of the
  // words in the box are shown, it closes, unless the person is using it:
  // moving in it with the arrow keys, the mouse over it (then it closes
  // when the mouse leaves it), a finger on it (a tap chooses its option),
  // or opened on purpose (↓ / ↑, a click or tap in the box). Its options
  // stay for those words: the arrow keys, or a click or tap in the box,
  // show them again.
  var PAUSE = 1200;
  var list = d.getElementById('q-list'), active = -1, options = [], hasSuggest = true, sseq = 0;
  // shownFor: the words whose results are on the page. shut: words whose
  // suggestions, if they arrive after the results, do not open the list
  // over them. lastKey: when the person last typed. pointerIn: the mouse
  // is over the list; touched: a finger (or pen) pressed it; held: it was
  // opened on purpose.
  var shownFor = null, shut = null, lastKey = 0, pauseTimer = null, pointerIn = false, touched = false, held = false;
  q.setAttribute('role', 'combobox');
  q.setAttribute('aria-autocomplete', 'list');
  q.setAttribute('aria-expanded', 'false');
  q.setAttribute('aria-controls', 'q-list');
  // back: while the list is closed over the results with options kept for
  // the words in the box, a discreet « Suggestions ▾ » in the box says they
  // are there (a tap on it is a tap in the box, which shows them); the box
  // is described by the whole sentence (↓, or a tap in the box).
  var back = d.createElement('span');
  back.id = 'q-back'; back.className = 'q-back'; back.hidden = true;
  back.innerHTML = '<span aria-hidden="true">' + esc(T.sugg_back) + ' \u25be</span><span class="vh">' + esc(T.sugg_back_sr) + '</span>';
  list.parentNode.appendChild(back);
  function updateBack() {
    var on = hasSuggest && list.hidden && options.length > 0 && list.dataset.for === q.value.trim() && d.activeElement === q;
    if (back.hidden === !on) return;
    back.hidden = !on;
    q.classList.toggle('with-back', on);
    var ids = (q.getAttribute('aria-describedby') || '').split(' ').filter(function (x) { return x && x !== 'q-back'; });
    if (on) ids.push('q-back');
    q.setAttribute('aria-describedby', ids.join(' '));
  }
  function showList() {
    list.hidden = false;
    q.setAttribute('aria-expanded', 'true');
    updateBack();
  }
  // hideList closes the list and keeps its options for the same words.
  function hideList() {
    if (active >= 0 && options[active]) options[active].setAttribute('aria-selected', 'false');
    list.hidden = true; active = -1; pointerIn = touched = held = false;
    if (hasSuggest) q.setAttribute('aria-expanded', 'false');
    q.removeAttribute('aria-activedescendant');
    updateBack();
  }
  // closeList closes the list and forgets its options.
  function closeList() {
    hideList();
    list.innerHTML = ''; options = [];
    delete list.dataset.for;
    updateBack();
  }
  // reopen shows the options kept for the words in the box, if any.
  function reopen() {
    if (!hasSuggest || !list.hidden || !options.length || list.dataset.for !== q.value.trim()) return false;
    shut = null;
    showList();
    held = true;
    return true;
  }
  // resultsShown: the results of the words v are on the page.
  function resultsShown(v) {
    shownFor = v;
    settleList();
  }
  // settleList closes the list over the results of the words in the box
  // once the typing has paused, unless the person is using it. For older
  // words, the results of the newer ones are on their way, and will close
  // it; while a key came less than PAUSE ago, it is looked at again then.
  function settleList() {
    var v = q.value.trim(), wait = lastKey + PAUSE - Date.now();
    clearTimeout(pauseTimer);
    if (shownFor !== v) return;
    if (wait > 0) { pauseTimer = setTimeout(settleList, wait); return; }
    if (!list.hidden && (active >= 0 || pointerIn || touched || held)) return;
    shut = v;
    if (!list.hidden) hideList();
  }
  function setActive(i) {
    if (!options.length) return;
    if (active >= 0) options[active].setAttribute('aria-selected', 'false');
    active = (i + options.length) % options.length;
    options[active].setAttribute('aria-selected', 'true');
    options[active].scrollIntoView({ block: 'nearest' });
    q.setAttribute('aria-activedescendant', options[active].id);
  }
  var KIND = { titles: null, terms: 'term', organisations: 'organisation', authors: 'author', carnets: 'carnet' };
  // keepWords drops from the typed words those that were spelling the chosen
  // value: the last word (being typed) and the words before it that follow
  // the value's words in order (« logement tie » + TIESS → « logement »;
  // « comité log » + « Comité logement Les Pignons » → nothing).
  function keepWords(typedQ, val) {
    var words = typedQ.trim().split(/\s+/), vw = fold(val).split(/[\s'’-]+/), drop = 0;
    if (!words[0]) return '';
    for (var e = 0; e < vw.length; e++) {
      var k = 0;
      while (k < words.length && e - k >= 0 && vw[e - k].indexOf(fold(words[words.length - 1 - k])) === 0) k++;
      if (k > drop) drop = k;
    }
    return words.slice(0, words.length - drop).join(' ');
  }
  // qTokens reads the words and phrases of a query as the server does
  // (query.Parse): -mot, -"mots exacts", with the typographic quotes « » “ ”
  // „ too, an unclosed quote running to the end (open); a minus inside a
  // phrase (« "logement -mtl" ») excludes nothing.
  // The signs that exclude the word they start, as the server reads them
  // (query.IsMinus): the hyphen-minus and the dashes a phone puts instead.
  var MINUS = '-\u2212\u2010\u2011\u2013\u2014\ufe63\uff0d';

  function qTokens(s) {
    var out = [], i = 0, n = s.length, Q = '"\u00ab\u00bb\u201c\u201d\u201e', sp = /\s/;
    while (i < n) {
      while (i < n && sp.test(s.charAt(i))) i++;
      if (i >= n) break;
      var start = i, ex = false, open = false;
      if (MINUS.indexOf(s.charAt(i)) >= 0 && i + 1 < n && !sp.test(s.charAt(i + 1))) { ex = true; i++; }
      if (Q.indexOf(s.charAt(i)) >= 0) {
        i++;
        while (i < n && Q.indexOf(s.charAt(i)) < 0) i++;
        if (i < n) i++; else open = true;
      } else {
        while (i < n && !sp.test(s.charAt(i)) && Q.indexOf(s.charAt(i)) < 0) i++;
      }
      out.push({ text: s.slice(start, i), ex: ex, end: i, open: open });
    }
    return out;
  }
  // exclusions: the excluded words and phrases of a query.
  function exclusions(s) {
    return qTokens(s).filter(function (t) { return t.ex; }).map(function (t) { return t.text; });
  }
  // typingExclusion: what is being typed is excluded, a word (-montreal) or
  // a phrase still open (-« saint jé): nothing is completed.
  function typingExclusion(s) {
    var ts = qTokens(s), t = ts[ts.length - 1];
    return !!t && t.ex && (t.open || t.end === s.length);
  }
  // withExclusions is a chosen completion followed by the words the typed
  // query excludes (-montreal, -"mot exact"): choosing does not drop them.
  function withExclusions(val, typed) {
    return [val].concat(exclusions(typed)).join(' ');
  }
  function choose(opt) {
    var kind = opt.dataset.kind, val = opt.dataset.value;
    closeList();
    if (opt.dataset.id) { location.href = withLang('/n/' + encodeURIComponent(opt.dataset.id)); return; }
    var p = formParams();
    if (KIND[kind]) {
      var rest = keepWords(q.value, val);
      if (rest) p.set('q', rest); else p.delete('q');
      p.delete('page');
      if (p.getAll(KIND[kind]).indexOf(val) < 0) p.append(KIND[kind], val);
    } else { p.set('q', withExclusions(val, q.value)); }
    p = canonical(p);
    setForm(p);
    typing = false;
    run(p, 'push');
  }
  function getSuggest(v) {
    return fetch('/v1/suggest?q=' + encodeURIComponent(v), { headers: { Accept: 'application/json' } }).then(function (r) {
      if (r.status === 404 || r.status === 405) { hasSuggest = false; q.removeAttribute('role'); q.removeAttribute('aria-autocomplete'); q.removeAttribute('aria-expanded'); q.removeAttribute('aria-controls'); return null; }
      return r.ok ? r.json() : null;
    });
  }
  function some(j) { return j && (j.groups || []).some(function (g) { return g.items && g.items.length; }); }
  var suggest = debounce(function () {
    var raw = q.value, v = raw.trim();
    // An excluded word or phrase being typed (-montreal, -« saint jé) is not
    // completed: an option chosen would search, or filter, for exactly what
    // is excluded (the last word alone, « jé », was completed).
    if (!hasSuggest || quiet || v.length < 2 || typingExclusion(raw)) { closeList(); return; }
    var my = ++sseq, words = v.split(/\s+/), last = words[words.length - 1];
    // The words as typed: the server sees whether the last one is finished.
    getSuggest(raw).then(function (j) {
      // Nothing for all the words (« logement tie »): complete the last one,
      // the others stay in the search when a value is chosen.
      if (!some(j) && words.length > 1 && last.length >= 2 && my === sseq) return getSuggest(last);
      return j;
    }).then(function (j) {
      if (!j || my !== sseq || quiet || d.activeElement !== q) return;
      list.dataset.for = v;
      var html = '', n = 0, named = {};
      // A value offered as an organisation or a term is not offered again as a note title.
      (j.groups || []).forEach(function (g) { if (g.kind !== 'titles') (g.items || []).forEach(function (it) { named[fold(it.value)] = 1; }); });
      (j.groups || []).forEach(function (g, gi) {
        var items = (g.items || []).filter(function (it) { return g.kind !== 'titles' || !named[fold(it.value)]; });
        if (!items.length) return;
        g = { kind: g.kind, label: g.label, items: items };
        html += '<div role="group" aria-labelledby="sg-' + gi + '"><div class="grp" id="sg-' + gi + '" role="presentation">' + esc(T['sugg_' + g.kind] || g.label || g.kind) + '</div>';
        g.items.forEach(function (it) {
          html += '<div role="option" aria-selected="false" id="so-' + (n++) + '" data-kind="' + esc(g.kind) + '" data-value="' + esc(it.value) + '"' + (it.id ? ' data-id="' + esc(it.id) + '"' : '') + '>' +
            (it.html || esc(it.value)) + (it.count ? ' <span class="n">' + esc(fmt(it.count)) + '</span>' : '') + '</div>';
        });
        html += '</div>';
      });
      if (!n) { closeList(); return; }
      list.innerHTML = html; active = -1;
      q.removeAttribute('aria-activedescendant');
      options = Array.prototype.slice.call(list.querySelectorAll('[role=option]'));
      // Kept, not shown, when the results of these words came first.
      if (shut !== v) showList(); else hideList();
    }).catch(function () {});
  }, 150);
  q.addEventListener('keydown', function (e) {
    if (list.hidden) {
      // The arrow keys open the list again (Alt+↓ without choosing an
      // option); without options for these words, they are asked for.
      if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && hasSuggest && q.value.trim().length >= 2) {
        e.preventDefault();
        quiet = false;
        if (reopen()) { if (!e.altKey) setActive(e.key === 'ArrowDown' ? 0 : -1); }
        else { shut = null; held = true; suggest(); }
      }
      return;
    }
    if (e.key === 'ArrowDown' && e.altKey) { e.preventDefault(); }
    else if (e.key === 'ArrowDown') { e.preventDefault(); setActive(active + 1); }
    else if (e.key === 'ArrowUp' && e.altKey) { e.preventDefault(); hideList(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive(active < 0 ? options.length - 1 : active - 1); }
    else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); choose(options[active]); }
    else if (e.key === 'Escape') { e.preventDefault(); hideList(); }
    else if (e.key === 'Tab') { hideList(); }
  });
  // A click or a tap in the box shows the options of its words again, and
  // keeps the list open until it is closed (or the person types).
  // A click or tap in the box shows the options of its words: kept ones
  // again, or asked for (a page opened on ?q=…, a reload, has none yet;
  // a phone has no arrow keys).
  q.addEventListener('click', function () {
    quiet = false;
    if (reopen()) return;
    if (!list.hidden) held = true;
    else if (hasSuggest && q.value.trim().length >= 2 && !(options.length && list.dataset.for === q.value.trim())) { shut = null; held = true; suggest(); }
  });
  q.addEventListener('blur', function () { setTimeout(function () { if (d.activeElement !== q) hideList(); }, 150); });
  q.addEventListener('focus', updateBack);
  // A press anywhere else closes the list at once.
  d.addEventListener('pointerdown', function (e) {
    if (!list.hidden && e.target !== q && !list.contains(e.target)) hideList();
  });
  // Only a mouse hovers, and only when it moves: a list that opens under
  // a mouse at rest (the person is typing) is not being pointed at. A
  // finger fires pointerleave as it lifts, before the click that chooses
  // the option: closing the list then made the click land on what was
  // under it (a result's link).
  list.addEventListener('pointermove', function (e) { if (e.pointerType === 'mouse') pointerIn = true; });
  list.addEventListener('pointerleave', function (e) { if (e.pointerType === 'mouse') { pointerIn = false; settleList(); } });
  list.addEventListener('pointerdown', function (e) { if (e.pointerType !== 'mouse') touched = true; });
  list.addEventListener('mousedown', function (e) { e.preventDefault(); });
  list.addEventListener('click', function (e) { var o = e.target.closest('[role=option]'); if (o) choose(o); });
})();
