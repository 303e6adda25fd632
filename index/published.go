package index

import (
	"context"
	"fmt"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bscorer "github.com/blevesearch/bleve/v2/search/scorer"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// The publication date is indexed as one term, the date's whole seconds
// since store.MinDate on five bytes (dateTerm), with doc values: the date
// column (columns.go) reads that doc value, and every date filter goes
// through the columns (passes in execute.go, publishedRange below).
// Bleve's own date field adds fifteen coarser terms per note for its range
// queries, which nothing here uses: they were a sixth of the index on disk
// and a tenth of its build time. Until mapping 12 the term was Bleve's
// nanoseconds prefix-coded at shift 0: eleven bytes, twice, in the
// dictionary and the doc values (12 bytes a note more).

// publishedField is a note's publication date in the index.
type publishedField struct{ freqs bindex.TokenFrequencies }

func newPublishedField(t time.Time) *publishedField {
	term := dateTerm(t)
	tf := &bindex.TokenFreq{Term: term}
	tf.SetFrequency(1)
	return &publishedField{freqs: bindex.TokenFrequencies{string(term): tf}}
}

// dateEpoch is where the date terms count from: every date ingest accepts
// (store.MinDate to store.MaxDate, 400 years, under 2^34 seconds) fits the
// 35 bits of a term.
var dateEpoch = store.MinDate().Unix()

// dateTerm is the term of a publication date: its whole seconds since
// dateEpoch, seven bits a byte on five bytes, high bits first (terms sort
// as dates). Never a byte 0xFF: zap separates a note's doc values with it.
func dateTerm(t time.Time) []byte {
	s := uint64(t.Unix() - dateEpoch)
	b := make([]byte, 5)
	for i := 4; i >= 0; i-- {
		b[i] = byte(s & 0x7f)
		s >>= 7
	}
	return b
}

// dateOfTerm is the date of a term dateTerm made, as UnixNano; false for a
// term it cannot have made.
func dateOfTerm(term []byte) (int64, bool) {
	if len(term) != 5 {
		return 0, false
	}
	var s uint64
	for _, c := range term {
		if c > 0x7f {
			return 0, false
		}
		s = s<<7 | uint64(c)
	}
	t := time.Unix(int64(s)+dateEpoch, 0)
	if t.After(store.MaxDate()) {
		return 0, false
	}
	return t.UnixNano(), true
}

func (f *publishedField) Name() string             { return fPublished }
func (f *publishedField) ArrayPositions() []uint64 { return nil }
func (f *publishedField) Options() bindex.FieldIndexingOptions {
	return bindex.IndexField | bindex.DocValues
}
func (f *publishedField) Analyze()                  {}
func (f *publishedField) Value() []byte             { return nil } // not stored
func (f *publishedField) NumPlainTextBytes() uint64 { return 8 }
func (f *publishedField) EncodedFieldType() byte    { return 'd' }
func (f *publishedField) AnalyzedLength() int       { return 1 }
func (f *publishedField) AnalyzedTokenFrequencies() bindex.TokenFrequencies {
	return f.freqs
}
func (f *publishedField) Size() int { return 96 }

// dateBounds are a request's publication bounds as the date column holds
// dates (UnixNano; noDate where the request sets none). The request's dates
// are clamped to the years UnixNano holds (query.Request.Normalize).
func dateBounds(r query.Request) (after, before int64) {
	after, before = noDate, noDate
	if r.PublishedAfter != nil {
		after = r.PublishedAfter.UnixNano()
	}
	if r.PublishedBefore != nil {
		before = r.PublishedBefore.UnixNano()
	}
	return after, before
}

// inDateRange says whether a date of the column is within [after, before):
// a note without a date never is.
func inDateRange(d, after, before int64) bool {
	if d == noDate {
		return false
	}
	if after != noDate && d < after {
		return false
	}
	return before == noDate || d < before
}

// publishedRange is the date filter of the requests Bleve serves (sorted by
// title): the notes of the snapshot whose column date is within bounds.
type publishedRange struct {
	cols          *columnStore
	after, before int64
}

// Searcher implements Bleve's query.Query.
func (q *publishedRange) Searcher(_ context.Context, r bindex.IndexReader, _ mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	v, err := q.cols.columnsFor(r)
	if err != nil {
		return nil, fmt.Errorf("filtre de dates : %w", err)
	}
	s := &bitmapSearcher{offsets: v.offsets, scorer: bscorer.NewConstantScorer(1, 1, opts)}
	for i, sc := range v.cols {
		b := roaring.New()
		for local, d := range sc.published {
			if inDateRange(d, q.after, q.before) {
				b.Add(uint32(local))
			}
		}
		if del := v.segs[i].Deleted(); del != nil {
			b.AndNot(del)
		}
		s.count += b.GetCardinality()
		s.bits = append(s.bits, b)
	}
	return s, nil
}

// bitmapSearcher walks, in order, the notes of a snapshot given as one
// bitmap of local numbers per segment, each scored 1.
type bitmapSearcher struct {
	offsets []uint64 // of each segment, in the snapshot's global numbering
	bits    []*roaring.Bitmap
	count   uint64
	scorer  *bscorer.ConstantScorer

	seg int                    // the segment it is in
	it  roaring.IntPeekable    // over bits[seg]; nil before the first read
	buf bindex.IndexInternalID // scratch for the match's id
}

func (s *bitmapSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if s.it == nil && s.seg < len(s.bits) {
		s.it = s.bits[s.seg].Iterator()
	}
	for s.seg < len(s.bits) {
		if s.it.HasNext() {
			global := s.offsets[s.seg] + uint64(s.it.Next())
			s.buf = bindex.NewIndexInternalID(s.buf, global)
			return s.scorer.Score(ctx, s.buf), nil
		}
		s.seg++
		if s.seg < len(s.bits) {
			s.it = s.bits[s.seg].Iterator()
		}
	}
	return nil, nil
}

func (s *bitmapSearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	if s.seg >= len(s.bits) {
		return nil, nil
	}
	target := id.Value()
	seg := s.seg
	for seg+1 < len(s.offsets) && s.offsets[seg+1] <= target {
		seg++
	}
	if seg != s.seg || s.it == nil {
		s.seg = seg
		s.it = s.bits[s.seg].Iterator()
	}
	if target >= s.offsets[s.seg] {
		s.it.AdvanceIfNeeded(uint32(target - s.offsets[s.seg]))
	}
	return s.Next(ctx)
}

func (s *bitmapSearcher) Close() error               { return nil }
func (s *bitmapSearcher) Weight() float64            { return s.scorer.Weight() }
func (s *bitmapSearcher) SetQueryNorm(n float64)     { s.scorer.SetQueryNorm(n) }
func (s *bitmapSearcher) Count() uint64              { return s.count }
func (s *bitmapSearcher) Min() int                   { return 0 }
func (s *bitmapSearcher) Size() int                  { return 128 + s.scorer.Size() }
func (s *bitmapSearcher) DocumentMatchPoolSize() int { return 1 }
