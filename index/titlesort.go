package index

import (
	"bytes"
	"context"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// A page sorted by title comes one of two ways. Bleve's sort reads the
// title (a doc value) of every note the query finds, then keeps the page:
// at a million notes, half a second for a query that finds them all.
// titleWalk goes the other way: it reads the titles in order from each
// segment's dictionary of them (fTitleSort, one term per note) and keeps
// the notes the query found, until the page is full. The walk reads about
// need × notes ÷ found titles, the sort about found: walkTitles picks the
// cheaper.

// walkTitles says whether titleWalk reads fewer titles than Bleve's sort
// for a page ending at need among found of docs notes.
func walkTitles(found, need, docs uint64) bool {
	return found > 0 && need*docs <= found*found
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
	term []byte // the current title; nil once read to the end
	pl   segment.PostingsList
	pit  segment.PostingsIterator
}

func (c *titleCursor) next() error {
	e, err := c.it.Next()
	if err != nil || e == nil {
		c.term = nil
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
		c := &titleCursor{si: si, dict: d, it: d.AutomatonIterator(nil, nil, nil)}
		if err := c.next(); err != nil {
			return nil, err
		}
		if c.term != nil {
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
			if c.term != nil {
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
