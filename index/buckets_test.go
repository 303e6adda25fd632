package index

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/encommun/trouvaille/query"
)

// bucketQueries add to executorQueries multi-word queries whose notes spread
// over many rule values: typos beside right words, words in titles and
// bodies, exact lexicon titles, completions.
var bucketQueries = []string{
	"logement social quebec",
	"economie sociale solidaire montreal",
	"finacement logement",
	"innovation sociale",
	"participation citoyenne quartier",
	"donnees ouvertes",
	"gouvernance partagee conseil administration",
	"cooperative habitation financ",
	"securite alimentaire",
	"benevoles organisme communautaire",
	"logment social",
	"cooperatve habitation",
	"economi sociale quebec",
	// Two typos beside one (the twoTypos rule).
	"abitation",
	"abitation cooperative",
	"securite alimentere",
	"finnacemnt logement",
	"finnacemnt organismes",
}

func allBucketQueries() []string {
	qs := append([]string(nil), bucketQueries...)
	for _, tc := range executorQueries {
		if tc.filters == nil {
			qs = append(qs, tc.q)
		}
	}
	return qs
}

// Each rule's buckets split the notes exactly as the rule's function does
// note by note: every note of the region in one bucket, under its value.
func TestRuleBucketsMatchTheRules(t *testing.T) {
	ix, notes := openDemoIndex(t)
	v := snapshotView(t, ix)
	checked := map[string]int{}
	for _, q := range allBucketQueries() {
		plan := planFor(t, ix, notes, query.Request{Q: q})
		rk := newRanker(plan)
		if rk == nil {
			continue
		}
		for si, ss := range v.segs {
			sb := newSegBits(ss.Segment(), ss.Deleted(), v.cols[si])
			sr, err := rk.forSegment(sb)
			if err != nil {
				t.Fatal(err)
			}
			// The field rule's weights, as a search sets them.
			weighWords([]*segRank{sr}, func(int) *roaring.Bitmap { return v.cols[si].public })
			// The notes matching at least one word.
			region := roaring.New()
			for i := range sr.words {
				region.Or(sr.words[i].any)
			}
			region = sb.live(region)
			for ri, rule := range rankingRules {
				m, ok := sr.ruleBuckets(ri, region)
				if !ok {
					t.Fatalf("%q: rule %s not split", q, rule.name)
				}
				seen := roaring.New()
				for val, b := range m {
					if seen.Intersects(b) {
						t.Errorf("%q: rule %s: value %d shares notes with another bucket", q, rule.name, val)
					}
					seen.Or(b)
					it := b.Iterator()
					for it.HasNext() {
						local := it.Next()
						if key, _ := sr.matchOf(local); key[ri] != val {
							t.Errorf("%q: rule %s: note %d in bucket %d, its value is %d", q, rule.name, local, val, key[ri])
						}
					}
				}
				if !seen.Equals(region) {
					t.Errorf("%q: rule %s: buckets hold %d notes of %d", q, rule.name, seen.GetCardinality(), region.GetCardinality())
				}
				if len(m) >= 2 {
					checked[rule.name]++
				}
			}
		}
	}
	// Several queries must split on every rule, or the test checks little.
	for _, rule := range rankingRules {
		if checked[rule.name] < 3 {
			t.Errorf("rule %s: split by %d queries only", rule.name, checked[rule.name])
		}
	}
	t.Logf("queries split by each rule: %v", checked)
}

// The bucket sort picks the same page as ranking every counted note: same
// notes, rule values and scores, in the same order, for pages cut anywhere,
// for anonymous readers (public notes counted whole) and for an
// administrator (every note, one by one).
func TestBucketSortMatchesRankingEveryNote(t *testing.T) {
	t.Run("ties collected whole", func(t *testing.T) { bucketSortMatchesRankingEveryNote(t) })
	// Every tie that straddles the page's end cut by score before it is
	// collected: the notes left out must be those that rank past the page.
	t.Run("ties cut by score", func(t *testing.T) {
		cutEveryTie(t)
		bucketSortMatchesRankingEveryNote(t)
	})
}

func bucketSortMatchesRankingEveryNote(t *testing.T) {
	ix, notes := openDemoIndex(t)
	for _, q := range allBucketQueries() {
		for _, admin := range []bool{false, true} {
			for _, keep := range []int{1, 3, 7, 20, 60} {
				r := query.Request{Q: q, PerPage: keep}
				if admin {
					r.Scope = query.Scope{Admin: true}
				}
				if err := r.Normalize(); err != nil {
					t.Fatal(err)
				}
				plan := planFor(t, ix, notes, r)
				run := func(perNote bool) *execResult {
					return executePlan(t, ix, r, plan, func(ep *execPlan) {
						ep.plan, ep.fill, ep.keep = plan, keep, keep
						ep.perNote = perNote
					})
				}
				want, got := run(true), run(false)
				name := fmt.Sprintf("%q admin=%v keep=%d", q, admin, keep)
				if want.total != got.total || want.minWords != got.minWords {
					t.Errorf("%s: total %d, words %d; want %d, %d", name, got.total, got.minWords, want.total, want.minWords)
				}
				if len(want.hits) != len(got.hits) {
					t.Errorf("%s: %d hits, want %d", name, len(got.hits), len(want.hits))
					continue
				}
				for i := range want.hits {
					w, g := want.hits[i], got.hits[i]
					if w.global != g.global || w.key != g.key || w.score != g.score {
						t.Errorf("%s: hit %d is %d %v %.4f, want %d %v %.4f", name, i, g.global, g.key, g.score, w.global, w.key, w.score)
						break
					}
				}
			}
		}
	}
}

// TestLaterPagesScoreOnlyTheirTies: past the first page, only the ties that
// reach the page are scored (scoreHits); the page shown must be the one
// cut from the hits all scored.
func TestLaterPagesScoreOnlyTheirTies(t *testing.T) {
	t.Run("ties collected whole", func(t *testing.T) { laterPagesScoreOnlyTheirTies(t) })
	t.Run("ties cut by score", func(t *testing.T) {
		cutEveryTie(t)
		laterPagesScoreOnlyTheirTies(t)
	})
}

func laterPagesScoreOnlyTheirTies(t *testing.T) {
	ix, notes := openDemoIndex(t)
	cut := 0
	for _, q := range allBucketQueries() {
		for _, page := range [][2]int{{2, 1}, {3, 3}, {2, 7}, {4, 5}, {3, 20}} {
			r := query.Request{Q: q, Page: page[0], PerPage: page[1]}
			if err := r.Normalize(); err != nil {
				t.Fatal(err)
			}
			plan := planFor(t, ix, notes, r)
			run := func(skip int) *execResult {
				return executePlan(t, ix, r, plan, func(ep *execPlan) {
					ep.plan, ep.fill = plan, r.PerPage
					ep.skip = skip
				})
			}
			skip := (r.Page - 1) * r.PerPage
			want, got := run(0), run(skip)
			name := fmt.Sprintf("%q page %d×%d", q, r.Page, r.PerPage)
			if len(want.hits) != len(got.hits) {
				t.Errorf("%s: %d hits, want %d", name, len(got.hits), len(want.hits))
				continue
			}
			for i := skip; i < len(want.hits); i++ {
				w, g := want.hits[i], got.hits[i]
				if w.global != g.global || w.score != g.score {
					t.Errorf("%s: hit %d is %d %.4f, want %d %.4f", name, i, g.global, g.score, w.global, w.score)
					break
				}
			}
			if len(got.hits) > skip && skip > 0 && got.hits[0].score == 0 && want.hits[0].score != 0 {
				cut++
			}
		}
	}
	// The saving is real: some first hits were left unscored.
	if cut == 0 {
		t.Error("every later page scored all its hits")
	}
}

// countPlanes and withCount count, for every note, the parts holding it: the
// same notes per count as atLeastEach, countBuckets and counting note by
// note.
func TestCountPlanes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for _, n := range []int{0, 1, 2, 3, 8, 9, 17, 32, 40} {
		var parts []*roaring.Bitmap
		counts := make([]int, 3000)
		for range n {
			b := roaring.New()
			density := rng.IntN(100)
			for d := range uint32(len(counts)) {
				if rng.IntN(100) < density {
					b.Add(d)
				}
			}
			parts = append(parts, b)
		}
		r := roaring.New()
		for d := range uint32(len(counts)) {
			if d%7 != 3 { // some notes out of the universe
				r.Add(d)
			}
		}
		for _, b := range parts {
			it := b.Iterator()
			for it.HasNext() {
				counts[it.Next()]++
			}
		}
		planes := countPlanes(r, parts)
		ge := atLeastEach(r, parts)
		exact := countBuckets(r, parts)
		if len(exact) != n+1 {
			t.Fatalf("%d parts: countBuckets gives %d counts, want %d", n, len(exact), n+1)
		}
		for k := -1; k <= n+2; k++ {
			got := withCount(r, planes, k)
			want := roaring.New()
			for d, c := range counts {
				if c == k && r.Contains(uint32(d)) {
					want.Add(uint32(d))
				}
			}
			if !got.Equals(want) {
				t.Errorf("%d parts, count %d: %d notes, want %d", n, k, got.GetCardinality(), want.GetCardinality())
			}
			if k >= 0 && k+1 < len(ge) {
				if x := roaring.AndNot(ge[k], ge[k+1]); !x.Equals(want) {
					t.Errorf("%d parts, count %d: atLeastEach gives %d notes, want %d", n, k, x.GetCardinality(), want.GetCardinality())
				}
			}
			if k >= 0 && k <= n {
				got := exact[k]
				if got == nil {
					got = roaring.New()
				}
				if !got.Equals(want) {
					t.Errorf("%d parts, count %d: countBuckets gives %d notes, want %d", n, k, got.GetCardinality(), want.GetCardinality())
				}
			}
		}
	}
}

// Unscored (a phrase's candidates), the notes tied on every rule come
// newest first, and selector.take keeps only those as recent as the last
// one needed: the hits must be the first of the same notes all ordered.
func TestUnscoredTiesTakenByDate(t *testing.T) {
	ix, notes := openDemoIndex(t)
	compared := 0
	for _, q := range allBucketQueries() {
		r := query.Request{Q: q}
		if err := r.Normalize(); err != nil {
			t.Fatal(err)
		}
		plan := planFor(t, ix, notes, r)
		for _, keep := range []int{1, 3, 10, 40} {
			run := func(n int) *execResult {
				return executePlan(t, ix, r, plan, func(ep *execPlan) {
					ep.plan, ep.fill = plan, keep
					ep.scoring = false
					ep.order, ep.keep, ep.skip = "relevance", n, 0
				})
			}
			all, got := run(1<<20), run(keep)
			want := all.hits[:min(keep, len(all.hits))]
			if len(got.hits) != len(want) {
				t.Errorf("%q keep %d: %d hits, want %d", q, keep, len(got.hits), len(want))
				continue
			}
			for i := range want {
				if got.hits[i].global != want[i].global {
					t.Errorf("%q keep %d: hit %d is note %d, want %d", q, keep, i, got.hits[i].global, want[i].global)
					break
				}
			}
			if len(all.hits) > keep {
				compared++
			}
		}
	}
	if compared == 0 {
		t.Error("no query had more notes than kept")
	}
}
