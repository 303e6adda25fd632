package api

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/web"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// newTestServer loads the demo corpus into real Badger and Bleve in a temp
// folder and serves the API through httptest.
func newTestServer(t *testing.T) (*httptest.Server, *trouvaille.Engine) {
	t.Helper()
	eng := demoEngine(t, t.Logf)
	// The site's pages are served, as by the command: the answers say
	// what a partner's box sees of a server as it runs.
	srv := httptest.NewServer(New(eng, Config{AnonymousRatePerMinute: -1}, web.Routes(eng, web.WithLogf(t.Logf))))
	t.Cleanup(srv.Close)
	return srv, eng
}

// demoEngine loads the demo corpus into real Badger and Bleve in a temp
// folder, the engine closed when the test ends; logf receives its log.
func demoEngine(tb testing.TB, logf func(string, ...any)) *trouvaille.Engine {
	tb.Helper()
	eng, err := trouvaille.Open(tb.TempDir(), trouvaille.OpenOptions{Logf: logf})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { eng.Close() })
	in := &trouvaille.Ingester{Engine: eng}
	rep, err := in.Ingest(bytes.NewReader(trouvaille.DemoNotes), "notes.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	if rep.Rejected > 0 {
		tb.Fatalf("demo corpus has rejected notes: %v", rep.Rejections)
	}
	return eng
}

// quietOps keeps a test server's request log out of the test's output.
func quietOps() OpsConfig {
	return OpsConfig{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

var tookRe = regexp.MustCompile(`"took_ms":[0-9.e+-]+`)

// canonical re-indents a JSON body and blanks the timing so it can be compared.
func canonical(t *testing.T, b []byte) []byte {
	t.Helper()
	b = tookRe.ReplaceAll(b, []byte(`"took_ms":0`))
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("invalid JSON %s: %v", b, err)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// goldenCase is one request whose status and canonical JSON body are checked
// against testdata/golden/<name>.json.
type goldenCase struct {
	name   string
	path   string
	status int
}

// runGolden requests every case, validates the answer against
// api/openapi.yaml and compares the body with its golden file (rewritten
// with -update).
func runGolden(t *testing.T, srv *httptest.Server, cases []goldenCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := do(t, "GET", srv.URL+c.path)
			status := resp.StatusCode
			checkSpec(t, "GET", c.path, resp, body)
			if status != c.status {
				t.Errorf("%s: status %d, want %d: %s", c.path, status, c.status, body)
			}
			got := canonical(t, body)
			file := filepath.Join("testdata", "golden", c.name+".json")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./api -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (run go test ./api -update if the change is intended)\ngot:\n%s", c.path, file, got)
			}
		})
	}
}

func TestGolden(t *testing.T) {
	srv, _ := newTestServer(t)
	cases := []goldenCase{
		{"search_accents", "/v1/search?q=economie+sociale&per_page=5", 200},
		{"search_typo", "/v1/search?q=finacement&per_page=5&facets=none", 200},
		{"search_inclusive", "/v1/search?q=utilisatrices&per_page=5&facets=none", 200},
		{"search_acronym", "/v1/search?q=l%E2%80%99OBNL&per_page=5&facets=type", 200},
		{"search_phrase", "/v1/search?q=%22communaut%C3%A9+de+pratique%22&per_page=3&facets=none", 200},
		{"search_relaxed", "/v1/search?q=logement+xylophone&per_page=3&facets=none", 200},
		{"search_prefix", "/v1/search?q=alimen&per_page=3&facets=none", 200},
		{"browse_facets", "/v1/search?per_page=3&facet_size=5", 200},
		{"filter_disjunctive", "/v1/search?q=economie&organisation=TIESS&type=note&per_page=3", 200},
		{"sort_title", "/v1/search?q=logement&sort=title&per_page=5&facets=none&snippets=false", 200},
		{"err_unknown_param", "/v1/search?q=x&organization=TIESS", 400},
		{"err_per_page", "/v1/search?q=x&per_page=500", 400},
		{"err_date", "/v1/search?q=x&published_after=2024-13-45", 400},
		{"err_facet", "/v1/search?q=x&facets=couleurs", 400},
		{"err_sort", "/v1/search?q=x&sort=popularite", 400},
		{"err_page", "/v1/search?q=x&page=0", 400},
		{"err_note_404", "/v1/notes/inexistante", 404},
		{"err_no_route", "/v1/recherche", 404},
		{"err_no_route_traversal", "/v1/notes/..%2f..%2fetc", 404},
		{"err_note_param", "/v1/notes/x?foo=1", 400},
		{"err_page_overflow", "/v1/search?q=logement&page=9223372036854775807", 400},
		{"err_page_wrap", "/v1/search?q=logement&page=1152921504606846977&per_page=16", 400},
		{"note", "/v1/notes/H2wz6U5i8aojdkVP7h59je1g26P", 200},
		{"healthz", "/healthz", 200},
	}
	runGolden(t, srv, cases)
}

// TestNonPublicNeverLeak checks that community and private notes are stored
// and indexed, yet never appear in hits, facets, totals or /v1/notes.
func TestNonPublicNeverLeak(t *testing.T) {
	srv, eng := newTestServer(t)
	var hidden []*trouvaille.Note
	for _, line := range bytes.Split(trouvaille.DemoNotes, []byte("\n")) {
		var n trouvaille.Note
		if json.Unmarshal(line, &n) == nil && n.ID != "" && n.Visibility != "public" {
			hidden = append(hidden, &n)
		}
	}
	if len(hidden) == 0 {
		t.Fatal("the demo corpus must hold community and private notes")
	}
	docs, _ := eng.DocCount()
	count, _ := eng.NoteCount()
	if int(docs) != count {
		t.Fatalf("index holds %d notes, store %d: non-public notes must be indexed too", docs, count)
	}
	if count != len(hidden)+publicCount(t) {
		t.Fatalf("store holds %d notes, the demo corpus %d: non-public notes must be stored too", count, len(hidden)+publicCount(t))
	}
	for _, n := range hidden {
		status, body := get(t, srv.URL+"/v1/notes/"+n.ID)
		if status != 404 || bytes.Contains(body, []byte(n.Title)) {
			t.Errorf("/v1/notes/%s (%s) = %d %s", n.ID, n.Visibility, status, body)
		}
		// Search by its exact title, and browse everything with every facet.
		for _, path := range []string{
			"/v1/search?per_page=100&facet_size=100&q=" + urlQuery(n.Title),
			"/v1/search?per_page=100&facet_size=100&q=" + urlQuery(n.ID),
		} {
			_, body := get(t, srv.URL+path)
			if hitsContain(t, body, n) {
				t.Errorf("%s leaks note %s (%s)", path, n.ID, n.Visibility)
			}
		}
	}
	// Totals and facet counts only count public notes.
	_, body := get(t, srv.URL+"/v1/search?per_page=1&facets=type")
	var res struct {
		Total  int `json:"total"`
		Facets map[string][]struct {
			Value string
			Count int
		}
	}
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	if want := count - len(hidden); res.Total != want {
		t.Errorf("browse total = %d, want %d public notes", res.Total, want)
	}
	sum := 0
	for _, v := range res.Facets["type"] {
		sum += v.Count
	}
	if sum != res.Total {
		t.Errorf("type facet sums to %d, total is %d", sum, res.Total)
	}
	// Every facet value shown belongs to at least one public note.
	_, body = get(t, srv.URL+"/v1/search?per_page=1&facet_size=100")
	var all struct {
		Facets map[string][]struct{ Value string }
	}
	if err := json.Unmarshal(body, &all); err != nil {
		t.Fatal(err)
	}
	public := map[string]bool{}
	for _, line := range bytes.Split(trouvaille.DemoNotes, []byte("\n")) {
		var n trouvaille.Note
		if json.Unmarshal(line, &n) != nil || !n.Public() {
			continue
		}
		for _, v := range append(append(append(append(append([]string{n.Type}, n.Authors...), n.Organisations...), n.Terms...), n.CarnetTitles()...), n.Blocs()...) {
			public[v] = true
		}
		if n.PublishedAt != nil {
			public[n.PublishedAt.UTC().Format("2006")] = true // the published histogram
		}
	}
	for facet, vals := range all.Facets {
		for _, v := range vals {
			if !public[v.Value] {
				t.Errorf("facet %s shows %q, which no public note has", facet, v.Value)
			}
		}
	}
	// The words that only non-public notes hold find nothing.
	for _, n := range hidden {
		for _, w := range strings.Fields(n.Title) {
			if len(w) < 8 {
				continue
			}
			_, body := get(t, srv.URL+"/v1/search?facets=none&per_page=100&q="+urlQuery(w))
			if hitsContain(t, body, n) {
				t.Errorf("q=%s leaks %s", w, n.ID)
			}
		}
	}
}

// hitsContain reports whether a search response shows note n anywhere but in
// the echoed query: in a hit, or its title or organisation-only values in facets.
func hitsContain(t *testing.T, body []byte, n *trouvaille.Note) bool {
	t.Helper()
	var res struct {
		Hits   []map[string]any `json:"hits"`
		Facets json.RawMessage  `json:"facets"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("bad search body %s: %v", body, err)
	}
	for _, h := range res.Hits {
		if h["id"] == n.ID {
			return true
		}
	}
	hits, _ := json.Marshal(res.Hits)
	return bytes.Contains(hits, []byte(n.Title))
}

func urlQuery(s string) string {
	r := strings.NewReplacer("%", "%25", "&", "%26", "+", "%2B", " ", "+", "#", "%23", "?", "%3F")
	return r.Replace(s)
}

func TestErrorsNeverServerFault(t *testing.T) {
	srv, _ := newTestServer(t)
	bad := []string{
		"/v1/search?q=%FF%FE",
		"/v1/search?q=" + strings.Repeat("a", 2000),
		"/v1/search?q=x&page=abc",
		"/v1/search?q=x&page=100000",
		"/v1/search?q=x&facet_size=0",
		"/v1/search?q=x&published_after=2025-01-01&published_before=2024-01-01",
		"/v1/search?q=x&snippets=peut-etre",
		"/v1/search?q=x&q=y",
		"/v1/search?q=%22%22%22",
		"/v1/search?q=-",
		"/v1/search?organisation=",
		"/v1/notes/x?foo=1",
	}
	for _, path := range bad {
		status, body := get(t, srv.URL+path)
		if status >= 500 {
			t.Errorf("%s: status %d: %s", path, status, body)
		}
		if status >= 400 {
			var e ErrorBody
			if err := json.Unmarshal(body, &e); err != nil || e.Error.Message == "" || e.Error.Code == "" {
				t.Errorf("%s: error body %s is not {error:{code,message}}", path, body)
			}
		}
	}
}

// demoNotes returns the notes of the demo corpus.
func demoNotes(t *testing.T) []*trouvaille.Note {
	t.Helper()
	var out []*trouvaille.Note
	for _, line := range bytes.Split(trouvaille.DemoNotes, []byte("\n")) {
		var n trouvaille.Note
		if json.Unmarshal(line, &n) == nil && n.ID != "" {
			out = append(out, &n)
		}
	}
	return out
}

func publicCount(t *testing.T) int {
	n := 0
	for _, note := range demoNotes(t) {
		if note.Visibility == "public" {
			n++
		}
	}
	return n
}
