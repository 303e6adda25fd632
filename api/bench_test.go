package api

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	trouvaille "github.com/encommun/trouvaille"
)

// benchQueries are typical searches of the demo corpus, run in turn.
var benchQueries = []string{"logement abordable", "finacement", "economie sociale", "benevolat rural",
	"securite alimentaire", "aide aux devoirs", "jardin communautaire", "participantes", "l’OBNL", "trois rivieres"}

func benchEngine(b *testing.B) *trouvaille.Engine {
	b.Helper()
	eng, err := trouvaille.Open(b.TempDir(), trouvaille.OpenOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { eng.Close() })
	if _, err := (&trouvaille.Ingester{Engine: eng}).Ingest(bytes.NewReader(trouvaille.DemoNotes), "notes.jsonl"); err != nil {
		b.Fatal(err)
	}
	return eng
}

// BenchmarkSearchHTTP is a plain search (no facets, no snippets) through
// the whole HTTP stack (middleware, parameters, JSON), without the network;
// BenchmarkSearchEngine is the same searches called on the engine: the
// difference is what the API adds to every search.
func BenchmarkSearchHTTP(b *testing.B) { benchmarkHTTP(b, "facets=none&snippets=false") }

// BenchmarkSearchHTTPFaceted is the search of the page: every facet, snippets.
func BenchmarkSearchHTTPFaceted(b *testing.B) { benchmarkHTTP(b, "per_page=20") }

func benchmarkHTTP(b *testing.B, params string) {
	// The request log is written as the server writes it, to nowhere.
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := New(benchEngine(b), Config{AnonymousRatePerMinute: -1, Ops: OpsConfig{Logger: logger}})
	reqs := make([]string, len(benchQueries))
	for i, q := range benchQueries {
		reqs[i] = "/v1/search?" + params + "&q=" + url.QueryEscape(q)
	}
	i := 0
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, reqs[i%len(reqs)], nil))
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", reqs[i%len(reqs)], w.Code, w.Body)
		}
		i++
	}
}

func BenchmarkSearchEngine(b *testing.B) {
	eng := benchEngine(b)
	i := 0
	for b.Loop() {
		r := trouvaille.Request{Q: benchQueries[i%len(benchQueries)], Facets: []string{}, NoSnippets: true}
		if _, err := eng.Search(context.Background(), trouvaille.Scope{}, r); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
