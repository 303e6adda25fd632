package web

import (
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/encommun/trouvaille/api"
)

// Typing past the anonymous rate limit (many people behind one address,
// or fast typing): the live search keeps the results shown and catches up
// when the server's Retry-After allows, never leaving the page for the
// bare 429 answer.
func TestBrowserLiveSearchPastRateLimit(t *testing.T) {
	_, eng := testServer(t)
	// 20 a minute: a burst of 2, then one every 3 s.
	s := httptest.NewServer(api.New(eng, api.Config{AnonymousRatePerMinute: 20}, Routes(eng, WithLogf(t.Logf))))
	defer s.Close()
	ctx := browser(t, 1280, 900)
	run(t, ctx, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("q")))
	waitJS(t, ctx, `document.documentElement.classList.contains('js')`)
	// The wait is said in the live region (the results stopped following
	// the typing without a word).
	eval[bool](t, ctx, `(function () { window.__busy = false; new MutationObserver(function () { if (document.getElementById('count').textContent.indexOf('Beaucoup de recherches en même temps') >= 0) window.__busy = true }).observe(document.getElementById('count'), {childList: true, characterData: true, subtree: true}); return true })()`)
	const query = "logement social abordable"
	for _, r := range query {
		run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), string(r)))
	}
	waitJS(t, ctx, `new URLSearchParams(location.search).get('q') === `+jsString(query)+` && document.getElementById('res') !== null && !document.getElementById('res').hasAttribute('aria-busy') && document.getElementById('count').textContent !== ''`)
	if got := evalString(t, ctx, `document.body.innerText`); len(got) < 100 {
		t.Errorf("the page after the limit: %q", got)
	}
	if !eval[bool](t, ctx, `window.__busy`) {
		t.Error("the wait past the limit was never said")
	}
	if len(hitsInPage(t, ctx)) == 0 {
		t.Errorf("no results shown for %q after the limit", query)
	}
}
