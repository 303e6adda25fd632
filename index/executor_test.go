package index

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
)

// executorQueries cover plain words, typos, prefixes, exclusions, phrases,
// synonyms, inclusive forms and filters.
var executorQueries = []struct {
	q       string
	filters map[string][]string
}{
	{"logement", nil},
	{"economie sociale", nil},
	{"securite alimentaire saguenay", nil},
	{"finacement", nil},
	{"gouvernace partagée", nil},
	{"logem", nil},
	{"economie -sociale", nil},
	{`"economie sociale" quebec`, nil},
	{"obnl", nil},
	{"conseil d'administration", nil},
	{"participantes", nil},
	{"logement", map[string][]string{"type": {"note"}}},
	{"cooperative", map[string][]string{"organisation": {"TIESS", "Comité logement Les Pignons"}}},
	{"-logement", nil},
}

// planFor parses and plans q as Search does (synonyms, phrases verified).
func planFor(t testing.TB, ix *Index, notes Notes, r query.Request) *query.Plan {
	t.Helper()
	plan := unverifiedPlan(t, ix, notes, r)
	if err := ix.verifyPhrases(context.Background(), r, plan, notes); err != nil {
		t.Fatal(err)
	}
	return plan
}

// unverifiedPlan is planFor before the phrases are verified.
func unverifiedPlan(t testing.TB, ix *Index, notes Notes, r query.Request) *query.Plan {
	t.Helper()
	pq, err := query.Parse(r.Q)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := ix.planQuery(context.Background(), r, pq, notes) // as Search plans
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// The bitmap executor finds exactly the notes Bleve's searchers find: same
// exact total, same facet counts, same histogram, and the same notes on the
// page up to the order within ties of the rules (the scores differ).
func TestBitmapExecutorMatchesBleve(t *testing.T) {
	ix, notes := openDemoIndex(t)
	for _, tc := range executorQueries {
		r := query.Request{Q: tc.q, Filters: tc.filters, PerPage: 1000 / 10}
		if err := r.Normalize(); err != nil {
			t.Fatal(err)
		}
		plan := planFor(t, ix, notes, r)
		bleve, bits := strictBoth(t, ix, r, plan, 1000)
		if !bits.filled {
			t.Errorf("%q: the bitmap executor did not run", tc.q)
			continue
		}
		if bleve.total != bits.total {
			t.Errorf("%q: total %d (bitmaps) vs %d (Bleve)", tc.q, bits.total, bleve.total)
		}
		if !reflect.DeepEqual(bleve.counts, bits.counts) || !reflect.DeepEqual(bleve.hist, bits.hist) {
			t.Errorf("%q: facets differ", tc.q)
		}
		set := func(hs []hitRef) map[string]rankKey {
			m := map[string]rankKey{}
			for _, h := range hs {
				m[fmt.Sprint(h.global)] = h.key
			}
			return m
		}
		if a, b := set(bleve.hits), set(bits.hits); !reflect.DeepEqual(a, b) {
			t.Errorf("%q: %d hits (bitmaps) vs %d (Bleve), or different keys", tc.q, len(b), len(a))
		}
		for i := 1; i < len(bits.hits); i++ {
			if better(bits.hits[i], bits.hits[i-1], "relevance") {
				t.Errorf("%q: hits out of order at %d", tc.q, i)
				break
			}
		}
	}
}

// strictBoth runs plan's strict query for r through Bleve's searchers, then
// through the bitmap executor, keeping up to keep notes.
func strictBoth(t *testing.T, ix *Index, r query.Request, plan *query.Plan, keep int) (bleve, bits *execResult) {
	t.Helper()
	run := func(useBits bool) *execResult {
		return executePlan(t, ix, r, plan, func(ep *execPlan) {
			ep.keep = keep
			if useBits {
				ep.plan = plan
			}
		})
	}
	return run(false), run(true)
}

// executePlan runs plan's strict query for r as Search does (rules and
// scores included), after set adjusts the pass; the result is released at
// the test's end.
func executePlan(t *testing.T, ix *Index, r query.Request, plan *query.Plan, set func(*execPlan)) *execResult {
	t.Helper()
	ep, err := ix.execPlanFor(r)
	if err != nil {
		t.Fatal(err)
	}
	ep.text = plan.Strict()
	ep.scoring = ep.text.Must != nil
	ep.rank = newRanker(plan)
	set(ep)
	er, err := ix.execute(context.Background(), ep)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(er.release)
	return er
}

// snapshotView opens a snapshot of ix for the test (closed at its end) and
// returns its segments with their columns.
func snapshotView(t testing.TB, ix *Index) *view {
	t.Helper()
	adv, err := ix.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	reader, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reader.Close() })
	v, err := ix.cols.columnsFor(reader)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Reading postings for some notes only (ReplaceActual) gives the same
// frequencies and norms as walking the whole list.
func TestScorePostingsRestricted(t *testing.T) {
	ix, _ := openDemoIndex(t)
	v := snapshotView(t, ix)
	term := analysis.Analyze("logement")[0].Term
	checked := 0
	for si, ss := range v.segs {
		sb := newSegBits(ss.Segment(), nil, v.cols[si])
		all, err := sb.term(schema.Body, term)
		if err != nil {
			t.Fatal(err)
		}
		type fn struct {
			f uint64
			n float64
		}
		full := map[uint64]fn{}
		if err := scorePostings(sb, schema.Body, term, sb.allDocs(), func(l, f uint64, n float64) { full[l] = fn{f, n} }); err != nil {
			t.Fatal(err)
		}
		if uint64(len(full)) != all.GetCardinality() {
			t.Fatalf("walk found %d of %d postings", len(full), all.GetCardinality())
		}
		want := roaring.New()
		i := 0
		all.Iterate(func(x uint32) bool {
			if i%3 == 1 {
				want.Add(x)
			}
			i++
			return true
		})
		got := map[uint64]fn{}
		if err := scorePostings(sb, schema.Body, term, want, func(l, f uint64, n float64) { got[l] = fn{f, n} }); err != nil {
			t.Fatal(err)
		}
		if uint64(len(got)) != want.GetCardinality() {
			t.Errorf("restricted read found %d of %d notes", len(got), want.GetCardinality())
		}
		for l, x := range got {
			if full[l] != x {
				t.Errorf("note %d: %v restricted, %v in full", l, x, full[l])
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}
}

// Benchmarks of the executor's pieces on the demo corpus:
// go test -bench 'Executor|WordBitmaps|ScoreHits' -run - ./index
func BenchmarkWordBitmaps(b *testing.B) {
	ix, notes := openDemoIndex(b)
	r := query.Request{Q: "securite alimentaire saguenay"}
	plan := planFor(b, ix, notes, r)
	rk := newRanker(plan)
	adv, _ := ix.bi.Advanced()
	reader, err := adv.Reader()
	if err != nil {
		b.Fatal(err)
	}
	defer reader.Close()
	v, err := ix.cols.columnsFor(reader)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for si, ss := range v.segs {
			if _, err := rk.forSegment(newSegBits(ss.Segment(), ss.Deleted(), v.cols[si])); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func benchmarkExecute(b *testing.B, q string, bits bool) {
	ix, notes := openDemoIndex(b)
	r := query.Request{Q: q}
	if err := r.Normalize(); err != nil {
		b.Fatal(err)
	}
	plan := planFor(b, ix, notes, r)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ep, _ := ix.execPlanFor(r)
		ep.text = plan.Strict()
		ep.scoring = true
		ep.rank = newRanker(plan)
		if bits {
			ep.plan = plan // no fill: the same notes as Bleve's strict query
		}
		er, err := ix.execute(ctx, ep)
		if err != nil {
			b.Fatal(err)
		}
		er.release()
	}
}

// BenchmarkExecutorBitmaps and BenchmarkExecutorBleve run the same faceted
// query (total, every facet, histogram, top 20) on bitmaps and on Bleve's
// searchers.
func BenchmarkExecutorBitmaps(b *testing.B) { benchmarkExecute(b, "logement social", true) }
func BenchmarkExecutorBleve(b *testing.B)   { benchmarkExecute(b, "logement social", false) }

// BenchmarkPageCands selects the notes that may end on a page of 20 among
// 10,000 candidates with few distinct rule values (the common case of a
// one-word query: most notes tie).
func BenchmarkPageCands(b *testing.B) {
	cands := make([]cand, 10000)
	for i := range cands {
		cands[i] = cand{local: uint32(i), key: rankKey{1, 0, 0, int32(i % 5), int32(i % 2)}, published: int64(i)}
	}
	buf := make([]cand, len(cands))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		copy(buf, cands)
		if got := pageCands(buf, 20, "relevance"); len(got) < 20 {
			b.Fatal(len(got))
		}
	}
}

// BenchmarkScoreHits scores a page of hits from the restricted postings.
func BenchmarkScoreHits(b *testing.B) {
	ix, notes := openDemoIndex(b)
	plan := planFor(b, ix, notes, query.Request{Q: "logement social"})
	rk := newRanker(plan)
	adv, _ := ix.bi.Advanced()
	reader, err := adv.Reader()
	if err != nil {
		b.Fatal(err)
	}
	defer reader.Close()
	v, err := ix.cols.columnsFor(reader)
	if err != nil {
		b.Fatal(err)
	}
	var plans []*segPlan
	var hits []hitRef
	for si, ss := range v.segs {
		sp := &segPlan{sb: newSegBits(ss.Segment(), ss.Deleted(), v.cols[si])}
		if sp.rank, err = rk.forSegment(sp.sb); err != nil {
			b.Fatal(err)
		}
		plans = append(plans, sp)
		it := sp.rank.words[0].any.Iterator()
		for it.HasNext() && len(hits) < 20 {
			hits = append(hits, hitRef{seg: si, local: uint64(it.Next())})
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ix.scoreHits(context.Background(), plans, rk, nil, hits, 0, len(hits), "relevance"); err != nil {
			b.Fatal(err)
		}
	}
}

// With every candidate and hit slice reused from the searches that ended
// (pooledMin 1), searches from four goroutines at once find what each finds
// alone: no slice is handed out while a search still reads it. (find, not
// Search: the result cache would answer the repeated requests.)
func TestPooledSlicesNotShared(t *testing.T) {
	ix, notes := openDemoIndex(t)
	old := pooledMin
	pooledMin = 1
	defer func() { pooledMin = old }()
	type page struct {
		total uint64
		ids   string
	}
	var reqs []query.Request
	for _, q := range allBucketQueries() {
		for _, sort := range []string{"", "-published_at", "title"} {
			r := query.Request{Q: q, Sort: sort, PerPage: 7, Page: 2}
			if err := r.Normalize(); err != nil {
				t.Fatal(err)
			}
			reqs = append(reqs, r)
		}
	}
	// Planned here, one plan per search (the goroutines must not t.Fatal).
	const goroutines = 4
	plans := make([][]*query.Plan, goroutines+1)
	for g := range plans {
		for _, r := range reqs {
			plans[g] = append(plans[g], planFor(t, ix, notes, r))
		}
	}
	find := func(g, i int) page {
		f, err := ix.find(context.Background(), reqs[i], plans[g][i], notes)
		if err != nil {
			t.Error(err)
			return page{}
		}
		return page{f.total, strings.Join(f.ids, ",")}
	}
	want := make([]page, len(reqs))
	for i := range reqs {
		want[i] = find(goroutines, i)
	}
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for k := range 3 * len(reqs) {
				i := (g*7 + k) % len(reqs)
				if got := find(g, i); got != want[i] {
					t.Errorf("%q sort %q: %+v, alone %+v", reqs[i].Q, reqs[i].Sort, got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}
