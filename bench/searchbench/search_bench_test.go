package searchbench_test

import (
	"cmp"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/encommun/trouvaille/bench"
	"github.com/encommun/trouvaille/index"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// Benchmarks of the search path on generated Praxis-like notes (10k by
// default; TROUVAILLE_BENCH_NOTES to change), so regressions show in
// benchstat: facet counting, snippets, and the whole search.

type notesMap map[string]*store.Note

func (m notesMap) GetMany(ids []string) (map[string]*store.Note, error) {
	out := make(map[string]*store.Note, len(ids))
	for _, id := range ids {
		if n, ok := m[id]; ok {
			out[id] = n
		}
	}
	return out, nil
}

var (
	benchOnce  sync.Once
	benchIndex *index.Index
	benchNotes notesMap
	benchErr   error
)

func benchSetup(b *testing.B) (*index.Index, notesMap) {
	benchOnce.Do(func() {
		n := 10000
		if s := os.Getenv("TROUVAILLE_BENCH_NOTES"); s != "" {
			n, _ = strconv.Atoi(s)
		}
		dir, err := os.MkdirTemp("", "trouvaille-bench")
		if err != nil {
			benchErr = err
			return
		}
		benchIndex, benchErr = index.Open(filepath.Join(dir, "ix"), nil)
		if benchErr != nil {
			return
		}
		benchNotes = notesMap{}
		var batch []store.Entry
		benchErr = bench.GenerateNotes(n, 42, func(i int, g *bench.Note) error {
			b, _ := json.Marshal(g)
			var sn store.Note
			if err := json.Unmarshal(b, &sn); err != nil {
				return err
			}
			benchNotes[sn.ID] = &sn
			batch = append(batch, store.Entry{Seq: uint64(i + 1), ID: sn.ID, Note: &sn})
			if len(batch) == 2000 {
				err := benchIndex.Apply(batch)
				batch = batch[:0]
				return err
			}
			return nil
		})
		if benchErr == nil {
			benchErr = benchIndex.Apply(batch)
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchIndex, benchNotes
}

var benchQueries = []string{"logement social", "financement", "participation citoyenne", "economie", "cooperative", "numerique", "benevolat quebec", "organisme communautaire", "securite alimentaire", "gouvernance"}

func benchSearch(b *testing.B, mk func(q string, i int) query.Request) {
	ix, notes := benchSetup(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// A distinct page each time keeps the result cache out of the measure.
		req := mk(benchQueries[i%len(benchQueries)], i)
		if _, err := ix.Search(context.Background(), req, notes); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearchAllFacets(b *testing.B) {
	benchSearch(b, func(q string, i int) query.Request {
		return query.Request{Q: q, Page: 1 + i%50, PerPage: 20}
	})
}

func BenchmarkSearchDisjunctiveFacets(b *testing.B) {
	benchSearch(b, func(q string, i int) query.Request {
		return query.Request{Q: q, Page: 1 + i%50, PerPage: 20, Filters: map[string][]string{"type": {"note"}, "carnet": {"Carnet 1", "Carnet 2"}}}
	})
}

func BenchmarkSearchNoFacets(b *testing.B) {
	benchSearch(b, func(q string, i int) query.Request {
		return query.Request{Q: q, Page: 1 + i%50, PerPage: 20, Facets: []string{}}
	})
}

func BenchmarkBrowseFacets(b *testing.B) {
	benchSearch(b, func(_ string, i int) query.Request {
		return query.Request{Page: 1 + i%50, PerPage: 20}
	})
}

func BenchmarkSnippet(b *testing.B) {
	_, notes := benchSetup(b)
	var bodies []string
	for _, n := range notes {
		bodies = append(bodies, n.Body)
		if len(bodies) == 100 {
			break
		}
	}
	m := query.NewMatcher("financement communautaire ")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		index.Snippet(m, index.SnippetWords, "", bodies[i%len(bodies)])
	}
}

// BenchmarkSearchPlainMix runs the speed benchmark's own query mix
// (bench.Queries: 1–3 words of the corpus's law, author names, places,
// typos, missing accents) without facets nor snippets: the executor and
// the query planning, without the page's text.
func BenchmarkSearchPlainMix(b *testing.B) {
	benchMix(b, func(q string, i int) query.Request {
		return query.Request{Q: q, Page: 1 + i%50, PerPage: 20, Facets: []string{}, NoSnippets: true}
	})
}

// BenchmarkSearchFacetsMix: the same mix with every facet, the histogram
// and snippets, as the page asks.
func BenchmarkSearchFacetsMix(b *testing.B) {
	benchMix(b, func(q string, i int) query.Request {
		return query.Request{Q: q, Page: 1 + i%50, PerPage: 20}
	})
}

// benchMix also reports the median and the 99th percentile of the single
// queries (p50-ms, p99-ms), and with -v logs the slowest five.
func benchMix(b *testing.B, mk func(q string, i int) query.Request) {
	qs := bench.Queries(500, 42)
	ix, notes := benchSetup(b)
	type took struct {
		q string
		d time.Duration
		n uint64
	}
	times := make([]took, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := qs[i%len(qs)].Q
		t0 := time.Now()
		res, err := ix.Search(context.Background(), mk(q, i), notes)
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, took{q, time.Since(t0), res.Total})
	}
	b.StopTimer()
	slices.SortFunc(times, func(x, y took) int { return cmp.Compare(x.d, y.d) })
	at := func(p int) float64 { return float64(times[(len(times)-1)*p/100].d.Microseconds()) / 1000 }
	b.ReportMetric(at(50), "p50-ms")
	b.ReportMetric(at(99), "p99-ms")
	for _, t := range times[max(0, len(times)-5):] {
		b.Logf("%8.1f ms  %6d notes  %q", float64(t.d.Microseconds())/1000, t.n, t.q)
	}
}
