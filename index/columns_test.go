package index

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// TestFacetsMatchBruteForce applies notes over many batches (many segments,
// updates and deletions in between), then checks totals, facet counts and
// filters against counts computed directly from the notes.
func TestFacetsMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	ix, err := Open(t.TempDir()+"/ix", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	orgs := []string{"TIESS", "Moisson", "Centraide", "CDC Rimouski", "Réseau des tiers-lieux"}
	types := []string{"note", "terme", "organisation"}
	vis := []string{"public", "public", "public", "community", "private"}
	live := memNotes{}
	seq := uint64(0)
	for batch := 0; batch < 12; batch++ {
		var entries []store.Entry
		for i := 0; i < 40; i++ {
			id := fmt.Sprintf("n%03d", rng.Intn(300))
			seq++
			if rng.Intn(8) == 0 {
				delete(live, id)
				entries = append(entries, store.Entry{Seq: seq, ID: id})
				continue
			}
			d := time.Date(2019+rng.Intn(7), time.Month(1+rng.Intn(12)), 1, 0, 0, 0, 0, time.UTC)
			n := &store.Note{ID: id, Type: types[rng.Intn(3)], Title: "logement " + id, Visibility: vis[rng.Intn(len(vis))],
				Organisations: []string{orgs[rng.Intn(len(orgs))]}, PublishedAt: &d}
			if rng.Intn(3) == 0 {
				n.Organisations = append(n.Organisations, orgs[rng.Intn(len(orgs))])
				sort.Strings(n.Organisations)
				if n.Organisations[0] == n.Organisations[1] {
					n.Organisations = n.Organisations[:1]
				}
			}
			live[id] = n
			entries = append(entries, store.Entry{Seq: seq, ID: id, Note: n})
		}
		if err := ix.Apply(lastEntries(entries)); err != nil {
			t.Fatal(err)
		}
	}
	// Several segments, so that counting on every core is checked too.
	// Bleve's merger may have merged them already on a busy host (CI, once):
	// one more note at a time makes a new segment, which it does not merge
	// at once.
	for i := 0; len(snapshotView(t, ix).segs) < 2 && i < 50; i++ {
		seq++
		d := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
		n := &store.Note{ID: fmt.Sprintf("x%03d", i), Type: "note", Title: "logement en plus", Visibility: "public", Organisations: []string{orgs[i%len(orgs)]}, PublishedAt: &d}
		live[n.ID] = n
		if err := ix.Apply([]store.Entry{{Seq: seq, ID: n.ID, Note: n}}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(snapshotView(t, ix).segs); n < 2 {
		t.Fatalf("%d segment(s), want several", n)
	}
	after := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	// Counted per segment, then with every segment split between the
	// cores by ranges of documents (appendCountUnits).
	defer func(m uint64) { minSplitCount = m }(minSplitCount)
	for _, split := range []uint64{minSplitCount, 1} {
		minSplitCount = split
		checkFacetsBruteForce(t, ix, live, after)
	}
	// A facet asked twice gives the counts it gives asked once.
	once, err := ix.Search(context.Background(), query.Request{Q: "logement", PerPage: 10, FacetSize: 100, Facets: []string{"type", "organisations"}}, live)
	if err != nil {
		t.Fatal(err)
	}
	twice, err := ix.Search(context.Background(), query.Request{Q: "logement", PerPage: 10, FacetSize: 100, Facets: []string{"type", "organisations", "type"}}, live)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"type", "organisations"} {
		if a, b := fmt.Sprint(once.Facets[name]), fmt.Sprint(twice.Facets[name]); a != b || a == "[]" {
			t.Errorf("facet %s asked twice: %s, once: %s", name, b, a)
		}
	}
}

// A note's row holds its values of every column, in column order, then
// its year; of finds a column's values in it.
func TestNoteRows(t *testing.T) {
	var cols [numColumns]csr
	cols[0] = csr{start: []uint32{0, 2, 2, 3}, vals: []uint32{4, 1, 7}}
	cols[numColumns-1] = csr{start: []uint32{0, 0, 1, 1}, vals: []uint32{2}}
	for c := 1; c < numColumns-1; c++ {
		cols[c] = csr{start: make([]uint32, 4)}
	}
	year := []int16{2020, 0, int16(minHistYear)}
	sc := &segColumns{n: 3, rows: noteRows(&cols, year)}
	type cv struct{ col, ord uint32 }
	yr, last := uint32(yearRow), uint32(numColumns-1)
	want := [][]cv{{{0, 4}, {0, 1}, {yr, 2020 - minHistYear}}, {{last, 2}}, {{0, 7}, {yr, 0}}}
	for doc, w := range want {
		var got []cv
		for _, x := range sc.rows.of(uint64(doc)) {
			got = append(got, cv{uint32(sc.rows.col(x)), sc.rows.ord(x)})
		}
		if !slices.Equal(got, w) {
			t.Errorf("note %d: row %v, want %v", doc, got, w)
		}
		for c := range numColumns {
			var ords []uint32
			for _, x := range sc.of(c, uint64(doc)) {
				ords = append(ords, sc.rows.ord(x))
			}
			if w := cols[c].of(uint64(doc)); !slices.Equal(ords, w) {
				t.Errorf("note %d, column %d: values %v, want %v", doc, c, ords, w)
			}
		}
	}
	// Row values are dense: each (column, ordinal) met once, numbered once.
	if len(sc.rows.code) != 6 {
		t.Errorf("%d row values, want 6 (4, 1, 7 and 2 of two columns, two years)", len(sc.rows.code))
	}
}

// A small segment whose ordinals are far above its count of values (the
// dictionary is global and grows: live writes at a million notes) numbers
// them the same, without an array as long as the largest ordinal.
func TestNoteRowsLargeOrdinals(t *testing.T) {
	var cols [numColumns]csr
	for c := range cols {
		cols[c] = csr{start: make([]uint32, 3)}
	}
	cols[1] = csr{start: []uint32{0, 2, 3}, vals: []uint32{5_000_000, 12, 5_000_000}}
	sc := &segColumns{n: 2, rows: noteRows(&cols, []int16{0, 0})}
	for doc, want := range [][]uint32{{5_000_000, 12}, {5_000_000}} {
		var got []uint32
		for _, x := range sc.of(1, uint64(doc)) {
			got = append(got, sc.rows.ord(x))
		}
		if !slices.Equal(got, want) {
			t.Errorf("note %d: %v, want %v", doc, got, want)
		}
	}
	if len(sc.rows.code) != 2 {
		t.Errorf("%d row values, want 2", len(sc.rows.code))
	}
}

// The flat path (tallyRows then spillRows) counts as countRows does, for
// notes counted once or taken back (step -1, the complement of a segment),
// leaves the flat array zeroed, and skips the columns not asked for.
func TestFlatCountsMatchRows(t *testing.T) {
	sc, _ := syntheticColumns(3000)
	for _, tc := range []struct {
		name  string
		step  uint32
		every int
		skip  int // a column not asked for (-1: none)
	}{
		{"every note", 1, 1, -1},
		{"a third", 1, 3, -1},
		{"taken back", ^uint32(0), 2, -1},
		{"one column left out", 1, 2, 3},
		{"years left out", 1, 5, yearRow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var locals []uint32
			for i := 0; i < 3000; i += tc.every {
				locals = append(locals, uint32(i))
			}
			var a, b [numColumns + 1][]uint32
			for c := range a {
				if c == tc.skip {
					continue
				}
				a[c], b[c] = make([]uint32, 20000), make([]uint32, 20000)
				a[c][0], b[c][0] = 7, 7 // counts already there are added to
			}
			sc.countRows(&a, locals, tc.step)
			flat := make([]uint32, len(sc.rows.code))
			sc.tallyRows(flat, locals[:len(locals)/2], tc.step)
			sc.tallyRows(flat, locals[len(locals)/2:], tc.step)
			sc.spillRows(&b, flat)
			for c := range a {
				if !slices.Equal(a[c], b[c]) {
					t.Errorf("column %d: flat counts differ from countRows'", c)
				}
			}
			if slices.ContainsFunc(flat, func(n uint32) bool { return n != 0 }) {
				t.Error("spillRows left counts in the flat array")
			}
		})
	}
	if !sc.flatWorth(3000) || sc.flatWorth(1) {
		t.Errorf("flatWorth(3000) = %v, flatWorth(1) = %v; want true, false", sc.flatWorth(3000), sc.flatWorth(1))
	}
}

func checkFacetsBruteForce(t *testing.T, ix *Index, live memNotes, after time.Time) {
	t.Helper()
	for _, c := range []struct {
		filters map[string][]string
		after   *time.Time
	}{
		{nil, nil},
		{map[string][]string{"organisation": {"TIESS", "Moisson"}}, nil},
		{map[string][]string{"organisation": {"Centraide"}, "type": {"note"}}, &after},
	} {
		res, err := ix.Search(context.Background(), query.Request{Q: "logement", Filters: c.filters, PublishedAfter: c.after, PerPage: 100, FacetSize: 100}, live)
		if err != nil {
			t.Fatal(err)
		}
		// Brute force.
		pass := func(n *store.Note, skip string) bool {
			if !n.Public() {
				return false
			}
			if c.after != nil && n.PublishedAt.Before(*c.after) {
				return false
			}
			for name, vals := range c.filters {
				if name == skip {
					continue
				}
				var have []string
				switch name {
				case "organisation":
					have = n.Organisations
				case "type":
					have = []string{n.Type}
				}
				ok := false
				for _, v := range vals {
					for _, h := range have {
						ok = ok || v == h
					}
				}
				if !ok {
					return false
				}
			}
			return true
		}
		total := 0
		orgCounts, typeCounts := map[string]int{}, map[string]int{}
		for _, n := range live {
			if pass(n, "") {
				total++
			}
			if pass(n, "organisation") {
				for _, o := range n.Organisations {
					orgCounts[o]++
				}
			}
			if pass(n, "type") {
				typeCounts[n.Type]++
			}
		}
		if int(res.Total) != total {
			t.Errorf("%v: total %d, want %d", c.filters, res.Total, total)
		}
		check := func(name string, want map[string]int) {
			got := map[string]int{}
			for _, v := range res.Facets[name] {
				got[v.Value] = v.Count
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%v: facet %s[%s] = %d, want %d", c.filters, name, k, got[k], v)
				}
			}
			if len(got) != len(want) {
				t.Errorf("%v: facet %s = %v, want %v", c.filters, name, got, want)
			}
		}
		check("organisations", orgCounts)
		check("type", typeCounts)
		if len(res.Hits) != min(total, 100) {
			t.Errorf("%v: %d hits for total %d", c.filters, len(res.Hits), total)
		}
	}
}

func lastEntries(entries []store.Entry) []store.Entry {
	last := map[string]int{}
	for i, e := range entries {
		last[e.ID] = i
	}
	var out []store.Entry
	for i, e := range entries {
		if last[e.ID] == i {
			out = append(out, e)
		}
	}
	return out
}

// A search on an older snapshot must not drop the columns of a newer one:
// under continuous writes, searches on different snapshots otherwise
// rebuild each other's columns without end (the soak at 100k notes saw
// every search waiting on the builder).
func TestOlderSnapshotKeepsNewerColumns(t *testing.T) {
	ix, _ := openTestIndex(t, testNotes[:2])
	adv, err := ix.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	old, err := adv.Reader() // a search that started before the write
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if err := ix.Apply([]store.Entry{{Seq: 10, ID: testNotes[2].ID, Note: testNotes[2]}}); err != nil {
		t.Fatal(err)
	}
	cur, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close()
	if _, err := ix.cols.columnsFor(cur); err != nil {
		t.Fatal(err)
	}
	// One of the older snapshot's segments has been retired meanwhile (a
	// merge, seen by a newer search): the older search must rebuild it...
	oldSegs := old.(*scorch.IndexSnapshot).Segments()
	ix.cols.mu.Lock()
	delete(ix.cols.segs, oldSegs[0].Id())
	ix.cols.mu.Unlock()
	if _, err := ix.cols.columnsFor(old); err != nil {
		t.Fatal(err)
	}
	// ...without retiring the newer snapshot's segments.
	for _, s := range cur.(*scorch.IndexSnapshot).Segments() {
		ix.cols.mu.RLock()
		_, ok := ix.cols.segs[s.Id()]
		ix.cols.mu.RUnlock()
		if !ok {
			t.Errorf("segment %d of the newest snapshot lost its columns to a search on an older snapshot", s.Id())
		}
	}
}

// syntheticColumns is a segment of n notes with values drawn as the
// generated corpus has them: two authors among 20,000, two or three
// organisations among 2,000, a carnet or two among 500 and their blocs
// among 50, four terms among 400, a type, a community, a year.
func syntheticColumns(n int) (*segColumns, [numColumns]csr) {
	rng := rand.New(rand.NewSource(1))
	var cols [numColumns]csr
	draw := [numColumns]struct{ min, max, of int }{
		{2, 2, 20000}, {2, 3, 2000}, {1, 2, 500}, {1, 2, 50}, {4, 4, 400}, {1, 1, 3}, {1, 1, 5},
	}
	for c := range cols {
		cols[c].start = make([]uint32, n+1)
		d := draw[c%len(draw)]
		if c >= len(draw) {
			d = struct{ min, max, of int }{0, 0, 1} // readers: none
		}
		for doc := range n {
			k := d.min + rng.Intn(d.max-d.min+1)
			for range k {
				cols[c].vals = append(cols[c].vals, uint32(rng.Intn(d.of)))
			}
			cols[c].start[doc+1] = uint32(len(cols[c].vals))
		}
	}
	year := make([]int16, n)
	for i := range year {
		year[i] = int16(2015 + rng.Intn(10))
	}
	sc := &segColumns{n: uint64(n), rows: noteRows(&cols, year), year: year}
	return sc, cols
}

// countSetup is the benchmarks' segment of 100,000 notes, room for every
// count, and a third of the notes to count.
func countSetup() (*segColumns, *[numColumns + 1][]uint32, []uint32) {
	sc, _ := syntheticColumns(100_000)
	var into [numColumns + 1][]uint32
	for c := range numColumns {
		into[c] = make([]uint32, 20000)
	}
	into[yearRow] = make([]uint32, maxHistYear-minHistYear+1)
	return sc, &into, everyThird(100_000)
}

// BenchmarkCountRows counts every facet and the years of a third of
// 100,000 notes from their rows; BenchmarkCountColumns does the same a
// column at a time (as before 2026-12-03). ns/op ÷ 33,334 is a hit's cost.
func BenchmarkCountRows(b *testing.B) {
	sc, into, locals := countSetup()
	b.ResetTimer()
	for range b.N {
		sc.countRows(into, locals, 1)
	}
}

// BenchmarkTallyRows is BenchmarkCountRows through the flat path
// (tallyRows, then spillRows once), as a search counts a large segment.
func BenchmarkTallyRows(b *testing.B) {
	sc, into, locals := countSetup()
	flat := make([]uint32, len(sc.rows.code))
	b.ResetTimer()
	for range b.N {
		sc.tallyRows(flat, locals, 1)
		sc.spillRows(into, flat)
	}
}

func BenchmarkCountColumns(b *testing.B) {
	sc, cols := syntheticColumns(100_000)
	var counts [numColumns][]uint32
	for c := range numColumns {
		counts[c] = make([]uint32, 20000)
	}
	years := make([]uint32, maxHistYear-minHistYear+1)
	locals := everyThird(100_000)
	b.ResetTimer()
	for range b.N {
		for c := range cols {
			for _, local := range locals {
				for _, o := range cols[c].of(uint64(local)) {
					counts[c][o]++
				}
			}
		}
		for _, local := range locals {
			if y := sc.year[local]; y != 0 {
				years[int(y)-minHistYear]++
			}
		}
	}
}

func everyThird(n int) []uint32 {
	var out []uint32
	for i := 0; i < n; i += 3 {
		out = append(out, uint32(i))
	}
	return out
}
