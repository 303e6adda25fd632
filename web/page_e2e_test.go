package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/api"
)

// The page issue's browser tests: each point on a desktop (1280 × 800) and
// a phone (390 × 844), with JavaScript on and off where the point applies.

type size struct {
	name          string
	width, height int
}

var (
	desktop = size{"bureau", 1280, 800}
	phone   = size{"telephone", 390, 844}
	sizes   = []size{desktop, phone}
)

// tab opens a browser at a size, with JavaScript on or off.
func tab(t *testing.T, sz size, js bool) context.Context {
	t.Helper()
	ctx := browser(t, sz.width, sz.height)
	if !js {
		call(t, ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	}
	return ctx
}

// open navigates and, with JavaScript on, waits for the script to run.
func open(t *testing.T, ctx context.Context, u string, js bool) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS("main")))
	if js {
		waitJS(t, ctx, `document.documentElement.classList.contains('js')`)
	}
}

// settled: the search page shows the results of its URL.
const settled = `!document.getElementById('res').hasAttribute('aria-busy')`

func jsName(js bool) string {
	if js {
		return "js"
	}
	return "nojs"
}

// forEach runs f on both sizes, with JavaScript on and off.
func forEach(t *testing.T, f func(t *testing.T, sz size, js bool)) {
	for _, sz := range sizes {
		for _, js := range []bool{true, false} {
			t.Run(sz.name+"-"+jsName(js), func(t *testing.T) { f(t, sz, js) })
		}
	}
}

// Point 1: while a word is typed, the page never shows "no result" and keeps
// the last results until new ones arrive.
func TestPageTypingNeverEmptyMidWord(t *testing.T) {
	s, _ := testServer(t)
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			ctx := tab(t, sz, true)
			open(t, ctx, s.URL+"/", true)
			// Record every state the results area goes through.
			eval[bool](t, ctx, `(function(){
				window.__states = [];
				var res = document.getElementById('res'), q = document.getElementById('q');
				new MutationObserver(function(){
					window.__states.push({q: q.value, empty: !!res.querySelector('.empty'), hits: res.querySelectorAll('.hits .hit').length, count: document.getElementById('count').textContent});
				}).observe(res, {childList: true, subtree: true});
				return true })()`)
			// Typed one letter at a time, slower than the debounce, so that
			// every prefix is searched: "zq", "zqx" find nothing.
			const word = "zqxw"
			for _, r := range word {
				run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), string(r)))
				time.Sleep(450 * time.Millisecond)
			}
			// Once the typing has settled, the empty state of the whole word shows.
			waitJS(t, ctx, `!!document.querySelector('#res .empty') && `+settled)
			type st struct {
				Q     string `json:"q"`
				Empty bool   `json:"empty"`
				Hits  int    `json:"hits"`
				Count string `json:"count"`
			}
			states := eval[[]st](t, ctx, `window.__states`)
			if len(states) == 0 {
				t.Fatal("no rendering recorded")
			}
			for _, x := range states {
				if x.Empty && x.Q != word {
					t.Errorf("empty state shown while typing %q (%+v)", x.Q, x)
				}
				if !x.Empty && x.Hits == 0 && x.Q != "" {
					t.Errorf("results gone without new ones while typing %q (%+v)", x.Q, x)
				}
			}
			// A real word typed letter by letter never falls to zero.
			eval[bool](t, ctx, `(document.getElementById('q').value = '', window.__states = [], true)`)
			for _, r := range "logement" {
				run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), string(r)))
				time.Sleep(120 * time.Millisecond)
			}
			waitJS(t, ctx, `new URLSearchParams(location.search).get('q') === 'logement' && `+settled+` && document.querySelectorAll('.hits .hit').length > 0`)
			for _, x := range eval[[]st](t, ctx, `window.__states`) {
				if x.Empty || strings.HasPrefix(x.Count, "Aucun") {
					t.Errorf("typing logement: empty state at %q", x.Q)
				}
			}
		})
	}
}

// Point 2: the phone filter sheet counts the filters on its toggle and has a
// fixed « Voir les N résultats » button that follows the ticks and closes it.
func TestPageFilterSheet(t *testing.T) {
	s, _ := testServer(t)
	ctx := tab(t, phone, true)
	open(t, ctx, s.URL+"/?q=financement", true)
	if got := evalString(t, ctx, `document.getElementById('filters-toggle').textContent`); got != "Filtres" {
		t.Errorf("toggle %q, want Filtres", got)
	}
	if eval[bool](t, ctx, `document.getElementById('filtres').checkVisibility()`) {
		t.Error("the filters are open on a phone before asking")
	}
	run(t, ctx, stillClick("#filters-toggle"), chromedp.WaitVisible(chromedp.ID("filters-done")))
	waitJS(t, ctx, `document.activeElement.id === 'filters-close'`)
	done := func() (string, float64, float64) {
		return evalString(t, ctx, `document.getElementById('filters-done').textContent`),
			eval[float64](t, ctx, `document.getElementById('filters-done').getBoundingClientRect().top`),
			eval[float64](t, ctx, `document.getElementById('filters-done').getBoundingClientRect().bottom`)
	}
	label, top, bottom := done()
	if label != "Voir les 111 résultats" || bottom > float64(phone.height) || top < float64(phone.height)/2 {
		t.Errorf("sheet button %q at %v–%v, want « Voir les 111 résultats » fixed at the bottom of the screen", label, top, bottom)
	}
	org := evalString(t, ctx, `document.getElementById('f-organisation-0').value`)
	n := evalString(t, ctx, `document.querySelector('label[for=f-organisation-0] .n').textContent`)
	run(t, ctx, stillClick(`label[for=f-organisation-0]`))
	waitJS(t, ctx, `new URLSearchParams(location.search).get('organisation') === `+jsString(org)+` && `+settled)
	// The sheet stays open, says the new count, and the toggle counts the filter.
	label, _, bottom = done()
	want := "Voir les " + n + " résultats"
	if n == "1" {
		want = "Voir le résultat"
	}
	if label != want || bottom > float64(phone.height) || bottom <= 0 {
		t.Errorf("after a tick the sheet button says %q (bottom %v), want %q", label, bottom, want)
	}
	if got := evalString(t, ctx, `document.getElementById('filters-toggle').textContent`); got != "Filtres (1)" {
		t.Errorf("toggle %q, want « Filtres (1) »", got)
	}
	// Scrolled to the bottom of a long sheet, the button is still on screen.
	eval[bool](t, ctx, `(document.getElementById('filtres').scrollTop = 1e6, true)`)
	if _, _, b := done(); b > float64(phone.height) || b <= 0 {
		t.Errorf("sheet button off screen when scrolled (bottom %v)", b)
	}
	run(t, ctx, stillClick("#filters-done"))
	waitJS(t, ctx, `!document.getElementById('filtres-d').open && document.activeElement.id === 'resultats'`)
	if eval[bool](t, ctx, `Array.from(document.querySelectorAll('.hits .hit')).some(h => !h.textContent.includes(`+jsString(org)+`))`) {
		t.Error("a result does not belong to the chosen organisation")
	}
	// Without JavaScript the same control is a <details> « Filtres (1) ».
	noJS := tab(t, phone, false)
	open(t, noJS, s.URL+"/?q=financement&organisation="+url.QueryEscape(org), false)
	if got := evalString(t, noJS, `document.querySelector('#filtres-d > summary').textContent`); got != "Filtres (1)" {
		t.Errorf("no-JS summary %q", got)
	}
}

// Point 3: without JavaScript, the filters never overlap the results on a
// desktop; on a phone the results come first and the filters are folded in
// a <details> « Filtres » that works.
func TestPageNoJSLayout(t *testing.T) {
	s, _ := testServer(t)
	for _, js := range []bool{false, true} {
		t.Run("bureau-"+jsName(js), func(t *testing.T) {
			ctx := tab(t, desktop, js)
			open(t, ctx, s.URL+"/?q=financement", js)
			overlap := eval[[]string](t, ctx, `(function(){
				var r = document.getElementById('resultats').getBoundingClientRect(), out = [];
				document.querySelectorAll('#filtres fieldset, #filtres li').forEach(function(el){
					var b = el.getBoundingClientRect();
					if (b.width && b.right > r.left) out.push(el.tagName + ' ' + el.textContent.trim().slice(0, 40) + ' right=' + b.right + ' results.left=' + r.left);
				});
				if (!document.querySelector('#filtres fieldset').checkVisibility()) out.push('filters hidden on a desktop');
				return out })()`)
			for _, o := range overlap {
				t.Error("filter overlaps the results: " + o)
			}
		})
		t.Run("telephone-"+jsName(js), func(t *testing.T) {
			ctx := tab(t, phone, js)
			open(t, ctx, s.URL+"/?q=financement", js)
			top := eval[float64](t, ctx, `document.querySelector('.hits .hit').getBoundingClientRect().top + scrollY`)
			if top > float64(phone.height) {
				t.Errorf("first result %v px down the page, below the first screen", top)
			}
			if eval[bool](t, ctx, `document.getElementById('facets').checkVisibility()`) {
				t.Error("filters unfolded before asking")
			}
			if js {
				return
			}
			run(t, ctx, stillClick(`#filtres-d > summary`))
			waitJS(t, ctx, `document.getElementById('facets').checkVisibility()`)
			org := evalString(t, ctx, `document.getElementById('f-organisation-0').value`)
			run(t, ctx, stillClick(`label[for=f-organisation-0]`), stillClick(`#filtres .nojs button`))
			waitJS(t, ctx, `new URLSearchParams(location.search).get('organisation') === `+jsString(org)+` && document.querySelectorAll('.chip').length === 1`)
		})
	}
}

// Point 4: the organisation, carnet and term lines of a result are links
// that add their filter to the current search.
func TestPageResultFactsAreFilters(t *testing.T) {
	s, _ := testServer(t)
	forEach(t, func(t *testing.T, sz size, js bool) {
		ctx := tab(t, sz, js)
		for _, c := range []struct{ line, param string }{{"l-orgs", "organisation"}, {"l-carnet", "carnet"}, {"l-terms", "term"}} {
			open(t, ctx, s.URL+"/?q=logement", js)
			sel := `.hits .` + c.line + ` a`
			val := evalString(t, ctx, `document.querySelector(`+jsString(sel)+`).textContent`)
			run(t, ctx, stillClick(sel))
			waitJS(t, ctx, `new URLSearchParams(location.search).get(`+jsString(c.param)+`) === `+jsString(val)+` && new URLSearchParams(location.search).get('q') === 'logement' && document.querySelectorAll('.chip').length === 1 && `+settled)
			// Without JavaScript the filtered page is a new document: the
			// chip and the status can be there while its last hits are still
			// being parsed (failed once in CI), so wait for the whole page.
			waitJS(t, ctx, `document.readyState === 'complete'`)
			if !eval[bool](t, ctx, `Array.from(document.querySelectorAll('.hits .hit')).every(h => h.textContent.includes(`+jsString(val)+`))`) {
				t.Errorf("%s %q: a result lacks it", c.param, val)
			}
		}
	})
}

// The persona: « les notes de l’organisation X sur le logement », from the
// home page, in at most 3 actions on a desktop and 4 on a phone.
func TestPagePersonaTask(t *testing.T) {
	s, _ := testServer(t)
	forEach(t, func(t *testing.T, sz size, js bool) {
		ctx := tab(t, sz, js)
		open(t, ctx, s.URL+"/", js)
		actions := 0
		act := func(a ...chromedp.Action[chromedp.Void]) { actions++; run(t, ctx, a...) }
		// 1. Type « logement » and press Enter.
		act(chromedp.SendKeys(chromedp.ID("q"), "logement"+kb.Enter))
		waitJS(t, ctx, `new URLSearchParams(location.search).get('q') === 'logement' && document.querySelectorAll('.hits .hit').length > 0 && `+settled)
		// 2. Click the organisation on a result.
		x := evalString(t, ctx, `document.querySelector('.hits .l-orgs a').textContent`)
		act(stillClick(`.hits .l-orgs a`))
		waitJS(t, ctx, `new URLSearchParams(location.search).get('organisation') === `+jsString(x)+` && new URLSearchParams(location.search).get('q') === 'logement' && `+settled)
		max := 3
		if sz == phone {
			max = 4
		}
		if !eval[bool](t, ctx, `document.querySelectorAll('.hits .hit').length > 0 && Array.from(document.querySelectorAll('.hits .hit')).every(h => Array.from(h.querySelectorAll('.l-orgs a')).some(a => a.textContent === `+jsString(x)+`))`) {
			t.Errorf("the results are not all notes of %q", x)
		}
		if actions > max {
			t.Errorf("%d actions, want at most %d", actions, max)
		}
	})
}

// Point 5: plain explanations where the words first appear, blocs under
// their carnet, and /aide linked from the search box.
func TestPageExplanationsAndHelp(t *testing.T) {
	s, _ := testServer(t)
	forEach(t, func(t *testing.T, sz size, js bool) {
		ctx := tab(t, sz, js)
		open(t, ctx, s.URL+"/?q=financement", js)
		if sz == phone {
			run(t, ctx, stillClick(`#filtres-d > summary`))
			waitJS(t, ctx, `document.getElementById('facets').checkVisibility()`)
		}
		for _, param := range []string{"type", "organisation", "term", "carnet", "author"} {
			sel := `fieldset[data-param=` + param + `] > details.what`
			if !eval[bool](t, ctx, `!!document.querySelector(`+jsString(sel)+`)`) {
				t.Errorf("facet %s has no « C’est quoi ? »", param)
				continue
			}
			run(t, ctx, stillClick(sel+` > summary`))
			waitJS(t, ctx, `document.querySelector(`+jsString(sel)+`).open && document.querySelector(`+jsString(sel+` p`)+`).getBoundingClientRect().height > 0`)
		}
		// Blocs appear under their carnet once one is chosen, never alone.
		if eval[bool](t, ctx, `!!document.querySelector('fieldset[data-param=bloc]')`) {
			t.Error("blocs listed without their carnet")
		}
		carnet := evalString(t, ctx, `document.querySelector('.hits .l-carnet a').textContent`)
		open(t, ctx, s.URL+"/?carnet="+url.QueryEscape(carnet), js)
		if got := evalString(t, ctx, `(document.querySelector('fieldset[data-param=carnet] fieldset[data-param=bloc] legend')||{}).textContent || ''`); got != frenchSpaced.Replace("Blocs du carnet « "+carnet+" »") {
			t.Errorf("blocs legend %q under the carnet %q", got, carnet)
		}
		if !eval[bool](t, ctx, `Array.from(document.querySelectorAll('.hits .l-carnet')).some(l => l.querySelectorAll('a').length === 2 && l.textContent.includes('›'))`) {
			t.Error("a result's bloc is not shown under its carnet")
		}
		// The help page, from the search box.
		open(t, ctx, s.URL+"/", js)
		run(t, ctx, stillClick("#help-link"))
		waitJS(t, ctx, `location.pathname === '/aide' && !!document.querySelector('h1')`)
		body := evalString(t, ctx, `document.querySelector('main').textContent`)
		for _, want := range []string{"guillemets", "signe moins", "Les filtres", "Carnet", "Ajoutée par", "Terme du lexique"} {
			if !strings.Contains(body, want) {
				t.Errorf("/aide does not explain %q", want)
			}
		}
	})
}

// Point 6: honest counts, the home heading consistent with the sort, and
// the card of the term or organisation the query names.
func TestPageHonestCountsAndEntity(t *testing.T) {
	s, _ := testServer(t)
	forEach(t, func(t *testing.T, sz size, js bool) {
		ctx := tab(t, sz, js)
		open(t, ctx, s.URL+"/?q=financement", js)
		count := evalString(t, ctx, `document.getElementById('count').textContent`)
		sum := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('fieldset[data-param=type] label')).map(l => l.textContent)`)
		if !regexp.MustCompile(`^111 résultats\x{a0}: 102 notes, 7 termes et 2 organisations$`).MatchString(count) || len(sum) != 3 {
			t.Errorf("count %q (type facet %v)", count, sum)
		}
		open(t, ctx, s.URL+"/", js)
		count = evalString(t, ctx, `document.getElementById('count').textContent`)
		sort := evalString(t, ctx, `document.getElementById('sort').selectedOptions[0].textContent`)
		if !strings.HasSuffix(count, "les plus récentes d’abord") || sort != "Plus récentes d’abord" {
			t.Errorf("home: count %q, sort menu %q", count, sort)
		}
		dates := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('.hits time')).map(t => t.getAttribute('datetime'))`)
		for i := 1; i < len(dates); i++ {
			if dates[i] > dates[i-1] {
				t.Errorf("home not newest first: %v", dates)
				break
			}
		}
		for _, c := range []struct{ q, kind, param string }{{"logement abordable", "terme", "term"}, {"Comité logement Les Pignons", "organisation", "organisation"}, {"TIESS", "organisation", "organisation"}} {
			open(t, ctx, s.URL+"/?q="+url.QueryEscape(c.q), js)
			title := evalString(t, ctx, `(document.querySelector('.entity-`+c.kind+` .entity-title')||{}).textContent || ''`)
			if !strings.EqualFold(title, c.q) {
				t.Errorf("%q: entity card %q", c.q, title)
				continue
			}
			if eval[float64](t, ctx, `document.querySelector('.entity').getBoundingClientRect().top`) > eval[float64](t, ctx, `document.querySelector('.hits').getBoundingClientRect().top`) {
				t.Errorf("%q: the card is not above the results", c.q)
			}
			run(t, ctx, stillClick(`.entity .entity-links .btn`))
			waitJS(t, ctx, `new URLSearchParams(location.search).get(`+jsString(c.param)+`) === `+jsString(title)+` && document.querySelectorAll('.hits .hit').length > 0`)
		}
	})
}

// Point 7: a corrected typo is said, with the link that searches the word
// as typed; the words a result lacks (matched_words) are named.
func TestPageCorrectionAndMissingWords(t *testing.T) {
	s, _ := testServer(t)
	forEach(t, func(t *testing.T, sz size, js bool) {
		ctx := tab(t, sz, js)
		open(t, ctx, s.URL+"/?q=finacement", js)
		if got := evalString(t, ctx, `(document.querySelector('.correction')||{}).textContent || ''`); got != "Résultats pour «\u00a0financement\u00a0» · Chercher plutôt «\u00a0finacement\u00a0»" {
			t.Errorf("correction notice %q", got)
		}
		run(t, ctx, stillClick(`.correction a`))
		waitJS(t, ctx, `new URLSearchParams(location.search).get('q') === '"finacement"' && `+settled)
		if eval[bool](t, ctx, `!!document.querySelector('.correction')`) {
			t.Error("the exact search is corrected again")
		}
		// No correction when the word was found as typed (plural, stem).
		open(t, ctx, s.URL+"/?q=coop%C3%A9ratives", js)
		if eval[bool](t, ctx, `!!document.querySelector('.correction')`) {
			t.Error("a plural is reported as a correction")
		}
		// Missing words: what the page says matches matched_words of the API
		// (nothing at all when the API does not give them).
		const q = "logement collaboration"
		open(t, ctx, s.URL+"/?q="+url.QueryEscape(q), js)
		var api struct {
			Words []string         `json:"words"`
			Hits  []trouvaille.Hit `json:"hits"`
		}
		_, _, body := fetch(t, s.URL+"/v1/search?per_page=10&q="+url.QueryEscape(q))
		if err := jsonUnmarshal(body, &api); err != nil {
			t.Fatal(err)
		}
		got := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('.hits .hit')).map(h => (h.querySelector('.missing s')||{}).textContent || '')`)
		if len(got) != len(api.Hits) {
			t.Fatalf("%d hits in the page, %d in the API", len(got), len(api.Hits))
		}
		lacking := 0
		for i, h := range api.Hits {
			if want := strings.Join((&trouvaille.Result{Words: api.Words}).Missing(&h), ", "); got[i] != want {
				t.Errorf("hit %d (%s): page says it lacks %q, API matched %v", i, h.ID, got[i], h.MatchedWords)
			}
			if got[i] != "" {
				lacking++
			}
		}
		// Few notes have both words: the page is filled with notes that
		// lack one, and says so.
		if lacking == 0 {
			t.Errorf("no result of %q says which word it lacks", q)
		}
	})
}

// Point 8: the home page guides (examples, organisations and terms as
// chips); the zero-result state offers the correction, fewer words and
// removing the filters, one click each.
func TestPageHomeGuideAndZeroResults(t *testing.T) {
	s, _ := testServer(t)
	forEach(t, func(t *testing.T, sz size, js bool) {
		ctx := tab(t, sz, js)
		open(t, ctx, s.URL+"/", js)
		for _, sel := range []string{".guide .chip-list:first-of-type .chip", ".guide-orgs .chip", ".guide-terms .chip"} {
			if n := eval[int](t, ctx, `document.querySelectorAll(`+jsString(sel)+`).length`); n < 3 {
				t.Errorf("home: %d chips %s", n, sel)
			}
		}
		org := evalString(t, ctx, `document.querySelector('.guide-orgs .chip').textContent`)
		run(t, ctx, stillClick(`.guide-orgs .chip`))
		waitJS(t, ctx, `new URLSearchParams(location.search).get('organisation') === `+jsString(org)+` && document.querySelectorAll('.hits .hit').length > 0`)
		open(t, ctx, s.URL+"/", js)
		ex := evalString(t, ctx, `document.querySelector('.guide .chip').textContent`)
		run(t, ctx, stillClick(`.guide .chip`))
		waitJS(t, ctx, `new URLSearchParams(location.search).get('q') === `+jsString(ex)+` && document.querySelectorAll('.hits .hit').length > 0`)

		for _, c := range []struct{ path, link, want string }{
			{"/?q=lpgemrnt", ".try-suggest", "?q=logement"}, // two neighbouring keys: beyond the typo budget of 8 letters, within the correction's
			{"/?q=" + url.QueryEscape(`"logement xylophonezzz"`), ".try-fewer", "?q=logement+xylophonezzz"},
			{"/?q=logement&published_before=1900-01-01&type=organisation", ".try-clear", "?q=logement"},
		} {
			open(t, ctx, s.URL+c.path, js)
			if !eval[bool](t, ctx, `!!document.querySelector('#res .empty')`) {
				t.Errorf("%s: no empty state", c.path)
				continue
			}
			run(t, ctx, stillClick(c.link))
			waitJS(t, ctx, `location.search === `+jsString(c.want)+` && document.querySelectorAll('.hits .hit').length > 0 && !document.querySelector('#res .empty')`)
		}
	})
}

// Point 9: French whatever the browser says; English only by the link; the
// English empty state says the notes are in French and offers French words.
func TestPageLanguage(t *testing.T) {
	s, _ := testServer(t)
	forEach(t, func(t *testing.T, sz size, js bool) {
		ctx := tab(t, sz, js)
		call(t, ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": "en-US,en;q=0.9"}})
		open(t, ctx, s.URL+"/?q=logement", js)
		if lang := evalString(t, ctx, `document.documentElement.lang`); lang != "fr-CA" {
			t.Errorf("en-US browser: page in %s", lang)
		}
		run(t, ctx, stillClick(`a[hreflang=en]`))
		waitJS(t, ctx, `document.documentElement.lang === 'en-CA' && location.search.includes('lang=en')`)
		open(t, ctx, s.URL+"/?q=housing&lang=en", js)
		if got := evalString(t, ctx, `(document.querySelector('.empty .french')||{}).textContent || ''`); !strings.Contains(got, "written in French") {
			t.Errorf("English empty state: %q", got)
		}
		if strings.Contains(evalString(t, ctx, `document.querySelector('.empty').textContent`), "Did you mean") {
			t.Error("suggests the English word again")
		}
		run(t, ctx, stillClick(`.empty .chip`))
		waitJS(t, ctx, `new URLSearchParams(location.search).get('q') === 'logement' && new URLSearchParams(location.search).get('lang') === 'en' && document.querySelectorAll('.hits .hit').length > 0`)
	})
}

// Point 10: « Aller aux résultats », tap targets of at least 24 px, the
// autocomplete without duplicates and keeping the typed words, and the
// phone header on one line.
func TestPageKeyboardAndTouch(t *testing.T) {
	s, _ := testServer(t)
	forEach(t, func(t *testing.T, sz size, js bool) {
		ctx := tab(t, sz, js)
		open(t, ctx, s.URL+"/?q=financement&organisation=TIESS", js)
		run(t, ctx, chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Tab))
		if got := evalString(t, ctx, `document.activeElement.textContent`); got != "Aller aux résultats" {
			t.Fatalf("second Tab stop %q, want « Aller aux résultats »", got)
		}
		// The jump is a navigation to #res (it fires popstate, which once
		// re-rendered the results under the focus and dropped it to <body>);
		// wait for it, then wait a little longer than a re-render takes.
		run(t, ctx, chromedp.KeyEvent(kb.Enter))
		waitJS(t, ctx, `location.hash === '#res' && document.activeElement === document.getElementById('res')`)
		run(t, ctx, chromedp.KeyEvent(kb.Tab))
		run(t, ctx, chromedp.Sleep(300*time.Millisecond))
		if !eval[bool](t, ctx, `!!document.activeElement.closest('#res')`) {
			t.Errorf("after « Aller aux résultats », Tab goes to %s", evalString(t, ctx, `document.activeElement.outerHTML.slice(0, 80)`))
		}
		// Tap targets: every control of the page, at least 24 × 24 px (links
		// inside sentences and lists of comma-separated facts are excepted).
		// The last: a long word without spaces, which found nothing and
		// widened the phone's page (1,143 px at 320).
		for _, path := range []string{"/?q=financement&organisation=TIESS", "/organisations", "/", "/?q=" + strings.Repeat("anticonstitutionnellement", 4)} {
			open(t, ctx, s.URL+path, js)
			if sz == phone {
				run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('details').forEach(d => d.open = true)`))
			}
			small := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('main input, main select, main button, main summary, .values a, .values label, .chip, .clear, .pages a, .az a, .entries a, .top nav a, .skip')).filter(function(el){
				var b = el.getBoundingClientRect(), cs = getComputedStyle(el);
				if (!b.width || cs.visibility === 'hidden' || el.classList.contains('skip') || el.closest('[hidden]')) return false;
				if (el.type === 'hidden') return false;
				return b.height < 24 || b.width < 24;
			}).map(el => el.tagName + '.' + el.className + ' ' + (el.textContent || el.id).trim().slice(0, 30) + ' ' + Math.round(el.getBoundingClientRect().width) + '×' + Math.round(el.getBoundingClientRect().height))`)
			for _, x := range small {
				t.Errorf("%s: tap target under 24 px: %s", path, x)
			}
			if eval[bool](t, ctx, `document.documentElement.scrollWidth > innerWidth`) {
				t.Errorf("%s scrolls sideways", path)
			}
		}
		if sz == phone {
			open(t, ctx, s.URL+"/", js)
			h := eval[float64](t, ctx, `document.querySelector('.top').getBoundingClientRect().height`)
			same := eval[bool](t, ctx, `Math.abs(document.querySelector('.brand').getBoundingClientRect().top - document.querySelector('.top nav a').getBoundingClientRect().top) < 16`)
			if h > 64 || !same {
				t.Errorf("phone header on more than one line (%v px)", h)
			}
			if eval[bool](t, ctx, `(function(){ var n = document.querySelector('.top nav'); return n.scrollWidth > n.clientWidth })()`) {
				t.Error("the phone header's links do not all fit")
			}
			if eval[bool](t, ctx, `document.documentElement.scrollWidth > innerWidth`) {
				t.Error("the phone page scrolls sideways")
			}
		}
		if !js {
			return
		}
		// Autocomplete: an organisation is listed once; choosing it keeps the other words.
		open(t, ctx, s.URL+"/", js)
		// The list closes when the typed words' results arrive: they are
		// slowed down so that it is still open when looked at and clicked.
		slowPages(t, ctx, 1500)
		run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), "tie"))
		waitJS(t, ctx, `!document.getElementById('q-list').hidden`)
		n := eval[int](t, ctx, `Array.from(document.querySelectorAll('#q-list [role=option]')).filter(o => o.dataset.value === 'Tiers-lieu La Forge de Baie-Saint-Paul').length`)
		if n != 1 {
			t.Errorf("the organisation is offered %d times", n)
		}
		eval[bool](t, ctx, `(document.getElementById('q').value = '', true)`)
		run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), "logement TIE"))
		waitJS(t, ctx, `document.getElementById('q-list').dataset.for === 'logement TIE' && !!document.querySelector('#q-list [data-kind=organisations][data-value=TIESS]')`)
		// The page's answers are slowed down, as on a loaded server: the
		// typing's search, still waiting when the suggestion is chosen,
		// once ran after the choice and replaced it (seen in CI).
		run(t, ctx, chromedp.Evaluate[chromedp.Void](`(function(){ var f = window.fetch; window.fetch = function(u, o){ return new Promise(function(r){ setTimeout(r, 800); }).then(function(){ return f(u, o); }); }; })()`))
		run(t, ctx, stillClick(`#q-list [data-kind=organisations][data-value=TIESS]`))
		run(t, ctx, chromedp.Sleep(400*time.Millisecond))
		waitJS(t, ctx, `new URLSearchParams(location.search).get('organisation') === 'TIESS' && new URLSearchParams(location.search).get('q') === 'logement' && document.getElementById('q').value === 'logement' && `+settled)
	})
}

// Point 11: the note page has one list of related notes with reasons in
// sentences, « Copier le lien » and a print style.
func TestPageNote(t *testing.T) {
	s, _ := testServer(t)
	// A note that links to another one, so both kinds of related notes show.
	var id string
	for _, line := range bytes.Split(trouvaille.DemoNotes, []byte("\n")) {
		var n trouvaille.Note
		if jsonUnmarshal(string(line), &n) == nil && n.Public() && len(n.Links) > 0 {
			id = n.ID
			break
		}
	}
	if id == "" {
		t.Fatal("no demo note with links")
	}
	forEach(t, func(t *testing.T, sz size, js bool) {
		ctx := tab(t, sz, js)
		open(t, ctx, s.URL+"/n/"+id, js)
		if n := eval[int](t, ctx, `document.querySelectorAll('section.related').length`); n != 1 {
			t.Errorf("%d related sections, want one", n)
		}
		if strings.Contains(evalString(t, ctx, `document.body.textContent`), "Notes liées") {
			t.Error("« Notes liées » still shown")
		}
		for _, r := range eval[[]string](t, ctx, `Array.from(document.querySelectorAll('.related .why')).map(w => w.textContent)`) {
			if !regexp.MustCompile(`^\p{Lu}[^.]*(\.)( \p{Lu}[^.]*\.)*$`).MatchString(r) {
				t.Errorf("reason not in sentences: %q", r)
			}
		}
		if !strings.Contains(strings.Join(eval[[]string](t, ctx, `Array.from(document.querySelectorAll('.related .why')).map(w => w.textContent)`), " "), "La note que vous lisez y renvoie.") {
			t.Error("the linked note's reason is missing")
		}
		visible := eval[bool](t, ctx, `document.getElementById('copy-link').getBoundingClientRect().height > 0`)
		if visible != js {
			t.Errorf("« Copier le lien » visible=%v with JavaScript %v", visible, js)
		}
		if js {
			run(t, ctx, stillClick("#copy-link"))
			waitJS(t, ctx, `document.getElementById('copy-status').textContent !== ''`)
			if got := evalString(t, ctx, `document.getElementById('copy-status').textContent`); got != "Lien copié." {
				t.Errorf("copy: %q", got)
			}
		}
		call(t, ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		if eval[bool](t, ctx, `getComputedStyle(document.querySelector('.top')).display !== 'none' || getComputedStyle(document.querySelector('.note')).display === 'none'`) {
			t.Error("print style: header printed or note hidden")
		}
		call(t, ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
	})
}

// Point 12: the browse pages list every value with its count.
func TestPageBrowseListsEverything(t *testing.T) {
	s, eng := testServer(t)
	for path, facet := range map[string]string{"/organisations": "organisations", "/carnets": "carnets", "/termes": "terms"} {
		all, err := eng.FacetValues(context.Background(), facet)
		if err != nil {
			t.Fatal(err)
		}
		_, _, body := fetch(t, s.URL+path)
		if n := strings.Count(body, `<span class="n">`); n != len(all) {
			t.Errorf("%s lists %d values of %d", path, n, len(all))
		}
	}
	// Over 100 organisations (the old cap), and one letter per page past browseOnePage.
	dir := t.TempDir()
	big, err := trouvaille.Open(dir, trouvaille.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer big.Close()
	var buf bytes.Buffer
	const orgs = 260
	for i := 0; i < orgs; i++ {
		fmt.Fprintf(&buf, `{"id":"n%03d","title":"Note %d","body":"logement","organisations":["%c organisme %03d"],"visibility":"public"}`+"\n", i, i, 'A'+i%26, i)
	}
	// One name starting with a digit: it sorts first, under « # ».
	fmt.Fprintf(&buf, `{"id":"n999","title":"Note 999","body":"logement","organisations":["123 Solidarité"],"visibility":"public"}`+"\n")
	if _, err := (&trouvaille.Ingester{Engine: big}).Ingest(&buf, "big.jsonl"); err != nil {
		t.Fatal(err)
	}
	bs := httptest.NewServer(api.New(big, api.Config{}, Routes(big, WithLogf(t.Logf))))
	defer bs.Close()
	_, _, body := fetch(t, bs.URL+"/organisations")
	if n := strings.Count(body, `<span class="n">`); n != orgs+1 || !strings.Contains(body, "261 organisations au total") {
		t.Errorf("/organisations lists %d of %d organisations", n, orgs+1)
	}
	old := browseOnePage
	browseOnePage = 100
	defer func() { browseOnePage = old }()
	seen := 0
	for _, l := range "ABCDEFGHIJKLMNOPQRSTUVWXYZ" {
		_, _, body := fetch(t, bs.URL+"/organisations?lettre="+string(l))
		seen += strings.Count(body, `<span class="n">`)
		if !strings.Contains(body, `href="/organisations?lettre=`+strings.ToLower(string(l))+`" aria-current="page">`) {
			t.Errorf("?lettre=%c is not the current letter", l)
		}
	}
	if seen != orgs {
		t.Errorf("the letter pages list %d of %d organisations", seen, orgs)
	}
	// Without ?lettre=, the first page is A, not « # » where the digit sorts.
	if _, _, body := fetch(t, bs.URL+"/organisations"); !strings.Contains(body, `href="/organisations?lettre=a" aria-current="page">`) {
		t.Errorf("/organisations does not open on A")
	}
	if _, _, body := fetch(t, bs.URL+"/organisations?lettre=autres"); !strings.Contains(body, "123 Solidarité") {
		t.Errorf("?lettre=autres does not list the name starting with a digit")
	}
	// In a browser, both sizes, JavaScript on and off: the index leads to the letter.
	forEach(t, func(t *testing.T, sz size, js bool) {
		ctx := tab(t, sz, js)
		open(t, ctx, bs.URL+"/organisations", js)
		run(t, ctx, stillClick(`.az a[href$="lettre=q"]`))
		waitJS(t, ctx, `location.search === '?lettre=q' && document.querySelectorAll('.entries li').length === 10 && Array.from(document.querySelectorAll('.entries a')).every(a => a.textContent.startsWith('Q'))`)
	})
}

// Accessibility (axe-core) on every page, JavaScript on and off, and the
// screenshots of the README.
func TestPageAxeAndScreenshots(t *testing.T) {
	s, eng := testServer(t)
	axe, err := os.ReadFile(filepath.Join("e2e", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		needOrSkip(t, "axe-core not installed: run npm ci --prefix web/e2e")
	}
	res, err := eng.Search(context.Background(), trouvaille.Scope{}, requestFor("financement"))
	if err != nil || len(res.Hits) == 0 {
		t.Fatal("no note", err)
	}
	dir := screenshotDir(t)
	pages := []struct{ name, path string }{
		{"accueil", "/"},
		{"resultats", "/?q=financement&organisation=TIESS"},
		{"entite", "/?q=logement+abordable"},
		{"correction", "/?q=finacement"},
		{"vide", "/?q=lpgemrnt&type=organisation"},
		{"anglais", "/?q=housing&lang=en"},
		{"note", "/n/" + res.Hits[0].ID},
		{"aide", "/aide"},
		{"organisations", "/organisations"},
		{"carnets", "/carnets?lang=en"},
		{"termes", "/termes"},
		{"introuvable", "/nulle-part"},
	}
	forEach(t, func(t *testing.T, sz size, js bool) {
		ctx := tab(t, sz, js)
		for _, p := range pages {
			open(t, ctx, s.URL+p.path, js)
			axeOn(t, ctx, axe, js, fmt.Sprintf("%s %s %s", sz.name, jsName(js), p.path))
			if p.name == "accueil" || p.name == "resultats" || p.name == "note" {
				screenshot(t, ctx, dir, fmt.Sprintf("%s-%s-%s", p.name, sz.name, jsName(js)))
			}
		}
		if sz == phone {
			open(t, ctx, s.URL+"/?q=financement&organisation=TIESS", js)
			run(t, ctx, stillClick(`#filtres-d > summary`))
			waitJS(t, ctx, `document.getElementById('filtres-d').open`)
			axeOn(t, ctx, axe, js, "telephone filters open "+jsName(js))
			screenshot(t, ctx, dir, "filtres-telephone-"+jsName(js))
		}
	})
}

// axeOn runs axe-core on the page as it is. Without JavaScript the page was
// loaded with scripts off (so app.js never ran); scripts are turned back on
// only for axe's own run, which needs timers.
func axeOn(t *testing.T, ctx context.Context, axe []byte, js bool, where string) {
	t.Helper()
	if !js {
		call(t, ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
		defer call(t, ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		if eval[bool](t, ctx, `document.documentElement.classList.contains('js')`) {
			t.Fatalf("%s: the script ran", where)
		}
	}
	checkAxe(t, ctx, axe, where)
}

// TestSmallPhoneHeaderShowsEveryLink: at 360 px (a small phone) the header's
// links did not fit on one line, and « English » was cut, reachable only by
// scrolling the menu sideways, which nobody does. Below 24rem they wrap.
func TestSmallPhoneHeaderShowsEveryLink(t *testing.T) {
	s, _ := testServer(t)
	ctx := tab(t, size{"petit-telephone", 360, 740}, false)
	open(t, ctx, s.URL+"/", false)
	if eval[bool](t, ctx, `(function(){ var n = document.querySelector('.top nav'); return n.scrollWidth > n.clientWidth })()`) {
		t.Error("the header's links do not all fit at 360 px")
	}
	if eval[bool](t, ctx, `Array.from(document.querySelectorAll('.top nav a')).some(a => a.getBoundingClientRect().right > innerWidth)`) {
		t.Error("a header link is cut at 360 px")
	}
}
