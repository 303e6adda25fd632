package index

import (
	"container/heap"
	"context"
	"errors"
	"math"
	"slices"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bq "github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/encommun/trouvaille/query"
)

// The executor that does the least work the answer needs (search core
// issue). Per segment and per query word, the bitmap of the notes matching
// the word comes straight from the segment's postings (bitmaps.go): no walk
// over postings, no scoring. Their AND is the notes with every word; when
// fewer than a page pass the filters, the notes matching n-1 words are
// added, then n-2…, until the page is full (the counts of words per note
// come from one pass over the word bitmaps). Every counted note goes
// through the columns once (visibility, filters, exact total, facets,
// histogram), and gets its ranking rules' values (rank.go). Only the notes
// that may end on the page are scored: those not ranked strictly below the
// page's last note by the rules (usually a handful; all the ties of the last
// rule value at worst), by iterating the postings of the query's terms
// restricted to them (zap's ReplaceActual).

// errUnsupported: the plan holds a query the bitmaps cannot evaluate; the
// caller falls back to Bleve's searchers.
var errUnsupported = errors.New("index: query not supported by the bitmap executor")

// segPlan is one segment's bitmaps for the executor.
type segPlan struct {
	sb     *segBits
	rank   *segRank
	words  []*roaring.Bitmap // per word: notes matching it (read-only)
	strict *roaring.Bitmap
	// phrase and not restrict the notes (nil: no restriction): those
	// holding the verified phrases, those holding an excluded word.
	phrase, not *roaring.Bitmap
	// freq are the notes the score's inverse document frequencies and the
	// words' weights are counted on (newScorer, weighWords): the segment's
	// public notes not deleted (segColumns.freqNotes; nil: every note).
	freq *roaring.Bitmap
}

// allowed reports whether a note may be counted: live, holding the
// verified phrases, holding no excluded word.
func (sp *segPlan) allowed(local uint32) bool {
	return (sp.sb.deleted == nil || !sp.sb.deleted.Contains(local)) &&
		(sp.phrase == nil || sp.phrase.Contains(local)) &&
		(sp.not == nil || !sp.not.Contains(local))
}

// mustBits returns the notes holding every word of must (any of them when
// any is set): a word's bitmap when it is one of the ranker's words, else
// its query's.
func (sp *segPlan) mustBits(must []*query.Word, any bool, r *ranker) (*roaring.Bitmap, error) {
	bs := make([]*roaring.Bitmap, 0, len(must))
	for _, w := range must {
		i := -1
		if r != nil {
			i = slices.Index(r.words, w)
		}
		if i >= 0 && i < len(sp.words) {
			bs = append(bs, sp.words[i])
			continue
		}
		b, err := sp.sb.eval(w.Query(), nil)
		if err != nil {
			return nil, err
		}
		bs = append(bs, b)
	}
	if len(bs) == 1 {
		return bs[0].Clone(), nil
	}
	if any {
		return roaring.FastOr(bs...), nil
	}
	return roaring.FastAnd(bs...), nil
}

// allowedBits returns the notes of b that allowed accepts.
func (sp *segPlan) allowedBits(b *roaring.Bitmap) *roaring.Bitmap {
	b = sp.sb.live(b)
	if sp.phrase != nil {
		b = roaring.And(b, sp.phrase)
	}
	if sp.not != nil {
		b = roaring.AndNot(b, sp.not)
	}
	return b
}

// cand is a note that passed the filters, with its rank.
type cand struct {
	seg       int
	local     uint32
	key       rankKey
	mask      uint64
	tiers     uint8 // the field tiers where it matches some word
	published int64
	score     float64 // set for a tie cut by score (selector.collectScored)
}

// executeBits runs p over the view's segments on bitmaps. It reports false
// (and has counted nothing) when the plan holds a query it cannot evaluate.
func (ix *Index) executeBits(ctx context.Context, p *execPlan, v *view, res *execResult, count func(si int, local uint64) bool, countBits func(passed []*roaring.Bitmap, facets []int, addTotal, hist bool) error, saveCounts func() (restore func())) (bool, error) {
	allFacets := everyFacet(len(p.facets))
	countPassed := func(passed []*roaring.Bitmap) error { return countBits(passed, allFacets, true, p.hist) }
	plans := make([]*segPlan, len(v.segs))
	phraseIDs, hasPhrase := p.plan.PhraseIDs()
	nWords := 0
	if p.rank != nil {
		nWords = len(p.rank.words)
	}
	// Each segment's bitmaps, on every core; then the public notes that
	// need no check, counted the same way.
	passed := make([]*roaring.Bitmap, len(plans))
	fast := len(p.groups) == 0 && !p.histMonths
	// With filters (and no histogram by month), the public notes are
	// checked on bitmaps too: per filter, the notes holding one of its
	// values (their terms' postings) or a date in its range. Those passing
	// every filter are counted whole; those failing exactly one count in
	// that filter's facet (disjunctive facets), and in the histogram when
	// it is the date range. Not for the per-note oracle.
	filtered := len(p.groups) > 0 && !p.histMonths && !p.perNote
	failOnly := make([][]*roaring.Bitmap, len(plans)) // [segment][group]
	err := parallelEach(ctx, len(v.segs), func(_, si int) error {
		ss := v.segs[si]
		sp := &segPlan{sb: newSegBits(ss.Segment(), ss.Deleted(), v.cols[si]), freq: v.cols[si].freqNotes(ss.Deleted())}
		sp.sb.postings, sp.sb.id, sp.sb.hold = ix.postings, ss.Id(), holdSnapshot(res.reader)
		if p.rank != nil {
			sr, err := p.rank.forSegment(sp.sb)
			if err != nil {
				return err
			}
			sp.rank = sr
			for i := range sr.words {
				sp.words = append(sp.words, sr.words[i].any)
			}
		}
		var phrase, not *roaring.Bitmap
		if hasPhrase {
			b, err := sp.sb.eval(bq.NewDocIDQuery(phraseIDs), nil)
			if err != nil {
				return err
			}
			phrase = b
		}
		if len(p.must) > 0 {
			b, err := sp.mustBits(p.must, p.mustAny, p.rank)
			if err != nil {
				return err
			}
			if phrase != nil {
				b.And(phrase)
			}
			phrase = b
		}
		if p.text.MustNot != nil {
			b, err := sp.sb.eval(p.text.MustNot, nil)
			if err != nil {
				return err
			}
			not = b
		}
		sp.phrase, sp.not = phrase, not
		var strict *roaring.Bitmap
		switch len(sp.words) {
		case 0:
			strict = sp.sb.allDocs()
		case 1:
			strict = sp.words[0].Clone()
		default:
			strict = roaring.FastAnd(sp.words...)
		}
		if phrase != nil {
			strict.And(phrase)
		}
		if not != nil {
			strict.AndNot(not)
		}
		sp.strict = sp.sb.live(strict)
		if sc := v.cols[si]; fast && sc.public != nil {
			passed[si] = roaring.And(sp.strict, sc.public)
		} else if filtered && sc.public != nil {
			base := roaring.And(sp.strict, sc.public)
			gb := make([]*roaring.Bitmap, len(p.groups))
			all := base.Clone()
			for g := range p.groups {
				b, err := groupBits(sp.sb, sc, &p.groups[g], p, base)
				if err != nil {
					return err
				}
				gb[g] = b
				all.And(b)
			}
			passed[si] = all
			fo := make([]*roaring.Bitmap, len(p.groups))
			for g := range p.groups {
				if p.groups[g].facet < 0 && !(p.hist && g == p.dateGroup) {
					continue
				}
				x := base.Clone()
				for h, b := range gb {
					if h != g {
						x.And(b)
					}
				}
				x.AndNot(gb[g])
				fo[g] = x
			}
			failOnly[si] = fo
		}
		plans[si] = sp
		return nil
	})
	if err != nil {
		return false, unsupportedOK(err)
	}
	if p.rank != nil {
		srs := make([]*segRank, len(plans))
		for si, sp := range plans {
			srs[si] = sp.rank
		}
		weighWords(srs, func(si int) *roaring.Bitmap { return plans[si].freq })
	}
	if err := countPassed(passed); err != nil {
		return true, err
	}
	for g := range p.groups {
		if !filtered {
			break
		}
		var facets []int
		if f := p.groups[g].facet; f >= 0 {
			facets = []int{f}
		}
		hist := p.hist && g == p.dateGroup
		if len(facets) == 0 && !hist {
			continue
		}
		bits := make([]*roaring.Bitmap, len(plans))
		for si := range plans {
			if failOnly[si] != nil {
				bits[si] = failOnly[si][g]
			}
		}
		if err := countBits(bits, facets, false, hist); err != nil {
			return true, err
		}
	}

	// The notes counted, per level: those with every word first, then
	// those with one word fewer, and so on; each level a region.
	var levels []region
	// oneByOne counts the notes of in (segment si) that are not counted
	// as a whole (not public, or filters to check) one by one, and
	// returns those that pass, merged into kept (nil: none).
	var dropped []uint32
	oneByOne := func(si int, in, kept *roaring.Bitmap) (*roaring.Bitmap, error) {
		// Most notes are kept: the few that are not (not visible to the
		// caller, failing a filter) are listed and taken out afterwards.
		dropped = dropped[:0]
		it := in.Iterator()
		for n := 0; it.HasNext(); n++ {
			if n&4095 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			if local := it.Next(); !count(si, uint64(local)) {
				dropped = append(dropped, local)
			}
		}
		if (p.keep == 0 && !p.regions) || in.IsEmpty() || len(dropped) == int(in.GetCardinality()) {
			return kept, nil
		}
		pass := in
		if len(dropped) > 0 {
			pass = roaring.AndNot(in, roaring.BitmapOf(dropped...))
		}
		if kept == nil {
			return pass, nil
		}
		return roaring.Or(kept, pass), nil
	}
	// Without filters, the public notes pass as a whole (one
	// intersection, then facets counted column by column); the others go
	// through the visibility check one by one.
	strictReg := make(region, len(plans))
	for si, sp := range plans {
		in := sp.strict
		if passed[si] != nil {
			strictReg[si] = passed[si]
			in = roaring.AndNot(in, v.cols[si].public)
		}
		if strictReg[si], err = oneByOne(si, in, strictReg[si]); err != nil {
			return true, err
		}
	}
	levels = append(levels, strictReg)
	res.filled, res.minWords, res.strictTotal = true, nWords, res.total
	if p.fill > 0 && nWords >= 2 && res.total < uint64(p.fill) {
		// Per segment, the notes with at least k words for queries of up
		// to maxBucketWords words; past that, how many words each note
		// matches as bit planes (countPlanes). Both on bitmaps.
		ges := make([][]*roaring.Bitmap, len(plans))
		univ := make([]*roaring.Bitmap, len(plans))
		planes := make([][]*roaring.Bitmap, len(plans))
		for si, sp := range plans {
			u := sp.allowedBits(roaring.FastOr(sp.words...))
			if len(sp.words) <= maxBucketWords {
				ges[si] = atLeastEach(u, sp.words)
				continue
			}
			univ[si], planes[si] = u, countPlanes(u, sp.words)
		}
		// A level that adds no note to the total (every note of it fails
		// a filter, or is hidden from the caller) still counts those
		// failing one filter in that filter's facet, and in the histogram
		// for the date: counts of notes with fewer words than minWords,
		// which the page's facets do not describe. The counts are saved
		// before each run of levels that may add nothing, and put back
		// when the last levels added nothing.
		var restore func()
		for level := nWords - 1; level >= 1 && res.total < uint64(p.fill); level-- {
			if err := ctx.Err(); err != nil {
				return true, err
			}
			before := res.total
			if restore == nil && len(p.groups) > 0 {
				restore = saveCounts()
			}
			// The level's notes, then counted as the strict ones are:
			// the public ones as a whole when nothing is to be checked.
			in := make(region, len(plans))
			lpassed := make([]*roaring.Bitmap, len(plans))
			for si := range plans {
				if ge := ges[si]; ge != nil {
					if level+1 >= len(ge) {
						continue
					}
					if b := roaring.AndNot(ge[level], ge[level+1]); !b.IsEmpty() {
						in[si] = b
					}
				} else if b := withCount(univ[si], planes[si], level); !b.IsEmpty() {
					in[si] = b
				}
				if in[si] == nil {
					continue
				}
				if sc := v.cols[si]; fast && sc.public != nil {
					lpassed[si] = roaring.And(in[si], sc.public)
					in[si].AndNot(sc.public)
				}
			}
			if err := countPassed(lpassed); err != nil {
				return true, err
			}
			reg := region(lpassed)
			for si := range plans {
				if in[si] == nil {
					continue
				}
				if reg[si], err = oneByOne(si, in[si], reg[si]); err != nil {
					return true, err
				}
			}
			levels = append(levels, reg)
			if res.total > before {
				res.minWords = level
				restore = nil
			}
		}
		if restore != nil {
			restore()
		}
	}
	if p.regions {
		res.matched = unionLevels(levels, len(plans))
	}
	if p.keep == 0 {
		return true, nil
	}
	sel := &selector{plans: plans, v: v, order: p.order, nWords: nWords, scoring: p.scoring, out: getCands(res.total)}
	var page []cand
	var reachScorer *scorer // the scorer of a tie cut by score, then of the page
	var text *textScorer
	if p.scoring && p.rank != nil {
		text = ix.textScorer(p, v)
	}
	skip, keep := p.skip, p.keep
	if p.rank != nil && !p.perNote && p.order != "published_at" && p.order != "-published_at" {
		sel.skip = p.skip
		if p.scoring {
			sel.reach = func(reg region, room int) ([]*segNotes, error) {
				if reachScorer == nil {
					reachScorer = newScorer(plans, p.rank)
					reachScorer.text = text
				}
				return reachScorer.mayReach(ctx, reg, room)
			}
		}
		// Relevance: the levels in turn, each by bucket sort of the rules
		// after the first (a level's notes match as many words).
		need := p.keep
		for li, reg := range levels {
			if need <= 0 {
				break
			}
			need -= sel.take(reg, 1, need, li == 0)
		}
		if sel.err != nil {
			return true, sel.err
		}
		page = sel.out
		// The notes of the buckets wholly before the page are not among
		// page: the page starts and ends that much earlier in it.
		skip, keep = skip-sel.skipped, keep-sel.skipped
	} else {
		// By date (or the oracle): every note of a level ranks before
		// those of the next, so the levels are taken until the page is
		// full; within one, only the notes as recent as the page's last
		// (byDate) get their rule values.
		var cands []cand
		need := p.keep
		for li, reg := range levels {
			if need <= 0 && !p.perNote {
				break
			}
			n := reg.card()
			if !p.perNote && n > uint64(need) {
				reg = sel.byDate(reg, need)
			}
			cands = sel.collectInto(cands, reg, li == 0)
			need -= int(min(n, uint64(need)))
		}
		page = pageCands(cands, p.keep, p.order)
	}
	if len(page) == 0 && sel.skipped == 0 {
		return true, nil
	}
	// The hits after the skipped notes, which keep their places as empty
	// hits (only the page's are read: search.go).
	hits := getHits(sel.skipped + len(page))
	clear(hits[:sel.skipped])
	all, hits := hits, hits[sel.skipped:]
	for i, c := range page {
		hits[i] = hitRef{seg: c.seg, local: uint64(c.local), global: v.offsets[c.seg] + uint64(c.local), key: c.key, mask: c.mask, tiers: c.tiers, published: c.published, score: c.score, v: v}
	}
	putCands(sel.out)
	// Hits before from rank above the page whatever their scores: their
	// order among themselves does not matter.
	from := 0
	if p.scoring && p.rank != nil && len(hits) > 0 {
		var err error
		if from, err = ix.scoreHitsWith(ctx, reachScorer, plans, p.rank, text, hits, skip, keep, p.order, sel.tieScored); err != nil {
			return true, err
		}
	}
	sortTop(hits[from:], keep-from, func(a, b *hitRef) int { return compareHits(a, b, p.order) })
	if len(hits) > keep {
		hits = hits[:keep]
	}
	// The page's hits alone need to know which words each matches, and in
	// which tiers: the notes tied on every rule are collected without them
	// (collectTied).
	fillPage(plans, hits[min(max(skip, 0), len(hits)):])
	res.hits = all[:sel.skipped+len(hits)]
	return true, nil
}

// fillPage sets the masks of matched words and the field tiers of hits
// from their segments' bitmaps.
func fillPage(plans []*segPlan, hits []hitRef) {
	for i := range hits {
		h := &hits[i]
		if sr := plans[h.seg].rank; sr != nil {
			_, h.mask = sr.matchOf(uint32(h.local))
			h.tiers = sr.match.fieldTiers()
		}
	}
}

// unsupportedOK turns the error of a query the bitmaps cannot evaluate
// into "not done" (nil: the caller falls back to Bleve); other errors stay.
func unsupportedOK(err error) error {
	if errors.Is(err, errUnsupported) {
		return nil
	}
	return err
}

// betterUnscored reports whether a ranks strictly before b on everything
// but the score (and the final tie-breaks): words matched, the order asked
// for, the other ranking rules.
func betterUnscored(a, b *cand, order string) bool {
	return rankOrder(&a.key, &b.key, a.published, b.published, order) > 0
}

// candHeap keeps the best candidates with the worst on top.
type candHeap struct {
	c     []cand
	order string
}

func (h *candHeap) Len() int           { return len(h.c) }
func (h *candHeap) Less(i, j int) bool { return betterUnscored(&h.c[j], &h.c[i], h.order) }
func (h *candHeap) Swap(i, j int)      { h.c[i], h.c[j] = h.c[j], h.c[i] }
func (h *candHeap) Push(x any)         { h.c = append(h.c, x.(cand)) }
func (h *candHeap) Pop() any {
	x := h.c[len(h.c)-1]
	h.c = h.c[:len(h.c)-1]
	return x
}

// pageCands returns the candidates that may be among the keep first once
// scored: every candidate not ranked strictly below the keep-th best by the
// rules (the ties of the boundary need the score to be ordered).
func pageCands(cands []cand, keep int, order string) []cand {
	if len(cands) <= keep {
		return cands
	}
	h := &candHeap{c: make([]cand, 0, keep), order: order}
	for _, c := range cands {
		if h.Len() < keep {
			heap.Push(h, c)
		} else if betterUnscored(&c, &h.c[0], order) {
			h.c[0] = c
			heap.Fix(h, 0)
		}
	}
	last := h.c[0] // the keep-th best
	out := cands[:0:0]
	for i := range cands {
		if !betterUnscored(&last, &cands[i], order) {
			out = append(out, cands[i])
		}
	}
	return out
}

// leaf is one term query of a word: a term in a field, with its boost.
type leaf struct {
	field, term string
	boost       float64
}

// leaves lists the term queries of q (the highest boost of a repeated one).
func leaves(q bq.Query, into map[[2]string]float64) { leavesScored(q, nil, into) }

// leavesScored is leaves without the terms in unscored (any field).
func leavesScored(q bq.Query, unscored map[string]bool, into map[[2]string]float64) {
	switch q := q.(type) {
	case *bq.TermQuery:
		if q.FieldVal == fSynPhrase || unscored[q.Term] {
			return // a restriction (a synonym phrase's mark), or a term that does not score
		}
		k := [2]string{q.FieldVal, q.Term}
		into[k] = max(into[k], q.Boost())
	case *bq.DisjunctionQuery:
		for _, d := range q.Disjuncts {
			leavesScored(d, unscored, into)
		}
	case *bq.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			leavesScored(c, unscored, into)
		}
	case *bq.BooleanQuery:
		for _, c := range []bq.Query{q.Must, q.Should} {
			if c != nil {
				leavesScored(c, unscored, into)
			}
		}
	}
}

// BM25 parameters of the score (the last ranking rule).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
	// bm25AvgNorm is the field norm (Bleve's 1/√length) taken as average:
	// the index keeps no average field length, so a field of four terms
	// (a title) counts as average; longer ones are damped. Chosen among
	// 0.15–0.6 on the judged set (docs/relevance.md); 0.5 and 0.6 keep
	// every figure at or above the previous ones.
	bm25AvgNorm = 0.5
)

// holdSnapshot returns a function that keeps r's segments open (a reference
// on the scorch snapshot) until the function it returns is called; nil when
// r is no scorch snapshot.
func holdSnapshot(r bindex.IndexReader) func() func() {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	return func() func() {
		snap.AddRef()
		return func() { snap.DecRef() }
	}
}

// scorePostings calls fn for each note of want holding term in field, with
// its frequency and norm, reading only those postings when zap allows it.
func scorePostings(sb *segBits, field, term string, want *roaring.Bitmap, fn func(local, freq uint64, norm float64)) error {
	d, ok := sb.dicts[field]
	if !ok || d == nil {
		return nil
	}
	pl, err := d.PostingsList([]byte(term), nil, nil)
	if err != nil || pl == nil {
		return err
	}
	fn = withLengths(sb, field, fn)
	if sb.postings != nil {
		if dp := sb.postings.get(postingsKey{sb.id, field, term}, pl, sb.hold); dp != nil {
			dp.each(want, fn)
			return nil
		}
	}
	it := pl.Iterator(true, true, false, nil)
	if o, ok := it.(segment.OptimizablePostingsIterator); ok {
		if actual := o.ActualBitmap(); actual != nil {
			o.ReplaceActual(roaring.And(actual, want))
		}
	}
	for {
		p, err := it.Next()
		if err != nil {
			return err
		}
		if p == nil {
			return nil
		}
		if n := p.Number(); want.Contains(uint32(n)) {
			fn(n, p.Frequency(), fieldNorm(p.Norm()))
		}
	}
}

// sortTop orders s so that its first k elements are its k smallest by cmp,
// sorted; the others follow in no order. A page's hits are a few among
// thousands of ties scored at its end: a heap of k instead of a full sort.
func sortTop[T any](s []T, k int, cmp func(a, b *T) int) {
	if k <= 0 {
		return
	}
	if k >= len(s)/4 {
		sort.Sort(ptrSorter[T]{s, cmp})
		return
	}
	// s[:k] is a heap with its largest (the worst kept) on top.
	h := s[:k]
	down := func(i int) {
		for {
			c := 2*i + 1
			if c >= k {
				return
			}
			if c+1 < k && cmp(&h[c+1], &h[c]) > 0 {
				c++
			}
			if cmp(&h[c], &h[i]) <= 0 {
				return
			}
			h[i], h[c] = h[c], h[i]
			i = c
		}
	}
	for i := k/2 - 1; i >= 0; i-- {
		down(i)
	}
	for i := k; i < len(s); i++ {
		if cmp(&s[i], &h[0]) < 0 {
			h[0], s[i] = s[i], h[0]
			down(0)
		}
	}
	sort.Sort(ptrSorter[T]{h, cmp})
}

// ptrSorter sorts a slice by a comparison of pointers to its elements. A
// closure of slices.SortFunc handing cmp its arguments' addresses copied
// both elements to the heap at every comparison (cmp is not known to keep
// them): 2.3 million allocations to order a phrase's 2,000 candidates.
type ptrSorter[T any] struct {
	s   []T
	cmp func(a, b *T) int
}

func (p ptrSorter[T]) Len() int           { return len(p.s) }
func (p ptrSorter[T]) Less(i, j int) bool { return p.cmp(&p.s[i], &p.s[j]) < 0 }
func (p ptrSorter[T]) Swap(i, j int)      { p.s[i], p.s[j] = p.s[j], p.s[i] }

// byDate returns the notes of reg at least as well placed by date, in the
// selector's order, as its need-th best (ties included): the only ones that
// may reach the page when the notes are ordered by date.
func (s *selector) byDate(reg region, need int) region {
	// A key per note, smaller first: newest first is the bitwise
	// complement of the date (no overflow at noDate, which comes last),
	// oldest first the date with noDate last.
	key := func(pub int64) int64 {
		if s.order == "published_at" {
			if pub == noDate {
				return math.MaxInt64
			}
			return pub
		}
		return ^pub
	}
	keys := make([]int64, 0, reg.card())
	for si, b := range reg {
		if b == nil {
			continue
		}
		pub := s.v.cols[si].published
		it := b.Iterator()
		for it.HasNext() {
			keys = append(keys, key(pub[it.Next()]))
		}
	}
	if need <= 0 || need >= len(keys) {
		return reg
	}
	last := nthSmallest(keys, need-1)
	out := make(region, len(reg))
	for si, b := range reg {
		if b == nil {
			continue
		}
		pub := s.v.cols[si].published
		var locals []uint32
		it := b.Iterator()
		for it.HasNext() {
			if local := it.Next(); key(pub[local]) <= last {
				locals = append(locals, local)
			}
		}
		if len(locals) > 0 {
			out[si] = roaring.BitmapOf(locals...)
		}
	}
	return out
}

// nthSmallest returns the value that would be at index k of xs sorted
// (quickselect; xs is reordered).
func nthSmallest(xs []int64, k int) int64 {
	lo, hi := 0, len(xs)-1
	for lo < hi {
		// Median of three as the pivot; a three-way partition, so that
		// runs of equal values (notes of one date) end the search.
		mid := lo + (hi-lo)/2
		a, b, c := xs[lo], xs[mid], xs[hi]
		pivot := max(min(a, b), min(max(a, b), c))
		lt, i, gt := lo, lo, hi
		for i <= gt {
			switch {
			case xs[i] < pivot:
				xs[lt], xs[i] = xs[i], xs[lt]
				lt++
				i++
			case xs[i] > pivot:
				xs[i], xs[gt] = xs[gt], xs[i]
				gt--
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt - 1
		case k > gt:
			lo = gt + 1
		default:
			return pivot
		}
	}
	return xs[k]
}

// groupBits returns the notes of a segment passing filter group g among
// those of base (the result may hold others: callers intersect it with
// base): the notes holding one of its values, from the postings of the
// values' terms (a value never indexed matches nothing), or, for the date
// range, the notes of base with a date in it.
func groupBits(sb *segBits, sc *segColumns, g *filterGroup, p *execPlan, base *roaring.Bitmap) (*roaring.Bitmap, error) {
	if g.col < 0 {
		var locals []uint32
		it := base.Iterator()
		for it.HasNext() {
			if local := it.Next(); passes(sc, uint64(local), g, p) {
				locals = append(locals, local)
			}
		}
		return roaring.BitmapOf(locals...), nil
	}
	out := roaring.New()
	for _, val := range g.values {
		b, err := sb.term(columnField(g.col), val)
		if err != nil {
			return nil, err
		}
		out.Or(b)
	}
	return out, nil
}
