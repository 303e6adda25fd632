package index

import (
	"bytes"
	"cmp"
	"container/heap"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/encommun/trouvaille/index/termdict"
)

// A page sorted by title comes one of three ways. Bleve's sort evaluates
// the query again and reads the title (a doc value) of every note found:
// at a million notes, half a second to a second for a query that finds
// them all. titleWalk reads the titles in order from each segment's
// dictionary of them (fTitleSort, one term per note) and keeps the notes
// the executor found until the page is full: it reads about need × notes ÷
// found titles, about 2.8 µs each (an iterator step and a postings
// look-up). titleTop places every note found by the first bytes of its
// title, held in memory, about 20 to 45 ns each (more for a deeper page),
// and reads only the titles that tie with the page. Bleve's sort is left
// for the plans the bitmap executor does not run.

// walkTitles says whether titleWalk costs less than titleTop for a page
// ending at need among found of docs notes: 2.8 µs × need × docs ÷ found
// against about 46 ns × found at the 10,000th note. Measured at a million
// notes (trouvaille-bounds -kind title, 2026-12-06): the 10,000th note of
// 949,859 found 31 ms walking, 40 ms by keys; of 237,854 found 156–186 ms
// walking or reading every title, 34–37 ms by keys; the first page of
// 949,859 found 3.9 ms walking, 22.5 ms by keys.
func walkTitles(found, need, docs uint64) bool {
	return found > 0 && 60*need*docs <= found*found
}

// docs returns how many live notes the view holds.
func (v *view) docs() uint64 {
	var n uint64
	for _, ss := range v.segs {
		n += ss.Count()
	}
	return n
}

// titleCursor reads one segment's titles in order.
type titleCursor struct {
	si   int
	dict segment.TermDictionary
	it   segment.DictionaryIterator
	term []byte // the current title (empty for a title of invisible characters)
	done bool   // read to the end
	pl   segment.PostingsList
	pit  segment.PostingsIterator
}

func (c *titleCursor) next() error {
	e, err := c.it.Next()
	if err != nil || e == nil {
		c.done = true
		return err
	}
	c.term = append(c.term[:0], e.Term...)
	return nil
}

// notes appends to out the notes of the current title that matched holds.
func (c *titleCursor) notes(matched *roaring.Bitmap, out []hitRef) ([]hitRef, error) {
	var err error
	if c.pl, err = c.dict.PostingsList(c.term, nil, c.pl); err != nil {
		return out, err
	}
	c.pit = c.pl.Iterator(false, false, false, c.pit)
	for {
		p, err := c.pit.Next()
		if err != nil || p == nil {
			return out, err
		}
		if local := p.Number(); matched.Contains(uint32(local)) {
			out = append(out, hitRef{seg: c.si, local: local})
		}
	}
}

// titleWalk returns the ids of the notes of matched (per segment of v) from
// rank skip to need (excluded) by title, then by id as schema.SortOrders
// says: the segments' title dictionaries read side by side in order.
func titleWalk(ctx context.Context, v *view, matched region, skip, need int) ([]string, error) {
	page, err := walkRange(ctx, v, matched, nil, nil, need)
	if err != nil || skip >= len(page) {
		return nil, err
	}
	return pageIDs(v, page[skip:])
}

// walkRange returns the first need notes of matched whose titles are
// between beg and end (nil: no bound), by title then by id, reading the
// segments' title dictionaries side by side in order.
func walkRange(ctx context.Context, v *view, matched region, beg, end []byte, need int) ([]hitRef, error) {
	var cursors []*titleCursor
	for si, ss := range v.segs {
		if si >= len(matched) || matched[si] == nil || matched[si].IsEmpty() {
			continue
		}
		d, err := ss.Segment().Dictionary(fTitleSort)
		if err != nil {
			return nil, err
		}
		c := &titleCursor{si: si, dict: d, it: termdict.TermsOnly(d, nil, beg, end)}
		if err := c.next(); err != nil {
			return nil, err
		}
		if !c.done {
			cursors = append(cursors, c)
		}
	}
	var page, same []hitRef
	for read := 0; len(page) < need && len(cursors) > 0; read++ {
		if read&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		// The smallest title of all segments, and its notes in each.
		low := cursors[0].term
		for _, c := range cursors[1:] {
			if bytes.Compare(c.term, low) < 0 {
				low = c.term
			}
		}
		low = slices.Clone(low)
		same = same[:0]
		live := cursors[:0]
		for _, c := range cursors {
			if bytes.Equal(c.term, low) {
				var err error
				if same, err = c.notes(matched[c.si], same); err != nil {
					return nil, err
				}
				if err := c.next(); err != nil {
					return nil, err
				}
			}
			if !c.done {
				live = append(live, c)
			}
		}
		cursors = live
		if len(same) > 1 {
			for i := range same {
				same[i].v = v
			}
			slices.SortFunc(same, func(a, b hitRef) int { return compareIDs(&a, &b) })
		}
		page = append(page, same...)
	}
	return page[:min(need, len(page))], nil
}

// pageIDs returns the ids of the notes of a page.
func pageIDs(v *view, page []hitRef) ([]string, error) {
	ids := make([]string, len(page))
	for i, h := range page {
		id, err := v.externalID(h)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return ids, nil
}

// unionLevels returns, per segment of segs, the notes of every level.
func unionLevels(levels []region, segs int) region {
	out := make(region, segs)
	var parts []*roaring.Bitmap
	for si := range out {
		parts = parts[:0]
		for _, l := range levels {
			if si < len(l) && l[si] != nil {
				parts = append(parts, l[si])
			}
		}
		switch len(parts) {
		case 0:
		case 1:
			out[si] = parts[0]
		default:
			out[si] = roaring.FastOr(parts...)
		}
	}
	return out
}

// titled is a note and its title, for titleTop.
type titled struct {
	h     hitRef
	title string
}

// titleHeap keeps the best notes by title, the worst on top.
type titleHeap []titled

// before orders two notes by title, then by id.
func (a *titled) before(b *titled) bool {
	if a.title != b.title {
		return a.title < b.title
	}
	return compareIDs(&a.h, &b.h) < 0
}

func (h titleHeap) Len() int           { return len(h) }
func (h titleHeap) Less(i, j int) bool { return h[j].before(&h[i]) }
func (h titleHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *titleHeap) Push(x any)        { *h = append(*h, x.(titled)) }
func (h *titleHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// titleTop returns the ids of the notes of matched from rank skip to need
// (excluded) by title, then by id: for the queries that find too few notes
// for titleWalk to pay. Each note found is first placed by the first eight
// bytes of its title, kept in memory (segColumns.titleKeys): a heap of the
// need smallest keys gives the key of the need-th note, and the notes below
// it are sorted by key; only the notes sharing a key with the page are
// ordered by their full titles, then by id (titleGroup).
// Reading every title found (a chunk of doc values decompressed for every
// few notes) took 156–186 ms for 237,854 notes found at a million, at the
// 10,000th note.
func titleTop(ctx context.Context, v *view, matched region, skip, need int) ([]string, error) {
	if need <= skip {
		return nil, nil
	}
	// The need smallest keys, the largest on top.
	keys := make(keyHeap, 0, min(uint64(need), matched.card()))
	err := eachFound(ctx, matched, func(si int, local uint32) {
		k := v.cols[si].titleKeys[local]
		switch {
		case len(keys) < need:
			heap.Push(&keys, k)
		case k < keys[0]:
			keys[0] = k
			heap.Fix(&keys, 0)
		}
	})
	if err != nil || len(keys) == 0 {
		return nil, err
	}
	last := keys[0] // the need-th key, or the largest of fewer notes
	docs, found := v.docs(), matched.card()
	// The notes below the need-th key (fewer than need), sorted; then
	// those of its key, as many as share it (all the notes found, when
	// every title starts alike), in segment order as found.
	var cands, tied []keyedHit
	err = eachFound(ctx, matched, func(si int, local uint32) {
		switch k := v.cols[si].titleKeys[local]; {
		case k < last:
			cands = append(cands, keyedHit{key: k, seg: si, local: local})
		case k == last:
			tied = append(tied, keyedHit{key: k, seg: si, local: local})
		}
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(cands, func(a, b keyedHit) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		if a.seg != b.seg {
			return a.seg - b.seg
		}
		return cmp.Compare(a.local, b.local)
	})
	cands = append(cands, tied...)
	var page []hitRef
	for at := 0; at < len(cands) && at < need; {
		end := at + 1
		for end < len(cands) && cands[end].key == cands[at].key {
			end++
		}
		if end > skip {
			// A key shared with the page: these notes by title, then id.
			group, err := titleGroup(ctx, v, matched, cands[at:end], min(end, need)-at, docs, found)
			if err != nil {
				return nil, err
			}
			for i, h := range group {
				if at+i >= skip {
					page = append(page, h)
				}
			}
		}
		at = end
	}
	return pageIDs(v, page)
}

// titleGroup returns the need first of notes, which share their title key
// and are in segment order, by title then by id: read from their doc
// values, or, for many notes among many found, from the title dictionaries
// from the first title with that key (a chunk of doc values is
// decompressed for about every note of a large group, some 80 µs; a title
// of the dictionaries costs about 2.8 µs, most of them found then).
func titleGroup(ctx context.Context, v *view, matched region, notes []keyedHit, need int, docs, found uint64) ([]hitRef, error) {
	if len(notes) > groupWalkFrom && docs < 29*found {
		// From the group's first title: need is at most the group's size,
		// and every title after the group's is larger.
		return walkRange(ctx, v, matched, keyStart(notes[0].key), nil, need)
	}
	best, err := bestTitles(ctx, v, notes, need)
	if err != nil {
		return nil, err
	}
	out := make([]hitRef, len(best))
	for i, t := range best {
		out[i] = t.h
	}
	return out, nil
}

// groupWalkFrom is the size of a group above which titleGroup may walk
// the dictionaries (a variable for the tests, which take both ways).
var groupWalkFrom = 16

// keyStart is the smallest title of key k: its eight bytes without the
// zeros that end them.
func keyStart(k uint64) []byte {
	b := binary.BigEndian.AppendUint64(nil, k)
	return bytes.TrimRight(b, "\x00")
}

// eachFound calls fn with every note of matched, segment by segment.
func eachFound(ctx context.Context, matched region, fn func(si int, local uint32)) error {
	buf := make([]uint32, 256)
	for si, b := range matched {
		if b == nil || b.IsEmpty() {
			continue
		}
		it := b.ManyIterator()
		for n := 0; ; n++ {
			if n&15 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			got := it.NextMany(buf)
			if got == 0 {
				break
			}
			for _, local := range buf[:got] {
				fn(si, local)
			}
		}
	}
	return nil
}

// keyedHit is a note found and the first bytes of its title, for titleTop.
type keyedHit struct {
	key   uint64
	seg   int
	local uint32
}

// keyHeap keeps the smallest title keys, the largest on top.
type keyHeap []uint64

func (h keyHeap) Len() int           { return len(h) }
func (h keyHeap) Less(i, j int) bool { return h[i] > h[j] }
func (h keyHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *keyHeap) Push(x any)        { *h = append(*h, x.(uint64)) }
func (h *keyHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// titleKey is the first eight bytes of a title's sort term, big-endian,
// zeros after a shorter one: a smaller key is a smaller title, equal keys
// say nothing.
func titleKey(term []byte) uint64 {
	var b [8]byte
	copy(b[:], term)
	return binary.BigEndian.Uint64(b[:])
}

// bestTitles returns the need first of notes (in segment order) by title,
// then by id, reading their titles (doc values) into a heap of the need
// best.
func bestTitles(ctx context.Context, v *view, notes []keyedHit, need int) ([]titled, error) {
	h := make(titleHeap, 0, need)
	fields := []string{fTitleSort}
	var title []byte
	visit := func(_ string, term []byte) { title = append(title, term...) }
	var state segment.DocVisitState
	for i, kh := range notes {
		if i&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if i > 0 && kh.seg != notes[i-1].seg {
			state = nil
		}
		dv, ok := v.segs[kh.seg].Segment().(segment.DocValueVisitable)
		if !ok {
			return nil, fmt.Errorf("titres du segment %d illisibles (%T)", kh.seg, v.segs[kh.seg].Segment())
		}
		c := titled{h: hitRef{seg: kh.seg, local: uint64(kh.local), v: v}}
		title = title[:0]
		var err error
		if state, err = dv.VisitDocValues(c.h.local, fields, visit, state); err != nil {
			return nil, err
		}
		if len(h) == need {
			// Not before the worst kept: left out (no copy of its title).
			if top := &h[0]; string(title) > top.title || (string(title) == top.title && compareIDs(&c.h, &top.h) > 0) {
				continue
			}
		}
		c.title = string(title)
		if len(h) < need {
			heap.Push(&h, c)
		} else {
			h[0] = c
			heap.Fix(&h, 0)
		}
	}
	sort.Sort(ptrSorter[titled]{h, func(a, b *titled) int {
		if a.before(b) {
			return -1
		}
		return 1
	}})
	return h, nil
}
