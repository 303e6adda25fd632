package web

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

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

// resultsFor: the page shows the results of the words q (the URL changes
// when the search starts, aria-busy goes when its results are in).
func resultsFor(q string) string {
	return `new URLSearchParams(location.search).get('q') === ` + jsString(q) + ` && ` + settled
}

// The suggestion list does not stay over the results typed words bring:
// it closes when they arrive (unless the person is moving in it with the
// arrow keys or the pointer: then when the pointer leaves it), on Escape,
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
			// …and closes when they arrive; a late suggestion does not
			// open it again.
			waitJS(t, ctx, resultsFor("logement")+` && document.querySelectorAll('.hits .hit').length > 0`)
			run(t, ctx, chromedp.Sleep(400*time.Millisecond))
			if got := state(); got != "fermée|false|" {
				t.Errorf("list once the results are in: %s, want it closed", got)
			}
			covered := evalString(t, ctx, `(function(){
				var a = document.querySelector('.hits .hit .hit-title a'); a.scrollIntoView({block: 'center'});
				var b = a.getBoundingClientRect(), e = document.elementFromPoint(b.left + Math.min(b.width / 2, 40), b.top + b.height / 2);
				return e && a.contains(e) ? '' : (e ? e.tagName + '#' + e.id + '.' + e.className : 'nothing') })()`)
			if covered != "" {
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
