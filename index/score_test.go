package index

import (
	"context"
	"slices"
	"testing"

	"github.com/encommun/trouvaille/query"
)

// tieHits returns every note of the demo index matching any word of q, all
// with the same rule values: one tie for the score to settle.
func tieHits(t testing.TB, ix *Index, notes Notes, q string) ([]*segPlan, *ranker, []hitRef) {
	t.Helper()
	plan := planFor(t, ix, notes, query.Request{Q: q})
	rk := newRanker(plan)
	v := snapshotView(t, ix)
	var plans []*segPlan
	var hits []hitRef
	for si, ss := range v.segs {
		sp := &segPlan{sb: newSegBits(ss.Segment(), ss.Deleted(), v.cols[si])}
		sr, err := rk.forSegment(sp.sb)
		if err != nil {
			t.Fatal(err)
		}
		sp.rank = sr
		plans = append(plans, sp)
		for _, w := range sr.words {
			it := w.any.Iterator()
			for it.HasNext() {
				local := it.Next()
				h := hitRef{seg: si, local: uint64(local), global: v.offsets[si] + uint64(local)}
				if !slices.ContainsFunc(hits, func(o hitRef) bool { return o.global == h.global }) {
					hits = append(hits, h)
				}
			}
		}
	}
	return plans, rk, hits
}

// Settling a tie MaxScore-style (scorer.prune) must give the page the same
// notes, scores and order as scoring every note of the tie.
func TestPrunedTieMatchesFullScores(t *testing.T) {
	ix, notes := openDemoIndex(t)
	dropped := 0
	for _, q := range []string{"logement", "logement social", "financement communautaire", "cuisine collective quartier", "participation citoyenne", "numerique", "benevolat", "securite alimentaire",
		// A word being typed: many terms, each adding little.
		"par", "com", "logement pro", "economie soc"} {
		plans, rk, hits := tieHits(t, ix, notes, q)
		if len(hits) < 10 {
			t.Fatalf("%q: %d notes, want a larger tie", q, len(hits))
		}
		all := slices.Clone(hits)
		if _, err := ix.scoreHits(context.Background(), plans, rk, nil, all, 0, len(all), "relevance"); err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(all, func(a, b hitRef) int { return compareHits(&a, &b, "relevance") })
		for _, shown := range []int{1, 3, 10, len(hits) / 2} {
			got := slices.Clone(hits)
			if _, err := ix.scoreHits(context.Background(), plans, rk, nil, got, 0, shown, "relevance"); err != nil {
				t.Fatal(err)
			}
			slices.SortFunc(got, func(a, b hitRef) int { return compareHits(&a, &b, "relevance") })
			for i := 0; i < shown; i++ {
				if got[i].global != all[i].global || got[i].score != all[i].score {
					t.Errorf("%q shown %d: place %d is %d (%.6f), want %d (%.6f)", q, shown, i, got[i].global, got[i].score, all[i].global, all[i].score)
					break
				}
			}
			for _, h := range got {
				if h.score == 0 {
					dropped++
				}
			}
		}
	}
	// The pruning must have dropped notes somewhere, or this checks nothing.
	if dropped == 0 {
		t.Error("no note was ever left unscored")
	}
	t.Logf("%d notes left unscored", dropped)
}

// BenchmarkPruneShortPrefix settles the tie of a short word being typed,
// whose many completions each add little to a score (scorer.prune checks
// for a cut only once the terms read could have made one possible).
func BenchmarkPruneShortPrefix(b *testing.B) {
	ix, notes := openDemoIndex(b)
	plans, rk, hits := tieHits(b, ix, notes, "par")
	got := make([]hitRef, len(hits))
	b.ResetTimer()
	for b.Loop() {
		copy(got, hits)
		if _, err := ix.scoreHits(context.Background(), plans, rk, nil, got, 0, 20, "relevance"); err != nil {
			b.Fatal(err)
		}
	}
}
