package bench

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// needXapian skips (or fails under CI=true, where .ci/run installs
// python3-xapian) when no Python imports xapian.
func needXapian(t *testing.T) {
	t.Helper()
	if _, err := xapianPython(); err != nil {
		if !errors.Is(err, ErrMissing) {
			t.Fatal(err)
		}
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %v", err)
		}
		t.Skip(err)
	}
}

func writeNotes(t *testing.T, n int, seed int64) (string, map[string]*Note) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notes.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if err := Generate(w, n, seed); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	notes := map[string]*Note{}
	if err := ReadNotes(path, func(n *Note) error { notes[n.ID] = n; return nil }); err != nil {
		t.Fatal(err)
	}
	return path, notes
}

// plainWords returns the words of s made of lower-case ASCII letters only,
// at least 6 of them: words every tokenizer cuts the same way.
func plainWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, f := range strings.Fields(s) {
		f = strings.Trim(f, ".,;:!?*()«»\"#-")
		ok := len(f) >= 6
		for _, r := range f {
			ok = ok && r >= 'a' && r <= 'z'
		}
		if ok {
			out[f] = true
		}
	}
	return out
}

// facetValuesOf mirrors speed.py's facet_values for one note.
func facetValuesOf(n *Note) map[string][]string {
	return map[string][]string{
		"authors": n.Authors, "organisations": n.Organisations, "carnets": n.CarnetTitles(),
		"blocs": n.Blocs(), "terms": n.Terms, "type": {n.Type},
	}
}

func TestXapianSpeedEngine(t *testing.T) {
	needXapian(t)
	ctx := context.Background()
	notesFile, notes := writeNotes(t, 300, 7)
	public := 0
	for _, n := range notes {
		if n.Visibility == "public" {
			public++
		}
	}
	if public == len(notes) {
		t.Fatal("the corpus has no private note: the visibility filter is not tested")
	}

	// The whole engine, as trouvaille-bench runs it.
	work := t.TempDir()
	cfg := &Config{NotesFile: notesFile, Notes: len(notes), Queries: Queries(20, 7), Warmup: Queries(4, 8), WorkDir: work}
	res, err := RunXapian(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Notes != len(notes) {
		t.Errorf("indexed %d notes, want %d (all of them, searches filter public ones)", res.Notes, len(notes))
	}
	if res.DiskBytes <= 0 || res.PeakRSSIngest <= 0 || res.RSSServing <= 0 || res.AnonServing <= 0 || res.AnonServing > res.RSSServing || res.Ingest <= 0 || res.Startup <= 0 {
		t.Errorf("missing figures: %+v", res)
	}
	for _, k := range Kinds {
		l := res.Latency[k]
		if l == nil || l.N != 5 || l.Errors != 0 {
			t.Errorf("kind %s: %+v, want 5 queries without error", k, l)
		}
	}

	// The answers themselves, from the database RunXapian built.
	py, script, err := xapianScript(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := StartXapian(ctx, py, script, filepath.Join(work, "xapian.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if srv.Docs != len(notes) {
		t.Errorf("serve opened %d documents, want %d", srv.Docs, len(notes))
	}
	search := func(q, kind string) *XapianAnswer {
		t.Helper()
		ans, err := srv.Search(Query{Q: q, Kind: kind})
		if err != nil {
			t.Fatalf("%s %q: %v", kind, q, err)
		}
		for _, h := range ans.Hits {
			if n := notes[h.ID]; n == nil || n.Visibility != "public" {
				t.Errorf("%s %q: hit %s is not a public note", kind, q, h.ID)
			}
		}
		return ans
	}

	// Document frequency of plain words over public notes.
	df := map[string]int{}
	for _, n := range notes {
		if n.Visibility != "public" {
			continue
		}
		for w := range plainWords(n.Title + " " + n.Summary + " " + n.Body) {
			df[w]++
		}
	}
	words := make([]string, 0, len(df))
	for w := range df {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if df[words[i]] != df[words[j]] {
			return df[words[i]] > df[words[j]]
		}
		return words[i] < words[j]
	})

	// A common word: every public note holding it matches (stems only widen
	// the set), no private one does, the total is exact.
	common := words[0]
	ans := search(common, KindFacetsHighlight)
	if ans.Total < df[common] || ans.Total > public {
		t.Errorf("%q: total %d, want between %d (public notes with the word) and %d (public notes)", common, ans.Total, df[common], public)
	}
	if len(ans.Hits) != min(20, ans.Total) {
		t.Errorf("%q: %d hits for a total of %d, want 20", common, len(ans.Hits), ans.Total)
	}
	typeSum := 0
	for _, v := range ans.Facets["type"] {
		typeSum += v.Count
	}
	if typeSum != ans.Total {
		t.Errorf("%q: type facet sums to %d, want the total %d (one type per note)", common, typeSum, ans.Total)
	}
	for _, f := range []string{"authors", "organisations", "carnets", "blocs", "terms"} {
		vs := ans.Facets[f]
		if len(vs) == 0 || len(vs) > 10 {
			t.Errorf("%q: facet %s has %d values, want 1 to 10", common, f, len(vs))
		}
		for i, v := range vs {
			if v.Count <= 0 || v.Count > ans.Total || (i > 0 && v.Count > vs[i-1].Count) {
				t.Errorf("%q: facet %s: %v (total %d), want counts in (0, total], descending", common, f, vs, ans.Total)
				break
			}
		}
	}
	marked := 0
	for _, h := range ans.Hits {
		if strings.Contains(h.Snippet, "<mark>") {
			marked++
		}
	}
	if marked == 0 {
		t.Errorf("%q: no snippet highlights the word: %+v", common, ans.Hits)
	}
	if plain := search(common, KindPlain); plain.Total != ans.Total || plain.Facets != nil || plain.Hits[0].Snippet != "" {
		t.Errorf("%q plain: total %d (want %d), facets %v, snippet %q: want neither facets nor snippets", common, plain.Total, ans.Total, plain.Facets, plain.Hits[0].Snippet)
	}

	// AND of the words, OR when nothing has them all.
	if fb := search("zzqxwv "+common, KindPlain); !fb.Fallback || fb.Total != ans.Total {
		t.Errorf("unknown word + %q: total %d, fallback %v; want the OR fallback's %d", common, fb.Total, fb.Fallback, ans.Total)
	}

	// Prefix: the common word cut short finds it, top 5.
	if p := search(common[:4], KindPrefix); len(p.Hits) == 0 || len(p.Hits) > 5 {
		t.Errorf("prefix %q: %d hits, want 1 to 5", common[:4], len(p.Hits))
	}

	// Multi-valued facets counted per value: on a rare word whose matches
	// all come back as hits, every facet count is the number of those
	// notes holding the value.
	checked := 0
	for i := len(words) - 1; i >= 0 && checked < 3; i-- {
		w := words[i]
		if df[w] < 3 {
			continue
		}
		ans := search(w, KindFacetsHighlight)
		if ans.Total == 0 || ans.Total > 20 {
			continue
		}
		checked++
		want := map[string]map[string]int{}
		for _, h := range ans.Hits {
			for f, vs := range facetValuesOf(notes[h.ID]) {
				if want[f] == nil {
					want[f] = map[string]int{}
				}
				seen := map[string]bool{}
				for _, v := range vs {
					if v != "" && !seen[v] {
						seen[v] = true
						want[f][v]++
					}
				}
			}
		}
		for f, counts := range want {
			got := ans.Facets[f]
			if len(got) != min(10, len(counts)) {
				t.Errorf("%q: facet %s has %d values, want %d", w, f, len(got), min(10, len(counts)))
			}
			for _, v := range got {
				if counts[v.Value] != v.Count {
					t.Errorf("%q: facet %s value %q counted %d, want %d (its notes among the %d matches)", w, f, v.Value, v.Count, counts[v.Value], ans.Total)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no rare word with 1 to 20 matches: the per-value facet check did not run")
	}
}

// TestXapianShards checks that a notes file indexed by one process per core,
// the shards compacted into one database (how speed.py indexes large files),
// answers as the database one process builds: same totals, same facets,
// same hits for the queries with no more matches than a page.
func TestXapianShards(t *testing.T) {
	needXapian(t)
	ctx := context.Background()
	notesFile, notes := writeNotes(t, 300, 11)
	py, script, err := xapianScript(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	open := func(shardBytes string) *XapianServer {
		t.Helper()
		t.Setenv("XAPIAN_SPEED_SHARD_BYTES", shardBytes)
		db := filepath.Join(t.TempDir(), "xapian.db")
		n, rss, err := XapianIngest(ctx, py, script, notesFile, db)
		if err != nil {
			t.Fatal(err)
		}
		if n != len(notes) || rss <= 0 {
			t.Fatalf("shard size %s: indexed %d notes (want %d), peak RSS %d", shardBytes, n, len(notes), rss)
		}
		srv, err := StartXapian(ctx, py, script, db)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		return srv
	}
	one, shards := open("1000000000"), open("1")
	if one.Docs != shards.Docs {
		t.Fatalf("one process: %d documents, shards: %d", one.Docs, shards.Docs)
	}
	small := 0
	for _, q := range Queries(60, 11) {
		a, errA := one.Search(q)
		b, errB := shards.Search(q)
		if errA != nil || errB != nil {
			t.Fatalf("%s %q: %v / %v", q.Kind, q.Q, errA, errB)
		}
		if q.Kind == KindPrefix {
			continue // top 5 of a partial term: ties ordered by document number
		}
		if a.Total != b.Total || !reflect.DeepEqual(a.Facets, b.Facets) {
			t.Errorf("%s %q: one process %d %v, shards %d %v", q.Kind, q.Q, a.Total, a.Facets, b.Total, b.Facets)
		}
		if a.Total <= 20 {
			small++
			if ids(a) != ids(b) {
				t.Errorf("%s %q: one process %s, shards %s", q.Kind, q.Q, ids(a), ids(b))
			}
		}
	}
	if small == 0 {
		t.Error("no query with a page or fewer of matches: the hits were never compared")
	}
}

// ids lists an answer's hits, sorted.
func ids(a *XapianAnswer) string {
	var out []string
	for _, h := range a.Hits {
		out = append(out, h.ID)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}
