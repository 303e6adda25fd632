package index

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
)

// Bucket sort of the ranking rules (Meilisearch's): the counted notes of one
// level (same number of query words) are split by the next rule's value into
// bitmaps, best first. Whole buckets go to the page while they fit; only the
// bucket that straddles the page's end is split by the following rule, and
// so on. So the rule values are computed note by note (fillKeys) only for
// the notes that reach the page, and after the last rule only the ties at
// the page's end are left to the score. A query matching 40,000 notes no
// longer gets 40,000 rule values when its page holds 20.

// region is a set of notes of one snapshot: a bitmap per segment (nil or
// empty: none in that segment).
type region []*roaring.Bitmap

func (r region) card() uint64 {
	var n uint64
	for _, b := range r {
		if b != nil {
			n += b.GetCardinality()
		}
	}
	return n
}

// maxBucketWords bounds the words of the attribute rule's bitmap sums (one
// bitmap per reachable sum and word); past it the region's notes get their
// rule values one by one, as before the bucket sort.
const maxBucketWords = 8

// atLeastEach returns ge where ge[k] holds the notes of r found in at least k
// of parts (ge[0] is r), for k up to len(parts)+1 (that last one empty).
func atLeastEach(r *roaring.Bitmap, parts []*roaring.Bitmap) []*roaring.Bitmap {
	ge := make([]*roaring.Bitmap, len(parts)+2)
	ge[0] = r
	for k := 1; k < len(ge); k++ {
		ge[k] = roaring.New()
	}
	seen := 0
	for _, p := range parts {
		x := roaring.And(r, p)
		if x.IsEmpty() {
			continue
		}
		seen++
		for k := seen; k >= 2; k-- {
			ge[k].Or(roaring.And(ge[k-1], x))
		}
		ge[1].Or(x)
	}
	return ge
}

// countPlanes counts, for each note of r, how many of parts hold it, as
// bit planes: bit b of a note's count is set where planes[b] holds the
// note. Each part is added with carries, as in a binary adder: about two
// bitmap operations per part, where atLeastEach takes one per part and
// count reached.
func countPlanes(r *roaring.Bitmap, parts []*roaring.Bitmap) []*roaring.Bitmap {
	var planes []*roaring.Bitmap
	for _, p := range parts {
		carry := roaring.And(r, p)
		for b := 0; !carry.IsEmpty(); b++ {
			if b == len(planes) {
				planes = append(planes, carry)
				break
			}
			next := roaring.And(planes[b], carry)
			planes[b].Xor(carry)
			carry = next
		}
	}
	return planes
}

// withCount returns the notes of r that planes (countPlanes) count exactly
// k times.
func withCount(r *roaring.Bitmap, planes []*roaring.Bitmap, k int) *roaring.Bitmap {
	if k < 0 || k>>len(planes) != 0 {
		return roaring.New()
	}
	out := r.Clone()
	for b, p := range planes {
		if k>>b&1 == 1 {
			out.And(p)
		} else {
			out.AndNot(p)
		}
	}
	return out
}

// countBuckets returns exact where exact[k] holds the notes of r found in
// exactly k of parts (nil for none), k from 0 to len(parts): the counts as
// bit planes (countPlanes), then r split plane by plane from the highest.
// Some dozens of bitmap operations for 32 parts, where atLeastEach takes
// one per part and count reached (528 for 32 words that most notes hold).
func countBuckets(r *roaring.Bitmap, parts []*roaring.Bitmap) []*roaring.Bitmap {
	exact := make([]*roaring.Bitmap, len(parts)+1)
	planes := countPlanes(r, parts)
	var split func(set *roaring.Bitmap, b, value int)
	split = func(set *roaring.Bitmap, b, value int) {
		if set.IsEmpty() {
			return
		}
		if b < 0 {
			exact[value] = set
			return
		}
		split(roaring.And(set, planes[b]), b-1, value|1<<b)
		split(roaring.AndNot(set, planes[b]), b-1, value)
	}
	split(r, len(planes)-1, 0)
	return exact
}

// byCount adds to out, under value(k), the notes of exact[k] (countBuckets).
func byCount(exact []*roaring.Bitmap, value func(k int) int32, out map[int32]*roaring.Bitmap) {
	for k, b := range exact {
		if b != nil {
			orInto(out, value(k), b)
		}
	}
}

// missing adds to out, under minus their count, the notes of r by how many
// words they match only outside of some (the words' notes not in
// some(word): through typos only, through far typos only).
func missing(r *roaring.Bitmap, words []wordBits, some func(*wordBits) *roaring.Bitmap, out map[int32]*roaring.Bitmap) {
	var parts []*roaring.Bitmap
	for i := range words {
		if wb := &words[i]; some(wb) != wb.any {
			parts = append(parts, roaring.AndNot(wb.any, some(wb)))
		}
	}
	byCount(countBuckets(r, parts), func(k int) int32 { return -int32(k) }, out)
}

func orInto(m map[int32]*roaring.Bitmap, v int32, b *roaring.Bitmap) {
	if have, ok := m[v]; ok {
		have.Or(b)
	} else {
		m[v] = b
	}
}

// ruleBuckets splits r, notes of the segment, by the value of ranking rule
// ri (rankingRules), with the same values as the rule's function on each
// note's match. It reports false when the split would cost more than
// computing the values note by note.
func (sr *segRank) ruleBuckets(ri int, r *roaring.Bitmap) (map[int32]*roaring.Bitmap, bool) {
	out := map[int32]*roaring.Bitmap{}
	words := sr.words
	switch rankingRules[ri].name {
	case "words":
		parts := make([]*roaring.Bitmap, len(words))
		for i := range words {
			parts[i] = words[i].any
		}
		byCount(countBuckets(r, parts), func(k int) int32 { return int32(k) }, out)
	case "typo":
		missing(r, words, func(wb *wordBits) *roaring.Bitmap { return wb.noTypo }, out)
	case "twoTypos":
		missing(r, words, func(wb *wordBits) *roaring.Bitmap { return wb.noFar }, out)
	case "proximity":
		if len(words) < 2 {
			out[0] = r
			break
		}
		// exact[t][k]: the notes with exactly k words in tier t.
		var exact [shortTiers][]*roaring.Bitmap
		for t := range exact {
			parts := make([]*roaring.Bitmap, len(words))
			for i := range words {
				parts[i] = words[i].tiers[t]
			}
			exact[t] = countBuckets(r, parts)
		}
		// closer holds the notes with at least v+1 words together (in one
		// tier); those with at least v are closer and the notes with
		// exactly v in some tier.
		closer := roaring.New()
		for v := len(words); v >= 2; v-- {
			atV := closer.Clone()
			for t := range exact {
				if b := exact[t][v]; b != nil {
					atV.Or(b)
				}
			}
			if b := roaring.AndNot(atV, closer); !b.IsEmpty() {
				out[int32(v)] = b
			}
			closer = atV
		}
		if b := roaring.AndNot(r, closer); !b.IsEmpty() {
			out[0] = b
		}
	case "rarity":
		if len(words) > maxBucketWords {
			return nil, false
		}
		// Sums of the matched words' weights, word by word.
		out[0] = r
		for i := range words {
			in := roaring.And(r, words[i].any)
			if in.IsEmpty() {
				continue
			}
			wt := sr.match.weight(i)
			next := map[int32]*roaring.Bitmap{}
			for v, b := range out {
				x := roaring.And(b, in)
				if !x.IsEmpty() {
					orInto(next, v+wt, x)
				}
				if rest := roaring.AndNot(b, in); !rest.IsEmpty() {
					orInto(next, v, rest)
				}
			}
			out = next
		}
	case "attribute":
		if len(words) > maxBucketWords {
			return nil, false
		}
		// Sums of the best tiers' points times the words' weights, word by word.
		out[0] = r
		for i := range words {
			wb := &words[i]
			// best[t]: the notes of r whose best tier for this word is t.
			var best [numTiers]*roaring.Bitmap
			covered := roaring.New()
			for t := 0; t < numTiers-1; t++ { // the last tier scores 0
				x := roaring.And(r, wb.tiers[t])
				x.AndNot(covered)
				best[t] = x
				covered.Or(x)
			}
			if covered.IsEmpty() {
				continue
			}
			next := map[int32]*roaring.Bitmap{}
			for v, b := range out {
				rest := b
				for t := 0; t < numTiers-1; t++ {
					if best[t].IsEmpty() {
						continue
					}
					if x := roaring.And(b, best[t]); !x.IsEmpty() {
						orInto(next, v+int32(numTiers-1-t)*sr.match.weight(i), x)
						rest = roaring.AndNot(rest, x)
					}
				}
				if !rest.IsEmpty() {
					orInto(next, v, rest.Clone())
				}
			}
			out = next
		}
	case "exactness":
		parts := make([]*roaring.Bitmap, len(words))
		for i := range words {
			parts[i] = words[i].exact
		}
		exact := countBuckets(r, parts)
		title := roaring.And(r, sr.title)
		if title.IsEmpty() {
			byCount(exact, func(k int) int32 { return int32(k) }, out)
			break
		}
		for k, b := range exact {
			if b == nil {
				continue
			}
			if t := roaring.And(b, title); !t.IsEmpty() {
				orInto(out, int32(k)+maxRankWords+1, t)
			}
			if n := roaring.AndNot(b, title); !n.IsEmpty() {
				orInto(out, int32(k), n)
			}
		}
	default:
		return nil, false
	}
	return out, true
}

// bucket is the notes of a region with one value of a rule.
type bucket struct {
	value int32
	reg   region
}

// selector picks the candidates of the page from the levels' regions.
type selector struct {
	plans  []*segPlan
	v      *view
	order  string
	nWords int
	// scoring says the notes tied on every rule are then ordered by their
	// score; without it, by date (compareHits).
	scoring bool
	out     []cand
	// skip is where the page starts; skipped counts the notes of whole
	// buckets taken before it, counted and not collected (their order
	// among themselves and their rule values do not matter).
	skip, skipped int
	// reach, when set, returns the notes of a region tied on every rule
	// that may be among its room best by score (scorer.mayReach); err is
	// its first error.
	reach func(reg region, room int) ([]*segNotes, error)
	err   error
	// tieScored says the last notes collected are a tie cut by score
	// (reach), with their final scores.
	tieScored bool
}

// minReach is the fewest notes of a tie worth cutting by score before they
// are collected (selector.reach), and only when they are reachFactor times
// the places left or more: below, collecting them costs less than the
// scoring it takes. (Variables: tests lower them to cut every tie.)
var (
	minReach    uint64 = 4096
	reachFactor uint64 = 8
)

// buckets splits reg by rule ri, best value first.
func (s *selector) buckets(reg region, ri int) ([]bucket, bool) {
	// Piece by piece on every core (a large segment in several pieces:
	// each note's value depends on the note alone), then merged by value.
	ps := pieces(reg, runtime.GOMAXPROCS(0))
	split := make([]map[int32]*roaring.Bitmap, len(ps))
	var unsplit atomic.Bool
	parallelEach(context.Background(), len(ps), func(_, pi int) error {
		m, ok := s.plans[ps[pi].seg].rank.ruleBuckets(ri, ps[pi].notes)
		if !ok {
			unsplit.Store(true)
		}
		split[pi] = m
		return nil
	})
	if unsplit.Load() {
		return nil, false
	}
	byValue := map[int32]region{}
	for pi, m := range split {
		si := ps[pi].seg
		for val, x := range m {
			rg, ok := byValue[val]
			if !ok {
				rg = make(region, len(reg))
				byValue[val] = rg
			}
			if rg[si] == nil {
				rg[si] = x
			} else {
				rg[si] = roaring.Or(rg[si], x) // pieces are disjoint
			}
		}
	}
	out := make([]bucket, 0, len(byValue))
	for val, rg := range byValue {
		out = append(out, bucket{val, rg})
	}
	slices.SortFunc(out, func(a, b bucket) int { return int(b.value) - int(a.value) })
	return out, true
}

// piece is notes of one segment, a part of a region worked on apart.
type piece struct {
	seg   int
	notes *roaring.Bitmap
}

// minPiece is the fewest notes worth a piece of their own: below it, the
// fixed cost of a piece's bitmap operations (one per word and rule) is most
// of its work. pieceBlock is the span of note numbers pieces are cut along
// (roaring's containers). minRun is the fewest notes worth filling apart
// (collectInto): their rule values cost about 0.1 µs per note and per
// word, against a few microseconds to start a run. (Variables: tests
// lower them to split every segment.)
var (
	minPiece   uint64 = 1 << 14
	pieceBlock uint64 = 1 << 16
	minRun            = 1 << 11
)

// pieces cuts reg into pieces of about the same number of notes, about two
// per worker, along the note numbers' blocks of 65,536 (roaring's
// containers): after a bulk load a million notes are a segment of 900,000
// and one of 100,000, and a search worked segment by segment would keep
// one core of two idle most of the time. Empty segments have no piece.
func pieces(reg region, workers int) []piece {
	cards := make([]uint64, len(reg))
	var total uint64
	for si, b := range reg {
		if b != nil {
			cards[si] = b.GetCardinality()
			total += cards[si]
		}
	}
	size := max(total/uint64(2*max(workers, 1)), minPiece)
	var out []piece
	for si, b := range reg {
		c := cards[si]
		if c == 0 {
			continue
		}
		n := (c + size/2) / size
		if n <= 1 || workers <= 1 {
			out = append(out, piece{si, b})
			continue
		}
		// Cuts at the block of the note that begins each part.
		lo := uint64(0)
		for k := uint64(1); k <= n; k++ {
			hi := uint64(b.Maximum()) + 1
			if k < n {
				if x, err := b.Select(uint32(c * k / n)); err == nil {
					hi = uint64(x) / pieceBlock * pieceBlock
				}
			}
			if hi <= lo {
				continue
			}
			if part := between(b, lo, hi); !part.IsEmpty() {
				out = append(out, piece{si, part})
			}
			lo = hi
		}
	}
	return out
}

// collect returns reg's notes as candidates with their rule values (strict:
// every note of reg holds every query word).
func (s *selector) collect(reg region, strict bool) []cand {
	return s.collectInto(make([]cand, 0, reg.card()), reg, strict)
}

// collectInto appends the notes of reg to out, as collect.
func (s *selector) collectInto(out []cand, reg region, strict bool) []cand {
	out = slices.Grow(out, int(reg.card()))
	starts := make([]int, len(reg)+1)
	for si, b := range reg {
		starts[si] = len(out)
		if b == nil || b.IsEmpty() {
			continue
		}
		pub := s.v.cols[si].published
		it := b.Iterator()
		for it.HasNext() {
			local := it.Next()
			out = append(out, cand{seg: si, local: local, published: pub[local]})
		}
	}
	starts[len(reg)] = len(out)
	// The rule values on every core, a large segment's notes in several
	// runs (pieces).
	type run struct{ seg, from, to int }
	var runs []run
	size := max((len(out)-starts[0])/(2*runtime.GOMAXPROCS(0)), minRun)
	for si := range reg {
		for from := starts[si]; from < starts[si+1]; from += size {
			runs = append(runs, run{si, from, min(from+size, starts[si+1])})
		}
	}
	parallelEach(context.Background(), len(runs), func(_, i int) error {
		r := runs[i]
		if sr := s.plans[r.seg].rank; sr != nil {
			sr.fillKeys(out[r.from:r.to], strict && len(sr.words) == s.nWords)
		}
		return nil
	})
	return out
}

// collectTied appends the notes of reg, tied on every rule, to out as
// candidates with the rule values of one of them: computing them note by
// note (fillKeys) was a third of the time of « co » at its deepest page, a
// million notes, most of them tied. Their masks of matched words and their
// field tiers are left for the page's hits (fillPage).
func (s *selector) collectTied(out []cand, reg region) []cand {
	out = slices.Grow(out, int(reg.card()))
	buf := make([]uint32, 1024)
	for si, b := range reg {
		if b == nil || b.IsEmpty() {
			continue
		}
		key := s.tieKey(si, b.Minimum())
		pub := s.v.cols[si].published
		it := b.ManyIterator()
		for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
			for _, local := range buf[:n] {
				out = append(out, cand{seg: si, local: local, key: key, published: pub[local]})
			}
		}
	}
	return out
}

// tieKey returns the rule values of note local of segment si, those of
// every note of its tie.
func (s *selector) tieKey(si int, local uint32) rankKey {
	var key rankKey
	if sr := s.plans[si].rank; sr != nil {
		key, _ = sr.matchOf(local)
	}
	return key
}

// collectScored appends the notes of segs (scorer.mayReach), tied on every
// rule, to out as collectTied does, with their scores.
func (s *selector) collectScored(out []cand, segs []*segNotes) []cand {
	for _, sn := range segs {
		if len(sn.locals) == 0 {
			continue
		}
		key := s.tieKey(sn.si, sn.locals[0])
		pub := s.v.cols[sn.si].published
		for x, local := range sn.locals {
			out = append(out, cand{seg: sn.si, local: local, key: key, published: pub[local], score: sn.score[x]})
		}
	}
	return out
}

// take adds to s.out the notes of reg that may be among its need best by
// the rules from ri on, then the score: the best buckets whole, and the
// bucket at the page's end split by the next rules. Every note of reg must
// tie on the rules before ri. It returns how many notes it added (more than
// need when the last ones tie on every rule and wait for the score).
func (s *selector) take(reg region, ri, need int, strict bool) int {
	n := reg.card()
	if n == 0 || need <= 0 {
		return 0
	}
	if n <= uint64(need) || ri == numRules {
		if s.skipped+len(s.out)+int(n) <= s.skip {
			// A bucket wholly before the page: only its count moves the
			// page (the deepest page of 10,000 notes collected and gave
			// rule values to every note above it).
			s.skipped += int(n)
			return int(n)
		}
		if n > uint64(need) && !s.scoring {
			// Tied on every rule and not scored (a phrase's candidates):
			// the newest come first, so only the notes as recent as the
			// need-th may be kept. At a million notes, the 672,560 with
			// all eight words of a phrase were collected whole.
			reg = s.byDate(reg, need)
			n = reg.card()
		}
		if ri == numRules {
			if s.reach != nil && n > uint64(need) && n >= minReach && n >= reachFactor*uint64(need) {
				// Only the notes that may reach the page by their score.
				// take still says n: the rest rank past the page.
				segs, err := s.reach(reg, need)
				if err != nil {
					s.err = cmp.Or(s.err, err)
					return int(n)
				}
				s.out, s.tieScored = s.collectScored(s.out, segs), true
				return int(n)
			}
			s.out = s.collectTied(s.out, reg)
		} else {
			s.out = s.collectInto(s.out, reg, strict)
		}
		return int(n)
	}
	bs, ok := s.buckets(reg, ri)
	if !ok {
		cs := pageCands(s.collect(reg, strict), need, s.order)
		s.out = append(s.out, cs...)
		return len(cs)
	}
	got := 0
	for _, b := range bs {
		if got >= need {
			break
		}
		got += s.take(b.reg, ri+1, need-got, strict)
	}
	return got
}
