package index

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/encommun/trouvaille/index/termdict"
)

// A query's matches as roaring bitmaps, read straight from a segment's
// postings: zap keeps each postings list as a roaring bitmap over the mapped
// file, so a term costs a dictionary look-up and no walk over its postings,
// and AND / OR of whole lists take microseconds. The ranking rules
// (rank.go) use them to tell, per note, which query words it matches, in
// which fields and how; nothing here scores.

// segBits evaluates queries over one segment. Bitmaps of terms are shared
// (read-only: zap's own, never modified); every combination is a new bitmap.
type segBits struct {
	seg     segment.Segment
	deleted *roaring.Bitmap // may be nil
	dicts   map[string]segment.TermDictionary
	terms   map[[2]string]*roaring.Bitmap
	iter    segment.PostingsIterator
	pl      segment.PostingsList
	// postings keeps decoded the lists scores read often (nil: none);
	// id is the segment's in it.
	postings *postingsCache
	id       uint64
	// hold keeps the segment open while a list is decoded in the
	// background and returns its release.
	hold func() func()
	// lens are the segment's length columns (lengths.go).
	lens *[numLenFields][]uint8
}

// newSegBits reads seg, whose columns are cols (their length columns serve
// the scores: lengths.go).
func newSegBits(seg segment.Segment, deleted *roaring.Bitmap, cols *segColumns) *segBits {
	return &segBits{seg: seg, deleted: deleted, dicts: map[string]segment.TermDictionary{}, terms: map[[2]string]*roaring.Bitmap{}, lens: &cols.lens}
}

var emptyBitmap = roaring.New()

// term returns the notes of the segment holding term in field (deleted
// ones included: callers remove them once, at the end). Read-only.
func (s *segBits) term(field, term string) (*roaring.Bitmap, error) {
	k := [2]string{field, term}
	if b, ok := s.terms[k]; ok {
		return b, nil
	}
	d, ok := s.dicts[field]
	if !ok {
		var err error
		d, err = s.seg.Dictionary(field)
		if err != nil {
			return nil, fmt.Errorf("dictionnaire du champ %s : %w", field, err)
		}
		s.dicts[field] = d
	}
	b, err := termdict.PostingsBitmap(d, term)
	if err != nil {
		return nil, err
	}
	s.terms[k] = b
	return b, nil
}

// keepFunc selects the term leaves of a query an evaluation counts (the
// others match nothing): by field for the field rule, by term for the typo
// and exactness rules. nil keeps every leaf.
type keepFunc func(field, term string) bool

// eval returns the notes of the segment matching q, counting only the term
// leaves keep accepts. The result may be shared: callers must not modify it.
func (s *segBits) eval(q bq.Query, keep keepFunc) (*roaring.Bitmap, error) {
	switch q := q.(type) {
	case *bq.TermQuery:
		// A synonym phrase's mark restricts, it does not match: every
		// rule counts it.
		if keep != nil && q.FieldVal != fSynPhrase && !keep(q.FieldVal, q.Term) {
			return emptyBitmap, nil
		}
		return s.term(q.FieldVal, q.Term)
	case *bq.DisjunctionQuery:
		parts := make([]*roaring.Bitmap, 0, len(q.Disjuncts))
		for _, d := range q.Disjuncts {
			b, err := s.eval(d, keep)
			if err != nil {
				return nil, err
			}
			parts = append(parts, b)
		}
		return atLeast(parts, int(q.Min)), nil
	case *bq.ConjunctionQuery:
		if len(q.Conjuncts) == 0 {
			return emptyBitmap, nil
		}
		parts := make([]*roaring.Bitmap, 0, len(q.Conjuncts))
		for _, c := range q.Conjuncts {
			b, err := s.eval(c, keep)
			if err != nil {
				return nil, err
			}
			if b.IsEmpty() {
				return emptyBitmap, nil
			}
			parts = append(parts, b)
		}
		if len(parts) == 1 {
			return parts[0], nil
		}
		return roaring.FastAnd(parts...), nil
	case *bq.BooleanQuery:
		var out *roaring.Bitmap
		switch {
		case q.Must != nil:
			b, err := s.eval(q.Must, keep)
			if err != nil {
				return nil, err
			}
			out = b
		case q.Should != nil:
			b, err := s.eval(q.Should, keep)
			if err != nil {
				return nil, err
			}
			out = b
		default:
			out = s.allDocs()
		}
		if q.Filter != nil {
			b, err := s.eval(q.Filter, nil)
			if err != nil {
				return nil, err
			}
			out = roaring.And(out, b)
		}
		if q.MustNot != nil {
			b, err := s.eval(q.MustNot, nil)
			if err != nil {
				return nil, err
			}
			out = roaring.AndNot(out, b)
		}
		return out, nil
	case *bq.DocIDQuery:
		if len(q.IDs) == 0 {
			return emptyBitmap, nil
		}
		b, err := s.seg.DocNumbers(q.IDs)
		if err != nil {
			return nil, fmt.Errorf("numéros des notes : %w", err)
		}
		return b, nil
	case *bq.MatchAllQuery:
		return s.allDocs(), nil
	case *bq.MatchNoneQuery:
		return emptyBitmap, nil
	}
	return nil, fmt.Errorf("%w: %T", errUnsupported, q)
}

// allDocs returns every document number of the segment.
func (s *segBits) allDocs() *roaring.Bitmap {
	b := roaring.New()
	b.AddRange(0, s.seg.Count())
	return b
}

// between returns the notes of b numbered in [lo, hi) (a new bitmap).
func between(b *roaring.Bitmap, lo, hi uint64) *roaring.Bitmap {
	r := roaring.New()
	r.AddRange(lo, hi)
	r.And(b)
	return r
}

// live removes the segment's deleted notes from b (a new bitmap when needed).
func (s *segBits) live(b *roaring.Bitmap) *roaring.Bitmap {
	if s.deleted == nil || s.deleted.IsEmpty() || b.IsEmpty() {
		return b
	}
	return roaring.AndNot(b, s.deleted)
}

// atLeast returns the notes in at least min of parts (min ≤ 1: any).
func atLeast(parts []*roaring.Bitmap, min int) *roaring.Bitmap {
	switch {
	case len(parts) == 0 || min > len(parts):
		return emptyBitmap
	case len(parts) == 1:
		return parts[0]
	case min <= 1:
		return union(parts)
	}
	// level[j] holds the notes seen in at least j+1 of the parts so far.
	level := make([]*roaring.Bitmap, min)
	for i := range level {
		level[i] = roaring.New()
	}
	for _, p := range parts {
		for j := min - 1; j >= 1; j-- {
			level[j].Or(roaring.And(level[j-1], p))
		}
		level[0].Or(p)
	}
	return level[min-1]
}

// union returns the notes in any of parts (shared with parts when only one
// holds notes). The largest part goes first: roaring ORs the rest into it
// container by container, and a small array ORed into a bitmap container
// sets its bits, where ORed into an array it merges the whole array again
// (a region's towns: hundreds of small parts beside a common one).
func union(parts []*roaring.Bitmap) *roaring.Bitmap {
	type sized struct {
		b *roaring.Bitmap
		n uint64
	}
	held := make([]sized, 0, len(parts))
	for _, p := range parts {
		if n := p.GetCardinality(); n > 0 {
			held = append(held, sized{p, n})
		}
	}
	switch len(held) {
	case 0:
		return emptyBitmap
	case 1:
		return held[0].b
	}
	slices.SortStableFunc(held, func(a, b sized) int { return cmp.Compare(b.n, a.n) })
	bs := make([]*roaring.Bitmap, len(held))
	for i, h := range held {
		bs[i] = h.b
	}
	return roaring.FastOr(bs...)
}
