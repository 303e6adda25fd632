package index

import (
	"cmp"
	"container/heap"
	"context"
	"maps"
	"math"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// scoreHits gives hits their BM25F-style score: for every term of every
// word (with the word's boosts, which carry the field weights), the term's
// inverse document frequency over the snapshot, times its saturated
// frequency in the field, with the field's length from Bleve's norm.
// Postings are read for the hits only.
//
// The page shows the hits' places skip to keep, once sorted, and only the
// scores that can change it are computed. It returns from: the hits before
// it rank above the page on the rules alone, whatever their scores; they
// stay unscored, and their order among themselves does not matter. When the
// hits at the page's end tie on every ranking rule, as thousands of notes
// do for a common word, the tie is settled MaxScore-style (Turtle & Flood):
// terms are read from the one that can add most, and a note whose score so
// far plus all that the unread terms could add stays below the tie's last
// place is dropped from the reads. The notes left get their scores as if
// nothing had been dropped (same terms, same order of sums: the terms that
// can add most first); the dropped ones keep 0 and rank after them, past
// the page.
func (ix *Index) scoreHits(ctx context.Context, plans []*segPlan, rk *ranker, text *textScorer, hits []hitRef, skip, keep int, order string) (int, error) {
	return ix.scoreHitsWith(ctx, nil, plans, rk, text, hits, skip, keep, order, false)
}

// scoreHitsWith is scoreHits with the search's scorer when it has one
// already (nil: made here); tieScored says the hits tied at the page's end
// hold their final scores already (scorer.mayReach).
func (ix *Index) scoreHitsWith(ctx context.Context, sc *scorer, plans []*segPlan, rk *ranker, text *textScorer, hits []hitRef, skip, keep int, order string, tieScored bool) (int, error) {
	if skip >= len(hits) || keep <= skip {
		return len(hits), nil
	}
	sorted := false
	byRules := func() {
		if !sorted {
			slices.SortFunc(hits, func(a, b hitRef) int {
				return -rankOrder(&a.key, &b.key, a.published, b.published, order)
			})
			sorted = true
		}
	}
	tied := func(i, j int) bool {
		return rankOrder(&hits[i].key, &hits[j].key, hits[i].published, hits[j].published, order) == 0
	}
	// The first of the ties with the page's first hit.
	from := 0
	if skip > 0 {
		byRules()
		for from = skip; from > 0 && tied(from-1, skip); from-- {
		}
	}
	if sc == nil {
		sc = newScorer(plans, rk)
	}
	sc.text = text
	// scored: the hits from there on hold their final scores (the last
	// ones, tied on every rule, when tieScored).
	scored := len(hits)
	if tieScored {
		byRules()
		for scored = len(hits) - 1; scored > 0 && tied(scored-1, len(hits)-1); scored-- {
		}
	}
	upTo := len(hits) // hits[from:upTo] are scored in full
	if keep < len(hits) {
		byRules()
		end := keep
		if tied(keep-1, keep) {
			for end < len(hits) && tied(keep-1, end) {
				end++
			}
			start := keep - 1
			for start > from && tied(start-1, keep-1) {
				start--
			}
			upTo = start
			if start < scored {
				if err := sc.prune(ctx, hits[start:end], keep-start); err != nil {
					return from, err
				}
			}
		} else {
			upTo = keep
		}
		for i := end; i < len(hits); i++ {
			hits[i].score = 0 // past the page whatever the score
		}
	}
	return from, sc.score(ctx, hits[from:max(from, min(upTo, scored))])
}

// scorer holds what every score of one search shares: its terms in a fixed
// order (float sums depend on it, and equal notes must get equal scores from
// one search to the next), their boosts and inverse document frequencies.
type scorer struct {
	// text, when set, may score notes from their text (textscore.go).
	text  *textScorer
	plans []*segPlan
	keys  [][2]string
	boost []float64
	idf   []float64
	err   error
}

func newScorer(plans []*segPlan, rk *ranker) *scorer {
	terms := map[[2]string]float64{}
	for _, w := range rk.words {
		leavesScored(w.Query(), w.UnscoredTerms(), terms)
	}
	sc := &scorer{plans: plans}
	sc.keys = slices.Collect(maps.Keys(terms))
	// The frequencies are counted on the public notes, for every caller:
	// the order of the notes a caller sees never depends on notes it may
	// not see (how often private notes use a word). Deleted notes (removed
	// or replaced, until a merge drops them) are left out: an index
	// written note by note ranks as one written at once.
	var docs uint64
	for _, sp := range plans {
		if sp.freq != nil {
			docs += sp.freq.GetCardinality()
		} else {
			docs += sp.sb.seg.Count()
		}
	}
	sc.boost = make([]float64, len(sc.keys))
	sc.idf = make([]float64, len(sc.keys))
	for i, k := range sc.keys {
		sc.boost[i] = terms[k]
		var df uint64
		for _, sp := range plans {
			b, err := sp.sb.term(k[0], k[1])
			if err != nil {
				sc.err = err
				return sc
			}
			if sp.freq != nil {
				df += b.AndCardinality(sp.freq)
			} else {
				df += b.GetCardinality()
			}
		}
		if df > 0 {
			sc.idf[i] = math.Log(1 + (float64(docs)-float64(df)+0.5)/(float64(df)+0.5))
		}
	}
	// The terms that can add most first (prune reads them in this order),
	// then by field and term: a fixed order.
	order := make([]int, len(sc.keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		ka, kb := sc.keys[a], sc.keys[b]
		return cmp.Or(cmp.Compare(sc.upperBound(b), sc.upperBound(a)), cmp.Compare(ka[0], kb[0]), cmp.Compare(ka[1], kb[1]))
	})
	keys, boost, idf := make([][2]string, len(order)), make([]float64, len(order)), make([]float64, len(order))
	for n, i := range order {
		keys[n], boost[n], idf[n] = sc.keys[i], sc.boost[i], sc.idf[i]
	}
	sc.keys, sc.boost, sc.idf = keys, boost, idf
	return sc
}

// bm25 is one term's part of a note's score.
func bm25(boost, idf float64, freq uint64, norm float64) float64 {
	tf := float64(freq)
	lenRatio := 1.0
	if norm > 0 {
		lenRatio = (bm25AvgNorm * bm25AvgNorm) / (norm * norm)
	}
	s := idf * tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*lenRatio))
	return boost * s
}

// termScore is one term's part of a note's score in field: BM25 (bm25),
// but for the words as written (fWords), indexed without frequencies nor
// norms, which count as one occurrence in a field of average length.
func termScore(field string, boost, idf float64, freq uint64, norm float64) float64 {
	if field == fWords {
		return wordsScore(boost, idf)
	}
	return bm25(boost, idf, freq, norm)
}

// wordsScore is the part of a word as written (fWords) in a note's score.
func wordsScore(boost, idf float64) float64 { return bm25(boost, idf, 1, bm25AvgNorm) }

// upperBound is the most term i can add to a note's score: the saturated
// frequency tends to k1+1 as the frequency grows, whatever the length.
func (sc *scorer) upperBound(i int) float64 { return sc.boost[i] * sc.idf[i] * (bm25K1 + 1) }

// segNotes are some notes of one segment, in document order, with a score.
type segNotes struct {
	si     int
	want   *roaring.Bitmap
	locals []uint32
	score  []float64
}

// bySegment groups hits by segment.
func bySegment(hits []hitRef) []*segNotes {
	m := map[int]*segNotes{}
	for _, h := range hits {
		sn := m[h.seg]
		if sn == nil {
			sn = &segNotes{si: h.seg, want: roaring.New()}
			m[h.seg] = sn
		}
		sn.want.Add(uint32(h.local))
	}
	out := make([]*segNotes, 0, len(m))
	for _, si := range slices.Sorted(maps.Keys(m)) {
		sn := m[si]
		sn.locals = sn.want.ToArray()
		sn.score = make([]float64, len(sn.locals))
		out = append(out, sn)
	}
	return out
}

// add adds term i's part to the scores of sn's notes holding it.
func (sc *scorer) add(sn *segNotes, i int) error {
	if sc.idf[i] == 0 {
		return nil
	}
	sb, k := sc.plans[sn.si].sb, sc.keys[i]
	b, err := sb.term(k[0], k[1])
	if err != nil || !b.Intersects(sn.want) {
		return err
	}
	at := 0
	if k[0] == fWords {
		// No frequencies to read: the same part for every note holding it.
		// (The walk to each note is written again in the callback below
		// rather than shared: it runs for every posting, where a call
		// through a shared closure is not inlined.)
		part := wordsScore(sc.boost[i], sc.idf[i])
		it := roaring.And(b, sn.want).Iterator()
		for it.HasNext() {
			local := it.Next()
			for sn.locals[at] < local {
				at++
			}
			sn.score[at] += part
		}
		return nil
	}
	return scorePostings(sb, k[0], k[1], sn.want, func(local uint64, freq uint64, norm float64) {
		for sn.locals[at] < uint32(local) {
			at++
		}
		sn.score[at] += bm25(sc.boost[i], sc.idf[i], freq, norm)
	})
}

// score gives hits their scores, every term in order, segments on every core.
func (sc *scorer) score(ctx context.Context, hits []hitRef) error {
	if sc.err != nil || len(hits) == 0 {
		return sc.err
	}
	segs := bySegment(hits)
	if done, err := sc.scoreByText(ctx, hits, segs); err != nil || done {
		return err
	}
	err := parallelEach(ctx, len(segs), func(_, j int) error {
		for i := range sc.keys {
			if err := sc.add(segs[j], i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	setScores(hits, segs)
	return nil
}

// prune scores hits, tied on every rule, reading each term only for the
// notes that may still be among the best room (see scoreHits); the others
// get score 0.
func (sc *scorer) prune(ctx context.Context, hits []hitRef, room int) error {
	if sc.err != nil {
		return sc.err
	}
	segs := bySegment(hits)
	// From their text, the notes get their whole scores: those pruning
	// would drop rank below the page all the same.
	if done, err := sc.scoreByText(ctx, hits, segs); err != nil || done {
		return err
	}
	if err := sc.pruneSegs(ctx, segs, room); err != nil {
		return err
	}
	// The notes kept have read every term in the scorer's order: their
	// scores are final. The dropped keep 0.
	setScores(hits, segs)
	return nil
}

// mayReach returns the notes of reg, tied on every rule, that may be among
// its room best by score, with their final scores: prune's cut, from the
// postings, before the notes are collected. A word of two letters being
// typed leaves a tie of hundreds of thousands of notes at a million, which
// were each collected, sorted by their rule values and handed a score, for
// a page of 20.
func (sc *scorer) mayReach(ctx context.Context, reg region, room int) ([]*segNotes, error) {
	if sc.err != nil {
		return nil, sc.err
	}
	var segs []*segNotes
	for si, b := range reg {
		if b != nil && !b.IsEmpty() {
			locals := b.ToArray()
			segs = append(segs, &segNotes{si: si, want: b, locals: locals, score: make([]float64, len(locals))})
		}
	}
	// As prune: from their text when that costs less, every note scored.
	if done, err := sc.byText(ctx, segs); err != nil || done {
		return segs, err
	}
	if err := sc.pruneSegs(ctx, segs, room); err != nil {
		return nil, err
	}
	return segs, nil
}

// pruneSegs scores the notes of segs term by term, leaving out of them
// (locals, score and want) those that can no longer be among the room best.
func (sc *scorer) pruneSegs(ctx context.Context, segs []*segNotes, room int) error {
	rest := 0.0 // what the unread terms could still add
	for i := range sc.keys {
		rest += sc.upperBound(i)
	}
	// A cut needs the tie's last place (the room-th best score so far) above
	// rest. Reading terms of bound d moves it up by d at most and rest down
	// by d: after a check falls short by gap, no cut is possible before
	// terms of bound gap/2 more are read (a prefix's many terms, each
	// adding little, would otherwise scan every note's score after each).
	// read bounds every score before the first check.
	read, wait := 0.0, 0.0
	for i := range sc.keys {
		err := parallelEach(ctx, len(segs), func(_, j int) error { return sc.add(segs[j], i) })
		if err != nil {
			return err
		}
		rest -= sc.upperBound(i)
		read += sc.upperBound(i)
		if i == len(sc.keys)-1 {
			break
		}
		if read*(1+1e-9) <= rest || read < wait {
			continue
		}
		floor, many := nthBest(segs, room, rest)
		if !many {
			wait = math.Inf(1) // room or fewer notes: none to cut, now or later
			continue
		}
		// A margin for the sums' rounding: never drop a note that might tie.
		margin := 1e-9 * (1 + math.Abs(floor))
		cut := floor - rest - margin
		if cut <= 0 {
			wait = read + (rest+margin-floor)/2*(1-1e-9)
			continue
		}
		for _, sn := range segs {
			k := 0
			for x, local := range sn.locals {
				if sn.score[x] >= cut {
					sn.locals[k], sn.score[k] = local, sn.score[x]
					k++
				}
			}
			if k < len(sn.locals) {
				sn.locals, sn.score = sn.locals[:k], sn.score[:k]
				sn.want = roaring.BitmapOf(sn.locals...)
			}
		}
	}
	return nil
}

// setScores gives each hit the score segs hold for its note, 0 for a note
// not among them. Hits come in runs of increasing notes per segment (each
// bucket collected in note order): each segment's notes are walked from the
// last one found, by doubling steps, rather than searched whole for every
// hit (a binary search per hit was a fifth of « co »'s time at a million).
func setScores(hits []hitRef, segs []*segNotes) {
	type cursor struct {
		sn *segNotes
		at int
	}
	at := make(map[int]*cursor, len(segs))
	for _, sn := range segs {
		at[sn.si] = &cursor{sn: sn}
	}
	for i := range hits {
		hits[i].score = 0
		c := at[hits[i].seg]
		if c == nil {
			continue
		}
		locals, local := c.sn.locals, uint32(hits[i].local)
		lo, hi := 0, len(locals)
		switch {
		case c.at < len(locals) && locals[c.at] <= local:
			// At or after the cursor: double the step until past it.
			step := 1
			for lo = c.at; lo+step < len(locals) && locals[lo+step] <= local; step *= 2 {
				lo += step
			}
			hi = min(len(locals), lo+step+1)
		case c.at == 0 || locals[c.at-1] < local:
			// Between the cursor's note and the one before: not held.
			continue
		}
		j, ok := slices.BinarySearch(locals[lo:hi], local)
		c.at = lo + j
		if ok {
			hits[i].score = c.sn.score[c.at]
		}
	}
}

// nthBest returns the room-th best score of segs' notes, or the best when
// it is not above rest (no cut possible: the room-th best is not sought, the
// best bounds it); many is false when they are room or fewer.
func nthBest(segs []*segNotes, room int, rest float64) (floor float64, many bool) {
	total, best := 0, 0.0
	for _, sn := range segs {
		total += len(sn.score)
		for _, v := range sn.score {
			if v > best {
				best = v
			}
		}
	}
	if total <= room {
		return 0, false
	}
	if best <= rest {
		return best, true
	}
	// The room best in a min-heap: its top is the room-th best.
	h := make(minScores, 0, room)
	for _, sn := range segs {
		for _, v := range sn.score {
			switch {
			case len(h) < room:
				heap.Push(&h, v)
			case v > h[0]:
				h[0] = v
				heap.Fix(&h, 0)
			}
		}
	}
	return h[0], true
}

// minScores is a min-heap of scores (container/heap).
type minScores []float64

func (h minScores) Len() int           { return len(h) }
func (h minScores) Less(i, j int) bool { return h[i] < h[j] }
func (h minScores) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *minScores) Push(x any)        { *h = append(*h, x.(float64)) }
func (h *minScores) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
