package index

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/encommun/trouvaille/query"
)

// splitEverything lowers the thresholds under which a segment's notes are
// worked on whole (facet counts, rule buckets, rule values), so that a
// small test index is cut into pieces as a million notes are, until the
// test ends or restore is called.
func splitEverything(t testing.TB) (restore func()) {
	t.Helper()
	count, piece, block, run := minSplitCount, minPiece, pieceBlock, minRun
	restore = func() { minSplitCount, minPiece, pieceBlock, minRun = count, piece, block, run }
	t.Cleanup(restore)
	minSplitCount, minPiece, pieceBlock, minRun = 1, 1, 1, 1
	return restore
}

// cutEveryTie lowers the thresholds under which a tie on every rule is
// collected whole rather than cut by score first (selector.reach), until
// the test ends or restore is called.
func cutEveryTie(t testing.TB) (restore func()) {
	t.Helper()
	least, factor := minReach, reachFactor
	restore = func() { minReach, reachFactor = least, factor }
	t.Cleanup(restore)
	minReach, reachFactor = 1, 1
	return restore
}

// A region's pieces hold each of its notes once, in the note's own
// segment, and split a large segment into parts of about the same size.
func TestPiecesCoverTheRegionOnce(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	big, small := roaring.New(), roaring.New()
	for range 300_000 {
		big.Add(rng.Uint32() % 900_000)
	}
	for range 20_000 {
		small.Add(rng.Uint32() % 100_000)
	}
	for _, tc := range []struct {
		name    string
		reg     region
		workers int
		want    [2]int // pieces of segments 0 and 2
	}{
		{"two workers", region{big, nil, small}, 2, [2]int{4, 1}},
		{"one worker", region{big, nil, small}, 1, [2]int{1, 1}},
		{"few notes", region{small, roaring.New(), small}, 2, [2]int{1, 1}},
		{"eight workers", region{big, nil, small}, 8, [2]int{13, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps := pieces(tc.reg, tc.workers)
			got := make(region, len(tc.reg))
			var counts [3]int
			for _, p := range ps {
				if p.notes.IsEmpty() {
					t.Errorf("an empty piece of segment %d", p.seg)
				}
				if got[p.seg] == nil {
					got[p.seg] = roaring.New()
				}
				if got[p.seg].Intersects(p.notes) {
					t.Errorf("segment %d: pieces overlap", p.seg)
				}
				got[p.seg].Or(p.notes)
				counts[p.seg]++
			}
			for si, b := range tc.reg {
				if b == nil || b.IsEmpty() {
					if got[si] != nil {
						t.Errorf("segment %d has no notes but %d pieces", si, counts[si])
					}
					continue
				}
				if !got[si].Equals(b) {
					t.Errorf("segment %d: pieces hold %d notes, want its %d", si, got[si].GetCardinality(), b.GetCardinality())
				}
			}
			if counts[0] != tc.want[0] || counts[2] != tc.want[1] {
				t.Errorf("%d and %d pieces, want %v", counts[0], counts[2], tc.want)
			}
			// Cut along roaring's blocks, about the same size.
			if counts[0] > 1 {
				for _, p := range ps {
					if p.seg == 0 && p.notes.GetCardinality() < big.GetCardinality()/uint64(2*counts[0]) {
						t.Errorf("a piece of %d notes of %d in %d pieces", p.notes.GetCardinality(), big.GetCardinality(), counts[0])
					}
				}
			}
		})
	}
}

// union is roaring's OR of the parts, empty ones and a single one included.
func TestUnionMatchesOr(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for n := range 40 {
		parts := make([]*roaring.Bitmap, n%9)
		want := roaring.New()
		for i := range parts {
			b := roaring.New()
			switch rng.Intn(4) {
			case 0: // empty
			case 1: // dense
				b.AddRange(uint64(rng.Intn(200_000)), uint64(200_000+rng.Intn(200_000)))
			default: // sparse
				for range rng.Intn(3000) {
					b.Add(rng.Uint32() % 500_000)
				}
			}
			parts[i] = b
			want.Or(b)
		}
		got := union(parts)
		if !got.Equals(want) {
			t.Errorf("%d parts: %d notes, want %d", len(parts), got.GetCardinality(), want.GetCardinality())
		}
		if got = atLeast(parts, 1); !got.Equals(want) {
			t.Errorf("atLeast(1) of %d parts: %d notes, want %d", len(parts), got.GetCardinality(), want.GetCardinality())
		}
	}
}

// The bucket sort with every segment in pieces (their buckets, then their
// rule values, worked side by side) picks the page the whole segments do.
func TestBucketSortInPiecesMatchesWhole(t *testing.T) {
	ix, notes := openDemoIndex(t)
	type page struct {
		total uint64
		hits  []string
	}
	run := func() map[string]page {
		out := map[string]page{}
		for _, q := range allBucketQueries() {
			for _, keep := range []int{1, 7, 60} {
				r := query.Request{Q: q, PerPage: keep}
				if err := r.Normalize(); err != nil {
					t.Fatal(err)
				}
				plan := planFor(t, ix, notes, r)
				res := executePlan(t, ix, r, plan, func(ep *execPlan) {
					ep.plan, ep.fill, ep.keep = plan, keep, keep
				})
				p := page{total: res.total}
				for _, h := range res.hits {
					p.hits = append(p.hits, fmt.Sprintf("%d %v %v %.6f", h.global, h.key, h.mask, h.score))
				}
				out[fmt.Sprintf("%q keep=%d", q, keep)] = p
			}
		}
		return out
	}
	whole := run()
	splitEverything(t)
	split := run()
	for name, w := range whole {
		g := split[name]
		if g.total != w.total || fmt.Sprint(g.hits) != fmt.Sprint(w.hits) {
			t.Errorf("%s: in pieces %d notes %v, want %d %v", name, g.total, g.hits, w.total, w.hits)
		}
	}
}

// setScores finds each hit's score whatever the order of the hits (runs of
// increasing notes, as buckets are collected, or any order), held or not.
func TestSetScoresMatchesSearch(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	for round := range 200 {
		var segs []*segNotes
		held := map[[2]uint64]float64{}
		for si := range 1 + rng.Intn(3) {
			b := roaring.New()
			for range rng.Intn(300) {
				b.Add(uint32(rng.Intn(1000)))
			}
			sn := &segNotes{si: si, locals: b.ToArray()}
			for _, l := range sn.locals {
				v := rng.Float64() + 0.5
				sn.score = append(sn.score, v)
				held[[2]uint64{uint64(si), uint64(l)}] = v
			}
			segs = append(segs, sn)
		}
		var hits []hitRef
		for range rng.Intn(400) {
			hits = append(hits, hitRef{seg: rng.Intn(4), local: uint64(rng.Intn(1000))})
		}
		if round%2 == 0 { // runs of increasing notes
			slices.SortStableFunc(hits, func(a, b hitRef) int { return int(a.local) - int(b.local) })
			k := rng.Intn(len(hits) + 1)
			hits = append(hits[k:], hits[:k]...)
		}
		for i := range hits {
			hits[i].score = -1
		}
		setScores(hits, segs)
		for _, h := range hits {
			if want := held[[2]uint64{uint64(h.seg), h.local}]; h.score != want {
				t.Fatalf("round %d: note %d of segment %d scored %v, want %v", round, h.local, h.seg, h.score, want)
			}
		}
	}
}
