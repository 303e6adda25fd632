package discover

import (
	"encoding/binary"
	"slices"
	"sort"
	"strings"
)

// noteRec is what the discovery view keeps of one public note, in one
// string (one allocation, no pointers for the collector to follow):
//
//	len(id) id len(title) title type #authors #organisations #terms #carnets
//	authors… organisations… terms… carnets… words…
//
// every number a uvarint. Type and names are numbers in the interner's
// name table, in the note's order; words are numbers in its word table,
// the distinct surface words (lower-cased) of title, summary, terms,
// organisations and carnets, sorted, each but the first written as its gap
// from the previous (only their set matters: document frequencies, the
// file). Until 2026-12-03 a record was a title and a []uint32 in a map
// keyed by id: with the suggestion tables, the view took 51 MiB of live
// heap at 100k generated notes (95k public), 560 bytes a note; it now takes
// 23 MiB, 250 bytes a note (see also recStore and sugKind).
type noteRec string

// The lists of a noteRec, in its order.
const (
	recAuthors = iota
	recOrgs
	recTerms
	recCarnets
	recLists
)

// recCursor reads a noteRec's numbers and strings in turn.
type recCursor struct {
	s  noteRec
	at int
}

func (c *recCursor) num() uint32 {
	var x uint32
	for shift := uint(0); ; shift += 7 {
		b := c.s[c.at]
		c.at++
		x |= uint32(b&0x7f) << shift
		if b < 0x80 {
			return x
		}
	}
}

func (c *recCursor) str() string {
	n := int(c.num())
	s := string(c.s[c.at : c.at+n])
	c.at += n
	return s
}

// id returns the note's id (a part of the record, not a copy).
func (r noteRec) id() string {
	c := recCursor{s: r}
	return c.str()
}

// title returns the note's title (a part of the record, not a copy).
func (r noteRec) title() string {
	c := recCursor{s: r}
	c.str()
	return c.str()
}

// recFields is a noteRec decoded: its lists and words share buf, kept
// from one decoding to the next.
type recFields struct {
	id, title string
	typ       uint32
	lists     [recLists][]uint32
	words     []uint32
	buf       []uint32
}

// decode fills f with r's fields (f.buf reused: the slices of the
// previous decoding are overwritten).
func (f *recFields) decode(r noteRec) {
	c := recCursor{s: r}
	f.id, f.title = c.str(), c.str()
	f.typ = c.num()
	var n [recLists]int
	total := 0
	for k := range n {
		n[k] = int(c.num())
		total += n[k]
	}
	buf := f.buf[:0]
	for range total {
		buf = append(buf, c.num())
	}
	w := uint32(0)
	for i := 0; c.at < len(r); i++ {
		d := c.num()
		if i > 0 {
			d += w
		}
		w = d
		buf = append(buf, w)
	}
	at := 0
	for k := range n {
		f.lists[k] = buf[at : at+n[k] : at+n[k]]
		at += n[k]
	}
	f.words = buf[total:]
	f.buf = buf
}

// packRec encodes a record into scratch (returned for reuse). words must
// be sorted.
func packRec(scratch []byte, id, title string, typ uint32, lists [recLists][]uint32, words []uint32) (noteRec, []byte) {
	b := scratch[:0]
	b = binary.AppendUvarint(b, uint64(len(id)))
	b = append(b, id...)
	b = binary.AppendUvarint(b, uint64(len(title)))
	b = append(b, title...)
	b = binary.AppendUvarint(b, uint64(typ))
	for _, l := range lists {
		b = binary.AppendUvarint(b, uint64(len(l)))
	}
	for _, l := range lists {
		for _, v := range l {
			b = binary.AppendUvarint(b, uint64(v))
		}
	}
	prev := uint32(0)
	for i, w := range words {
		d := w
		if i > 0 {
			d = w - prev
		}
		prev = w
		b = binary.AppendUvarint(b, uint64(d))
	}
	return noteRec(b), b // the conversion copies: the record is exactly its size
}

// recStore holds the view's records: a slice sorted by id, never written
// in place (the suggestion tables built from it keep it), and the changes
// made since it was cut, by id ("" for a note removed). A map keyed by id
// cost about 90 bytes a note; the slice costs 16.
type recStore struct {
	base  []noteRec
	dirty map[string]noteRec
	n     int
}

// compactAbove is the number of changes over which set and remove fold
// the changes into a new sorted slice even without a build (when they are
// also more than half the slice): a bulk ingest observed without reads.
// A variable so that tests can lower it.
var compactAbove = 1 << 12

func (s *recStore) len() int { return s.n }

// find returns where id is or would be in the sorted slice.
func (s *recStore) find(id string) (int, bool) {
	i := sort.Search(len(s.base), func(i int) bool { return s.base[i].id() >= id })
	return i, i < len(s.base) && s.base[i].id() == id
}

func (s *recStore) has(id string) bool {
	if r, ok := s.dirty[id]; ok {
		return r != ""
	}
	_, ok := s.find(id)
	return ok
}

// set adds or replaces the record of its note.
func (s *recStore) set(r noteRec) {
	id := r.id()
	if !s.has(id) {
		s.n++
	}
	if s.dirty == nil {
		s.dirty = map[string]noteRec{}
	}
	s.dirty[id] = r // the key too is r's: a replaced record is not kept
	s.maybeCompact()
}

// remove drops the note id's record, if any.
func (s *recStore) remove(id string) {
	if !s.has(id) {
		return
	}
	s.n--
	if i, ok := s.find(id); ok {
		if s.dirty == nil {
			s.dirty = map[string]noteRec{}
		}
		s.dirty[s.base[i].id()] = ""
		s.maybeCompact()
		return
	}
	delete(s.dirty, id)
}

func (s *recStore) maybeCompact() {
	if len(s.dirty) > compactAbove && len(s.dirty) > len(s.base)/2 {
		s.compact()
	}
}

// compact folds the changes into a new sorted slice.
func (s *recStore) compact() {
	if len(s.dirty) == 0 {
		return
	}
	ids := make([]string, 0, len(s.dirty))
	for id := range s.dirty {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]noteRec, 0, s.n)
	i := 0
	for _, id := range ids {
		for i < len(s.base) && s.base[i].id() < id {
			out = append(out, s.base[i])
			i++
		}
		if i < len(s.base) && s.base[i].id() == id {
			i++
		}
		if r := s.dirty[id]; r != "" {
			out = append(out, r)
		}
	}
	out = append(out, s.base[i:]...)
	s.base, s.dirty = out, nil
}

// sorted returns every record, sorted by id. The slice must not be
// written to.
func (s *recStore) sorted() []noteRec {
	s.compact()
	return s.base
}

// newRecStore returns a store of recs (any order; of two records of one
// note, one is kept).
func newRecStore(recs []noteRec) *recStore {
	slices.SortStableFunc(recs, func(a, b noteRec) int { return strings.Compare(a.id(), b.id()) })
	recs = slices.CompactFunc(recs, func(a, b noteRec) bool { return a.id() == b.id() })
	return &recStore{base: slices.Clip(recs), n: len(recs)}
}
