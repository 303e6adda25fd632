package index

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/encommun/trouvaille/index/termdict"
	"github.com/encommun/trouvaille/schema"
	"github.com/encommun/trouvaille/store"
)

// Facet counting and filtering run on compact in-memory columns instead of
// Bleve's per-hit doc-value reads (about 7 µs per matching note, which made
// broad queries slow). Bleve segments are immutable, so the columns of a
// segment are built once, from its postings lists (one pass per facet value,
// not per document), and cached by segment id until a merge retires it.
//
// Values are numbered per field by a dictionary shared by all segments
// (append-only), so counting is a slice increment per (note, value).

// numColumns is the number of columns: one per dimension of
// schema.Dimensions (the keyword fields of filters and facets), in its order,
// then the private notes' readers (readersCol), read by the scope check, and
// the blocs with their carnets (carnetBlocCol), read by a bloc filter or
// facet under a chosen carnet (carnetBlocs).
const numColumns = len(schema.Dimensions) + 2

// readersCol is the column of the readers field; communityCol that of the
// community dimension (both read by the scope check, execute.go).
const readersCol = len(schema.Dimensions)

// carnetBlocCol is the column of the schema.CarnetBloc field.
const carnetBlocCol = len(schema.Dimensions) + 1

var communityCol = func() int {
	_, i, _ := schema.ByFilter("community")
	return i
}()

// Visibility codes of the vis column.
const (
	visNone uint8 = iota // unknown value: never shown
	visPublic
	visCommunity
	visPrivate
)

// columnField returns the Bleve field of column c.
func columnField(c int) string {
	switch c {
	case readersCol:
		return schema.Readers
	case carnetBlocCol:
		return schema.CarnetBloc
	}
	return schema.Dimensions[c].Field
}

// noDate marks a note without a publication date in the published column.
const noDate = int64(-1 << 63)

// valueDict numbers the values of one field.
type valueDict struct {
	ords   map[string]uint32
	values []string
}

func (d *valueDict) ord(v string) uint32 {
	if o, ok := d.ords[v]; ok {
		return o
	}
	o := uint32(len(d.values))
	d.ords[v] = o
	d.values = append(d.values, v)
	return o
}

// csr holds, for each local document number, its values:
// vals[start[doc]:start[doc+1]].
type csr struct {
	start []uint32
	vals  []uint32
}

func (c *csr) of(doc uint64) []uint32 { return c.vals[c.start[doc]:c.start[doc+1]] }

// segColumns are the columns of one segment.
type segColumns struct {
	n uint64
	// rows holds each note's values of every column side by side, in
	// column order, then its year of publication when the histogram has
	// one (row values: see rowOrdBits). Counting the facets of a hit reads
	// one run of memory rather than two per column (100,000 notes: the
	// faceted p50 3.6 → 3.4 ms in-process, docs/performance.md), and a
	// note's values of one column are found in it by of.
	rows      rowSet
	limits    [numColumns]uint32 // above every ordinal of each column
	vis       []uint8            // visPublic, visCommunity, visPrivate
	public    *roaring.Bitmap    // the public notes (vis == visPublic)
	published []int64            // UnixNano, noDate when absent
	// titleKeys are the first eight bytes of each note's title sort term
	// (titleKey), which order most of a page by title without reading
	// the titles (titleTop).
	titleKeys []uint64
	// year and month of published, in UTC, for the histogram (year 0:
	// no date, or one outside minHistYear–maxHistYear).
	year  []int16
	month []uint8
	// lens are the length codes of the fields of lengthFields (0: none).
	lens [numLenFields][]uint8

	totals pubTotals // built on first use (publicTotals)
	// freq is the last freqNotes answer.
	freq atomic.Pointer[freqCache]
}

// pubTotals are the counts of each column's values, and of the years, over a
// segment's public notes (deleted ones included: they cancel out, see
// countBits in execute.go).
type pubTotals struct {
	once   sync.Once
	counts [numColumns][]uint32
	years  [maxHistYear - minHistYear + 1]uint32
}

// of returns the note's values of column c, as row values: their ordinals
// are sc.rows.ord(x).
func (sc *segColumns) of(c int, local uint64) []uint32 {
	row := sc.rows.of(local)
	i := 0
	for i < len(row) && sc.rows.col(row[i]) < c {
		i++
	}
	j := i
	for j < len(row) && sc.rows.col(row[j]) == c {
		j++
	}
	return row[i:j]
}

// freqNotes returns the notes a search counts the frequencies of its words
// on (newScorer, weighWords): the segment's public notes (nil: every
// note) less its deleted ones (those of the snapshot searched). The last
// answer is kept: a segment's deletions only grow, so their number names
// them.
func (sc *segColumns) freqNotes(deleted *roaring.Bitmap) *roaring.Bitmap {
	if deleted == nil || deleted.IsEmpty() {
		return sc.public
	}
	n := deleted.GetCardinality()
	if f := sc.freq.Load(); f != nil && f.deleted == n {
		return f.notes
	}
	base := sc.public
	if base == nil {
		base = roaring.New()
		base.AddRange(0, sc.n)
	}
	f := &freqCache{deleted: n, notes: roaring.AndNot(base, deleted)}
	sc.freq.Store(f)
	return f.notes
}

// freqCache is a segment's last freqNotes answer, for its number of
// deleted notes.
type freqCache struct {
	deleted uint64
	notes   *roaring.Bitmap
}

// publicTotals returns the segment's public totals, counting them the first
// time.
func (sc *segColumns) publicTotals() *pubTotals {
	t := &sc.totals
	t.once.Do(func() {
		if sc.public == nil {
			return
		}
		for c := range numColumns {
			t.counts[c] = make([]uint32, sc.limits[c])
		}
		it := sc.public.Iterator()
		for it.HasNext() {
			for _, x := range sc.rows.of(uint64(it.Next())) {
				if c, o := sc.rows.col(x), sc.rows.ord(x); c == yearRow {
					t.years[o]++
				} else {
					t.counts[c][o]++
				}
			}
		}
	})
	return t
}

// The histogram's years: those of the dates ingest accepts.
const (
	minHistYear = store.MinYear
	maxHistYear = store.MaxYear
)

// columnStore caches segment columns and the value dictionaries.
type columnStore struct {
	mu    sync.RWMutex // guards segs and dicts
	build sync.Mutex   // one builder at a time
	segs  map[uint64]*segColumns
	dicts [numColumns]*valueDict
	// newest is the highest segment id of the newest snapshot seen:
	// scorch numbers new segments (flushed or merged) in increasing order,
	// so a snapshot whose highest id is below it is an older one, still
	// read by a search that started earlier.
	newest uint64
}

func newColumnStore() *columnStore {
	cs := &columnStore{segs: map[uint64]*segColumns{}}
	for i := range cs.dicts {
		cs.dicts[i] = &valueDict{ords: map[string]uint32{}}
	}
	return cs
}

// value returns the string of a value ordinal of column c.
func (cs *columnStore) value(c int, ord uint32) string {
	cs.mu.RLock()
	defer cs.mu.RUnlock()
	return cs.dicts[c].values[ord]
}

// lookup returns the ordinal of a value of column c, if any note ever had it.
func (cs *columnStore) lookup(c int, v string) (uint32, bool) {
	cs.mu.RLock()
	defer cs.mu.RUnlock()
	o, ok := cs.dicts[c].ords[v]
	return o, ok
}

// dictSize returns how many values column c has numbered.
func (cs *columnStore) dictSize(c int) int {
	cs.mu.RLock()
	defer cs.mu.RUnlock()
	return len(cs.dicts[c].values)
}

// view is one snapshot's segments with their columns and global offsets.
type view struct {
	offsets []uint64
	cols    []*segColumns
	segs    []*scorch.SegmentSnapshot
}

// locate returns the segment index and local document number of a global number.
func (v *view) locate(global uint64) (int, uint64) {
	i := sort.Search(len(v.offsets), func(i int) bool { return v.offsets[i] > global }) - 1
	if i < 0 {
		i = 0
	}
	return i, global - v.offsets[i]
}

// columnsFor returns the view of a snapshot, building the columns of segments
// not seen before and forgetting those no longer present.
func (cs *columnStore) columnsFor(r bindex.IndexReader) (*view, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("index inattendu (%T) : seul scorch est pris en charge", r)
	}
	segs := snap.Segments()
	v := &view{offsets: make([]uint64, len(segs)), cols: make([]*segColumns, len(segs)), segs: segs}
	var running uint64
	var missing []int
	cs.mu.RLock()
	for i, s := range segs {
		v.offsets[i] = running
		running += s.Segment().Count() // full size, deleted documents included, as scorch counts offsets
		if c, ok := cs.segs[s.Id()]; ok {
			v.cols[i] = c
		} else {
			missing = append(missing, i)
		}
	}
	cs.mu.RUnlock()
	if len(missing) == 0 {
		return v, nil
	}
	cs.build.Lock()
	defer cs.build.Unlock()
	for _, i := range missing {
		s := segs[i]
		cs.mu.RLock()
		c, ok := cs.segs[s.Id()]
		cs.mu.RUnlock()
		if !ok {
			var err error
			c, err = cs.buildSegment(snap, s, v.offsets[i])
			if err != nil {
				return nil, err
			}
		}
		v.cols[i] = c
	}
	// Keep what was built; forget retired segments, but only when this is
	// the newest snapshot: an older snapshot (a search that started before a
	// write or a merge) must not drop the columns of newer segments, or
	// concurrent searches on different snapshots rebuild each other's
	// columns forever (seen under continuous writes at 100k notes: every
	// search waiting on the builder, and memory growing).
	var maxID uint64
	live := make(map[uint64]*segColumns, len(segs))
	for i, s := range segs {
		live[s.Id()] = v.cols[i]
		maxID = max(maxID, s.Id())
	}
	cs.mu.Lock()
	if maxID >= cs.newest {
		cs.newest = maxID
		for id := range cs.segs {
			if _, ok := live[id]; !ok {
				delete(cs.segs, id)
			}
		}
	}
	for id, c := range live {
		cs.segs[id] = c
	}
	cs.mu.Unlock()
	return v, nil
}

// buildSegment reads one segment's postings for every value of the column
// fields, the visibility field, and the publication dates and the titles'
// first bytes (doc values).
func (cs *columnStore) buildSegment(snap *scorch.IndexSnapshot, ss *scorch.SegmentSnapshot, offset uint64) (*segColumns, error) {
	seg := ss.Segment()
	n := seg.Count()
	c := &segColumns{n: n, vis: make([]uint8, n), published: make([]int64, n), titleKeys: make([]uint64, n)}
	var cols [numColumns]csr // the rows are made of them, column by column
	type pair struct{ doc, ord uint32 }
	var postings segment.PostingsList
	var iter segment.PostingsIterator
	forTerm := func(dict segment.TermDictionary, term string, fn func(doc uint64)) error {
		pl, err := dict.PostingsList([]byte(term), nil, postings)
		if err != nil {
			return err
		}
		postings = pl
		iter = pl.Iterator(false, false, false, iter)
		for {
			p, err := iter.Next()
			if err != nil {
				return err
			}
			if p == nil {
				return nil
			}
			fn(p.Number())
		}
	}
	for ci := range numColumns {
		field := columnField(ci)
		dict, err := seg.Dictionary(field)
		if err != nil {
			return nil, err
		}
		// The segment's own terms: a small segment of a live write reads
		// its few values, not the whole index's dictionary (which made every
		// write cost each search that followed a walk of every author,
		// organisation and term of the index).
		terms, err := segmentTerms(dict)
		if err != nil {
			return nil, err
		}
		var pairs []pair
		counts := make([]uint32, n+1)
		for _, term := range terms {
			cs.mu.Lock()
			ord := cs.dicts[ci].ord(term)
			cs.mu.Unlock()
			err := forTerm(dict, term, func(doc uint64) {
				if doc < n {
					pairs = append(pairs, pair{uint32(doc), ord})
					counts[doc+1]++
				}
			})
			if err != nil {
				return nil, err
			}
		}
		for i := uint64(1); i <= n; i++ {
			counts[i] += counts[i-1]
		}
		vals := make([]uint32, len(pairs))
		fill := append([]uint32(nil), counts[:n]...)
		for _, p := range pairs {
			vals[fill[p.doc]] = p.ord
			fill[p.doc]++
		}
		limit := uint32(0)
		for _, p := range pairs {
			limit = max(limit, p.ord+1)
		}
		if limit > rowOrdMask+1 {
			return nil, fmt.Errorf("%w : plus de %d valeurs de %s", ErrTooManyValues, rowOrdMask+1, field)
		}
		cols[ci] = csr{start: counts, vals: vals}
		c.limits[ci] = limit
	}
	dict, err := seg.Dictionary(fVis)
	if err != nil {
		return nil, err
	}
	for _, v := range []struct {
		term string
		code uint8
	}{{store.VisibilityPublic, visPublic}, {store.VisibilityCommunity, visCommunity}, {store.VisibilityPrivate, visPrivate}} {
		if err := forTerm(dict, v.term, func(doc uint64) {
			if doc < n {
				c.vis[doc] = v.code
			}
		}); err != nil {
			return nil, err
		}
	}
	c.public = roaring.New()
	for local, v := range c.vis {
		if v == visPublic {
			c.public.Add(uint32(local))
		}
	}
	c.public.RunOptimize()
	for i := range c.published {
		c.published[i] = noDate
	}
	dvr, err := snap.DocValueReader([]string{fPublished, fTitleSort})
	if err != nil {
		return nil, err
	}
	for local := uint64(0); local < n; local++ {
		if c.vis[local] == visNone {
			continue // never counted nor shown
		}
		err := dvr.VisitDocValues(bindex.NewIndexInternalID(nil, offset+local), func(field string, term []byte) {
			if field == fTitleSort {
				c.titleKeys[local] = titleKey(term)
			} else if v, ok := dateOfTerm(term); ok {
				c.published[local] = v
			}
		})
		if err != nil {
			return nil, err
		}
	}
	if err := c.readLengths(seg, forTerm); err != nil {
		return nil, err
	}
	c.year, c.month = make([]int16, n), make([]uint8, n)
	for local, d := range c.published {
		if d == noDate {
			continue
		}
		t := time.Unix(0, d).UTC()
		if y := t.Year(); y >= minHistYear && y <= maxHistYear {
			c.year[local], c.month[local] = int16(y), uint8(t.Month())
		}
	}
	c.rows = noteRows(&cols, c.year)
	return c, nil
}

// ErrTooManyValues: a column of one segment holds more distinct values than
// a row value has room for.
var ErrTooManyValues = errors.New("trop de valeurs distinctes dans un segment")

// A row value numbers, in its segment, one value of one column (yearRow
// for the year of publication): rowSet.code gives the column above
// rowOrdBits bits of ordinal (for the year, its offset from minHistYear).
// Numbered densely per segment, the values of many notes count in a flat
// array indexed by the row values themselves (tallyRows: 40 % less time
// than adding to the column's array picked per value, in a micro-benchmark
// of 20,000 notes of 13 values), added to the columns' counts once per
// segment (spillRows).
const (
	rowOrdBits = 28
	rowOrdMask = 1<<rowOrdBits - 1
	yearRow    = numColumns
)

// rowSet is each note's values of every column, then its year, side by
// side (a csr of row values), with what each row value stands for.
type rowSet struct {
	csr
	code []uint32 // each row value's column << rowOrdBits | ordinal
}

// col returns the column of row value x (yearRow: the year).
func (rs *rowSet) col(x uint32) int { return int(rs.code[x] >> rowOrdBits) }

// ord returns the ordinal of row value x in its column.
func (rs *rowSet) ord(x uint32) uint32 { return rs.code[x] & rowOrdMask }

// noteRows lays the columns' values, then the year of publication when the
// histogram has it, out note by note (segColumns.rows). Every ordinal fits
// in rowOrdBits (buildSegment checks).
func noteRows(cols *[numColumns]csr, year []int16) rowSet {
	n := len(year)
	total := n
	for ci := range cols {
		total += len(cols[ci].vals)
	}
	var rs rowSet
	// number gives each (column, ordinal) its row value the first time it
	// is met; index[c][o], or sparse[c][o] for a column whose ordinals
	// (global, growing with the dictionary) are far above its values here
	// (a small segment of live writes), is that value plus one.
	var index [numColumns + 1][]uint32
	var sparse [numColumns + 1]map[uint32]uint32
	for ci := range cols {
		hi := uint32(0)
		for _, o := range cols[ci].vals {
			hi = max(hi, o)
		}
		if int(hi) < 4*len(cols[ci].vals)+1024 {
			index[ci] = make([]uint32, hi+1)
		} else {
			sparse[ci] = make(map[uint32]uint32)
		}
	}
	index[yearRow] = make([]uint32, maxHistYear-minHistYear+1)
	number := func(c int, o uint32) uint32 {
		m := sparse[c]
		var k uint32
		if m != nil {
			k = m[o]
		} else {
			k = index[c][o]
		}
		if k != 0 {
			return k - 1
		}
		k = uint32(len(rs.code))
		rs.code = append(rs.code, uint32(c)<<rowOrdBits|o)
		if m != nil {
			m[o] = k + 1
		} else {
			index[c][o] = k + 1
		}
		return k
	}
	start := make([]uint32, n+1)
	vals := make([]uint32, 0, total)
	for doc := range n {
		for ci := range cols {
			for _, o := range cols[ci].of(uint64(doc)) {
				vals = append(vals, number(ci, o))
			}
		}
		if y := year[doc]; y != 0 {
			vals = append(vals, number(yearRow, uint32(int(y)-minHistYear)))
		}
		start[doc+1] = uint32(len(vals))
	}
	rs.csr = csr{start: start, vals: slices.Clip(vals)}
	rs.code = slices.Clip(rs.code)
	return rs
}

// segmentTerms lists the terms of one segment's dictionary of a field.
func segmentTerms(dict segment.TermDictionary) ([]string, error) {
	it := termdict.TermsOnly(dict, nil, nil, nil)
	var out []string
	for {
		e, err := it.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			return out, nil
		}
		out = append(out, e.Term)
	}
}

// Warm builds the facet columns of the current snapshot and decodes its
// longest postings lists (warmPostings), so the first searches after
// start-up do not pay for them. Safe to call in the background.
// stop (nil: never) ends it early (termdict.ErrStopped): a rebuild decided
// meanwhile must not wait for it.
func (ix *Index) Warm(stop func() bool) error {
	r, err := openReader(ix.bi)
	if err != nil {
		return err
	}
	defer r.Close()
	if _, err = ix.cols.columnsFor(r); err != nil {
		return err
	}
	return ix.warmPostings(r, stop)
}

// openReader opens a reader of bi's current snapshot; the caller closes it.
func openReader(bi bleve.Index) (bindex.IndexReader, error) {
	adv, err := bi.Advanced()
	if err != nil {
		return nil, err
	}
	return adv.Reader()
}
