package index

import (
	"cmp"
	"container/heap"
	"context"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/encommun/trouvaille/query"
)

// One pass over the notes matching the text query does everything else:
// visibility, filters, the exact total, every facet (disjunctive ones
// included: a note failing exactly one filter group still counts in that
// group's facet) and the top N by the requested order. Bleve only finds and
// scores the text matches.

// filterGroup is one filter parameter: a note passes when it has any of the
// values (OR within a field).
type filterGroup struct {
	name   string
	col    int // column index, -1 for the date range
	values []string
	ords   []uint32 // value ordinals, resolved by execute (a value never seen matches nothing)
	facet  int      // index in the requested facets counted disjunctively, or -1
}

// execPlan is what one pass computes.
type execPlan struct {
	text   query.TextQuery
	groups []filterGroup
	after  int64 // inclusive, noDate for none
	before int64 // exclusive, noDate for none
	facets []int // columns of the requested facets
	// blocCarnets are the carnets whose blocs a blocs facet counted on
	// carnetBlocCol reports (the request's carnet filter).
	blocCarnets []string
	order       string
	keep        int // top hits to keep (page end)
	// skip is where the page starts among the kept hits: the bitmap
	// executor scores only the ties that reach the page (0: all).
	skip    int
	scoring bool
	// rank computes the ranking rules' values of the notes kept (nil:
	// no query words, browsing).
	rank *ranker
	// plan, when set, lets execute run on bitmaps of the segments'
	// postings (executor.go) instead of Bleve's searchers; fill is then
	// query.RelaxBelow: when fewer notes have every word, the notes with
	// most of the words are added, level by level, until fill are counted.
	plan *query.Plan
	fill int
	// notes, when set, lets the scorer read notes whose postings would
	// cost more to read than their text (textscore.go).
	notes Notes
	// must lists words that every counted note holds at every level,
	// relaxed or not: a quoted phrase's words while its candidates are
	// found (rankedCandidates). With mustAny, one of them is enough (the
	// excluded phrases' candidates: the notes holding the words of any).
	must    []*query.Word
	mustAny bool
	// perNote gives every counted note its rule values and picks the page
	// with one heap, without the bucket sort (buckets.go) or the date
	// threshold (byDate): the tests' oracle for them.
	perNote bool
	// regions keeps every note counted (execResult.matched), for a page
	// ordered outside the executor (by title: titleWalk).
	regions bool
	// visitAll browses (no query text) note by note through the columns
	// instead of on bitmaps: the tests' oracle for browsing.
	visitAll bool
	// The published histogram: counted for notes that pass every group but
	// the date range (group dateGroup, -1 when none), by year, or by month
	// of histYear when histMonths.
	hist       bool
	histMonths bool
	histYear   int
	dateGroup  int
	// scope is the caller's visibility (query.Scope); its mandatory filters
	// are groups of their own (facet -1: a note failing one never counts).
	scope scopePlan
}

// scopePlan is the visibility part of a query.Scope, resolved to ordinals by
// execute.
type scopePlan struct {
	admin       bool
	level       query.Level
	communities []string
	user        string
	commOrds    []uint32 // resolved
	userOrd     uint32
	userOK      bool
}

// visible reports whether the scope sees local note of sc.
func (p *scopePlan) visible(sc *segColumns, local uint64) bool {
	switch sc.vis[local] {
	case visPublic:
		return true
	case visCommunity:
		if p.admin {
			return true
		}
		if p.level < query.LevelCommunity {
			return false
		}
		for _, x := range sc.of(communityCol, local) {
			for _, want := range p.commOrds {
				if sc.rows.ord(x) == want {
					return true
				}
			}
		}
	case visPrivate:
		if p.admin {
			return true
		}
		if p.level < query.LevelPrivate || !p.userOK {
			return false
		}
		for _, x := range sc.of(readersCol, local) {
			if sc.rows.ord(x) == p.userOrd {
				return true
			}
		}
	}
	return false
}

type hitRef struct {
	seg       int
	local     uint64
	global    uint64
	score     float64
	published int64
	key       rankKey // the ranking rules' values (rank.go)
	mask      uint64  // the query words the note matches
	tiers     uint8   // the field tiers where it matches some word
	v         *view   // where the note's id is read, for the last tie-break
}

type execResult struct {
	hist   map[int]uint32 // year, or month (1–12) of the histogram's year
	total  uint64
	hits   []hitRef // sorted, up to keep
	counts [][]uint32
	view   *view
	// reader is the snapshot the hits point into: it stays open (its
	// segments mapped) until release, so that ids can still be read.
	reader bindex.IndexReader
	// Set by the bitmap executor: it ran (filled: no relaxed query needed),
	// and the fewest words a counted note has (minWords < the plan's word
	// count: relaxed).
	filled      bool
	minWords    int
	strictTotal uint64 // the notes with every word
	// matched holds, per segment, every note counted in total (set by the
	// bitmap executor when the plan asks for regions).
	matched region
}

// release closes the result's snapshot; the hits are unreadable afterwards.
func (r *execResult) release() {
	if r != nil && r.reader != nil {
		r.reader.Close()
		r.reader = nil
		putHits(r.hits)
		r.hits = nil
	}
}

// The candidates and hits of a broad query are many: at a million notes, a
// word and a one-letter prefix leave 900,000 notes tied on every rule, to
// be scored, as many candidates (56 bytes each) and hits (88 bytes). Fresh,
// that memory was zeroed then faulted in page by page, a third of such a
// search's time, and the spikes of its slowest runs. The large slices of
// the searches that ended are kept for the next (a sync.Pool: the GC
// empties it). A variable so that tests can pool every slice.
var pooledMin = 1 << 16

var candPool, hitPool sync.Pool // of *[]cand, *[]hitRef

// getCands returns an empty slice of candidates, a kept one when n (about
// how many will be added) is large.
func getCands(n uint64) []cand {
	if n >= uint64(pooledMin) {
		if p, ok := candPool.Get().(*[]cand); ok {
			return (*p)[:0]
		}
	}
	return nil
}

func putCands(s []cand) {
	if cap(s) >= pooledMin {
		s = s[:0]
		candPool.Put(&s)
	}
}

// getHits returns n hits whose every field the caller sets.
func getHits(n int) []hitRef {
	if n >= pooledMin {
		if p, ok := hitPool.Get().(*[]hitRef); ok && cap(*p) >= n {
			return (*p)[:n]
		}
	}
	return make([]hitRef, n)
}

func putHits(s []hitRef) {
	if cap(s) >= pooledMin {
		s = s[:0]
		hitPool.Put(&s)
	}
}

// hitHeap keeps the best hits with the worst on top.
type hitHeap struct {
	h     []hitRef
	order string
}

func (h *hitHeap) Len() int           { return len(h.h) }
func (h *hitHeap) Less(i, j int) bool { return better(h.h[j], h.h[i], h.order) }
func (h *hitHeap) Swap(i, j int)      { h.h[i], h.h[j] = h.h[j], h.h[i] }
func (h *hitHeap) Push(x any)         { h.h = append(h.h, x.(hitRef)) }
func (h *hitHeap) Pop() any {
	x := h.h[len(h.h)-1]
	h.h = h.h[:len(h.h)-1]
	return x
}

// better reports whether a ranks before b: in every order, notes matching
// more of the query's words first (the first ranking rule); then the order
// asked for, the other ranking rules, the score.
func better(a, b hitRef, order string) bool { return compareHits(&a, &b, order) < 0 }

// compareHits is better as a comparison: negative when a comes first.
func compareHits(a, b *hitRef, order string) int {
	if c := rankOrder(&a.key, &b.key, a.published, b.published, order); c != 0 {
		return -c
	}
	if a.score != b.score {
		return cmpInt(a.score < b.score)
	}
	if a.published != b.published {
		return cmpInt(a.published < b.published)
	}
	// The notes' ids, as schema.SortOrders says, and not their numbers in
	// the snapshot: a write's merge renumbers notes between two pages, and
	// notes tied on all the rest (a day's notes of a browse by date) must
	// keep their order, or page 2 repeats some of page 1 and skips others.
	if c := compareIDs(a, b); c != 0 {
		return c
	}
	return cmp.Compare(a.global, b.global)
}

// compareIDs compares the ids of two notes (0 when one is unknown).
func compareIDs(a, b *hitRef) int {
	if a.v == nil || b.v == nil {
		return 0
	}
	ida, err := a.v.externalID(*a) // a copy: the segment may reuse its buffer
	if err != nil {
		return 0
	}
	idb, err := b.v.externalID(*b)
	if err != nil {
		return 0
	}
	return strings.Compare(ida, idb)
}

// rankOrder compares two notes on everything but the score: words matched
// (the first ranking rule), the order asked for, then the other ranking
// rules. It is positive when a comes first, negative when b does, 0 on a tie.
func rankOrder(a, b *rankKey, aPub, bPub int64, order string) int {
	if a[0] != b[0] {
		return cmpInt(a[0] > b[0])
	}
	if aPub != bPub {
		switch order {
		case "-published_at":
			return cmpInt(aPub > bPub)
		case "published_at":
			// notes without a date come last
			switch {
			case aPub == noDate:
				return -1
			case bPub == noDate:
				return 1
			}
			return cmpInt(aPub < bPub)
		}
	}
	return int(compareKeys(a, b))
}

func cmpInt(first bool) int {
	if first {
		return 1
	}
	return -1
}

// execute runs one pass of the plan over a snapshot. The result holds the
// snapshot open: the caller must release it once done with the hits.
func (ix *Index) execute(ctx context.Context, p *execPlan) (_ *execResult, err error) {
	reader, err := openReader(ix.bi)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			reader.Close()
		}
	}()
	v, err := ix.cols.columnsFor(reader)
	if err != nil {
		return nil, err
	}
	for g := range p.groups {
		grp := &p.groups[g]
		grp.ords = grp.ords[:0]
		if grp.col < 0 {
			continue
		}
		for _, val := range grp.values {
			if o, ok := ix.cols.lookup(grp.col, val); ok {
				grp.ords = append(grp.ords, o)
			}
		}
	}
	sp := &p.scope
	sp.commOrds = sp.commOrds[:0]
	for _, c := range sp.communities {
		if o, ok := ix.cols.lookup(communityCol, c); ok {
			sp.commOrds = append(sp.commOrds, o)
		}
	}
	sp.userOK = false
	if sp.user != "" {
		sp.userOrd, sp.userOK = ix.cols.lookup(readersCol, sp.user)
	}
	res := &execResult{view: v, reader: reader, counts: make([][]uint32, len(p.facets)), hist: map[int]uint32{}}
	for i, c := range p.facets {
		// Room for every ordinal of the view's columns (the dictionary only
		// grows, so it has them all), made sure of here: the counting loop
		// below, a fifth of a faceted search's CPU, relies on it.
		n := ix.cols.dictSize(c)
		for _, sc := range v.cols {
			n = max(n, int(sc.limits[c]))
		}
		res.counts[i] = make([]uint32, n)
	}
	// The histogram is counted in arrays (a map increment per note cost
	// more than the rest of the counting), folded into res.hist at the end.
	var years [maxHistYear - minHistYear + 1]uint32
	var months [13]uint32
	defer func() {
		for i, n := range years {
			if n > 0 {
				res.hist[minHistYear+i] = n
			}
		}
		for m, n := range months {
			if n > 0 {
				res.hist[m] = n
			}
		}
	}()
	// The counts a note passing every filter adds to: each requested
	// facet's (the histogram, by year or month, apart).
	allFacets := everyFacet(len(p.facets))
	perNote := rowCounts(p.facets, allFacets, res.counts, nil, false)
	hh := &hitHeap{order: p.order}
	var ranks []*segRank
	// count applies visibility and filters to one note and counts it in the
	// total, the facets and the histogram; it reports whether the note
	// passes every filter (and may be shown).
	count := func(si int, local uint64) bool {
		sc := v.cols[si]
		if local >= sc.n || !sp.visible(sc, local) {
			return false
		}
		nFailed, lastFailed := 0, -1
		for g := range p.groups {
			if !passes(sc, local, &p.groups[g], p) {
				nFailed++
				lastFailed = g
				if nFailed > 1 {
					break
				}
			}
		}
		if p.hist && (nFailed == 0 || (nFailed == 1 && lastFailed == p.dateGroup)) {
			if y := sc.year[local]; y != 0 {
				switch {
				case !p.histMonths:
					years[int(y)-minHistYear]++
				case int(y) == p.histYear:
					months[sc.month[local]]++
				}
			}
		}
		switch nFailed {
		case 0:
			res.total++
			// One read of the note's row for every facet.
			one := [1]uint32{uint32(local)}
			sc.countRows(&perNote, one[:], 1)
			return true
		case 1:
			// Disjunctive facet: the note counts for the facet whose own
			// filter it fails, under all the other filters.
			if f := p.groups[lastFailed].facet; f >= 0 {
				c := p.facets[f]
				for _, x := range sc.of(c, local) {
					res.counts[f][sc.rows.ord(x)]++ // room for every ordinal (above)
				}
			}
		}
		return false
	}
	// countBits counts notes known to pass (public notes only, every
	// filter checked; passed[si] for segment si, nil for none): in the total (if
	// addTotal), then in the facets numbered in facets (indexes in
	// p.facets) and the histogram by year (if hist), without a visit per
	// note and per check, segments on every core. The histogram is by
	// year: by month needs a date range, which the caller checks note by
	// note. The notes failing exactly one filter are counted this way too,
	// in that filter's facet only.
	countBits := func(passed []*roaring.Bitmap, facets []int, addTotal, hist bool) error {
		type tally struct {
			counts [][]uint32
			years  [maxHistYear - minHistYear + 1]uint32
			buf    []uint32
			flat   []uint32 // tallyRows' counts, zero between units
		}
		newTally := func() *tally {
			t := &tally{counts: make([][]uint32, len(p.facets)), buf: make([]uint32, 4096)}
			for i := range res.counts {
				t.counts[i] = make([]uint32, len(res.counts[i]))
			}
			return t
		}
		var units []countUnit
		var base *tally // the public totals of segments counted by their complement
		if len(facets) > 0 || hist {
			for si, b := range passed {
				if b == nil || b.IsEmpty() {
					continue
				}
				sc := v.cols[si]
				// More than half the segment's public notes: their counts
				// are the segment's public totals less those of the notes
				// left out (b holds public notes only), fewer to visit.
				// Counts are uint32: the subtraction wraps back exactly.
				step := uint32(1)
				if sc.public != nil && 2*b.GetCardinality() > sc.public.GetCardinality() {
					if base == nil {
						base = newTally()
					}
					tot := sc.publicTotals()
					for _, i := range facets {
						counts := base.counts[i]
						for o, n := range tot.counts[p.facets[i]] {
							if o < len(counts) {
								counts[o] += n
							}
						}
					}
					if hist {
						for y, n := range tot.years {
							base.years[y] += n
						}
					}
					b = roaring.AndNot(sc.public, b)
					step = ^uint32(0) // -1
				}
				units = appendCountUnits(units, si, b, step, sc.n, runtime.GOMAXPROCS(0))
			}
		}
		tallies := make([]*tally, parallelWorkers(len(units)))
		err := parallelEach(ctx, len(units), func(w, ui int) error {
			u := units[ui]
			t := tallies[w]
			if t == nil {
				t = newTally()
				tallies[w] = t
			}
			sc, step := v.cols[u.si], u.step
			it := u.bits.ManyIterator()
			// Each note's values of every column, and its year, side by
			// side: one run of memory per note.
			into := rowCounts(p.facets, facets, t.counts, t.years[:], hist)
			var flat []uint32
			if sc.flatWorth(u.bits.GetCardinality()) {
				if cap(t.flat) < len(sc.rows.code) {
					t.flat = make([]uint32, len(sc.rows.code))
				}
				flat = t.flat[:len(sc.rows.code)]
			}
			for n := it.NextMany(t.buf); n > 0; n = it.NextMany(t.buf) {
				if err := ctx.Err(); err != nil {
					return err
				}
				if flat != nil {
					sc.tallyRows(flat, t.buf[:n], step)
				} else {
					sc.countRows(&into, t.buf[:n], step)
				}
			}
			if flat != nil {
				sc.spillRows(&into, flat)
			}
			return nil
		})
		if err != nil {
			return err
		}
		tallies = append(tallies, base)
		for _, b := range passed {
			if b != nil && addTotal {
				res.total += b.GetCardinality()
			}
		}
		for _, t := range tallies {
			if t == nil {
				continue
			}
			for i, counts := range t.counts {
				for o, n := range counts {
					res.counts[i][o] += n
				}
			}
			for i, n := range t.years {
				years[i] += n
			}
		}
		return nil
	}
	// saveCounts returns what puts the facet counts and the histogram
	// back as they are now.
	saveCounts := func() (restore func()) {
		counts := make([][]uint32, len(res.counts))
		for i, c := range res.counts {
			counts[i] = slices.Clone(c)
		}
		y, m := years, months
		return func() {
			for i, c := range counts {
				copy(res.counts[i], c)
			}
			years, months = y, m
		}
	}
	if p.plan != nil && (p.text.Must != nil || p.text.MustNot != nil || !p.visitAll) {
		done, err := ix.executeBits(ctx, p, v, res, count, countBits, saveCounts)
		if err != nil {
			return nil, err
		}
		if done {
			return res, nil
		}
	}
	if p.rank != nil && p.keep > 0 {
		ranks = make([]*segRank, len(v.segs))
		for si, ss := range v.segs {
			sr, err := p.rank.forSegment(newSegBits(ss.Segment(), ss.Deleted(), v.cols[si]))
			if err != nil {
				return nil, err
			}
			ranks[si] = sr
		}
		weighWords(ranks, func(si int) *roaring.Bitmap { return v.cols[si].freqNotes(v.segs[si].Deleted()) })
	}
	visit := func(si int, local, global uint64, score float64) {
		if !count(si, local) || p.keep == 0 {
			return
		}
		h := hitRef{seg: si, local: local, global: global, score: score, published: v.cols[si].published[local], v: v}
		if ranks != nil {
			h.key, h.mask = ranks[si].matchOf(uint32(local))
			h.tiers = ranks[si].match.fieldTiers()
		}
		if hh.Len() < p.keep {
			heap.Push(hh, h)
		} else if better(h, hh.h[0], p.order) {
			hh.h[0] = h
			heap.Fix(hh, 0)
		}
	}

	if p.text.Must == nil && p.text.MustNot == nil {
		// Browsing: every live note, straight from the columns.
		for si, ss := range v.segs {
			deleted := ss.Deleted()
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			for local := uint64(0); local < v.cols[si].n; local++ {
				if deleted != nil && deleted.Contains(uint32(local)) {
					continue
				}
				visit(si, local, v.offsets[si]+local, 0)
			}
		}
	} else {
		if err := ix.scan(ctx, reader, v, p, visit); err != nil {
			return nil, err
		}
	}
	res.hits = hh.h
	sort.Slice(res.hits, func(i, j int) bool { return better(res.hits[i], res.hits[j], p.order) })
	return res, nil
}

// scan feeds visit with every note matching the text query, with its score.
func (ix *Index) scan(ctx context.Context, reader bindex.IndexReader, v *view, p *execPlan, visit func(si int, local, global uint64, score float64)) error {
	var q bq.Query
	if p.text.MustNot == nil {
		q = p.text.Must
	} else {
		b := bq.NewBooleanQuery(nil, nil, nil)
		if p.text.Must != nil {
			b.AddMust(p.text.Must)
		} else {
			b.AddMust(bq.NewMatchAllQuery())
		}
		b.AddMustNot(p.text.MustNot)
		q = b
	}
	opts := search.SearcherOptions{}
	if p.scoring {
		q = bleveScored(q)
	} else {
		opts.Score = "none"
	}
	s, err := q.Searcher(ctx, reader, ix.bi.Mapping(), opts)
	if err != nil {
		return err
	}
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0), IndexReader: reader}
	for n := 0; ; n++ {
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return err
		}
		if dm == nil {
			return nil
		}
		global := dm.IndexInternalID.Value()
		score := dm.Score
		sctx.DocumentMatchPool.Put(dm)
		si, local := v.locate(global)
		visit(si, local, global, score)
	}
}

func passes(sc *segColumns, local uint64, g *filterGroup, p *execPlan) bool {
	if g.col < 0 {
		return inDateRange(sc.published[local], p.after, p.before)
	}
	for _, x := range sc.of(g.col, local) {
		for _, want := range g.ords {
			if sc.rows.ord(x) == want {
				return true
			}
		}
	}
	return false
}

// externalID returns the note id of a hit.
func (v *view) externalID(h hitRef) (string, error) {
	b, err := v.segs[h.seg].Segment().DocID(h.local)
	return string(b), err
}

// textScorer returns what scores p's notes from their text over v (nil:
// p has no notes).
func (ix *Index) textScorer(p *execPlan, v *view) *textScorer {
	if p.notes == nil {
		return nil
	}
	return &textScorer{notes: p.notes, v: v, marker: ix.marker.Load()}
}

// countUnit is a part of one segment's notes to count in the facets: the
// notes of bits (all in the segment si), each counted step times (1, or -1
// for the notes left out of a segment counted by its totals).
type countUnit struct {
	si   int
	bits *roaring.Bitmap
	step uint32
}

// minSplitCount is the fewest notes worth splitting a segment's count
// between cores: below it, the split costs more than it saves. (A variable:
// tests lower it.)
var minSplitCount uint64 = 1 << 15

// everyFacet numbers the n requested facets: 0, 1, … n-1.
func everyFacet(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// countRows adds step to into[column][ordinal] for each value of the rows
// of locals, and to into[yearRow][year's offset] for their years; a nil
// into[c] leaves column c out. Every into[c] given has room for every
// ordinal of its column (see res.counts).
func (sc *segColumns) countRows(into *[numColumns + 1][]uint32, locals []uint32, step uint32) {
	start, vals, code := sc.rows.start, sc.rows.vals, sc.rows.code
	for _, local := range locals {
		for _, x := range vals[start[local]:start[local+1]] {
			c := code[x]
			if counts := into[c>>rowOrdBits]; counts != nil {
				counts[c&rowOrdMask] += step
			}
		}
	}
}

// tallyRows adds step to flat[x] for each row value x of the rows of
// locals: countRows without the look-ups, for many notes; spillRows then
// adds flat to the columns' counts. flat has room for every row value of
// the segment (len(sc.rows.code)).
func (sc *segColumns) tallyRows(flat []uint32, locals []uint32, step uint32) {
	start, vals := sc.rows.start, sc.rows.vals
	for _, local := range locals {
		for _, x := range vals[start[local]:start[local+1]] {
			flat[x] += step
		}
	}
}

// spillRows adds the counts tallyRows left in flat to into (as countRows
// does) and zeroes flat.
func (sc *segColumns) spillRows(into *[numColumns + 1][]uint32, flat []uint32) {
	code := sc.rows.code
	for x, n := range flat {
		if n == 0 {
			continue
		}
		c := code[x]
		if counts := into[c>>rowOrdBits]; counts != nil {
			counts[c&rowOrdMask] += n
		}
		flat[x] = 0
	}
}

// flatWorth reports whether counting notes of a segment goes through a
// flat array (tallyRows, spillRows): when they hold more values than the
// segment has distinct ones, which spillRows reads once.
func (sc *segColumns) flatWorth(notes uint64) bool {
	if sc.n == 0 || len(sc.rows.code) == 0 {
		return false
	}
	perNote := uint64(len(sc.rows.vals)) / sc.n
	return notes*max(perNote, 1) >= uint64(len(sc.rows.code))
}

// rowCounts gives, for each column of a segment's rows and for the year,
// the counts its values add to: counts[i] for the column of the requested
// facet cols[i], i in which (each column asked once: query.WantFacets);
// years when hist; nil for the others.
func rowCounts(cols, which []int, counts [][]uint32, years []uint32, hist bool) (into [numColumns + 1][]uint32) {
	for _, i := range which {
		into[cols[i]] = counts[i]
	}
	if hist {
		into[yearRow] = years
	}
	return into
}

// appendCountUnits appends the units counting bits, the notes of segment si
// (of n documents): one, or parts ranges of document numbers when bits is
// large. A compacted index has few segments, one of them often most of the
// notes (a million notes: 0.9 of them): counted as one unit, it kept one
// core busy while the other waited.
func appendCountUnits(units []countUnit, si int, bits *roaring.Bitmap, step uint32, n uint64, parts int) []countUnit {
	if parts <= 1 || bits.GetCardinality() < minSplitCount {
		return append(units, countUnit{si, bits, step})
	}
	for k := range parts {
		part := between(bits, n*uint64(k)/uint64(parts), n*uint64(k+1)/uint64(parts))
		if !part.IsEmpty() {
			units = append(units, countUnit{si, part, step})
		}
	}
	return units
}
