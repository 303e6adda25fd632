package index

import (
	"cmp"
	"container/list"
	"math/bits"
	"slices"
	"sort"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/encommun/trouvaille/index/termdict"
	"github.com/encommun/trouvaille/schema"
)

// postingsCache keeps the decoded postings (notes, frequencies, norms) of
// the common terms scores read again and again. zap reads a term's
// frequencies in sequence from the start of its list, stepping through every
// posting up to each note scored: scoring the few notes of a page among the
// 60,000 postings of a common word costs all 60,000 steps, at every search.
// Decoded once (in the background, so that no search waits for it), the
// postings of such a term are found in a bitset with a
// rank index, or a sorted array. A term is kept from its second read on
// (one-off terms are not worth the decoding of their whole list), only when
// its list is long, and, once the cache is full, only when read more often
// than the lists it pushes out, the least recently used.
// Segments never change, so an entry stays right for as long as its segment
// (by its snapshot id) lives; those of merged segments age out.
type postingsCache struct {
	mu      sync.Mutex
	max     int64 // bytes
	size    int64
	lru     list.List // of *decodedPostings, most recently used first
	entries map[postingsKey]*list.Element
	seen    map[postingsKey]uint32 // reads of lists not kept
	refused map[postingsKey]bool   // lists that could not be decoded
	busy    bool                   // a list is being decoded
	decoded sync.WaitGroup         // the decoding under way, if any
}

type postingsKey struct {
	seg         uint64 // scorch's segment id
	field, term string
}

// decodedPostings is one term's postings list in one field of one segment,
// compactly: its notes as a bitset with a rank index when they are many
// (more than one in 32 notes of the segment), else a sorted array; per
// posting, the frequency in a byte (larger ones apart) and the norm as an
// index in the list's table of norms.
type decodedPostings struct {
	key   postingsKey
	reads uint32 // since kept (halved as seen is cleared)
	n     int
	bits  []uint64 // dense: bit d holds note d
	ranks []uint32 // dense: postings before each block of rankBlock notes
	docs  []uint32 // sparse: the notes, increasing
	freqs []uint8  // 255: see big
	big   map[int]uint32
	norm  []uint16 // index in norms
	norms []float32
}

// rankBlock is the notes counted by one entry of a dense list's rank index.
const rankBlock = 512

// postingsCacheBytes bounds the memory of the decoded postings kept.
const postingsCacheBytes = 32 << 20

// minCachedPostings is the shortest list worth keeping decoded (a variable
// for tests): shorter ones cost little to step through.
var minCachedPostings uint64 = 4096

// maxSeen bounds the terms remembered as read once.
const maxSeen = 1 << 16

func newPostingsCache(max int64) *postingsCache {
	return &postingsCache{max: max, entries: map[postingsKey]*list.Element{}, seen: map[postingsKey]uint32{}, refused: map[postingsKey]bool{}}
}

// get returns the decoded postings of pl, the list of key's term, when
// kept; nil: read pl itself. A list worth keeping is decoded in the
// background, one at a time, so that no search pays for it: hold keeps the
// segment open meanwhile and returns its release (nil: decode now, for
// tests).
func (c *postingsCache) get(key postingsKey, pl segment.PostingsList, hold func() func()) *decodedPostings {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		c.lru.MoveToFront(e)
		dp := e.Value.(*decodedPostings)
		dp.reads++
		return dp
	}
	n := pl.Count()
	if n < minCachedPostings || int64(n)*3 > c.max/4 {
		return nil
	}
	if c.refused[key] {
		return nil
	}
	if len(c.seen) >= maxSeen {
		// Forget the counts of lists not kept, and age those kept.
		clear(c.seen)
		clear(c.refused)
		for e := c.lru.Front(); e != nil; e = e.Next() {
			e.Value.(*decodedPostings).reads /= 2
		}
	}
	c.seen[key]++
	reads := c.seen[key]
	if c.busy || !c.admits(reads, int64(n)*3) {
		return nil
	}
	if hold == nil {
		dp, _ := decodePostings(key, pl, n)
		c.put(key, dp, reads)
		return nil
	}
	c.busy = true
	release := hold()
	c.decoded.Add(1)
	go func() {
		defer c.decoded.Done()
		dp, _ := decodePostings(key, pl, n) // on error, read from zap each time
		release()
		c.mu.Lock()
		defer c.mu.Unlock()
		c.busy = false
		c.put(key, dp, reads)
	}()
	return nil
}

// put keeps the decoded list of key, the least recently used going; nil
// (the list could not be decoded) is remembered, not to decode it again.
func (c *postingsCache) put(key postingsKey, dp *decodedPostings, reads uint32) {
	if dp == nil {
		delete(c.seen, key)
		c.refused[key] = true
		return
	}
	if _, ok := c.entries[dp.key]; ok {
		return
	}
	delete(c.seen, dp.key)
	dp.reads = reads
	c.entries[dp.key] = c.lru.PushFront(dp)
	c.size += dp.bytes()
	for c.size > c.max {
		old := c.lru.Back()
		op := old.Value.(*decodedPostings)
		c.lru.Remove(old)
		delete(c.entries, op.key)
		c.size -= op.bytes()
	}
}

// has reports whether the list of key is kept decoded.
func (c *postingsCache) has(key postingsKey) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.entries[key]
	return ok
}

// wait waits for the decoding under way, if any.
func (c *postingsCache) wait() { c.decoded.Wait() }

// admits reports whether a list read reads times, of about size bytes,
// is worth decoding: read before, and, when the cache is full, read more
// often than the lists it would push out (the least recently used), so
// that a stream of lists each read a couple of times does not replace,
// decoding them all, those read at every search.
func (c *postingsCache) admits(reads uint32, size int64) bool {
	if reads < 2 {
		return false
	}
	free := c.max - c.size
	for e := c.lru.Back(); e != nil && free < size; e = e.Prev() {
		dp := e.Value.(*decodedPostings)
		if dp.reads >= reads {
			return false
		}
		free += dp.bytes()
	}
	return true
}

// decodePostings reads a whole postings list; nil when its norms are too
// many for 16-bit indexes (such a list is read from zap each time).
func decodePostings(key postingsKey, pl segment.PostingsList, n uint64) (*decodedPostings, error) {
	docs, freqs, norms := make([]uint32, 0, n), make([]uint64, 0, n), make([]float32, 0, n)
	it := pl.Iterator(true, true, false, nil)
	for {
		p, err := it.Next()
		if err != nil {
			return nil, err
		}
		if p == nil {
			return newDecodedPostings(key, docs, freqs, norms), nil
		}
		docs = append(docs, uint32(p.Number()))
		freqs = append(freqs, p.Frequency())
		norms = append(norms, float32(fieldNorm(p.Norm())))
	}
}

// newDecodedPostings lays out a list of notes (increasing) with their
// frequencies and norms; nil when its norms are too many for 16 bits.
func newDecodedPostings(key postingsKey, docs []uint32, freqs []uint64, norms []float32) *decodedPostings {
	dp := &decodedPostings{key: key, n: len(docs), freqs: make([]uint8, len(docs)), norm: make([]uint16, len(docs))}
	normAt := map[float32]uint16{}
	for r, f := range freqs {
		if f < 255 {
			dp.freqs[r] = uint8(f)
		} else {
			if dp.big == nil {
				dp.big = map[int]uint32{}
			}
			dp.big[r] = uint32(min(f, 1<<32-1))
			dp.freqs[r] = 255
		}
		i, ok := normAt[norms[r]]
		if !ok {
			if len(dp.norms) == 1<<16 {
				return nil
			}
			i = uint16(len(dp.norms))
			normAt[norms[r]] = i
			dp.norms = append(dp.norms, norms[r])
		}
		dp.norm[r] = i
	}
	if dp.n == 0 {
		return dp
	}
	end := int(docs[dp.n-1]) + 1
	if dp.n*32 < end {
		dp.docs = docs
		return dp
	}
	dp.bits = make([]uint64, (end+63)/64)
	dp.ranks = make([]uint32, (end+rankBlock-1)/rankBlock)
	for _, d := range docs {
		dp.bits[d/64] |= 1 << (d % 64)
	}
	// ranks[k]: the postings before note k·rankBlock.
	r := 0
	for k := range dp.ranks {
		dp.ranks[k] = uint32(r)
		for w := k * rankBlock / 64; w < min((k+1)*rankBlock/64, len(dp.bits)); w++ {
			r += bits.OnesCount64(dp.bits[w])
		}
	}
	return dp
}

func (dp *decodedPostings) bytes() int64 {
	return int64(len(dp.bits))*8 + int64(len(dp.ranks))*4 + int64(len(dp.docs))*4 +
		int64(dp.n)*3 + int64(len(dp.norms))*4 + int64(len(dp.big))*16
}

// rank returns the place of note x in the list, or -1 when it is not there.
func (dp *decodedPostings) rank(x uint32, from int) int {
	if dp.bits == nil {
		at := gallop(dp.docs, from, x)
		if at < len(dp.docs) && dp.docs[at] == x {
			return at
		}
		return -1
	}
	w := int(x / 64)
	if w >= len(dp.bits) || dp.bits[w]&(1<<(x%64)) == 0 {
		return -1
	}
	r := int(dp.ranks[x/rankBlock])
	for k := int(x/rankBlock) * (rankBlock / 64); k < w; k++ {
		r += bits.OnesCount64(dp.bits[k])
	}
	return r + bits.OnesCount64(dp.bits[w]&(1<<(x%64)-1))
}

// each calls fn for each note of want the list holds, in increasing order,
// with its frequency and norm (as zap gives them: float32).
func (dp *decodedPostings) each(want *roaring.Bitmap, fn func(local, freq uint64, norm float64)) {
	from := 0
	it := want.Iterator()
	for it.HasNext() {
		x := it.Next()
		r := dp.rank(x, from)
		if r < 0 {
			if dp.bits == nil {
				from = gallop(dp.docs, from, x)
				if from >= len(dp.docs) {
					return
				}
			}
			continue
		}
		from = r + 1
		f := uint64(dp.freqs[r])
		if f == 255 {
			f = uint64(dp.big[r])
		}
		fn(uint64(x), f, float64(dp.norms[dp.norm[r]]))
	}
}

// gallop returns the first index at or after from where docs holds x or
// more: steps doubling from from, then a binary search within the last one.
func gallop(docs []uint32, from int, x uint32) int {
	if from >= len(docs) || docs[from] >= x {
		return from
	}
	lo, step := from, 1
	hi := from + step
	for hi < len(docs) && docs[hi] < x {
		lo = hi
		step *= 2
		hi = from + step
	}
	hi = min(hi, len(docs))
	return lo + 1 + sort.Search(hi-lo-1, func(i int) bool { return docs[lo+1+i] >= x })
}

// warmPostings decodes the longest postings lists of the text fields of
// r's segments, longest first, up to half the cache, so that a new process
// scores its first searches as it will the later ones (those lists are the
// costliest to step through, and common words are searched most). They
// count as read once: lists read twice by searches push them out.
func (ix *Index) warmPostings(r bindex.IndexReader, stop func() bool) error {
	snap, ok := r.(*scorch.IndexSnapshot)
	c := ix.postings
	if !ok || c == nil {
		return nil
	}
	type cand struct {
		key  postingsKey
		n    uint64
		dict segment.TermDictionary
	}
	var lists []cand
	for _, ss := range snap.Segments() {
		for _, tier := range schema.FieldTiers {
			for _, field := range tier {
				if field == fWords {
					continue // scored without its postings (wordsScore)
				}
				d, err := ss.Segment().Dictionary(field)
				if err != nil {
					return err
				}
				// The counts as termdict.Terms reads them: zap's iterator
				// miscounts past a list of one note.
				err = termdict.TermsUntil(stop, d, nil, nil, nil, true, func(term string, n uint64) (bool, error) {
					if n >= minCachedPostings && int64(n)*3 <= c.max/4 {
						lists = append(lists, cand{postingsKey{ss.Id(), field, term}, n, d})
					}
					return true, nil
				})
				if err != nil {
					return err
				}
			}
		}
	}
	slices.SortFunc(lists, func(a, b cand) int { return cmp.Compare(b.n, a.n) })
	used, budget := int64(0), c.max/2
	for _, l := range lists {
		if used+int64(l.n)*3 > budget {
			continue
		}
		pl, err := l.dict.PostingsList([]byte(l.key.term), nil, nil)
		if err != nil {
			return err
		}
		dp, err := decodePostings(l.key, pl, l.n)
		if err != nil {
			return err
		}
		if dp != nil && used+dp.bytes() > budget {
			continue // its bitset made it larger than estimated
		}
		c.mu.Lock()
		if _, kept := c.entries[l.key]; !kept {
			c.put(l.key, dp, 1)
			if dp != nil {
				used += dp.bytes()
			}
		}
		c.mu.Unlock()
	}
	return nil
}
