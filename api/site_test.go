package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/web"
)

// Sample notes of the demo corpus, one of each visibility.
const (
	demoPublic    = "H2wz6U5i8aojdkVP7h59je1g26P"
	demoPrivate   = "gtx85BXTsgr5vjVbEs5sA3ebL1P"
	demoCommunity = "eb3yS24uHzBU8dqAnVtPzv33aUx"
)

// linkNotes are added to the demo corpus: a public note that links to notes
// of every visibility (and to one that does not exist), and a private note
// that links to it.
const linkNotes = `{"id":"lien-public","type":"note","title":"Carrefour des liens","body":"Une note publique qui renvoie à d’autres notes.","links":["` + demoPublic + `","` + demoPrivate + `","` + demoCommunity + `","absente"],"visibility":"public"}
{"id":"lien-prive","type":"note","title":"Liens privés","body":"Carrefour des liens, en privé.","links":["lien-public"],"visibility":"private"}
`

// newSiteServer serves the API and the web page, as the command does, over
// the demo corpus plus linkNotes.
func newSiteServer(t *testing.T) (*httptest.Server, *trouvaille.Engine, *Server, Pages) {
	t.Helper()
	eng, err := trouvaille.Open(t.TempDir(), trouvaille.OpenOptions{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	in := &trouvaille.Ingester{Engine: eng}
	for _, src := range [][]byte{trouvaille.DemoNotes, []byte(linkNotes)} {
		rep, err := in.Ingest(bytes.NewReader(src), "notes.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rejected > 0 {
			t.Fatalf("rejected notes: %v", rep.Rejections)
		}
	}
	pages := web.Routes(eng, web.WithLogf(t.Logf))
	waitReady(t, eng)
	srv := httptest.NewServer(New(eng, Config{AnonymousRatePerMinute: -1, AdminToken: "jeton-de-test"}, pages))
	t.Cleanup(srv.Close)
	return srv, eng, &Server{eng: eng}, pages
}

func do(t *testing.T, method, u string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// samplePath fills a route pattern's parameters with values that exist.
func samplePath(pattern string) string {
	r := strings.NewReplacer(":id", demoPublic, ":facet", "organisations", ":name", "app.css", ":seq", "1", ":index", "notes")
	return r.Replace(pattern)
}

var allMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND"}

// TestEveryMethodOnEveryRoute walks the route table: the methods it declares
// answer (HEAD like GET, without a body), every other method gets 405 with
// an Allow header, and no answer is a server fault or lacks nosniff.
func TestEveryMethodOnEveryRoute(t *testing.T) {
	srv, _, s, pages := newSiteServer(t)
	table := s.routes(pages)
	if len(table) < 14 {
		t.Fatalf("route table holds %d routes, want the API and the pages", len(table))
	}
	for _, rt := range table {
		p := samplePath(rt.path)
		declared := map[string]bool{rt.method: true}
		if rt.method == "GET" {
			declared["HEAD"] = true
		}
		if hasCORS(rt) {
			declared["OPTIONS"] = true
		}
		for _, e := range table { // other routes on the same pattern
			if e.path == rt.path {
				declared[e.method] = true
				if e.method == "GET" {
					declared["HEAD"] = true
				}
			}
		}
		getResp, getBody := do(t, "GET", srv.URL+p)
		for _, m := range allMethods {
			resp, body := do(t, m, srv.URL+p)
			if resp.StatusCode >= 500 {
				t.Errorf("%s %s: %d %s", m, p, resp.StatusCode, body)
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s %s: no X-Content-Type-Options: nosniff", m, p)
			}
			switch {
			case declared[m] && resp.StatusCode == http.StatusMethodNotAllowed:
				t.Errorf("%s %s: 405, but the route table declares it", m, p)
			case !declared[m]:
				if resp.StatusCode != http.StatusMethodNotAllowed {
					t.Errorf("%s %s: %d, want 405", m, p, resp.StatusCode)
				}
				allow := strings.Split(resp.Header.Get("Allow"), ", ")
				sort.Strings(allow)
				var want []string
				for d := range declared {
					want = append(want, d)
				}
				sort.Strings(want)
				if strings.Join(allow, ",") != strings.Join(want, ",") {
					t.Errorf("%s %s: Allow %v, want %v", m, p, allow, want)
				}
			}
		}
		if rt.method != "GET" {
			continue
		}
		head, body := do(t, "HEAD", srv.URL+p)
		if head.StatusCode != getResp.StatusCode || len(body) != 0 {
			t.Errorf("HEAD %s: %d with %d bytes, GET gives %d", p, head.StatusCode, len(body), getResp.StatusCode)
		}
		if head.Header.Get("Content-Type") != getResp.Header.Get("Content-Type") {
			t.Errorf("HEAD %s: Content-Type %q, GET %q", p, head.Header.Get("Content-Type"), getResp.Header.Get("Content-Type"))
		}
		if strings.Contains(rt.path, "/admin/") || strings.HasPrefix(rt.path, "/v1/keys") || adminOnly(rt.path) {
			if getResp.StatusCode != http.StatusUnauthorized && getResp.StatusCode != http.StatusForbidden {
				t.Errorf("GET %s without the admin token: %d, want 401 or 403", p, getResp.StatusCode)
			}
			continue
		}
		if getResp.StatusCode != http.StatusOK || len(getBody) == 0 {
			t.Errorf("GET %s: %d with %d bytes", p, getResp.StatusCode, len(getBody))
		}
	}
}

// TestUnknownAddresses: outside /v1/ the site's HTML 404 page, in French;
// under /v1/ a JSON 404 (never 405), whatever the path holds.
func TestUnknownAddresses(t *testing.T) {
	srv, _, _, _ := newSiteServer(t)
	for _, c := range []struct {
		path string
		html bool
	}{
		{"/cette-page-nexiste-pas", true},
		{"/n/", true},
		{"/n/x/y", true},
		{"/organisations/x", true},
		{"/%FF%FE", true},
		{"/v1/notes/..%2f..%2fetc", false},
		{"/v1/notes/../../etc", false},
		{"/v1/notes/x/y/z", false},
		{"/v1/inconnue", false},
		{"/v1", false},
		{"/v2/search", true},
		{"/static/inconnu.css", true}, // an asset name the site does not have
		{"/static/app.css.bak", true},
	} {
		resp, body := do(t, "GET", srv.URL+c.path)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404: %s", c.path, resp.StatusCode, body)
			continue
		}
		ct := resp.Header.Get("Content-Type")
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", c.path)
		}
		if c.html {
			if !strings.HasPrefix(ct, "text/html") || !bytes.Contains(body, []byte("Page introuvable")) ||
				!bytes.Contains(body, []byte(`lang="fr`)) || !bytes.Contains(body, []byte("/static/app.css")) {
				t.Errorf("%s: want the site’s French HTML 404 page, got %s: %.300s", c.path, ct, body)
			}
			continue
		}
		var e ErrorBody
		if !strings.HasPrefix(ct, "application/json") || json.Unmarshal(body, &e) != nil || e.Error.Code != "no_route" {
			t.Errorf("%s: want a JSON no_route error, got %s: %s", c.path, ct, body)
		}
	}
	// Any method on an unknown page address: the HTML page.
	if resp, body := do(t, "POST", srv.URL+"/cette-page-nexiste-pas"); resp.StatusCode != 404 || !bytes.Contains(body, []byte("Page introuvable")) {
		t.Errorf("POST /cette-page-nexiste-pas: %d %.200s", resp.StatusCode, body)
	}
	// Without the page, every unknown address answers JSON.
	api := newTestServerOnly(t)
	resp, body := do(t, "GET", api.URL+"/cette-page-nexiste-pas")
	if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("API alone: %d %s", resp.StatusCode, body)
	}
}

// newTestServerOnly serves the API alone over an empty store.
func newTestServerOnly(t *testing.T) *httptest.Server {
	t.Helper()
	eng, err := trouvaille.Open(t.TempDir(), trouvaille.OpenOptions{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	srv := httptest.NewServer(New(eng, Config{AnonymousRatePerMinute: -1}))
	t.Cleanup(srv.Close)
	return srv
}

// TestNumericParameters attacks every numeric parameter of every route: huge,
// negative, zero, overflowing, not a number. Each is refused with 400 naming
// the parameter; in range, 200. page × per_page never wraps around.
func TestNumericParameters(t *testing.T) {
	srv, _, _, _ := newSiteServer(t)
	type param struct{ path, name, extra string }
	params := []param{
		{"/v1/search?q=logement", "page", ""},
		{"/v1/search?q=logement", "page", "&per_page=16"},
		{"/v1/search?q=logement", "per_page", ""},
		{"/v1/search?q=logement", "per_page", "&page=2"},
		{"/v1/search?q=logement", "facet_size", ""},
		{"/v1/suggest?q=loge", "limit", ""},
		{"/v1/facets/organisations?q=t", "limit", ""},
		{"/v1/notes/" + demoPublic + "/related?", "limit", ""},
	}
	bad := []string{
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551617",
		"1152921504606846977", "4611686018427387904", "2305843009213693953", "10001",
		"-1", "0", "-0", "abc", "1e3", "1.5", "0x10", "%203", "3%20", "%FF", "%E2%80%AF3", "３",
	}
	for _, p := range params {
		for _, v := range bad {
			u := srv.URL + p.path + "&" + p.name + "=" + v + p.extra
			resp, body := do(t, "GET", u)
			checkSpec(t, "GET", strings.TrimPrefix(u, srv.URL), resp, body)
			var e ErrorBody
			if resp.StatusCode != http.StatusBadRequest || json.Unmarshal(body, &e) != nil || e.Error.Param != p.name || e.Error.Message == "" {
				t.Errorf("%s: %d %s, want 400 naming %s", u, resp.StatusCode, body, p.name)
			}
		}
		for _, v := range []string{"1", "2", "%2B2", "5"} {
			u := srv.URL + p.path + "&" + p.name + "=" + v + p.extra
			if resp, body := do(t, "GET", u); resp.StatusCode != http.StatusOK {
				t.Errorf("%s: %d %s, want 200", u, resp.StatusCode, body)
			}
		}
	}
	// The last page of the window answers; the next one is refused.
	for _, c := range []struct {
		q      string
		status int
	}{
		{"page=625&per_page=16", 200},
		{"page=626&per_page=16", 400},
		{"page=100&per_page=100", 200},
		{"page=101&per_page=100", 400},
		{"page=10000&per_page=1", 200},
		{"page=10001&per_page=1", 400},
	} {
		if resp, body := do(t, "GET", srv.URL+"/v1/search?"+c.q); resp.StatusCode != c.status {
			t.Errorf("%s: %d, want %d: %s", c.q, resp.StatusCode, c.status, body)
		}
	}
	// The page: a friendly French message, never a server fault nor the
	// first page under another number.
	for _, v := range []string{"9223372036854775807", "1152921504606846977", "1001", "18446744073709551617", "-5", "abc"} {
		resp, _ := do(t, "GET", srv.URL+"/?q=logement&page="+v)
		if resp.StatusCode >= 500 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("/?page=%s: %d %s", v, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	for _, v := range []string{"9223372036854775807", "1152921504606846977", "1001"} {
		resp, body := do(t, "GET", srv.URL+"/?q=logement&page="+v)
		if resp.StatusCode != http.StatusBadRequest || !bytes.Contains(body, []byte("trop loin")) || bytes.Contains(body, []byte(`class="hit`)) {
			t.Errorf("/?page=%s: %d, want 400 saying the page is too far, without hits: %.2000s", v, resp.StatusCode, body)
		}
	}
}

// TestHostileInput sends invalid UTF-8, control characters and oversized
// values in every parameter of every route, by every method: never a 500.
func TestHostileInput(t *testing.T) {
	srv, _, s, pages := newSiteServer(t)
	names := []string{"q", "page", "per_page", "sort", "facets", "facet_size", "snippets", "synonyms", "published_after",
		"published_before", "organisation", "carnet", "bloc", "author", "term", "type", "community", "limit", "query", "lang", "v", "%FF"}
	values := []string{"%FF", "%C3%28", "%ED%A0%80", "%00%1B%5B31m", "%F4%90%80%80", strings.Repeat("%E2%80%99", 400), "%22-*~%5C"}
	for _, rt := range s.routes(pages) {
		p := samplePath(rt.path)
		routeNames := names
		if rt.kind == pageRoute { // the pages read fewer parameters, and each answer is a whole page
			routeNames = []string{"q", "page", "sort", "lang", "organisation", "published_after", "v", "%FF"}
		}
		for _, n := range routeNames {
			for _, v := range values {
				u := srv.URL + p + "?" + n + "=" + v
				resp, body := do(t, rt.method, u)
				if resp.StatusCode >= 500 {
					t.Errorf("%s %s: %d %.300s", rt.method, u, resp.StatusCode, body)
				}
			}
		}
		// Invalid UTF-8 in the path parameter itself.
		if strings.Contains(rt.path, ":") {
			u := srv.URL + strings.NewReplacer(":id", "%FF%FE", ":facet", "%FF", ":name", "%C3%28").Replace(rt.path)
			if resp, body := do(t, rt.method, u); resp.StatusCode >= 500 {
				t.Errorf("%s %s: %d %.300s", rt.method, u, resp.StatusCode, body)
			}
		}
	}
	// Invalid UTF-8 is refused by the API, naming the parameter.
	resp, body := do(t, "GET", srv.URL+"/v1/search?q=%FF")
	var e ErrorBody
	if resp.StatusCode != 400 || json.Unmarshal(body, &e) != nil || e.Error.Param != "q" {
		t.Errorf("q=%%FF: %d %s", resp.StatusCode, body)
	}
}

// TestNoteLinksOnlyPublic: a public note's links never name a community or
// private note (nor one that is gone), in the API and on the page.
func TestNoteLinksOnlyPublic(t *testing.T) {
	srv, eng, _, _ := newSiteServer(t)
	stored, err := eng.Note(trouvaille.AdminScope, "lien-public")
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Links) != 4 {
		t.Fatalf("stored links %v, want the four given", stored.Links)
	}
	resp, body := do(t, "GET", srv.URL+"/v1/notes/lien-public")
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	var n struct {
		Links []string `json:"links"`
	}
	if err := json.Unmarshal(body, &n); err != nil {
		t.Fatal(err)
	}
	if len(n.Links) != 1 || n.Links[0] != demoPublic {
		t.Errorf("links = %v, want only the public %s", n.Links, demoPublic)
	}
	// The store keeps every link: only the answer is filtered.
	if again, _ := eng.Note(trouvaille.AdminScope, "lien-public"); len(again.Links) != 4 {
		t.Errorf("the stored note lost links: %v", again.Links)
	}
	// The admin reads the links as stored, that to a note not written yet
	// included: a note read then written back keeps them (it lost them).
	req, _ := http.NewRequest("GET", srv.URL+"/v1/notes/lien-public", nil)
	req.Header.Set("Authorization", "Bearer jeton-de-test")
	aresp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var admin struct {
		Links []string `json:"links"`
	}
	err = json.NewDecoder(aresp.Body).Decode(&admin)
	aresp.Body.Close()
	if err != nil || !slices.Equal(admin.Links, stored.Links) {
		t.Errorf("admin's links = %v (%v), want those stored %v", admin.Links, err, stored.Links)
	}
	hidden := []string{demoPrivate, demoCommunity, "absente", "lien-prive"}
	for _, p := range []string{
		"/v1/notes/lien-public", "/v1/notes/lien-public/related?limit=50", "/v1/notes/" + demoPublic + "/related?limit=50",
		"/v1/search?q=carrefour+liens&per_page=100", "/v1/suggest?q=carrefour&limit=20",
		"/n/lien-public", "/n/" + demoPublic, "/?q=carrefour+liens",
	} {
		_, body := do(t, "GET", srv.URL+p)
		for _, id := range hidden {
			if bytes.Contains(body, []byte(id)) {
				t.Errorf("%s shows the id %s", p, id)
			}
		}
	}
	// The page shows the public linked note.
	if _, body := do(t, "GET", srv.URL+"/n/lien-public"); !bytes.Contains(body, []byte("/n/"+demoPublic)) {
		t.Errorf("/n/lien-public does not link to the public note %s", demoPublic)
	}
}
