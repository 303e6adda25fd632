package web

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// slowPages makes the page's own search answers (HTML, not the
// suggestions) arrive ms later, as on a loaded server: the suggestions of
// the typed words then always come before their results.
func slowPages(t *testing.T, ctx context.Context, ms int) {
	t.Helper()
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`(function(){
		var f = window.__fetch || window.fetch; window.__fetch = f;
		window.fetch = function(u, o){
			if (!(o && o.headers && o.headers.Accept === 'text/html')) return f(u, o);
			return new Promise(function(r){ setTimeout(r, `+strconv.Itoa(ms)+`); }).then(function(){ return f(u, o); });
		};
	})()`))
}

// pressEnter presses Enter as a keyboard does: one key down that carries
// its text, so that the page's preventDefault on keydown also stops the
// keypress (and the form's implicit submission). chromedp.KeyEvent sends
// the text as a separate char event, which no keydown handler can stop.
func pressEnter(t *testing.T, ctx context.Context) {
	t.Helper()
	key := input.DispatchKeyEventParams{Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}
	down, up := key, key
	down.Type, down.Text, down.UnmodifiedText = input.DispatchKeyEventTypeKeyDown, "\r", "\r"
	up.Type = input.DispatchKeyEventTypeKeyUp
	call(t, ctx, input.DispatchKeyEvent, down)
	call(t, ctx, input.DispatchKeyEvent, up)
}

// blankPoint is a place of the page, in the window, with nothing to press
// or type in: where a press closes the suggestion list.
func blankPoint(t *testing.T, ctx context.Context) (x, y float64) {
	t.Helper()
	waitStill(t, ctx)
	xy := eval[[]float64](t, ctx, `(function(){
		for (var y = 5; y < innerHeight; y += 10) for (var x = 5; x < innerWidth; x += 20) {
			var e = document.elementFromPoint(x, y);
			if (e && !e.closest('a, button, input, label, select, summary, details, .combo')) return [x, y];
		}
		return [] })()`)
	if len(xy) != 2 {
		t.Fatal("no blank place on the page")
	}
	return xy[0], xy[1]
}

// listState is the combobox as a screen reader and the eye see it.
const listState = `(function(){
	var q = document.getElementById('q'), l = document.getElementById('q-list');
	return (l.hidden ? 'fermée' : 'ouverte') + '|' + q.getAttribute('aria-expanded') + '|' + (q.getAttribute('aria-activedescendant') || '') })()`

// firstResultCovered says what covers the first result's title, scrolled
// to the middle of the window at once (not smoothly): "" when nothing does.
func firstResultCovered(t *testing.T, ctx context.Context) string {
	t.Helper()
	return evalString(t, ctx, `(function(){
		var a = document.querySelector('.hits .hit .hit-title a'); a.scrollIntoView({block: 'center', behavior: 'instant'});
		var b = a.getBoundingClientRect(), e = document.elementFromPoint(b.left + Math.min(b.width / 2, 40), b.top + b.height / 2);
		return e && a.contains(e) ? '' : (e ? e.tagName + '#' + e.id + '.' + e.className : 'nothing') })()`)
}

// resultsFor: the page shows the results of the words q (the URL changes
// when the search starts, aria-busy goes when its results are in).
func resultsFor(q string) string {
	return `new URLSearchParams(location.search).get('q') === ` + jsString(q) + ` && ` + settled
}

// The suggestion list does not stay over the results typed words bring:
// it closes once they are in and the typing has paused (unless the person
// is moving in it with the arrow keys or the mouse: then when the mouse
// leaves it), on Escape,
// on a press elsewhere and when the search is sent; ↓ opens it again and
// Enter chooses an option; aria-expanded and aria-activedescendant follow.
func TestPageSuggestionsLeaveResultsVisible(t *testing.T) {
	s, _ := testServer(t)
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			ctx := tab(t, sz, true)
			open(t, ctx, s.URL+"/", true)
			state := func() string { t.Helper(); return evalString(t, ctx, listState) }
			slowPages(t, ctx, 700)

			// While typing, the list opens (the results are not in yet)…
			run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), "logement"))
			waitJS(t, ctx, `!document.getElementById('q-list').hidden && document.getElementById('q-list').dataset.for === 'logement'`)
			if got := state(); got != "ouverte|true|" {
				t.Errorf("list while typing: %s", got)
			}
			// …and closes once they are in and the typing has paused
			// (PAUSE, 1.2 s, in app.js); a late suggestion does not open
			// it again.
			waitJS(t, ctx, resultsFor("logement")+` && document.querySelectorAll('.hits .hit').length > 0`)
			waitJS(t, ctx, `document.getElementById('q-list').hidden`)
			run(t, ctx, chromedp.Sleep(400*time.Millisecond))
			if got := state(); got != "fermée|false|" {
				t.Errorf("list once the results are in: %s, want it closed", got)
			}
			if covered := firstResultCovered(t, ctx); covered != "" {
				t.Errorf("the first result is covered by %s", covered)
			}
			if got := evalString(t, ctx, `document.activeElement.id`); got != "q" {
				t.Errorf("focus left the search box for %q", got)
			}

			// ↓ opens the list again on its first option; Escape closes it
			// and keeps the words.
			run(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
			if got, first := state(), evalString(t, ctx, `document.querySelector('#q-list [role=option]').id`); got != "ouverte|true|"+first {
				t.Errorf("after ↓: %s, want the list open on %s", got, first)
			}
			if !eval[bool](t, ctx, `document.querySelector('#q-list [role=option]').getAttribute('aria-selected') === 'true'`) {
				t.Error("after ↓, the first option is not selected")
			}
			run(t, ctx, chromedp.KeyEvent(kb.Escape))
			if got := state(); got != "fermée|false|" {
				t.Errorf("after Escape: %s", got)
			}
			if got := evalString(t, ctx, `document.getElementById('q').value`); got != "logement" {
				t.Errorf("Escape changed the words to %q", got)
			}

			// A click in the box opens the list with nothing chosen; ↑ then
			// goes to the last option (it went to the one before it).
			// The click waits for the page to stop scrolling: ↓ brought
			// the first option into view smoothly, and a click during that
			// scroll pressed the box and released over the button beside
			// it, so that neither got it (1 run in 3 to 10; see still).
			// Where the press, the release and the click land, and what
			// the list holds then, are recorded for a failure's message.
			eval[bool](t, ctx, clickProbe)
			run(t, ctx, stillClick("#q"))
			waitListAfterClick(t, ctx)
			if got := state(); got != "ouverte|true|" {
				t.Errorf("after a click in the box: %s, want the list open with nothing chosen", got)
			}
			run(t, ctx, chromedp.KeyEvent(kb.ArrowUp))
			if got, last := state(), evalString(t, ctx, `[...document.querySelectorAll('#q-list [role=option]')].pop().id`); got != "ouverte|true|"+last {
				t.Errorf("click, then ↑: %s, want the list open on its last option %s", got, last)
			}
			run(t, ctx, chromedp.KeyEvent(kb.Escape))

			// With the pointer over the list, the results do not close it;
			// it closes when the pointer leaves it.
			slowPages(t, ctx, 1500)
			run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), "s"))
			waitJS(t, ctx, `!document.getElementById('q-list').hidden && document.getElementById('q-list').dataset.for === 'logements'`)
			o := eval[[]float64](t, ctx, `(function(){ var b = document.querySelector('#q-list [role=option]').getBoundingClientRect(); return [b.left + 10, b.top + b.height / 2] })()`)
			run(t, ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, o[0], o[1]))
			waitJS(t, ctx, resultsFor("logements"))
			if got := state(); got != "ouverte|true|" {
				t.Errorf("results arrived under the pointer: %s, want the list still open", got)
			}
			x, y := blankPoint(t, ctx)
			run(t, ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y))
			if got := state(); got != "fermée|false|" {
				t.Errorf("the pointer left the list: %s, want it closed", got)
			}
			run(t, ctx, chromedp.KeyEvent(kb.Backspace))
			waitJS(t, ctx, resultsFor("logement")+` && document.getElementById('q-list').hidden`)

			// Moving in the list with the keyboard keeps it open when the
			// results arrive; Enter chooses the option.
			slowPages(t, ctx, 1500)
			run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), " TIE"))
			const tiess = `#q-list [data-kind=organisations][data-value=TIESS]`
			waitJS(t, ctx, `document.getElementById('q-list').dataset.for === 'logement TIE' && !document.getElementById('q-list').hidden && !!document.querySelector('`+tiess+`')`)
			n := eval[int](t, ctx, `Array.from(document.querySelectorAll('#q-list [role=option]')).indexOf(document.querySelector('`+tiess+`'))`)
			for i := 0; i <= n; i++ {
				run(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
			}
			id := evalString(t, ctx, `document.querySelector('`+tiess+`').id`)
			waitJS(t, ctx, resultsFor("logement TIE"))
			if got := state(); got != "ouverte|true|"+id {
				t.Errorf("results arrived while choosing: %s, want the list still open on %s", got, id)
			}
			pressEnter(t, ctx)
			waitJS(t, ctx, `new URLSearchParams(location.search).get('organisation') === 'TIESS' && new URLSearchParams(location.search).get('q') === 'logement' && document.getElementById('q').value === 'logement' && `+settled)
			if got := state(); got != "fermée|false|" {
				t.Errorf("after choosing: %s", got)
			}

			// Sending the search closes the list, for good.
			slowPages(t, ctx, 700)
			run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), "s"))
			waitJS(t, ctx, `!document.getElementById('q-list').hidden && document.getElementById('q-list').dataset.for === 'logements'`)
			pressEnter(t, ctx)
			if got := state(); got != "fermée|false|" {
				t.Errorf("after Enter: %s", got)
			}
			waitJS(t, ctx, resultsFor("logements"))
			run(t, ctx, chromedp.Sleep(400*time.Millisecond))
			if got := state(); got != "fermée|false|" {
				t.Errorf("after Enter, once the results are in: %s", got)
			}

			// ↓ asks for the suggestions again; a press elsewhere closes them.
			run(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
			waitJS(t, ctx, `!document.getElementById('q-list').hidden`)
			if got := state(); !strings.HasPrefix(got, "ouverte|true|") {
				t.Errorf("after ↓ again: %s", got)
			}
			x, y = blankPoint(t, ctx)
			run(t, ctx, chromedp.MouseClickXY(x, y))
			if got := state(); got != "fermée|false|" {
				t.Errorf("after a click elsewhere: %s", got)
			}
		})
	}
}

// touchTab is a phone (390 × 844) with a touch screen.
func touchTab(t *testing.T) context.Context {
	t.Helper()
	ctx := tab(t, phone, true)
	call(t, ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 5})
	return ctx
}

// tap touches the screen at x, y and lifts the finger, as a person does:
// the browser makes the pointer, touch and compatibility mouse events,
// and the click, of a real tap.
func tap(t *testing.T, ctx context.Context, x, y float64) {
	t.Helper()
	call(t, ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchStart, TouchPoints: []*input.TouchPoint{{X: x, Y: y}}})
	time.Sleep(80 * time.Millisecond)
	call(t, ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{}})
}

// tapOn taps the middle of the element sel (a CSS selector), scrolled into
// view in its list first (at once, not smoothly), once the page has
// stopped scrolling.
func tapOn(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	eval[bool](t, ctx, `(function(){ var e = document.querySelector(`+jsString(sel)+`); if (e) e.scrollIntoView({block: 'nearest', behavior: 'instant'}); return true })()`)
	waitStill(t, ctx)
	xy := eval[[]float64](t, ctx, `(function(){ var e = document.querySelector(`+jsString(sel)+`); if (!e) return [];
		var b = e.getBoundingClientRect(); return [b.left + Math.min(b.width / 2, 60), b.top + b.height / 2] })()`)
	if len(xy) != 2 {
		t.Fatalf("nothing to tap at %s", sel)
	}
	tap(t, ctx, xy[0], xy[1])
}

// A tap on an option chooses that option, also once the results are in
// and the list was opened again by a tap in the box. The list used to
// close as the finger lifted (a finger fires pointerleave then, taken for
// the pointer leaving the list), and the click that follows landed on
// what was under it: a result's organisation, or the form.
func TestPageSuggestionTapChooses(t *testing.T) {
	s, _ := testServer(t)
	const carnet = "Se loger dignement : carnet logement"
	for _, c := range []struct{ name, option, want string }{
		{"carnet", `#q-list [role=option][data-kind=carnets][data-value="` + carnet + `"]`,
			`location.pathname === '/' && new URLSearchParams(location.search).get('carnet') === ` + jsString(carnet) + ` && !new URLSearchParams(location.search).has('organisation') && ` + settled},
		{"premiere", `#q-list [role=option]`, `location.pathname.indexOf('/n/') === 0`},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := touchTab(t)
			open(t, ctx, s.URL+"/", true)
			if !eval[bool](t, ctx, `navigator.maxTouchPoints > 0 && matchMedia('(pointer: coarse)').matches`) {
				t.Fatal("the tab is not a touch screen")
			}
			tapOn(t, ctx, "#q")
			waitJS(t, ctx, `document.activeElement.id === 'q'`)
			run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), "logement"))
			waitJS(t, ctx, resultsFor("logement")+` && document.querySelectorAll('.hits .hit').length > 0 && document.getElementById('q-list').hidden`)
			// A tap in the box (on the carnet's turn, on its « Suggestions ▾ »)
			// shows the list again, and it stays.
			if c.name == "carnet" {
				tapOn(t, ctx, "#q-back")
			} else {
				tapOn(t, ctx, "#q")
			}
			waitJS(t, ctx, `!document.getElementById('q-list').hidden`)
			run(t, ctx, chromedp.Sleep(1500*time.Millisecond))
			if got := evalString(t, ctx, listState); got != "ouverte|true|" {
				t.Fatalf("after a tap in the box: %s, want the list open", got)
			}
			if c.name == "carnet" {
				if n := eval[int](t, ctx, `Array.from(document.querySelectorAll('#q-list [role=option]')).indexOf(document.querySelector(`+jsString(c.option)+`))`); n < 1 {
					t.Fatalf("the carnet is option %d", n)
				}
			}
			want := eval[string](t, ctx, `document.querySelector(`+jsString(c.option)+`).dataset.value`)
			tapOn(t, ctx, c.option)
			waitJS(t, ctx, c.want)
			if c.name == "premiere" {
				if got := evalString(t, ctx, `document.title`); !strings.Contains(got, want) {
					t.Errorf("the tap opened %q, want the note « %s »", got, want)
				}
			}
		})
	}
}

// A page opened on ?q=… (a shared link, a reload) has no options yet: a
// tap in the box asks for them and shows them (a phone has no ↓).
func TestPageSuggestionsOnTapAfterLanding(t *testing.T) {
	s, _ := testServer(t)
	ctx := touchTab(t)
	open(t, ctx, s.URL+"/?q=logement", true)
	waitJS(t, ctx, `document.querySelectorAll('.hits .hit').length > 0 && document.getElementById('q-list').hidden`)
	tapOn(t, ctx, "#q")
	waitJS(t, ctx, `!document.getElementById('q-list').hidden && document.querySelectorAll('#q-list [role=option]').length > 0`)
	if got := evalString(t, ctx, listState); got != "ouverte|true|" {
		t.Errorf("after a tap in the box: %s, want the list open", got)
	}
}

// A person who types slowly (a key every 450 ms, on a phone, the results
// of « lo », « log »… arriving between keys) sees the list stay open
// while typing, not show and hide at each key; once the typing has paused,
// it closes and leaves the first result visible. While an excluded word
// is typed (-comi), the list proposes nothing.
func TestPageSuggestionsCalmWhileTyping(t *testing.T) {
	s, _ := testServer(t)
	for _, touch := range []bool{false, true} {
		t.Run(map[bool]string{false: "telephone", true: "telephone-tactile"}[touch], func(t *testing.T) {
			var ctx context.Context
			if touch {
				ctx = touchTab(t)
			} else {
				ctx = tab(t, phone, true)
			}
			open(t, ctx, s.URL+"/", true)
			run(t, ctx, chromedp.Evaluate[chromedp.Void](`(function(){
				var l = document.getElementById('q-list'), res = document.getElementById('res'), t0 = performance.now(), was = l.hidden;
				window.__list = []; window.__renders = [];
				new MutationObserver(function(){
					if (l.hidden === was) return;
					was = l.hidden;
					window.__list.push({v: was ? 'hide' : 'show', at: Math.round(performance.now() - t0), q: document.getElementById('q').value});
				}).observe(l, {attributes: true, attributeFilter: ['hidden']});
				new MutationObserver(function(){ window.__renders.push(document.getElementById('q').value); }).observe(res, {childList: true});
			})()`))
			if touch {
				tapOn(t, ctx, "#q")
			} else {
				run(t, ctx, stillClick("#q"))
			}
			for _, r := range "logement" {
				run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), string(r)))
				time.Sleep(450 * time.Millisecond)
			}
			type change struct {
				V  string  `json:"v"`
				At float64 `json:"at"`
				Q  string  `json:"q"`
			}
			typing := eval[[]change](t, ctx, `window.__list`)
			renders := eval[[]string](t, ctx, `window.__renders`)
			// The point of the test: results did arrive while typing.
			if len(renders) < 3 {
				t.Fatalf("only %d renderings of results while typing (%q): the test proves nothing", len(renders), renders)
			}
			if len(typing) == 0 || typing[0].V != "show" {
				t.Fatalf("the list did not open while typing: %+v", typing)
			}
			hides := 0
			for _, c := range typing {
				if c.V == "hide" {
					hides++
				}
			}
			if hides > 0 {
				t.Errorf("while typing a key every 450 ms the list hid %d times: %+v", hides, typing)
			}
			// Typing stopped: it closes, once, and leaves the results visible.
			waitJS(t, ctx, resultsFor("logement")+` && document.getElementById('q-list').hidden`)
			run(t, ctx, chromedp.Sleep(600*time.Millisecond))
			all := eval[[]change](t, ctx, `window.__list`)
			hides = 0
			for _, c := range all {
				if c.V == "hide" {
					hides++
				}
			}
			if hides != 1 || all[len(all)-1].V != "hide" {
				t.Errorf("list changes %+v, want it shown once and hidden once", all)
			}
			if got := evalString(t, ctx, listState); got != "fermée|false|" {
				t.Errorf("once the typing paused: %s", got)
			}
			if covered := firstResultCovered(t, ctx); covered != "" {
				t.Errorf("the first result is covered by %s", covered)
			}
			// The page says how to bring the list back, and ↓ does.
			if !eval[bool](t, ctx, `(function(){ var h = document.getElementById('q-back'); return !!h && !h.hidden && h.checkVisibility() && document.getElementById('q').getAttribute('aria-describedby').split(' ').indexOf('q-back') >= 0 })()`) {
				t.Error("no visible hint saying how to bring the suggestions back")
			}
			if axe, err := os.ReadFile(filepath.Join("e2e", "node_modules", "axe-core", "axe.min.js")); err == nil {
				axeOn(t, ctx, axe, true, "suggestions closed over the results, with their hint")
			}
			run(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
			if got := evalString(t, ctx, listState); !strings.HasPrefix(got, "ouverte|true|so-") {
				t.Errorf("after ↓: %s", got)
			}
			if eval[bool](t, ctx, `(function(){ var h = document.getElementById('q-back'); return !!h && !h.hidden })()`) {
				t.Error("the hint stays while the list is open")
			}
			run(t, ctx, chromedp.KeyEvent(kb.Escape))

			// An excluded word being typed gets no suggestion.
			run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), " -comi"))
			waitJS(t, ctx, resultsFor("logement -comi"))
			run(t, ctx, chromedp.Sleep(500*time.Millisecond))
			if got := evalString(t, ctx, listState+` + '|' + document.querySelectorAll('#q-list [role=option]').length`); got != "fermée|false||0" {
				t.Errorf("typing an excluded word: list %s, want it closed and empty", got)
			}
		})
	}
}

// While an excluded phrase is typed (-« saint jé, -"saint jé), the list
// proposes nothing at any key: the server has no completion for it, and
// the page then completed the last word alone (« jé »: « Jérôme Nadeau »
// as an author, notes on « jeunes »), an option that would filter for
// what is excluded.
func TestPageNoSuggestionInExcludedPhrase(t *testing.T) {
	s, _ := testServer(t)
	for _, typed := range []string{"logement -« saint jé", `logement -"saint jé`, "logement -“saint jérô"} {
		t.Run(typed, func(t *testing.T) {
			ctx := tab(t, phone, true)
			open(t, ctx, s.URL+"/", true)
			run(t, ctx, chromedp.Evaluate[chromedp.Void](`(function(){
				var l = document.getElementById('q-list'), q = document.getElementById('q'); window.__seen = [];
				new MutationObserver(function(){
					if (!l.hidden) l.querySelectorAll('[role=option]').forEach(function (o) { window.__seen.push({v: o.dataset.value, q: q.value}); });
				}).observe(l, {childList: true, subtree: true, attributes: true});
			})()`), chromedp.Focus(chromedp.ID("q")))
			for _, r := range typed {
				run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), string(r)))
				time.Sleep(60 * time.Millisecond)
			}
			waitJS(t, ctx, `document.getElementById('q').value === `+jsString(typed))
			run(t, ctx, chromedp.Sleep(900*time.Millisecond))
			// Only what the list shows once the phrase is begun: while
			// « logement » itself is typed (slowly, on a busy machine),
			// its completions (« Comité logement Les Pignons », « Loi 25 »
			// for « lo ») are the list's to show.
			if got := eval[[]string](t, ctx, `window.__seen.filter(function (s) { return /-\s*[«"“]/.test(s.q) && !/^log/i.test(s.v) }).map(function (s) { return s.q + ' → ' + s.v })`); len(got) > 0 {
				t.Errorf("options shown while typing %q: %q", typed, got)
			}
		})
	}
}

// clickProbe records, for each press, release and click on the page, its
// target, where it lands, the box's place and the page's scroll, and the
// list's state (hidden, options, words) at that moment, in window.__probe,
// with the list's state just before.
const clickProbe = `(function(){
  var l = document.getElementById('q-list'), q = document.getElementById('q');
  function st(){ return 'hidden=' + l.hidden + ' options=' + l.querySelectorAll('[role=option]').length + ' for=' + (l.dataset.for || '') + ' q=' + q.value + ' focus=' + (document.activeElement && document.activeElement.id); }
  window.__probe = ['before: ' + st()];
  ['pointerdown', 'pointerup', 'mouseup', 'click'].forEach(function(k){ document.addEventListener(k, function(e){ var t = e.target, b = q.getBoundingClientRect(); window.__probe.push(k + ' on ' + (t.id || t.tagName) + '.' + t.className + ' (' + (e.pointerType || '') + ') at ' + e.clientX + ',' + e.clientY + ' box top ' + b.top + ' scrollY ' + window.scrollY + ': ' + st()); }, true); });
  return true;
})()`

// waitListAfterClick waits for the list to open with options after a click
// in the box; on a timeout it reports what the probe saw (clickProbe) and
// what lies at the box's centre.
func waitListAfterClick(t *testing.T, ctx context.Context) {
	t.Helper()
	const open = `!document.getElementById('q-list').hidden && document.querySelectorAll('#q-list [role=option]').length > 0`
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](open)); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			probe, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__probe || []`))
			at, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){ var b = document.getElementById('q').getBoundingClientRect(), e = document.elementFromPoint(b.left + b.width/2, b.top + b.height/2); return (e ? (e.id || e.tagName) : 'nothing') + ' at the box centre, box ' + JSON.stringify(b) })()`))
			t.Fatalf("a click in the box did not open the list of options: %s; events: %q", at, probe)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
