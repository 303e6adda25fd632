package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/encommun/trouvaille"
)

// The browser tests drive Debian's Chromium through chromedp. Without
// Chromium (or axe-core, for the accessibility check) they skip with a
// message, unless CI=true, where they fail: CI must install both
// (apt-get install chromium; npm ci --prefix web/e2e).

func needOrSkip(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (required when CI=true)", what)
	}
	t.Skip(what)
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	names := []string{"/usr/bin/chromium", "chromium", "chromium-browser"}
	if p := os.Getenv("TROUVAILLE_CHROMIUM"); p != "" {
		names = []string{p}
	}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	needOrSkip(t, "Chromium not found: apt-get install chromium (or set TROUVAILLE_CHROMIUM) to run the browser tests")
	return ""
}

// browser starts one headless Chromium for a test, at the given width, with
// French as the browser's language. It returns a tab's context.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	// On a loaded machine (every package's tests at once), Chromium has
	// been seen not to start within 45 s: a second try, logged, before
	// failing. A browser that never starts still fails the test.
	for try := 1; ; try++ {
		actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel2 := chromedp.NewContext(actx)
		ctx, cancel3 := context.WithTimeout(ctx, 45*time.Second)
		err := chromedp.Do(ctx)
		if err == nil {
			t.Cleanup(cancel)
			t.Cleanup(cancel2)
			t.Cleanup(cancel3)
			setupTab(t, ctx, width, height)
			return ctx
		}
		cancel3()
		cancel2()
		cancel()
		if try == 2 {
			t.Fatalf("start Chromium (twice): %v", err)
		}
		t.Logf("start Chromium: %v; trying once more", err)
	}
}

// setupTab gives a tab French as its language and the window's size.
func setupTab(t *testing.T, ctx context.Context, width, height int) {
	t.Helper()
	call(t, ctx, network.Enable, network.EnableParams{})
	call(t, ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": "fr-CA,fr;q=0.9"}})
	call(t, ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: int64(width), Height: int64(height), DeviceScaleFactor: 1, Mobile: width < 600})
}

func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// still waits until the page has stopped scrolling: three readings of its
// scroll position in a row, 60 ms apart, the same. The page scrolls
// smoothly (scroll-behavior: smooth in app.css) when an option of the list
// or a section is brought into view. A click sent during such a scroll
// presses one element and releases over another, and neither gets the
// click: seen in TestPageSuggestionsLeaveResultsVisible, the press on the
// search box, the release on the button beside it, the page 41 px further.
func still(ctx context.Context, tg *chromedp.Target) error {
	deadline := time.Now().Add(10 * time.Second)
	var last []float64
	same := 0
	for {
		pos, err := chromedp.Evaluate[[]float64](`[window.scrollX, window.scrollY]`)(ctx, tg)
		if err != nil {
			return err
		}
		if len(last) == 2 && len(pos) == 2 && pos[0] == last[0] && pos[1] == last[1] {
			if same++; same == 2 {
				return nil
			}
		} else {
			same = 0
		}
		last = pos
		if time.Now().After(deadline) {
			return fmt.Errorf("the page is still scrolling after 10 s (at %v)", pos)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(60 * time.Millisecond):
		}
	}
}

// stillClick clicks the middle of the first visible element matching the
// CSS selector sel once the page has stopped scrolling (see still), the
// element brought into view first as chromedp.Click does (centred if it
// has to move).
func stillClick(sel string) chromedp.Action[chromedp.Void] {
	wait := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if err := still(ctx, tg); err != nil {
			return fmt.Errorf("click %s: %w", sel, err)
		}
		return nil
	})
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(sel)),
		wait,
		chromedp.ScrollIntoView(chromedp.CSS(sel)),
		wait,
		chromedp.Click(chromedp.CSS(sel)),
	)
}

// waitStill waits until the page has stopped scrolling (see still).
func waitStill(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, chromedp.Func(still))
}

// call sends one protocol command to the tab.
func call[P, R any](t *testing.T, ctx context.Context, cmd cdp.Command[P, R], params P) R {
	t.Helper()
	r, err := chromedp.Call(ctx, cmd, params)
	if err != nil {
		t.Fatalf("%v: %v", cmd.Method, err)
	}
	return r
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitJS polls a JavaScript condition until it holds.
func waitJS(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + " | " + (document.getElementById("count")||{}).textContent`))
			t.Fatalf("timed out waiting for %s (page: %s)", cond, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func evalString(t *testing.T, ctx context.Context, expr string) string {
	t.Helper()
	return eval[string](t, ctx, expr)
}

const jsHitIDs = `Array.from(document.querySelectorAll('.hits .hit-title a')).map(a => a.getAttribute('href').replace(/^\/n\//, '').replace(/\?.*$/, ''))`

func hitsInPage(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return eval[[]string](t, ctx, jsHitIDs)
}

// screenshotDir is where the tests write their screenshots:
// $TROUVAILLE_SCREENSHOTS (e.g. docs/screenshots) or a temp folder.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("TROUVAILLE_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s (%d KB)", p, len(buf)/1024)
}

// TestBrowserSearch: a typo finds the right note first, as you type; a
// facet narrows the results and updates the URL; the chip removes it; the
// no-JavaScript rendering of the same URL shows the same results; back works.
func TestBrowserSearch(t *testing.T) {
	s, _ := testServer(t)
	ctx := browser(t, 1280, 900)
	const query = "cooperatve habitation"
	want := grade2(t, query)

	run(t, ctx, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("q")))
	waitJS(t, ctx, `document.documentElement.classList.contains('js')`)
	run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), query))
	// Results as you type: no Enter pressed.
	waitJS(t, ctx, `new URLSearchParams(location.search).get('q') === `+jsString(query)+` && !document.getElementById('res').hasAttribute('aria-busy')`)
	ids := hitsInPage(t, ctx)
	if len(ids) == 0 || !want[ids[0]] {
		t.Fatalf("typo %q: first hit %v is not the right note (%v)", query, ids, want)
	}

	// A broader query to tick an organisation.
	eval[bool](t, ctx, `(document.getElementById('q').value = '') === ''`)
	run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), "financement"+kb.Enter))
	waitJS(t, ctx, `location.search === '?q=financement' && !document.getElementById('res').hasAttribute('aria-busy')`)
	before := evalString(t, ctx, `document.getElementById('count').textContent`)
	org := evalString(t, ctx, `document.getElementById('f-organisation-0').value`)
	orgCount := evalString(t, ctx, `document.querySelector('label[for=f-organisation-0] .n').textContent`)
	run(t, ctx, stillClick(`label[for=f-organisation-0]`))
	waitJS(t, ctx, `new URLSearchParams(location.search).get('organisation') === `+jsString(org)+` && !document.getElementById('res').hasAttribute('aria-busy')`)
	after := evalString(t, ctx, `document.getElementById('count').textContent`)
	if after == before || !strings.Contains(after, orgCount) {
		t.Errorf("after ticking %q (%s): count %q, before %q", org, orgCount, after, before)
	}
	if !eval[bool](t, ctx, `Array.from(document.querySelectorAll('.hits .hit')).every(h => h.textContent.includes(`+jsString(org)+`))`) {
		t.Errorf("a hit does not belong to %q", org)
	}
	if chip := evalString(t, ctx, `document.querySelector('.chip').textContent`); !strings.Contains(chip, org) {
		t.Errorf("chip %q does not name %q", chip, org)
	}
	// Facet counts changed: the type facet now counts only that organisation's notes.
	typeSum := eval[int](t, ctx, `Array.from(document.querySelectorAll('fieldset[data-param=type] .n')).reduce((s, n) => s + parseInt(n.textContent.replace(/\D/g, '')), 0)`)
	if fmt.Sprint(typeSum) != strings.ReplaceAll(orgCount, "\u202f", "") {
		t.Errorf("type facet sums to %d, want %s", typeSum, orgCount)
	}
	filteredURL := evalString(t, ctx, `location.pathname + location.search`)
	filteredIDs := hitsInPage(t, ctx)

	// The same URL without JavaScript renders the same results.
	noJS, cancel := chromedp.NewContext(ctx)
	defer cancel()
	run(t, noJS)
	setupTab(t, noJS, 1280, 900)
	call(t, noJS, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	run(t, noJS, chromedp.Navigate(s.URL+filteredURL), chromedp.WaitReady(chromedp.ID("res")))
	if got := hitsInPage(t, noJS); strings.Join(got, ",") != strings.Join(filteredIDs, ",") {
		t.Errorf("no-JS rendering differs:\n js: %v\nnojs: %v", filteredIDs, got)
	}
	if got := evalString(t, noJS, `document.getElementById('count').textContent`); got != after {
		t.Errorf("no-JS count %q, JS count %q", got, after)
	}
	// Without JavaScript the form still searches (Enter submits it to the server).
	eval[bool](t, noJS, `(document.getElementById('q').value = 'logement') !== ''`)
	run(t, noJS, chromedp.Submit(chromedp.ID("q")))
	// The form keeps the filters; the server drops its empty fields from the URL.
	waitJS(t, noJS, `location.search.startsWith('?organisation=') && location.search.includes('&q=logement') && !location.search.includes('sort=') && document.getElementById('count').textContent !== ''`)
	cancel()

	// Remove the chip: back to the unfiltered results.
	run(t, ctx, stillClick(`.chip`))
	waitJS(t, ctx, `location.search === '?q=financement' && !document.getElementById('res').hasAttribute('aria-busy')`)
	if got := evalString(t, ctx, `document.getElementById('count').textContent`); got != before {
		t.Errorf("after removing the chip: %q, want %q", got, before)
	}
	// The back button returns to the filtered state.
	run(t, ctx, chromedp.NavigateBack())
	waitJS(t, ctx, `new URLSearchParams(location.search).get('organisation') === `+jsString(org)+` && document.querySelector('.chip') !== null && !document.getElementById('res').hasAttribute('aria-busy')`)
}

// TestBrowserNoteAndTerm opens a note from the results and follows one of its terms.
func TestBrowserNoteAndTerm(t *testing.T) {
	s, _ := testServer(t)
	ctx := browser(t, 1280, 900)
	run(t, ctx, chromedp.Navigate(s.URL+"/?q=logement"), chromedp.WaitVisible(chromedp.CSS(".hits")))
	run(t, ctx, stillClick(`.hits .hit-title a`), chromedp.WaitVisible(chromedp.ID("note-title")))
	if !strings.HasPrefix(evalString(t, ctx, `location.pathname`), "/n/") {
		t.Fatal("not on a note page")
	}
	term := evalString(t, ctx, `(document.querySelector('.terms a')||{}).textContent || ''`)
	if term == "" {
		t.Skip("first note has no term")
	}
	run(t, ctx, stillClick(`.terms a`))
	waitJS(t, ctx, `new URLSearchParams(location.search).get('term') === `+jsString(term)+` && document.querySelectorAll('.hits .hit').length > 0`)
	if chip := evalString(t, ctx, `document.querySelector('.chip').textContent`); !strings.Contains(chip, term) {
		t.Errorf("chip %q does not name the term %q", chip, term)
	}
}

// TestBrowserKeyboard goes from the search to a note and back with the keyboard only.
func TestBrowserKeyboard(t *testing.T) {
	s, _ := testServer(t)
	ctx := browser(t, 1280, 900)
	run(t, ctx, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("q")))
	waitJS(t, ctx, `document.documentElement.classList.contains('js')`)
	active := func() string {
		return evalString(t, ctx, `(function(e){return (e.id||'') + '|' + (e.className||'') + '|' + e.tagName + '|' + (e.getAttribute('href')||'')})(document.activeElement)`)
	}
	tabUntil := func(cond string, max int) {
		t.Helper()
		for i := 0; i < max; i++ {
			run(t, ctx, chromedp.KeyEvent(kb.Tab))
			if eval[bool](t, ctx, cond) {
				return
			}
		}
		t.Fatalf("%d Tab presses never reached %s (at %s)", max, cond, active())
	}
	// The first Tab reaches the skip link, which is visible when focused.
	tabUntil(`document.activeElement.classList.contains('skip')`, 1)
	if top := eval[float64](t, ctx, `document.activeElement.getBoundingClientRect().top`); top < 0 {
		t.Error("the focused skip link is off screen")
	}
	tabUntil(`document.activeElement.id === 'q'`, 10)
	run(t, ctx, chromedp.KeyEvent("logement"), chromedp.KeyEvent(kb.Enter))
	waitJS(t, ctx, `location.search.includes('q=logement') && document.querySelectorAll('.hits .hit').length > 0 && !document.getElementById('res').hasAttribute('aria-busy')`)
	tabUntil(`!!document.activeElement.closest('.hits')`, 120)
	// Focus is visible.
	outline := evalString(t, ctx, `getComputedStyle(document.activeElement).outlineStyle`)
	if outline == "none" || outline == "" {
		t.Errorf("focused result link has no visible outline (%q)", outline)
	}
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	waitJS(t, ctx, `location.pathname.startsWith('/n/') && !!document.getElementById('note-title')`)
	tabUntil(`document.activeElement.id === 'back'`, 10)
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	waitJS(t, ctx, `location.pathname === '/' && location.search.includes('q=logement') && document.querySelectorAll('.hits .hit').length > 0`)
}

// TestBrowserAccessibility runs axe-core (WCAG 2.1 A and AA rules and best
// practices) on the search page, a results page, a note page and a browse
// page, at desktop and phone widths, in light and dark themes (the
// screenshots are taken by TestPageAxeAndScreenshots).
func TestBrowserAccessibility(t *testing.T) {
	s, eng := testServer(t)
	axe, err := os.ReadFile(filepath.Join("e2e", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		needOrSkip(t, "axe-core not installed: run npm ci --prefix web/e2e")
	}
	// A note with terms, organisations and a body, for the note page.
	res, err := eng.Search(context.Background(), trouvaille.Scope{}, requestFor("financement"))
	if err != nil || len(res.Hits) == 0 {
		t.Fatal("no note to check", err)
	}
	note := "/n/" + res.Hits[0].ID
	pages := []struct{ name, path string }{
		{"accueil", "/"},
		{"resultats", "/?q=financement&type=note"},
		{"note", note},
		{"termes", "/termes"},
		{"vide", "/?q=xylophonezzz"},
	}
	for _, size := range []struct {
		name          string
		width, height int
	}{{"bureau", 1280, 800}, {"telephone", 390, 844}} {
		ctx := browser(t, size.width, size.height)
		for _, theme := range []string{"light", "dark"} {
			call(t, ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: theme}}})
			for _, p := range pages {
				if theme == "dark" && p.name != "resultats" && p.name != "note" {
					continue
				}
				run(t, ctx, chromedp.Navigate(s.URL+p.path), chromedp.WaitReady(chromedp.CSS("main")))
				waitJS(t, ctx, `document.documentElement.classList.contains('js')`)
				checkAxe(t, ctx, axe, fmt.Sprintf("%s %s %s", size.name, theme, p.path))
			}
		}
		if size.name == "telephone" {
			// The filter sheet, opened on a phone.
			call(t, ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "light"}}})
			run(t, ctx, chromedp.Navigate(s.URL+"/?q=financement&type=note"), chromedp.WaitVisible(chromedp.ID("filters-toggle")),
				stillClick("#filters-toggle"), chromedp.WaitVisible(chromedp.ID("filters-close")))
			checkAxe(t, ctx, axe, "telephone filter sheet")
			run(t, ctx, chromedp.KeyEvent(kb.Escape))
			waitJS(t, ctx, `!document.getElementById('filtres').classList.contains('open') && document.activeElement.id === 'filters-toggle'`)
		}
	}
}

func checkAxe(t *testing.T, ctx context.Context, axe []byte, where string) {
	t.Helper()
	run(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[chromedp.Void](string(axe))(ctx, tg)
		return err
	}))
	raw, err := chromedp.Run(ctx,
		chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.failureSummary)}))))`,
			func(p *runtime.EvaluateParams) { p.AwaitPromise = new(true) }),
	)
	if err != nil {
		t.Fatalf("axe on %s: %v", where, err)
	}
	var v []map[string]any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatal(err)
	}
	for _, x := range v {
		t.Errorf("axe on %s: %v (%v): %v\n  %v", where, x["id"], x["impact"], x["help"], x["nodes"])
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func requestFor(q string) trouvaille.Request {
	return trouvaille.Request{Q: q, Filters: map[string][]string{"type": {"note"}}, PerPage: 1, Facets: []string{}}
}
