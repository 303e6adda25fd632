package widget_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/api"
	"github.com/encommun/trouvaille/web"
	"github.com/golang-jwt/jwt/v5"
)

// The browser tests drive Debian's Chromium through chromedp, like
// web/e2e_test.go. Trouvaille is served by one httptest server and the
// partner's page by another (another origin: localhost instead of
// 127.0.0.1, another port). Without Chromium, or without the npm packages of
// the InstantSearch.js page (npm ci --prefix widget/e2e), they skip with a
// message, unless CI=true, where they fail.

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

var (
	srvOnce sync.Once
	srv     *httptest.Server
	srvEng  *trouvaille.Engine
	srvErr  error
	srvDir  string
)

// trouvailleServer serves the API, the pages and the widget over the demo
// corpus, its notes' url fields removed so that every link goes to the
// server's own /n/{id} page (the test browser never leaves the machine).
func trouvailleServer(t *testing.T) *httptest.Server {
	t.Helper()
	srvOnce.Do(func() {
		srvDir, srvErr = os.MkdirTemp("", "trouvaille-widget-")
		if srvErr != nil {
			return
		}
		srvEng, srvErr = trouvaille.Open(srvDir, trouvaille.OpenOptions{})
		if srvErr != nil {
			return
		}
		var notes bytes.Buffer
		sc := bufio.NewScanner(bytes.NewReader(trouvaille.DemoNotes))
		sc.Buffer(nil, 4<<20)
		for sc.Scan() {
			var m map[string]any
			if srvErr = json.Unmarshal(sc.Bytes(), &m); srvErr != nil {
				return
			}
			delete(m, "url")
			b, _ := json.Marshal(m)
			notes.Write(append(b, '\n'))
		}
		rep, err := (&trouvaille.Ingester{Engine: srvEng}).Ingest(&notes, "notes.jsonl")
		if err != nil || rep.Rejected > 0 {
			srvErr = fmt.Errorf("demo corpus: %v, %d rejected", err, rep.Rejected)
			return
		}
		srv = httptest.NewServer(api.New(srvEng, api.Config{AdminToken: e2eAdmin}, web.Routes(srvEng)))
	})
	if srvErr != nil {
		t.Fatal(srvErr)
	}
	return srv
}

// e2eAdmin is the admin token of the test server: it creates the search keys
// the partner pages use.
const e2eAdmin = "jeton-admin-e2e"

// searchKey creates a search key on the test server for any origin (a
// public-anonymous key, public notes only) and returns its secret.
func searchKey(t *testing.T, base string) string {
	t.Helper()
	return createKey(t, base, `{"name":"partenaire de test","origins":["*"],"public_anonymous":true}`)
}

// createKey creates a search key on the test server from the JSON body of
// POST /v1/keys and returns its secret.
func createKey(t *testing.T, base, body string) string {
	t.Helper()
	return createKeyFull(t, base, body).Key
}

// createdKey is a key POST /v1/keys created: its id and its secret.
type createdKey struct {
	ID  string `json:"id"`
	Key string `json:"key"`
}

// createKeyFull creates a search key on the test server from the JSON body
// of POST /v1/keys and returns its id and secret.
func createKeyFull(t *testing.T, base, body string) createdKey {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/v1/keys", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e2eAdmin)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var k createdKey
	if err := json.NewDecoder(resp.Body).Decode(&k); err != nil || resp.StatusCode != http.StatusCreated || k.Key == "" || k.ID == "" {
		t.Fatalf("create a search key: %d %v", resp.StatusCode, err)
	}
	return k
}

// keyedWidget opens a partner page, on another origin, whose search box
// searches with key, and focuses the box.
func keyedWidget(t *testing.T, s *httptest.Server, key string) context.Context {
	t.Helper()
	page := `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Partenaire</title>
<script src="` + s.URL + `/widget.js" defer></script></head><body>
<trouvaille-recherche serveur="` + s.URL + `" cle="` + key + `" lang="fr"></trouvaille-recherche>
</body></html>`
	partner := partnerServer(t, map[string]string{"/": page})
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(partner+"/"))
	waitJS(t, ctx, `!!customElements.get('trouvaille-recherche') && !!`+jsRoot, `location.href`)
	eval[bool](t, ctx, jsInput+`.focus() || true`)
	return ctx
}

func TestMain(m *testing.M) {
	code := m.Run()
	if srv != nil {
		srv.Close()
	}
	if srvEng != nil {
		srvEng.Close()
	}
	if srvDir != "" {
		os.RemoveAll(srvDir)
	}
	os.Exit(code)
}

// partnerServer serves a partner's pages from another origin: pages maps a
// path to its HTML; /npm/ serves widget/e2e/node_modules.
func partnerServer(t *testing.T, pages map[string]string) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/npm/", http.StripPrefix("/npm/", http.FileServer(http.Dir(filepath.Join("e2e", "node_modules")))))
	for p, body := range pages {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != p {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		})
	}
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	// localhost, not 127.0.0.1: another origin than Trouvaille's.
	return strings.Replace(s.URL, "127.0.0.1", "localhost", 1)
}

// browser starts one headless Chromium for a test. No host name resolves
// but localhost: the pages cannot reach anything off the machine.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 900),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel3)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	call(t, ctx, network.Enable, network.EnableParams{})
	return ctx
}

func call[P, R any](t *testing.T, ctx context.Context, cmd cdp.Command[P, R], params P) R {
	t.Helper()
	r, err := chromedp.Call(ctx, cmd, params)
	if err != nil {
		t.Fatalf("%v: %v", cmd.Method, err)
	}
	return r
}

func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitJS polls a JavaScript condition until it holds.
func waitJS(t *testing.T, ctx context.Context, cond, state string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](state))
			t.Fatalf("timed out waiting for %s\npage: %s", cond, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// searchResult asks /v1/search with the query string query.
func searchResult(t *testing.T, base, query string) trouvaille.Result {
	t.Helper()
	resp, err := http.Get(base + "/v1/search?" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r trouvaille.Result
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

// searchIDs asks /v1/search for the ids of a page of hits and the total.
func searchIDs(t *testing.T, base, query string) ([]string, int) {
	t.Helper()
	r := searchResult(t, base, "facets=none&"+query)
	var ids []string
	for _, h := range r.Hits {
		ids = append(ids, h.ID)
	}
	return ids, int(r.Total)
}

// facetOf asks /v1/search for one facet of a query's notes.
func facetOf(t *testing.T, base, q, facet string) []trouvaille.FacetValue {
	t.Helper()
	return searchResult(t, base, "q="+url.QueryEscape(q)+"&facets="+facet+"&per_page=1").Facets[facet]
}

// In the widget's shadow root.
const (
	jsRoot    = `document.querySelector('trouvaille-recherche').shadowRoot`
	jsInput   = jsRoot + `.querySelector('input')`
	jsOptions = `Array.from(` + jsRoot + `.querySelectorAll('[role=option]'))`
	jsState   = `(() => { const r = ` + jsRoot + `; return r ? r.innerHTML.slice(0, 3000) : location.href })()`
)

// TestBrowserWidget: a partner's page on another origin embeds the widget
// with the two-line snippet, scoped to a carnet; typing shows completions
// and that carnet's notes with highlighted snippets; the arrows move the
// active option (aria-activedescendant), Escape closes, Enter on a note
// opens its page on Trouvaille.
func TestBrowserWidget(t *testing.T) {
	s := trouvailleServer(t)
	const q = "logement"
	// The carnet holding most of the query's notes.
	carnets := facetOf(t, s.URL, q, "carnets")
	if len(carnets) == 0 {
		t.Fatal("no carnet for " + q)
	}
	carnet := carnets[0].Value
	wantIDs, wantTotal := searchIDs(t, s.URL, "q="+q+"&per_page=5&carnet="+url.QueryEscape(carnet))
	_, allTotal := searchIDs(t, s.URL, "q="+q+"&per_page=1")
	if wantTotal == allTotal {
		t.Fatalf("carnet %q holds every note of %q: the scope would prove nothing", carnet, q)
	}

	page := `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Partenaire</title>
<script src="` + s.URL + `/widget.js" defer></script>
<style>trouvaille-recherche { --trouvaille-couleur: rgb(138, 47, 107); --trouvaille-police: Georgia, serif; }</style>
</head><body><h1>Un organisme partenaire</h1>
<trouvaille-recherche serveur="` + s.URL + `" carnet="` + strings.ReplaceAll(carnet, `"`, "&quot;") + `" placeholder="Chercher dans notre carnet" lang="fr"></trouvaille-recherche>
</body></html>`
	partner := partnerServer(t, map[string]string{"/": page})
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(partner+"/"))
	waitJS(t, ctx, `!!customElements.get('trouvaille-recherche') && !!`+jsRoot, `location.href`)
	if origin := eval[string](t, ctx, `location.origin`); strings.Contains(s.URL, origin) {
		t.Fatalf("partner page %s on Trouvaille's origin %s", origin, s.URL)
	}
	// Accessible name, placeholder, combobox wiring, and the brand's colour.
	if got := eval[string](t, ctx, jsInput+`.getAttribute('placeholder')`); got != "Chercher dans notre carnet" {
		t.Errorf("placeholder %q", got)
	}
	if got := eval[string](t, ctx, `(() => { const i = `+jsInput+`; return i.getAttribute('role') + '|' + i.labels[0].textContent + '|' + !!`+jsRoot+`.getElementById(i.getAttribute('aria-controls')) })()`); got != "combobox|Rechercher dans les notes|true" {
		t.Errorf("combobox wiring: %q", got)
	}
	if got := eval[string](t, ctx, `getComputedStyle(`+jsInput+`).borderTopColor + '|' + getComputedStyle(`+jsInput+`).fontFamily`); got != "rgb(138, 47, 107)|Georgia, serif" {
		t.Errorf("CSS custom properties not applied: %q", got)
	}

	eval[bool](t, ctx, jsInput+`.focus() || true`)
	run(t, ctx, chromedp.KeyEvent(q))
	waitJS(t, ctx, jsOptions+`.some(o => o.dataset.href) && `+jsInput+`.getAttribute('aria-expanded') === 'true'`, jsState)
	// The carnet's notes, in /v1/search's order, each linking to its page.
	hrefs := eval[[]string](t, ctx, jsOptions+`.filter(o => o.dataset.href && !o.classList.contains('all')).map(o => o.dataset.href)`)
	var gotIDs []string
	for _, h := range hrefs {
		gotIDs = append(gotIDs, strings.TrimPrefix(h, s.URL+"/n/"))
	}
	if !slices.Equal(gotIDs, wantIDs) {
		t.Errorf("widget notes %v, want the carnet's %v", gotIDs, wantIDs)
	}
	if n := eval[int](t, ctx, jsRoot+`.querySelectorAll('[role=option] mark').length`); n == 0 {
		t.Error("no highlighted word in the results")
	}
	if n := eval[int](t, ctx, jsRoot+`.querySelectorAll('[role=option] .s').length`); n == 0 {
		t.Error("no snippet in the results")
	}
	if n := eval[int](t, ctx, jsRoot+`.querySelectorAll('[role=option] script, [role=option] [onerror]').length`); n != 0 {
		t.Error("markup other than <mark> from the server")
	}
	status := eval[string](t, ctx, jsRoot+`.querySelector('[role=status]').textContent`)
	if !strings.Contains(status, fmt.Sprint(wantTotal)) || !strings.Contains(status, "résultats trouvés") {
		t.Errorf("status %q does not say %d results", status, wantTotal)
	}
	// Results, not « notes »: terms and organisations are found too.
	if got := eval[string](t, ctx, jsRoot+`.querySelector('[role=group] .g').textContent`); got != "Résultats" && got != "Suggestions" {
		t.Errorf("group label %q", got)
	}
	suggestions := eval[int](t, ctx, jsOptions+`.filter(o => o.dataset.value).length`)
	// The open combobox passes axe-core's WCAG 2.1 A and AA rules.
	checkAxe(t, ctx, "wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa", "partner page, list open")

	// Keyboard: ArrowDown activates the first option, again the second,
	// ArrowUp goes back; the input keeps the focus throughout.
	active := func() (string, string) {
		v := eval[[]string](t, ctx, `(() => { const id = `+jsInput+`.getAttribute('aria-activedescendant') || ''; const o = id && `+jsRoot+`.getElementById(id); return [id, o ? o.getAttribute('aria-selected') + '|' + (o.dataset.href || o.dataset.value) : ''] })()`)
		return v[0], v[1]
	}
	run(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
	id1, st1 := active()
	run(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
	id2, _ := active()
	run(t, ctx, chromedp.KeyEvent(kb.ArrowUp))
	id3, _ := active()
	if id1 == "" || id2 == "" || id1 == id2 || id3 != id1 || !strings.HasPrefix(st1, "true|") {
		t.Errorf("arrows: %q (%s) → %q → back %q", id1, st1, id2, id3)
	}
	if !eval[bool](t, ctx, jsRoot+`.activeElement === `+jsInput) {
		t.Error("the input lost the focus")
	}
	// Escape closes the list; ArrowDown opens it again.
	run(t, ctx, chromedp.KeyEvent(kb.Escape))
	if eval[string](t, ctx, jsInput+`.getAttribute('aria-expanded')`) != "false" || eval[bool](t, ctx, jsRoot+`.querySelector('[role=listbox]').hidden`) != true {
		t.Error("Escape did not close the list")
	}
	run(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
	waitJS(t, ctx, jsInput+`.getAttribute('aria-expanded') === 'true'`, jsState)
	// Down to the first note (past the completions), Enter opens it.
	for i := 0; i <= suggestions; i++ {
		run(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
	}
	_, st := active()
	if st != "true|"+s.URL+"/n/"+wantIDs[0] {
		t.Fatalf("active option %q, want the first note %s", st, wantIDs[0])
	}
	shot(t, ctx, "widget-partenaire")
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	waitJS(t, ctx, `location.href === `+jsString(s.URL+"/n/"+wantIDs[0]), `location.href`)
	// The address changes before the note's page is parsed (seen once in
	// CI, with every package's tests running): wait for its title.
	waitJS(t, ctx, `!!document.getElementById('note-title') && document.getElementById('note-title').textContent !== ''`, `document.body ? document.body.innerText.slice(0, 300) : ''`)
}

// TestBrowserWidgetCompletion: Enter on a completion makes it the query; in
// English with lang="en"; the demo page shows the widget configured.
func TestBrowserWidgetCompletion(t *testing.T) {
	s := trouvailleServer(t)
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(s.URL+"/widget/demo?lang=en"))
	waitJS(t, ctx, `!!customElements.get('trouvaille-recherche') && !!`+jsRoot, `document.documentElement.outerHTML.slice(0, 2000)`)
	if got := eval[string](t, ctx, jsInput+`.labels[0].textContent`); got != "Search the notes" {
		t.Errorf("English label %q", got)
	}
	if got := eval[string](t, ctx, `document.querySelector('pre code').textContent`); !strings.Contains(got, `<script src="`+s.URL+`/widget.js" defer></script>`) || !strings.Contains(got, `<trouvaille-recherche serveur="`+s.URL+`"`) {
		t.Errorf("snippet on the demo page: %q", got)
	}
	eval[bool](t, ctx, jsInput+`.focus() || true`)
	run(t, ctx, chromedp.KeyEvent("econ"))
	waitJS(t, ctx, jsOptions+`.some(o => o.dataset.value)`, jsState)
	checkAxe(t, ctx, "wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice", "/widget/demo?lang=en, list open")
	if got := eval[string](t, ctx, jsRoot+`.querySelector('.g').textContent`); got != "Suggestions" {
		t.Errorf("group label %q", got)
	}
	value := eval[string](t, ctx, jsOptions+`.find(o => o.dataset.value).dataset.value`)
	run(t, ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter))
	waitJS(t, ctx, jsInput+`.value === `+jsString(value)+` && `+jsRoot+`.querySelector('[role=status]').textContent.includes('found')`, jsState)
	if !strings.HasPrefix(eval[string](t, ctx, `location.pathname`), "/widget/demo") {
		t.Error("Enter on a completion left the page")
	}
}

// TestBrowserInstantSearch: a page built from the npm packages pinned in
// widget/e2e/package-lock.json (instantsearch.js and algoliasearch/lite,
// their UMD builds), on another origin, with Trouvaille as the Algolia host:
// it searches, shows highlighted hits, paginates and refines the
// organisations list, and every page of hits is /v1/search's.
func TestBrowserInstantSearch(t *testing.T) {
	for _, f := range []string{"instantsearch.js/dist/instantsearch.production.min.js", "algoliasearch/dist/algoliasearch-lite.umd.js"} {
		if _, err := os.Stat(filepath.Join("e2e", "node_modules", f)); err != nil {
			needOrSkip(t, "npm packages missing: npm ci --prefix widget/e2e ("+f+")")
		}
	}
	s := trouvailleServer(t)
	host := strings.TrimPrefix(s.URL, "http://")
	key := searchKey(t, s.URL)
	page := `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>InstantSearch</title>
<script src="/npm/algoliasearch/dist/algoliasearch-lite.umd.js"></script>
<script src="/npm/instantsearch.js/dist/instantsearch.production.min.js"></script>
</head><body>
<div id="q"></div><div id="stats"></div><div id="orgs"></div><div id="hits"></div><div id="pages"></div>
<script>
const client = algoliasearch('trouvaille', ` + jsString(key) + `, { hosts: [{ url: ` + jsString(host) + `, protocol: 'http' }] });
const search = instantsearch({ indexName: 'notes', searchClient: client });
search.addWidgets([
  instantsearch.widgets.configure({ hitsPerPage: 5 }),
  instantsearch.widgets.searchBox({ container: '#q', placeholder: 'Rechercher' }),
  instantsearch.widgets.stats({ container: '#stats', templates: { text: (d, { html }) => html` + "`<span id=\"nb\">${d.nbHits}</span> <span id=\"pg\">${d.page}</span>`" + ` } }),
  instantsearch.widgets.refinementList({ container: '#orgs', attribute: 'organisations', limit: 10 }),
  instantsearch.widgets.hits({ container: '#hits', templates: { item: (hit, { html, components }) => html` + "`<a class=\"t\" href=\"${hit.url || '/notes/' + hit.objectID}\">${components.Highlight({ attribute: 'title', hit })}</a><p>${components.Snippet({ attribute: 'snippet', hit })}</p>`" + ` } }),
  instantsearch.widgets.pagination({ container: '#pages' }),
]);
search.on('error', e => { window.searchError = String(e.error && e.error.message || e); });
search.start();
window.search = search;
</script></body></html>`
	partner := partnerServer(t, map[string]string{"/": page})
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(partner+"/"))
	const state = `(window.searchError || '') + ' | ' + document.body.innerText.slice(0, 1500)`
	// wait until the page shows nb hits on page pg with exactly these ids.
	wait := func(nb, pg int, ids []string) {
		t.Helper()
		waitJS(t, ctx, `document.getElementById('nb') && document.getElementById('nb').textContent === '`+fmt.Sprint(nb)+`' && document.getElementById('pg').textContent === '`+fmt.Sprint(pg)+`' && JSON.stringify(Array.from(document.querySelectorAll('#hits a.t')).map(a => a.getAttribute('href').replace(`+jsString(s.URL+"/n/")+`, ''))) === `+jsString(mustJSON(ids)), state)
	}
	// The empty query: every public note, the most recent first.
	ids, total := searchIDs(t, s.URL, "per_page=5")
	wait(total, 0, ids)

	// Search as you type; the hits' words are highlighted in <mark>.
	const q = "logement"
	run(t, ctx, chromedp.SendKeys(chromedp.CSS(`.ais-SearchBox-input`), q))
	ids, total = searchIDs(t, s.URL, "q="+q+"&per_page=5")
	if total <= 5 {
		t.Fatalf("%q finds %d notes: too few to paginate", q, total)
	}
	wait(total, 0, ids)
	if n := eval[int](t, ctx, `document.querySelectorAll('#hits mark.ais-Highlight-highlighted').length`); n == 0 {
		t.Errorf("no highlighted word in the hits: %s", eval[string](t, ctx, `document.getElementById('hits').innerHTML.slice(0, 800)`))
	}
	if strings.Contains(eval[string](t, ctx, `document.getElementById('hits').innerHTML`), "ais-highlight__") || strings.Contains(eval[string](t, ctx, `document.getElementById('hits').textContent`), "&#") {
		t.Error("highlight placeholders or escaped entities shown")
	}

	// Pagination: the second page is /v1/search's page 2.
	run(t, ctx, chromedp.Click(chromedp.CSS(`.ais-Pagination-item--nextPage a`)))
	ids2, _ := searchIDs(t, s.URL, "q="+q+"&per_page=5&page=2")
	wait(total, 1, ids2)

	// Refine the organisations list: back to page 0 of that organisation's notes.
	org := eval[string](t, ctx, `document.querySelector('.ais-RefinementList-labelText').textContent`)
	count := eval[string](t, ctx, `document.querySelector('.ais-RefinementList-count').textContent`)
	run(t, ctx, chromedp.Click(chromedp.CSS(`.ais-RefinementList-checkbox`)))
	ids3, total3 := searchIDs(t, s.URL, "q="+q+"&per_page=5&organisation="+url.QueryEscape(org))
	if fmt.Sprint(total3) != count || total3 >= total {
		t.Errorf("organisation %q: list says %s, /v1/search %d (of %d)", org, count, total3, total)
	}
	wait(total3, 0, ids3)
	// The refinement list stays disjunctive: other organisations keep their counts.
	if n := eval[int](t, ctx, `document.querySelectorAll('.ais-RefinementList-item').length`); n < 2 {
		t.Errorf("%d organisations listed once refined", n)
	}
	shot(t, ctx, "instantsearch")
	// A second organisation ORs with the first.
	org2 := eval[string](t, ctx, `Array.from(document.querySelectorAll('.ais-RefinementList-item:not(.ais-RefinementList-item--selected) .ais-RefinementList-labelText'))[0].textContent`)
	run(t, ctx, chromedp.Click(chromedp.CSS(`.ais-RefinementList-item:not(.ais-RefinementList-item--selected) .ais-RefinementList-checkbox`)))
	ids4, total4 := searchIDs(t, s.URL, "q="+q+"&per_page=5&organisation="+url.QueryEscape(org)+"&organisation="+url.QueryEscape(org2))
	wait(total4, 0, ids4)
	if total4 <= total3 {
		t.Errorf("%q or %q: %d notes, %q alone %d", org, org2, total4, org, total3)
	}
}

// checkAxe runs axe-core (pinned by widget/e2e/package-lock.json) on the
// page, shadow roots included, with the given rule tags.
func checkAxe(t *testing.T, ctx context.Context, tags, where string) {
	t.Helper()
	axe, err := os.ReadFile(filepath.Join("e2e", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		needOrSkip(t, "axe-core not installed: run npm ci --prefix widget/e2e")
	}
	run(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[chromedp.Void](string(axe))(ctx, tg)
		return err
	}))
	raw, err := chromedp.Run(ctx,
		chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: 'tag', values: ['`+tags+`']}, resultTypes: ['violations']}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => JSON.stringify(n.target) + ' ' + n.failureSummary)}))))`,
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

func mustJSON(v any) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// shot saves a screenshot under $TROUVAILLE_SCREENSHOTS, if set.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("TROUVAILLE_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserWidgetRefusedOrigin: a partner's page whose key names another
// origin says that the search does not work on this site and to tell the
// site's team (the server's reason goes to the console, for its
// developers), not « réessayez plus tard », which looked like an outage,
// nor the key's reason, which the visitor can do nothing about.
func TestBrowserWidgetRefusedOrigin(t *testing.T) {
	s := trouvailleServer(t)
	ctx := keyedWidget(t, s, createKey(t, s.URL, `{"name":"partenaire ailleurs","origins":["https://partenaire.example"]}`))
	run(t, ctx, chromedp.KeyEvent("logement"))
	waitJS(t, ctx, jsRoot+`.querySelector('[role=status]').textContent.includes('Prévenez l’équipe du site')`, jsRoot+`.querySelector('[role=status]').textContent`)
}

// focusedDemo opens the widget's demo page on a demo server, the search box
// focused.
func focusedDemo(t *testing.T) context.Context {
	t.Helper()
	s := trouvailleServer(t)
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(s.URL+"/widget/demo"))
	waitJS(t, ctx, `!!customElements.get('trouvaille-recherche') && !!`+jsRoot, `document.documentElement.outerHTML.slice(0, 2000)`)
	eval[bool](t, ctx, jsInput+`.focus() || true`)
	return ctx
}

// TestBrowserWidgetNoCompletionOfExclusion: while an excluded word is
// typed (-comi), the widget proposes no completion of it (one chosen
// would become the query, searching for what is excluded); the notes of
// the search still show. « logement comi » does get completions.
func TestBrowserWidgetNoCompletionOfExclusion(t *testing.T) {
	ctx := focusedDemo(t)
	run(t, ctx, chromedp.KeyEvent("logement comi"))
	waitJS(t, ctx, jsOptions+`.some(o => o.dataset.value)`, jsState)
	eval[bool](t, ctx, `(`+jsInput+`.value = '', true)`)
	run(t, ctx, chromedp.KeyEvent("logement -comi"))
	waitJS(t, ctx, jsInput+`.value === 'logement -comi' && `+jsRoot+`.querySelector('[role=status]').textContent !== '' && `+jsOptions+`.some(o => o.dataset.href) && !`+jsRoot+`.querySelector('[role=listbox]').hasAttribute('aria-busy')`, jsState)
	time.Sleep(300 * time.Millisecond) // any late answer
	if got := eval[[]string](t, ctx, jsOptions+`.filter(o => o.dataset.value).map(o => o.dataset.value)`); len(got) > 0 {
		t.Errorf("completions of an excluded word: %q", got)
	}
}

// TestBrowserWidgetKeepTyping: a query that finds nothing and ends with one
// letter being typed (« l'i » on the way to « l'ia ») says to keep typing,
// not that no note was found; a word that finds nothing still says so.
func TestBrowserWidgetKeepTyping(t *testing.T) {
	for _, c := range []struct{ typed, want string }{
		{"l'i", "Une seule lettre ne suffit pas pour chercher\u00a0: continuez à taper le mot."},
		{"xylophonezzz", "Aucun résultat\u00a0: essayez d’autres mots, ou moins de mots."},
	} {
		ctx := focusedDemo(t)
		run(t, ctx, chromedp.KeyEvent(c.typed))
		waitJS(t, ctx, jsInput+`.value === `+jsString(c.typed)+` && `+jsRoot+`.querySelector('[role=status]').textContent !== '' && !`+jsRoot+`.querySelector('[role=listbox]').hasAttribute('aria-busy')`, jsState)
		if got := eval[string](t, ctx, jsRoot+`.querySelector('[role=status]').textContent`); got != c.want {
			t.Errorf("%q: status %q, want %q", c.typed, got, c.want)
		}
	}
}

// Choosing a completion keeps the words the query excludes: « -montreal
// loge » then a completion searches the completion with « -montreal ». An
// excluded phrase in typographic quotes stays whole (the widget kept
// « -«saint » of « -« saint jérôme » », and so excluded every « saint »),
// and a minus inside a phrase excludes nothing (« "logement -les" » added
// « -les" »), as the server reads them.
func TestBrowserWidgetCompletionKeepsExclusions(t *testing.T) {
	for _, c := range []struct{ typed, kept string }{
		{"-montreal comi", " -montreal"},
		{"-« saint jérôme » comi", " -« saint jérôme »"},
		{"-“saint jérôme” comi", " -“saint jérôme”"},
		{"\"logement -les\" comi", ""},
		{"–montreal comi", " –montreal"},
	} {
		t.Run(c.typed, func(t *testing.T) {
			ctx := focusedDemo(t)
			run(t, ctx, chromedp.KeyEvent(c.typed))
			waitJS(t, ctx, jsOptions+`.some(o => o.dataset.value)`, jsState)
			want := eval[string](t, ctx, jsOptions+`.find(o => o.dataset.value).dataset.value`)
			eval[bool](t, ctx, jsOptions+`.find(o => o.dataset.value).click() || true`)
			waitJS(t, ctx, jsInput+`.value !== `+jsString(c.typed), jsState)
			if got := eval[string](t, ctx, jsInput+`.value`); got != want+c.kept {
				t.Errorf("after choosing %q: the box says %q, want %q", want, got, want+c.kept)
			}
		})
	}
}

// TestBrowserWidgetKeyScope: a box whose key is held to an organisation
// counts that organisation's notes, and its « Voir les N résultats » opens
// the site's page of results with the organisation as a filter: the page
// counts the same N (it showed every note of the query).
func TestBrowserWidgetKeyScope(t *testing.T) {
	s := trouvailleServer(t)
	const q = "numerique"
	// An organisation with more of the query's notes than the box shows,
	// fewer than all.
	_, allTotal := searchIDs(t, s.URL, "q="+q+"&per_page=1")
	org, orgTotal := "", 0
	for _, fv := range facetOf(t, s.URL, q, "organisations") {
		if fv.Count > 5 && int(fv.Count) < allTotal {
			org, orgTotal = fv.Value, int(fv.Count)
			break
		}
	}
	if org == "" {
		t.Fatalf("no organisation with more than 5 of the %d notes of %q", allTotal, q)
	}
	body, _ := json.Marshal(map[string]any{"name": "partenaire d’une organisation", "origins": []string{"*"}, "public_anonymous": true, "filters": map[string][]string{"organisation": {org}}})
	ctx := keyedWidget(t, s, createKey(t, s.URL, string(body)))
	run(t, ctx, chromedp.KeyEvent(q))
	waitJS(t, ctx, jsOptions+`.some(o => o.classList.contains('all'))`, jsState)
	status := eval[string](t, ctx, jsRoot+`.querySelector('[role=status]').textContent`)
	if !strings.Contains(status, fmt.Sprint(orgTotal)) {
		t.Errorf("status %q does not say the organisation's %d notes", status, orgTotal)
	}
	all := eval[string](t, ctx, jsOptions+`.find(o => o.classList.contains('all')).dataset.href`)
	if want := "&organisation=" + url.QueryEscape(org); !strings.Contains(strings.ReplaceAll(all, "%20", "+"), want) {
		t.Errorf("« Voir les résultats » opens %s, without %s", all, want)
	}
	run(t, ctx, chromedp.Navigate(all))
	waitJS(t, ctx, `!!document.body && document.body.innerText.includes('résultat')`, `document.body ? document.body.innerText.slice(0, 500) : ''`)
	text := eval[string](t, ctx, `document.body.innerText`)
	if !strings.Contains(text, fmt.Sprintf("%d résultats", orgTotal)) {
		t.Errorf("the page does not count the box's %d notes: %.600s", orgTotal, text)
	}
}

// TestBrowserWidgetScopeNotOnPages: a key held to two organisations and
// its token to one of them filter the same field, which no filter of the
// site's page can say (a value of each): the answer had no scope and the
// box's « Voir les N résultats » opened the page of the query unfiltered,
// counting every note. The answer now says so (scope_on_pages: false) and
// the box offers no such link; with the key alone it still does, filtered.
func TestBrowserWidgetScopeNotOnPages(t *testing.T) {
	s := trouvailleServer(t)
	const q = "numerique"
	_, allTotal := searchIDs(t, s.URL, "q="+q+"&per_page=1")
	var orgs []string
	for _, fv := range facetOf(t, s.URL, q, "organisations") {
		if fv.Count > 5 && int(fv.Count) < allTotal {
			orgs = append(orgs, fv.Value)
		}
	}
	if len(orgs) < 2 {
		t.Fatalf("fewer than two organisations with more than 5 of the %d notes of %q: %v", allTotal, q, orgs)
	}
	partner := partnerServer(t, map[string]string{"/": tokenPage(s.URL)})
	body, _ := json.Marshal(map[string]any{"name": "partenaire de deux organisations", "origins": []string{partner}, "filters": map[string][]string{"organisation": orgs[:2]}})
	k := createKeyFull(t, s.URL, string(body))
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"filters": map[string][]string{"organisation": orgs[:1]}, "exp": time.Now().Add(time.Hour).Unix()})
	tok.Header["kid"] = k.ID
	token, err := tok.SignedString([]byte(k.Key))
	if err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	openBox(t, ctx, partner, s.URL, k.Key, q, url.Values{})
	waitJS(t, ctx, jsOptions+`.some(o => o.classList.contains('all'))`, jsState)
	if h := boxAllHref(t, ctx); !strings.Contains(h, "organisation=") {
		t.Errorf("the key alone: « Voir les résultats » opens %q, without its organisations", h)
	}
	openBox(t, ctx, partner, s.URL, token, q, url.Values{})
	if h := boxAllHref(t, ctx); h != "" {
		t.Errorf("a key and its token filtering the organisation: « Voir les résultats » opens %s, a page of other notes", h)
	}
}

// tokenPage is a partner's page whose search box takes its attributes from
// the page's query string; it records the trouvaille-ouvrir events (and
// cancels them: the browser stays on the page) and the console warnings.
func tokenPage(trouvailleURL string) string {
	return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Partenaire</title>
<script src="` + trouvailleURL + `/widget.js" defer></script>
<script>
window.opened = [];
window.warnings = [];
const warn = console.warn;
console.warn = (...a) => { window.warnings.push(a.join(' ')); warn(...a); };
document.addEventListener('trouvaille-ouvrir', e => { window.opened.push(e.detail); e.preventDefault(); });
addEventListener('DOMContentLoaded', () => {
  const box = document.createElement('trouvaille-recherche');
  for (const [k, v] of new URLSearchParams(location.search)) box.setAttribute(k, v);
  document.querySelector('main').appendChild(box);
});
</script></head><body><main><h1>Un organisme partenaire</h1></main></body></html>`
}

// TestBrowserWidgetTokenLinks: a partner's box whose signed token sees a
// community's notes linked each of those notes (they have no url here) to
// Trouvaille's page /n/{id}, which shows public notes only: « not found »;
// and its « Voir les N résultats » opened Trouvaille's page of results,
// which counts the public notes only. Now such a note, without lien-note,
// stays in the list disabled (aria-disabled, « Aucune page à ouvrir… »;
// Enter and a click do nothing, no trouvaille-ouvrir), the public notes
// still open their page, and there is no « Voir les N résultats »; with
// lien-note and lien-resultats every note and the results open the
// partner's pages (the id and the query URL-encoded), announced by
// trouvaille-ouvrir; a template that is not http(s) or lacks its {id} or
// {q} is ignored, with a warning in the console.
func TestBrowserWidgetTokenLinks(t *testing.T) {
	s := trouvailleServer(t)
	partner := partnerServer(t, map[string]string{"/": tokenPage(s.URL)})
	k := createKeyFull(t, s.URL, `{"name":"partenaire d’une communauté","visibility":"community","origins":["`+partner+`"]}`)
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"communities": []string{"Communauté Numérique et données"}, "exp": time.Now().Add(time.Hour).Unix()})
	tok.Header["kid"] = k.ID
	token, err := tok.SignedString([]byte(k.Key))
	if err != nil {
		t.Fatal(err)
	}
	const q = "sondage membres"
	// What the token finds: a community note among the first five, public
	// notes too, more than five in all.
	res := searchResult(t, s.URL, "q="+url.QueryEscape(q)+"&per_page=5&facets=none&key="+url.QueryEscape(token))
	_, publicTotal := searchIDs(t, s.URL, "q="+url.QueryEscape(q)+"&per_page=1")
	var ids []string
	visibility := map[string]string{}
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
		visibility[h.ID] = h.Visibility
	}
	if !slices.ContainsFunc(res.Hits, func(h trouvaille.Hit) bool { return h.Visibility == "community" }) ||
		!slices.ContainsFunc(res.Hits, func(h trouvaille.Hit) bool { return h.Visibility == "public" }) ||
		res.Total <= 5 || int(res.Total) == publicTotal {
		t.Fatalf("%q: the token's first notes %v (%d in all, %d public) do not mix community and public notes", q, visibility, res.Total, publicTotal)
	}
	for id, vis := range visibility {
		status := httpStatus(t, s.URL+"/n/"+id)
		if (status == http.StatusOK) != (vis == "public") {
			t.Fatalf("/n/%s answers %d for a %s note", id, status, vis)
		}
	}

	ctx := browser(t)
	open := func(attrs url.Values) { t.Helper(); openBox(t, ctx, partner, s.URL, token, q, attrs) }
	notes := func() []boxNote { t.Helper(); return boxNotes(t, ctx) }
	allHref := func() string { return boxAllHref(t, ctx) }
	// activate moves the active option to the note id with the arrows.
	activate := func(id string) {
		t.Helper()
		for range 12 {
			if eval[bool](t, ctx, `(() => { const a = `+jsInput+`.getAttribute('aria-activedescendant'); return !!a && `+jsRoot+`.getElementById(a).dataset.id === `+jsString(id)+` })()`) {
				return
			}
			run(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
		}
		t.Fatalf("the arrows never reach note %s: %s", id, eval[string](t, ctx, jsState))
	}
	opened := func() []map[string]string {
		return eval[[]map[string]string](t, ctx, `window.opened`)
	}

	// Without lien-note: the public notes open Trouvaille's page, the
	// community note has no link.
	open(url.Values{})
	got := notes()
	var gotIDs []string
	for _, o := range got {
		gotIDs = append(gotIDs, o.ID)
		switch visibility[o.ID] {
		case "public":
			if o.Href != s.URL+"/n/"+o.ID || o.Disabled != "" {
				t.Errorf("public note %s: href %q, aria-disabled %q", o.ID, o.Href, o.Disabled)
			}
		default:
			if o.Href != "" || o.Disabled != "true" || !strings.Contains(o.Text, "Aucune page à ouvrir pour cette note") {
				t.Errorf("%s note %s: href %q, aria-disabled %q, text %q", visibility[o.ID], o.ID, o.Href, o.Disabled, o.Text)
			}
		}
	}
	if !slices.Equal(gotIDs, ids) {
		t.Errorf("widget notes %v, want the token's %v", gotIDs, ids)
	}
	if status := eval[string](t, ctx, jsRoot+`.querySelector('[role=status]').textContent`); !strings.Contains(status, fmt.Sprint(res.Total)) {
		t.Errorf("status %q does not say the token's %d notes", status, res.Total)
	}
	if h := allHref(); h != "" {
		t.Errorf("« Voir les résultats » opens %s, a page counting %d public notes of the token's %d", h, publicTotal, res.Total)
	}
	checkAxe(t, ctx, "wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa", "partner page, a note without page")
	var community, public string
	for _, o := range got {
		if visibility[o.ID] == "public" && public == "" {
			public = o.ID
		} else if visibility[o.ID] != "public" && community == "" {
			community = o.ID
		}
	}
	// Enter on the community note, then a click: nothing opens, the list
	// stays open.
	activate(community)
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	eval[bool](t, ctx, jsOptions+`.find(o => o.dataset.id === `+jsString(community)+`).click() || true`)
	time.Sleep(100 * time.Millisecond)
	if o := opened(); len(o) != 0 || eval[string](t, ctx, jsInput+`.getAttribute('aria-expanded')`) != "true" {
		t.Errorf("Enter or a click on the community note: opened %v, list open %s", o, eval[string](t, ctx, jsInput+`.getAttribute('aria-expanded')`))
	}
	// Enter on a public note opens its page.
	activate(public)
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	waitJS(t, ctx, `window.opened.length === 1`, `JSON.stringify(window.opened)`)
	if o := opened()[0]; o["url"] != s.URL+"/n/"+public || o["id"] != public {
		t.Errorf("Enter on public note %s: trouvaille-ouvrir %v", public, o)
	}
	if w := eval[[]string](t, ctx, `window.warnings`); len(w) != 0 {
		t.Errorf("console warnings: %q", w)
	}

	// With the partner's templates: every note opens the partner's page,
	// and so do the results (a relative template, the partner's origin).
	open(url.Values{"lien-note": {"https://partenaire.example/notes/{id}?de=trouvaille"}, "lien-resultats": {"/recherche?q={q}&source=boite"}})
	for _, o := range notes() {
		if want := "https://partenaire.example/notes/" + url.PathEscape(o.ID) + "?de=trouvaille"; o.Href != want || o.Disabled != "" {
			t.Errorf("note %s (%s): href %q, aria-disabled %q, want %s", o.ID, visibility[o.ID], o.Href, o.Disabled, want)
		}
	}
	if h, want := allHref(), partner+"/recherche?q=sondage%20membres&source=boite"; h != want {
		t.Errorf("« Voir les résultats » opens %q, want %q", h, want)
	}
	activate(community)
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	waitJS(t, ctx, `window.opened.length === 1`, `JSON.stringify(window.opened)`)
	if o := opened()[0]; o["url"] != "https://partenaire.example/notes/"+community+"?de=trouvaille" || o["id"] != community {
		t.Errorf("Enter on community note %s: trouvaille-ouvrir %v", community, o)
	}

	// Templates that are not http(s), or lack {id} or {q}: ignored, and
	// the console says why.
	open(url.Values{"lien-note": {"javascript:alert(document.domain)//{id}"}, "lien-resultats": {"https://partenaire.example/recherche"}})
	for _, o := range notes() {
		if visibility[o.ID] != "public" && (o.Href != "" || o.Disabled != "true") {
			t.Errorf("%s note %s with an unsafe lien-note: href %q, aria-disabled %q", visibility[o.ID], o.ID, o.Href, o.Disabled)
		}
		if strings.HasPrefix(o.Href, "javascript:") {
			t.Errorf("note %s links to %s", o.ID, o.Href)
		}
	}
	if h := allHref(); h != "" {
		t.Errorf("« Voir les résultats » opens %q with a lien-resultats without {q}", h)
	}
	w := strings.Join(eval[[]string](t, ctx, `window.warnings`), "\n")
	if !strings.Contains(w, "lien-note ignoré") || !strings.Contains(w, "lien-resultats ignoré") {
		t.Errorf("console warnings %q do not name both ignored templates", w)
	}
}

// httpStatus is the status of GET address.
func httpStatus(t *testing.T, address string) int {
	t.Helper()
	resp, err := http.Get(address)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestBrowserWidgetPagesClosed: on a server whose pages are closed to
// anonymous visitors (--anonymous=false; the partners search with keys),
// a box without lien-note linked its public notes to /n/{id} and offered
// « Voir les N résultats » on the site's page: both answer « recherche
// publique fermée ». Now the server says public_pages: false, the box
// lists those notes disabled (« Aucune page à ouvrir pour cette note »)
// and offers no results page; with lien-note and lien-resultats all open
// the partner's pages.
func TestBrowserWidgetPagesClosed(t *testing.T) {
	trouvailleServer(t)
	closed := httptest.NewServer(api.New(srvEng, api.Config{AdminToken: e2eAdmin, NoAnonymous: true}, web.Routes(srvEng)))
	t.Cleanup(closed.Close)
	key := createKey(t, closed.URL, `{"name":"partenaire d’un serveur fermé","origins":["*"],"public_anonymous":true}`)
	const q = "numerique"
	var res trouvaille.Result
	req, _ := http.NewRequest(http.MethodGet, closed.URL+"/v1/search?q="+q+"&per_page=5&facets=none&key="+url.QueryEscape(key), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	err = json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || res.Total <= 5 {
		t.Fatalf("the key's search: %d %v, %d notes", resp.StatusCode, err, res.Total)
	}
	for _, h := range res.Hits {
		if h.Visibility != "public" {
			t.Fatalf("the key finds a %s note %s", h.Visibility, h.ID)
		}
		if status := httpStatus(t, closed.URL+"/n/"+h.ID); status != http.StatusForbidden {
			t.Fatalf("/n/%s answers %d on the closed server: the case proves nothing", h.ID, status)
		}
	}

	partner := partnerServer(t, map[string]string{"/": tokenPage(closed.URL)})
	ctx := browser(t)
	open := func(attrs url.Values) { t.Helper(); openBox(t, ctx, partner, closed.URL, key, q, attrs) }
	notes := func() []boxNote { t.Helper(); return boxNotes(t, ctx) }
	allHref := func() string { return boxAllHref(t, ctx) }

	open(url.Values{})
	got := notes()
	if len(got) != len(res.Hits) {
		t.Fatalf("the box lists %d notes, the key's search %d", len(got), len(res.Hits))
	}
	for _, o := range got {
		if o.Href != "" || o.Disabled != "true" || !strings.Contains(o.Text, "Aucune page à ouvrir pour cette note") {
			t.Errorf("public note %s on a closed server: href %q, aria-disabled %q, text %q", o.ID, o.Href, o.Disabled, o.Text)
		}
	}
	if h := allHref(); h != "" {
		t.Errorf("« Voir les résultats » opens %s, a closed page", h)
	}
	checkAxe(t, ctx, "wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa", "partner page, a closed server")

	open(url.Values{"lien-note": {"https://partenaire.example/notes/{id}"}, "lien-resultats": {"https://partenaire.example/recherche?q={q}"}})
	for _, o := range notes() {
		if want := "https://partenaire.example/notes/" + url.PathEscape(o.ID); o.Href != want || o.Disabled != "" {
			t.Errorf("note %s with lien-note: href %q, aria-disabled %q, want %s", o.ID, o.Href, o.Disabled, want)
		}
	}
	if h, want := allHref(), "https://partenaire.example/recherche?q="+q; h != want {
		t.Errorf("« Voir les résultats » opens %q, want %q", h, want)
	}
}

// jsHits are the notes the box lists.
const jsHits = `Array.from(` + jsRoot + `.querySelectorAll('[role=option][part~=hit]'))`

// openBox loads the partner's page (tokenPage) with the box's attributes
// (serveur and cle set to server and cred), types q and waits for the
// notes.
func openBox(t *testing.T, ctx context.Context, partner, server, cred, q string, attrs url.Values) {
	t.Helper()
	attrs.Set("serveur", server)
	attrs.Set("cle", cred)
	run(t, ctx, chromedp.Navigate(partner+"/?"+attrs.Encode()))
	waitJS(t, ctx, `!!customElements.get('trouvaille-recherche') && !!document.querySelector('trouvaille-recherche') && !!`+jsRoot, `location.href`)
	eval[bool](t, ctx, jsInput+`.focus() || true`)
	run(t, ctx, chromedp.KeyEvent(q))
	// The list of the whole query, not of a prefix searched while the
	// keys were typed (a slow machine types slower than the debounce).
	waitJS(t, ctx, jsHits+`.length > 0 && !`+jsRoot+`.querySelector('[role=listbox]').hasAttribute('aria-busy') && `+jsInput+`.getAttribute('aria-expanded') === 'true' && `+jsRoot+`.querySelector('[role=listbox]').getAttribute('data-q') === `+jsString(q), jsState)
}

// boxNote is a note the box lists: its id, where it opens, whether it is
// disabled, its text.
type boxNote struct{ ID, Href, Disabled, Text string }

// boxNotes returns the notes the box lists.
func boxNotes(t *testing.T, ctx context.Context) []boxNote {
	t.Helper()
	raw := eval[string](t, ctx, `JSON.stringify(`+jsHits+`.map(o => ({ID: o.dataset.id || decodeURIComponent((o.dataset.href || '').split('/n/')[1] || ''), Href: o.dataset.href || '', Disabled: o.getAttribute('aria-disabled') || '', Text: o.textContent})))`)
	var out []boxNote
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// boxAllHref is where « Voir les N résultats » opens, "" when the box does
// not offer it.
func boxAllHref(t *testing.T, ctx context.Context) string {
	return eval[string](t, ctx, `(`+jsOptions+`.find(o => o.classList.contains('all')) || {dataset: {}}).dataset.href || ''`)
}

// TestBrowserWidgetSaysMissingWords: when fewer than ten notes hold every
// word, the notes holding most of them follow; each says the words it
// lacks, as the site's page does (« ne contient pas : montreal »), from
// the words the server searched for (never a stop word).
func TestBrowserWidgetSaysMissingWords(t *testing.T) {
	s := trouvailleServer(t)
	ctx := focusedDemo(t)
	const q = "le logement à montreal"
	run(t, ctx, chromedp.KeyEvent(q))
	waitJS(t, ctx, jsInput+`.value === `+jsString(q)+` && `+jsRoot+`.querySelector('[role=status]').textContent !== '' && `+jsOptions+`.some(o => o.dataset.id) && !`+jsRoot+`.querySelector('[role=listbox]').hasAttribute('aria-busy')`, jsState)
	res := searchResult(t, s.URL, "per_page=5&facets=none&q="+url.QueryEscape(q))
	type said struct{ ID, Missing string }
	got := eval[[]said](t, ctx, jsOptions+`.filter(o => o.dataset.id).map(o => ({ID: o.dataset.id, Missing: (o.querySelector('[part~=missing]')||{}).textContent || ''}))`)
	if len(got) != len(res.Hits) {
		t.Fatalf("the box lists %d notes, the search %d", len(got), len(res.Hits))
	}
	lacking := 0
	for i := range res.Hits {
		want := ""
		if miss := res.Missing(&res.Hits[i]); len(miss) > 0 {
			want = "ne contient pas\u00a0: " + strings.Join(miss, ", ")
			lacking++
		}
		if got[i].ID != res.Hits[i].ID || got[i].Missing != want {
			t.Errorf("note %d: the box says %+v, want %s %q", i, got[i], res.Hits[i].ID, want)
		}
		_, words, _ := strings.Cut(got[i].Missing, "\u00a0: ")
		for _, w := range strings.Split(words, ", ") {
			if w == "le" || w == "à" {
				t.Errorf("note %s is said to lack a stop word: %q", got[i].ID, got[i].Missing)
			}
		}
	}
	if lacking == 0 {
		t.Errorf("no note of %q says which word it lacks (words %q): the case proves nothing", q, res.Words)
	}
}

// TestBrowserWidgetSaysWhy: a query the server refuses (over 1,000 bytes)
// showed « Recherche indisponible… réessayez plus tard », which never
// helps, where the server says what to do; a serveur attribute without
// https:// threw an English TypeError and left the list busy for good.
func TestBrowserWidgetSaysWhy(t *testing.T) {
	s := trouvailleServer(t)
	ctx := browser(t)
	for _, c := range []struct{ serveur, query, want string }{
		{s.URL, strings.Repeat("logement ", 120), "raccourcissez-la"},
		{"trouvaille.exemple.org", "logement", "La recherche ne fonctionne pas sur ce site pour le moment. Prévenez l’équipe du site."},
	} {
		page := `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Partenaire</title>
<script src="` + s.URL + `/widget.js" defer></script></head><body>
<trouvaille-recherche serveur="` + c.serveur + `" lang="fr"></trouvaille-recherche></body></html>`
		partner := partnerServer(t, map[string]string{"/": page})
		run(t, ctx, chromedp.Navigate(partner+"/"))
		waitJS(t, ctx, `!!customElements.get('trouvaille-recherche') && !!`+jsRoot, `location.href`)
		eval[bool](t, ctx, `(() => { const i = `+jsInput+`; i.focus(); i.value = `+jsString(c.query)+`; i.dispatchEvent(new Event('input', {bubbles: true})); return true })()`)
		waitJS(t, ctx, jsRoot+`.querySelector('[role=status]').textContent.includes(`+jsString(c.want)+`)`, jsRoot+`.querySelector('[role=status]').textContent`)
		if eval[bool](t, ctx, jsRoot+`.querySelector('[role=listbox]').hasAttribute('aria-busy')`) {
			t.Errorf("%s: the list stays busy", c.serveur)
		}
	}
}

// TestBrowserWidgetUnderTrustedTypes: a partner page whose CSP enforces
// Trusted Types (require-trusted-types-for 'script', as strict policies
// recommend) refused the widget's innerHTML: the list kept its heading, no
// hit, no word to the reader. The widget now builds its highlights without
// parsing HTML.
func TestBrowserWidgetUnderTrustedTypes(t *testing.T) {
	s := trouvailleServer(t)
	csp := "default-src 'none'; script-src " + s.URL + "; connect-src " + s.URL + "; style-src 'none'; img-src 'none'; base-uri 'none'; require-trusted-types-for 'script'; trusted-types 'none'"
	page := `<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="` + csp + `"><title>Partenaire</title>
<script src="` + s.URL + `/widget.js" defer></script></head><body>
<trouvaille-recherche serveur="` + s.URL + `" lang="fr"></trouvaille-recherche></body></html>`
	partner := partnerServer(t, map[string]string{"/": page})
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(partner+"/"))
	waitJS(t, ctx, `!!customElements.get('trouvaille-recherche') && !!`+jsRoot, `location.href`)
	eval[bool](t, ctx, jsInput+`.focus() || true`)
	run(t, ctx, chromedp.KeyEvent("logement"))
	waitJS(t, ctx, jsRoot+`.querySelectorAll('[role=option] mark').length > 0`, jsRoot+`.querySelector('[role=listbox]').textContent + ' | ' + `+jsRoot+`.querySelector('[role=status]').textContent`)
	// The highlighted word is the word, the escaped text is text.
	if got := eval[string](t, ctx, jsRoot+`.querySelector('[role=option] mark').textContent.toLowerCase()`); !strings.HasPrefix(got, "logement") {
		t.Errorf("first highlight %q", got)
	}
}

// TestBrowserWidgetWaitsAfterTooManySearches: refused for too many searches
// (429), the widget kept sending two requests a keystroke, each refused, so
// a key's bucket never refilled while a person typed. It now sends nothing
// until the server's Retry-After has passed, and says why meanwhile.
func TestBrowserWidgetWaitsAfterTooManySearches(t *testing.T) {
	s := trouvailleServer(t)
	body, _ := json.Marshal(map[string]any{"name": "partenaire lent", "origins": []string{"*"}, "public_anonymous": true, "rate_per_minute": 6})
	ctx := keyedWidget(t, s, createKey(t, s.URL, string(body)))
	const sent = `performance.getEntriesByType('resource').filter(e => e.name.includes('/v1/')).length`
	for _, q := range []string{"lo", "loge", "logem", "logeme", "logemen", "logement"} {
		eval[bool](t, ctx, `(() => { const i = `+jsInput+`; i.value = `+jsString(q)+`; i.dispatchEvent(new Event('input', {bubbles: true})); return true })()`)
		run(t, ctx, chromedp.Sleep(300*time.Millisecond))
	}
	waitJS(t, ctx, jsRoot+`.querySelector('[role=status]').textContent.includes('trop de requêtes')`, jsRoot+`.querySelector('[role=status]').textContent`)
	// A burst of one search: the first pair of requests, one of them
	// refused; then nothing for the ten seconds of the wait.
	if n := eval[int](t, ctx, sent); n > 2 {
		t.Errorf("%d requests sent during the wait, want 2", n)
	}
}
