/* Trouvaille — progressive enhancement of the server-rendered pages.
   Without this file every page works: forms submit, links navigate.
   With it: results as you type (GET /v1/search), history kept in the URL,
   autocomplete (GET /v1/suggest, when the server has it), facet filter boxes,
   and the filter sheet on small screens. No dependency, no build step. */
(function () {
  'use strict';
  var d = document;
  d.documentElement.classList.add('js');
  var tEl = d.getElementById('t');
  var T = tEl ? JSON.parse(tEl.textContent) : {};
  // The filter parameters, from the table of filters and facets (schema.Dimensions).
  var fEl = d.getElementById('filters');
  var FILTERS = fEl ? JSON.parse(fEl.textContent) : [];
  var FACETS = [['type', 'type'], ['organisations', 'organisation'], ['terms', 'term'], ['carnets', 'carnet'], ['blocs', 'bloc'], ['authors', 'author']];
  var BROWSE = { organisations: '/organisations', carnets: '/carnets', terms: '/termes' };
  var PER_PAGE = 10, FACET_SIZE = 20, SHOWN = 6, MAX_WINDOW = 10000;

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
  function sprintf(f, a) { return f.replace(/%[sd]/, a); }
  function debounce(fn, ms) {
    var id;
    return function () { var a = arguments; clearTimeout(id); id = setTimeout(function () { fn.apply(null, a); }, ms); };
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
  function hasFilters(p) {
    return FILTERS.some(function (f) { return p.has(f); }) || p.has('published_after') || p.has('published_before');
  }
  function setForm(p) {
    q.value = p.get('q') || '';
    d.getElementById('published_after').value = p.get('published_after') || '';
    d.getElementById('published_before').value = p.get('published_before') || '';
    d.getElementById('sort').value = p.get('sort') || '';
  }

  // --- Search through the JSON API. ---
  var seq = 0, ctrl = null, typing = false;
  function apiURL(p) {
    var a = new URLSearchParams(p);
    a.delete('lang');
    var before = a.get('published_before');
    a.set('per_page', PER_PAGE);
    a.set('facet_size', FACET_SIZE);
    if (before && a.get('published_after') && before < a.get('published_after')) a.delete('published_before');
    return '/v1/search?' + a.toString();
  }
  function run(p, how) {
    // how: 'push' (a new entry in history), 'replace', or 'none' (back/forward).
    var url = pageURL(p);
    if (how === 'push' && url !== location.pathname + location.search) history.pushState(null, '', url);
    else if (how !== 'none') history.replaceState(null, '', url);
    var my = ++seq;
    if (ctrl) ctrl.abort();
    ctrl = window.AbortController ? new AbortController() : null;
    res.setAttribute('aria-busy', 'true');
    return fetch(apiURL(p), { signal: ctrl && ctrl.signal, headers: { Accept: 'application/json' } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (r) {
        if (my !== seq) return;
        if (!r.ok) { renderError(p, r.body && r.body.error ? r.body.error.message : ''); return; }
        render(p, r.body);
      })
      .catch(function (e) {
        if (e && e.name === 'AbortError') return;
        if (my === seq) location.href = url; // the server renders it without JS
      })
      .then(function () { if (my === seq) res.removeAttribute('aria-busy'); });
  }

  // --- Rendering: the same markup as templates/search.html. ---
  function withLang(path) { return lang ? path + (path.indexOf('?') >= 0 ? '&' : '?') + 'lang=' + encodeURIComponent(lang) : path; }
  function typeLabel(v) { return T['type_' + v] || v; }
  function without(p, k, v) {
    var o = new URLSearchParams();
    p.forEach(function (val, key) { if (key !== 'page' && !(key === k && (v == null || val === v))) o.append(key, val); });
    return o;
  }
  function at(p, n) { var o = new URLSearchParams(p); if (n > 1) o.set('page', n); else o.delete('page'); return o; }
  function fdate(iso) {
    if (!iso) return '';
    var dt = new Date(iso);
    try {
      return dt.toLocaleDateString(T.html_lang, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).replace(/^1 /, T.html_lang === 'fr-CA' ? '1er ' : '1 ');
    } catch (e) { return iso.slice(0, 10); }
  }
  function hitHTML(h) {
    var more = [];
    if (h.authors && h.authors.length) more.push('<li><span class="k">' + esc(T.by) + '</span> ' + esc(h.authors.join(', ')) + '</li>');
    if (h.organisations && h.organisations.length) more.push('<li><span class="k">' + esc(T.orgs + T.colon) + '</span> ' + esc(h.organisations.join(', ')) + '</li>');
    (h.carnets || []).forEach(function (c) {
      more.push('<li><span class="k">' + esc(T.in_carnet + T.colon) + '</span> ' + esc(c.bloc ? c.title + ' · ' + c.bloc : c.title) + '</li>');
    });
    return '<li class="hit"><h3 class="hit-title"><a href="' + esc(withLang('/n/' + encodeURIComponent(h.id))) + '">' + h.title_html + '</a></h3>' +
      '<p class="hit-meta"><span class="tag tag-' + esc(h.type) + '">' + esc(typeLabel(h.type)) + '</span>' +
      (h.published_at ? ' <time datetime="' + esc(h.published_at.slice(0, 10)) + '">' + esc(fdate(h.published_at)) + '</time>' : '') + '</p>' +
      (h.snippet_html ? '<p class="snippet">' + h.snippet_html + '</p>' : '') +
      (more.length ? '<ul class="hit-more">' + more.join('') + '</ul>' : '') + '</li>';
  }
  function valueHTML(id, param, v) {
    return '<li><input type="checkbox" id="' + id + '" name="' + esc(param) + '" value="' + esc(v.value) + '" form="s"' + (v.checked ? ' checked' : '') + '>' +
      '<label for="' + id + '">' + esc(param === 'type' ? typeLabel(v.value) : v.value) + ' <span class="n">' + esc(v.count) + '</span></label></li>';
  }
  function facetsHTML(p, facets) {
    var out = '';
    FACETS.forEach(function (fo) {
      var name = fo[0], param = fo[1], vals = facets[name];
      if (!vals) return;
      var sel = p.getAll(param), seen = {}, all = [];
      vals.forEach(function (v, i) { seen[v.value] = 1; all.push({ id: 'f-' + param + '-' + i, value: v.value, count: fmt(v.count), checked: sel.indexOf(v.value) >= 0 }); });
      sel.forEach(function (v, i) { if (!seen[v]) all.unshift({ id: 'f-' + param + '-s' + i, value: v, count: '0', checked: true }); });
      if (!all.length) return;
      var n = all.length <= SHOWN + 2 ? all.length : SHOWN, shown = [], more = [];
      all.forEach(function (v) { (shown.length < n || v.checked ? shown : more).push(v); });
      var label = T['facet_' + name];
      out += '<fieldset class="facet" data-param="' + param + '"><legend>' + esc(label) + '</legend>';
      if (all.length > SHOWN + 2) out += '<p class="facet-filter" hidden><label><span class="vh">' + esc(T.filter_values + ' — ' + label) + '</span><input type="search" placeholder="' + esc(T.filter_values) + '" autocomplete="off"></label></p>';
      out += '<ul class="values">' + shown.map(function (v) { return valueHTML(v.id, param, v); }).join('') + '</ul>';
      if (more.length) out += '<details class="more"><summary>' + esc(T.see_more) + ' (' + more.length + ')</summary><ul class="values">' + more.map(function (v) { return valueHTML(v.id, param, v); }).join('') + '</ul></details>';
      if (BROWSE[name] && vals.length >= FACET_SIZE) out += '<p class="browse-all"><a href="' + esc(withLang(BROWSE[name])) + '">' + esc(T.browse_all + ' — ' + label) + '</a></p>';
      out += '</fieldset>';
    });
    var years = facets.published;
    if (years && years.length) {
      var items = years.filter(function (y) { return /^\d{4}$/.test(y.value); }).map(function (y) {
        var o = without(without(p, 'published_after'), 'published_before');
        o.set('published_after', y.value + '-01-01'); o.set('published_before', y.value + '-12-31');
        var cur = p.get('published_after') === y.value + '-01-01' && p.get('published_before') === y.value + '-12-31';
        return '<li><a href="' + esc(pageURL(canonical(o))) + '"' + (cur ? ' aria-current="true"' : '') + '>' + esc(y.value) + ' <span class="n">' + esc(fmt(y.count)) + '</span></a></li>';
      });
      if (items.length) out += '<fieldset class="facet" data-param="published"><legend>' + esc(T.facet_published) + '</legend><ul class="values">' + items.join('') + '</ul></fieldset>';
    }
    return out;
  }
  function countText(p, r) {
    if (r.total === 0) return T.count_zero;
    if (!p.get('q') && !hasFilters(p)) return sprintf(T.count_recent, fmt(r.total));
    if (r.total === 1) return T.count_one;
    return sprintf(T.count_many, fmt(r.total));
  }
  function clearURL(p) {
    var o = new URLSearchParams();
    ['q', 'sort', 'lang'].forEach(function (k) { if (p.get(k)) o.set(k, p.get(k)); });
    return pageURL(o);
  }
  function resultsHTML(p, r) {
    var out = '', chips = [];
    FILTERS.forEach(function (f) {
      p.getAll(f).forEach(function (v) {
        chips.push([T['chip_' + f] + T.colon + ' ' + (f === 'type' ? typeLabel(v) : v), pageURL(without(p, f, v))]);
      });
    });
    if (p.get('published_after')) chips.push([T.date_after + ' ' + p.get('published_after'), pageURL(without(p, 'published_after'))]);
    if (p.get('published_before')) chips.push([T.date_before + ' ' + p.get('published_before'), pageURL(without(p, 'published_before'))]);
    if (chips.length) {
      out += '<div class="chips"><h3 class="vh">' + esc(T.active_filters) + '</h3><ul>' + chips.map(function (c) {
        return '<li><a class="chip" href="' + esc(c[1]) + '">' + esc(c[0]) + '<span class="x" aria-hidden="true">✕</span><span class="vh"> — ' + esc(T.remove_filter) + '</span></a></li>';
      }).join('') + '<li><a class="clear" href="' + esc(clearURL(p)) + '">' + esc(T.clear) + '</a></li></ul></div>';
    }
    if (r.suggestion && r.suggestion.q) {
      var s = new URLSearchParams(p); s.set('q', r.suggestion.q); s.delete('page');
      out += '<p class="notice did-you-mean">' + esc(T.did_you_mean) + ' <a href="' + esc(pageURL(s)) + '">' + esc(r.suggestion.q) + '</a> ?</p>';
    }
    if (r.relaxed) out += '<p class="notice">' + esc(T.relaxed) + '</p>';
    if (r.total === 0) {
      out += '<div class="empty"><p class="empty-title">' + esc(p.get('q') ? sprintf(T.empty_title, p.get('q')) : T.empty_filters) + '</p><p>' + esc(T.empty_try) + '</p><ul>' +
        '<li>' + esc(T.empty_spelling) + '</li><li>' + esc(T.empty_general) + '</li>' +
        (hasFilters(p) ? '<li><a href="' + esc(clearURL(p)) + '">' + esc(T.empty_remove) + '</a></li>' : '') +
        '<li>' + esc(T.empty_browse) + ' <a href="' + esc(withLang('/organisations')) + '">' + esc(T.nav_orgs) + '</a>, <a href="' + esc(withLang('/carnets')) + '">' + esc(T.nav_carnets) + '</a>, <a href="' + esc(withLang('/termes')) + '">' + esc(T.nav_terms) + '</a>.</li></ul></div>';
    }
    var page = +(p.get('page') || 1);
    if (r.hits && r.hits.length) out += '<ol class="hits" start="' + ((page - 1) * PER_PAGE + 1) + '">' + r.hits.map(hitHTML).join('') + '</ol>';
    var last = Math.min(Math.ceil(r.total / PER_PAGE), MAX_WINDOW / PER_PAGE);
    if (last > 1) {
      var items = [], prevN = 0;
      if (page > 1) items.push('<li><a href="' + esc(pageURL(at(p, page - 1))) + '" rel="prev">← <span>' + esc(T.prev) + '</span></a></li>');
      for (var n = 1; n <= last; n++) {
        if (n !== 1 && n !== last && (n < page - 2 || n > page + 2)) continue;
        if (prevN && n > prevN + 1) items.push('<li class="gap" aria-hidden="true">…</li>');
        items.push('<li><a href="' + esc(pageURL(at(p, n))) + '"' + (n === page ? ' aria-current="page"' : '') + '>' + n + '</a></li>');
        prevN = n;
      }
      if (page < last) items.push('<li><a href="' + esc(pageURL(at(p, page + 1))) + '" rel="next"><span>' + esc(T.next) + '</span> →</a></li>');
      out += '<nav class="pages" aria-label="' + esc(T.pagination) + '"><p class="vh">' + esc(sprintf(sprintf(T.page_of, page), last)) + '</p><ul>' + items.join('') + '</ul></nav>';
    }
    return out;
  }
  function render(p, r) {
    // Keep the focus on the same checkbox across the re-render of the facets.
    var a = d.activeElement, keep = a && a.type === 'checkbox' && facetsEl.contains(a) ? [a.name, a.value] : null;
    var open = {};
    facetsEl.querySelectorAll('details[open]').forEach(function (det) { open[det.closest('fieldset').dataset.param] = 1; });
    facetsEl.innerHTML = facetsHTML(p, r.facets || {});
    facetsEl.querySelectorAll('details').forEach(function (det) { if (open[det.closest('fieldset').dataset.param]) det.open = true; });
    enhanceFacetFilters(facetsEl);
    if (keep) {
      facetsEl.querySelectorAll('input[type=checkbox]').forEach(function (c) {
        if (c.name === keep[0] && c.value === keep[1]) { var det = c.closest('details'); if (det) det.open = true; c.focus(); }
      });
    }
    res.innerHTML = resultsHTML(p, r);
    count.textContent = countText(p, r);
    var toggle = d.getElementById('filters-toggle'), n = res.querySelectorAll('.chip').length;
    toggle.textContent = T.filters_open + (n ? ' (' + n + ')' : '');
    d.title = (p.get('q') ? p.get('q') + ' — ' : '') + 'Trouvaille';
  }
  function renderError(p, msg) {
    res.innerHTML = '<div class="notice notice-error" role="alert"><p><strong>' + esc(T.error) + '</strong>' + esc(T.colon) + ' ' + esc(msg) + '</p></div>';
    count.textContent = '';
  }

  // --- Events. ---
  var typed = debounce(function () {
    var p = formParams();
    run(p, typing ? 'replace' : 'push');
    typing = true; // one history entry per burst of typing
  }, 300);
  q.addEventListener('input', function () { typed(); suggest(); });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
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
  // Links inside the results (chips, pages, suggestions) and year facets stay in the page.
  function intercept(e) {
    var a = e.target.closest('a');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    var u = new URL(a.href, location.href);
    if (u.origin !== location.origin || u.pathname !== '/') return;
    e.preventDefault();
    var p = canonical(u.searchParams);
    typing = false;
    setForm(p);
    var paging = a.closest('.pages');
    run(p, 'push').then(function () {
      if (paging) { count.setAttribute('tabindex', '-1'); count.focus(); count.scrollIntoView(); }
      else if (a.classList.contains('chip') || a.classList.contains('clear')) {
        var next = res.querySelector('.chip') || q;
        next.focus();
      }
    });
  }
  res.addEventListener('click', intercept);
  facetsEl.addEventListener('click', intercept);
  window.addEventListener('popstate', function () {
    var p = canonical(new URLSearchParams(location.search));
    setForm(p);
    typing = false;
    run(p, 'none');
  });

  // --- Filter sheet on small screens. ---
  var panel = d.getElementById('filtres'), toggle = d.getElementById('filters-toggle'), closeBtn = d.getElementById('filters-close');
  function sheet(open) {
    panel.classList.toggle('open', open);
    toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    (open ? closeBtn : toggle).focus();
  }
  toggle.addEventListener('click', function () { sheet(!panel.classList.contains('open')); });
  closeBtn.addEventListener('click', function () { sheet(false); });
  panel.addEventListener('keydown', function (e) { if (e.key === 'Escape' && panel.classList.contains('open')) sheet(false); });

  // --- Autocomplete (ARIA 1.2 combobox), when GET /v1/suggest exists. ---
  var list = d.getElementById('q-list'), active = -1, options = [], hasSuggest = true, sseq = 0;
  q.setAttribute('role', 'combobox');
  q.setAttribute('aria-autocomplete', 'list');
  q.setAttribute('aria-expanded', 'false');
  q.setAttribute('aria-controls', 'q-list');
  function closeList() {
    list.hidden = true; list.innerHTML = ''; options = []; active = -1;
    q.setAttribute('aria-expanded', 'false');
    q.removeAttribute('aria-activedescendant');
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
  function choose(opt) {
    var kind = opt.dataset.kind, val = opt.dataset.value;
    closeList();
    if (opt.dataset.id) { location.href = withLang('/n/' + encodeURIComponent(opt.dataset.id)); return; }
    var p = formParams();
    if (KIND[kind]) {
      p.delete('q'); p.delete('page');
      if (p.getAll(KIND[kind]).indexOf(val) < 0) p.append(KIND[kind], val);
    } else { p.set('q', val); }
    p = canonical(p);
    setForm(p);
    typing = false;
    run(p, 'push');
  }
  var suggest = debounce(function () {
    var v = q.value.trim();
    if (!hasSuggest || v.length < 2) { closeList(); return; }
    var my = ++sseq;
    fetch('/v1/suggest?q=' + encodeURIComponent(v), { headers: { Accept: 'application/json' } }).then(function (r) {
      if (r.status === 404 || r.status === 405) { hasSuggest = false; q.removeAttribute('role'); q.removeAttribute('aria-autocomplete'); q.removeAttribute('aria-expanded'); q.removeAttribute('aria-controls'); return null; }
      return r.ok ? r.json() : null;
    }).then(function (j) {
      if (!j || my !== sseq || d.activeElement !== q) return;
      var html = '', n = 0;
      (j.groups || []).forEach(function (g, gi) {
        if (!g.items || !g.items.length) return;
        html += '<div role="group" aria-labelledby="sg-' + gi + '"><div class="grp" id="sg-' + gi + '" role="presentation">' + esc(T['sugg_' + g.kind] || g.label || g.kind) + '</div>';
        g.items.forEach(function (it) {
          html += '<div role="option" aria-selected="false" id="so-' + (n++) + '" data-kind="' + esc(g.kind) + '" data-value="' + esc(it.value) + '"' + (it.id ? ' data-id="' + esc(it.id) + '"' : '') + '>' +
            (it.html || esc(it.value)) + (it.count ? ' <span class="n">' + esc(fmt(it.count)) + '</span>' : '') + '</div>';
        });
        html += '</div>';
      });
      if (!n) { closeList(); return; }
      list.innerHTML = html; list.hidden = false; active = -1;
      options = Array.prototype.slice.call(list.querySelectorAll('[role=option]'));
      q.setAttribute('aria-expanded', 'true');
      q.removeAttribute('aria-activedescendant');
    }).catch(function () {});
  }, 150);
  q.addEventListener('keydown', function (e) {
    if (list.hidden) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); setActive(active + 1); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive(active - 1); }
    else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); choose(options[active]); }
    else if (e.key === 'Escape') { e.preventDefault(); closeList(); }
  });
  q.addEventListener('blur', function () { setTimeout(closeList, 150); });
  list.addEventListener('mousedown', function (e) { e.preventDefault(); });
  list.addEventListener('click', function (e) { var o = e.target.closest('[role=option]'); if (o) choose(o); });
})();
