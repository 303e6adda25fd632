package trouvaille

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// pagesHit is what a page says of one hit that must not depend on the page
// it falls on.
type pagesHit struct {
	ID      string
	Matched string
}

// readPages reads the first want results of r with per pages of per (or
// fewer when the query has fewer), checking that every page reports the same
// total and relaxation, and returns them with that total.
func readPages(t *testing.T, e *Engine, r Request, per, want int) ([]pagesHit, uint64, bool) {
	t.Helper()
	var hits []pagesHit
	var total uint64
	var relaxed bool
	for page := 1; ; page++ {
		r.Page, r.PerPage = page, per
		res, err := e.Search(context.Background(), r.Scope, r)
		if err != nil {
			t.Fatalf("%+v: %v", r, err)
		}
		if page == 1 {
			total, relaxed = res.Total, res.Relaxed
		} else if res.Total != total || res.Relaxed != relaxed {
			t.Fatalf("%+v: page %d says total %d relaxed %v, page 1 said %d %v", r, page, res.Total, res.Relaxed, total, relaxed)
		}
		last := uint64(page*per) >= total
		wantHere := per
		if last {
			wantHere = int(total) - (page-1)*per
		}
		if len(res.Hits) != wantHere {
			t.Fatalf("%+v: page %d of %d: %d hits, total %d", r, page, per, len(res.Hits), total)
		}
		for _, h := range res.Hits {
			hits = append(hits, pagesHit{h.ID, strings.Join(h.MatchedWords, "|")})
		}
		if last || len(hits) >= want {
			break
		}
	}
	seen := map[string]bool{}
	for _, h := range hits {
		if seen[h.ID] {
			t.Fatalf("%+v per page %d: %s on two pages: %v", r, per, h.ID, hits)
		}
		seen[h.ID] = true
	}
	return hits, total, relaxed
}

// TestPagesPartitionTheResults: for any query, filter, sort and caller, the
// pages of a given size hold each result once, every page reports the same
// total, and two page sizes that give the same total (the same relaxation
// level: notes missing words join only when fewer than a page have them
// all) list the same notes in the same order, with the same words matched,
// whatever page each falls on. The deep pages of the top-k heap, the
// early termination, the date and title orders and the ties are all read
// page by page here. TROUVAILLE_PAGES_QUERIES=N checks N queries (20 by
// default).
func TestPagesPartitionTheResults(t *testing.T) {
	e := openEngine(t, t.TempDir())
	ingestLines(t, e, string(DemoNotes))
	// Some notes replaced and removed through the API's path: several
	// segments, some with deleted notes.
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(DemoNotes))
	sc.Buffer(nil, 4<<20)
	for i := 0; sc.Scan(); i++ {
		if i%9 != 0 {
			continue
		}
		var n map[string]any
		if err := json.Unmarshal(sc.Bytes(), &n); err != nil {
			t.Fatal(err)
		}
		if i%27 == 0 {
			lines = append(lines, fmt.Sprintf(`{"id": %q, "deleted": true}`, n["id"]))
			continue
		}
		n["title"] = fmt.Sprint(n["title"], " (révisée)")
		b, _ := json.Marshal(n)
		lines = append(lines, string(b))
	}
	writeLines(t, e, strings.Join(lines, "\n")+"\n")

	queries := slices.Clone(liveQueries)
	f, err := os.ReadFile("testdata/relevance/queries.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range bytes.Split(bytes.TrimSpace(f), []byte("\n")) {
		var q struct{ Q string }
		if err := json.Unmarshal(line, &q); err != nil {
			t.Fatal(err)
		}
		queries = append(queries, q.Q)
	}
	n := 20
	if v, err := strconv.Atoi(os.Getenv("TROUVAILLE_PAGES_QUERIES")); err == nil && v > 0 {
		n = v
	}
	rng := rand.New(rand.NewSource(int64(n)))
	rng.Shuffle(len(queries), func(i, j int) { queries[i], queries[j] = queries[j], queries[i] })
	queries = append([]string{"", "logement", "jard", "economie sociale"}, queries[:min(n, len(queries))]...)

	filters := []map[string][]string{nil, {"type": {"note"}}, {"organisation": {"TIESS", "Moisson"}, "term": {"Logement", "Économie sociale"}}}
	checkPages(t, e, queries, filters, rng)
}

// TestPagesPartitionTheResultsLarge: the same on 6,000 generated notes whose
// common words match thousands, so that the executor's top-k heap and its
// early termination (MaxScore) decide the deep pages; dates repeat (ties).
func TestPagesPartitionTheResultsLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("6,000 notes")
	}
	rng := rand.New(rand.NewSource(2026))
	vocab := strings.Fields("jardin logement quartier cuisine atelier coopérative économie sociale solidarité récolte voisinage mobilisation épicerie alimentaire inclusion territoire culture numérique formation bénévole financement projet communauté transition écologique mobilité santé jeunesse aînés habitation entraide réseau partage savoir")
	for i := range 240 {
		vocab = append(vocab, fmt.Sprintf("mot%03d", i))
	}
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1))
	words := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = vocab[zipf.Uint64()]
		}
		return strings.Join(w, " ")
	}
	var b strings.Builder
	for i := range 6000 {
		n := map[string]any{"id": fmt.Sprintf("g%05d", i), "title": words(3 + rng.Intn(6)), "body": words(20 + rng.Intn(180)),
			"organisations": []string{fmt.Sprintf("Org %d", rng.Intn(12))}, "terms": []string{vocab[zipf.Uint64()]},
			"published_at": fmt.Sprintf("2024-%02d-01", 1+rng.Intn(12)), "visibility": []string{"public", "public", "community", "private"}[rng.Intn(4)],
			"community": "Québec", "readers": []string{"u1"}}
		line, _ := json.Marshal(n)
		b.Write(line)
		b.WriteByte('\n')
	}
	e := openEngine(t, t.TempDir())
	ingestLines(t, e, b.String())
	queries := []string{"", "jardin", "jardin logement", "jar", "logment quartier", "-jardin cuisine"}
	n := 12
	if v, err := strconv.Atoi(os.Getenv("TROUVAILLE_PAGES_QUERIES")); err == nil && v > 0 {
		n = v
	}
	for len(queries) < n {
		queries = append(queries, words(1+rng.Intn(4)))
	}
	filters := []map[string][]string{nil, {"organisation": {"Org 1", "Org 2", "Org 3"}}}
	checkPages(t, e, queries, filters, rng)
}

// checkPages reads each query, in each order and for three callers, with
// pages of 1, 3, 7, 20 and 100 notes, one of filters drawn at random.
func checkPages(t *testing.T, e *Engine, queries []string, filters []map[string][]string, rng *rand.Rand) {
	t.Helper()
	scopes := []Scope{{}, AdminScope, {Level: LevelCommunity, Communities: []string{"Québec"}}}
	const want = 24
	checked := 0
	for _, q := range queries {
		for _, sort := range []string{"", "-published_at", "published_at", "title"} {
			for si, scope := range scopes {
				r := Request{Q: q, Sort: sort, Scope: scope, Filters: filters[rng.Intn(len(filters))], Facets: []string{}, NoSuggestion: true}
				byTotal := map[uint64][]pagesHit{}
				for _, per := range []int{1, 3, 7, 20, 100} {
					hits, total, _ := readPages(t, e, r, per, want)
					prev, ok := byTotal[total]
					if !ok {
						byTotal[total] = hits
						continue
					}
					k := min(len(prev), len(hits))
					if !slices.Equal(prev[:k], hits[:k]) {
						t.Errorf("q=%q sort=%q scope %d filters %v: %d a page differs from a smaller page size with the same total %d:\n got %v\nwant %v", q, sort, si, r.Filters, per, total, hits[:k], prev[:k])
					}
					checked++
				}
			}
		}
	}
	if checked < len(queries)*4*3 {
		t.Errorf("only %d comparisons of page sizes with the same total", checked)
	}
}
