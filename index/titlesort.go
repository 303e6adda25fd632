package index

import (
	"bytes"
	"container/heap"
	"context"
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
// found titles, about 2 µs each (an iterator step and a postings look-up).
// titleTop reads the title of every note found (its doc value, about
// 0.16 µs) into a heap of the need best. Bleve's sort is left for the
// plans the bitmap executor does not run.

// walkTitles says whether titleWalk costs less than titleTop for a page
// ending at need among found of docs notes: 2 µs × need × docs ÷ found
// against 0.16 µs × found, plus the heap's work, which grows with need
// (measured at a million notes: 151 against 114 ms for 126,644 found at
// the 10,000th note; 2.8–25 against 149–193 ms for 949,859 found).
func walkTitles(found, need, docs uint64) bool {
	return found > 0 && 6*need*docs <= found*found
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
	var cursors []*titleCursor
	for si, ss := range v.segs {
		if si >= len(matched) || matched[si] == nil || matched[si].IsEmpty() {
			continue
		}
		d, err := ss.Segment().Dictionary(fTitleSort)
		if err != nil {
			return nil, err
		}
		c := &titleCursor{si: si, dict: d, it: termdict.TermsOnly(d, nil, nil, nil)}
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
	if skip >= len(page) {
		return nil, nil
	}
	page = page[skip:min(need, len(page))]
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
// (excluded) by title, then by id, reading the title of each note found (a
// doc value) into a heap of the need best: for the queries that find too
// few notes for titleWalk to pay.
func titleTop(ctx context.Context, v *view, matched region, skip, need int) ([]string, error) {
	h := make(titleHeap, 0, min(uint64(need), matched.card()))
	fields := []string{fTitleSort}
	var title []byte
	visit := func(_ string, term []byte) { title = append(title, term...) }
	for si, b := range matched {
		if b == nil || b.IsEmpty() {
			continue
		}
		dv, ok := v.segs[si].Segment().(segment.DocValueVisitable)
		if !ok {
			return nil, fmt.Errorf("titres du segment %d illisibles (%T)", si, v.segs[si].Segment())
		}
		var state segment.DocVisitState
		it := b.Iterator()
		for n := 0; it.HasNext(); n++ {
			if n&4095 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			c := titled{h: hitRef{seg: si, local: uint64(it.Next()), v: v}}
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
	}
	sort.Sort(ptrSorter[titled]{h, func(a, b *titled) int {
		if a.before(b) {
			return -1
		}
		return 1
	}})
	if skip >= len(h) {
		return nil, nil
	}
	page := h[skip:min(need, len(h))]
	ids := make([]string, len(page))
	for i, t := range page {
		id, err := v.externalID(t.h)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return ids, nil
}
