package index

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
)

func TestGallop(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 200 {
		docs := make([]uint32, n)
		for i := range docs {
			docs[i] = uint32(r.IntN(500))
		}
		slices.Sort(docs)
		for range 50 {
			from := 0
			if n > 0 {
				from = r.IntN(n + 1)
			}
			x := uint32(r.IntN(520))
			want := from + sort.Search(n-from, func(i int) bool { return docs[from+i] >= x })
			if got := gallop(docs, from, x); got != want {
				t.Fatalf("gallop(%v, %d, %d) = %d, want %d", docs, from, x, got, want)
			}
		}
	}
}

// Dense and sparse lists, large frequencies: each gives what was laid out,
// for the notes asked only.
func TestDecodedPostingsEach(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, c := range []struct{ docs, of int }{{0, 10}, {1, 1}, {3, 5000}, {200, 100000}, {5000, 20000}, {20000, 20000}, {3000, 3000 * 32}, {3000, 3000*32 + 1}} {
		set := map[uint32]bool{}
		for len(set) < c.docs {
			set[uint32(r.IntN(c.of))] = true
		}
		docs := slices.Sorted(maps.Keys(set))
		freqs, norms := make([]uint64, len(docs)), make([]float32, len(docs))
		for i := range docs {
			freqs[i] = uint64(1 + r.IntN(3))
			if r.IntN(50) == 0 {
				freqs[i] = uint64(200 + r.IntN(1000))
			}
			norms[i] = 1 / float32(1+r.IntN(300))
		}
		dp := newDecodedPostings(postingsKey{}, slices.Clone(docs), freqs, norms)
		if dense := dp.bits != nil; dense != (len(docs) > 0 && len(docs)*32 >= int(docs[len(docs)-1])+1) {
			t.Errorf("%d of %d: dense %v", c.docs, c.of, dense)
		}
		for _, every := range []int{1, 2, 7} {
			want := roaring.New()
			for x := 0; x < c.of+5; x += every {
				want.Add(uint32(x))
			}
			got := map[uint32]posting{}
			dp.each(want, func(l, f uint64, n float64) { got[uint32(l)] = posting{f, n} })
			n := 0
			for i, d := range docs {
				if int(d)%every != 0 {
					continue
				}
				n++
				if g := got[d]; g != (posting{freqs[i], float64(norms[i])}) {
					t.Fatalf("%d of %d, every %d: note %d gives %v, want %d %v", c.docs, c.of, every, d, g, freqs[i], norms[i])
				}
			}
			if len(got) != n {
				t.Fatalf("%d of %d, every %d: %d notes, want %d", c.docs, c.of, every, len(got), n)
			}
		}
	}
}

type posting struct {
	freq uint64
	norm float64
}

// readPostings collects what scorePostings gives for want.
func readPostings(t *testing.T, sb *segBits, field, term string, want *roaring.Bitmap) map[uint64]posting {
	t.Helper()
	got := map[uint64]posting{}
	last := int64(-1)
	err := scorePostings(sb, field, term, want, func(l, f uint64, n float64) {
		if int64(l) <= last {
			t.Fatalf("notes out of order: %d after %d", l, last)
		}
		last = int64(l)
		got[l] = posting{f, n}
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// The cache gives what zap gives: the same notes, frequencies and norms, for
// any set of notes asked, before it keeps a term, as it decodes it and after.
func TestPostingsCacheMatchesZap(t *testing.T) {
	defer func(n uint64) { minCachedPostings = n }(minCachedPostings)
	minCachedPostings = 1
	ix, _ := openDemoIndex(t)
	v := snapshotView(t, ix)
	r := rand.New(rand.NewPCG(3, 4))
	checked := 0
	for _, background := range []bool{false, true} {
		for _, word := range []string{"logement", "communauté", "économie", "projet"} {
			term := analysis.Analyze(word)[0].Term
			for _, field := range []string{schema.Body, schema.Title, schema.Summary} {
				for si, ss := range v.segs {
					plain := newSegBits(ss.Segment(), nil, v.cols[si])
					cached := newSegBits(ss.Segment(), nil, v.cols[si])
					cached.postings, cached.id = newPostingsCache(1<<20), ss.Id()
					holds, releases := 0, 0
					if background {
						cached.hold = func() func() { holds++; return func() { releases++ } }
					}
					for _, sb := range []*segBits{plain, cached} {
						if _, err := sb.term(field, term); err != nil {
							t.Fatal(err)
						}
					}
					all := roaring.New()
					all.AddRange(0, ss.Segment().Count())
					for round := range 4 {
						want := all
						if round > 0 {
							want = roaring.New()
							for x := range uint32(ss.Segment().Count()) {
								if r.IntN(round+1) == 0 {
									want.Add(x)
								}
							}
						}
						zap := readPostings(t, plain, field, term, want)
						got := readPostings(t, cached, field, term, want)
						cached.postings.wait()
						if len(got) != len(zap) {
							t.Fatalf("%s:%s round %d: %d notes from the cache, %d from zap", field, word, round, len(got), len(zap))
						}
						for l, p := range zap {
							if got[l] != p {
								t.Fatalf("%s:%s note %d: %v from the cache, %v from zap", field, word, l, got[l], p)
							}
						}
						checked += len(zap)
					}
					if len(readPostings(t, plain, field, term, all)) > 0 && len(cached.postings.entries) != 1 {
						t.Errorf("%s:%s: %d lists kept after four reads", field, word, len(cached.postings.entries))
					}
					if holds != releases || background && holds != len(cached.postings.entries) {
						t.Errorf("%s:%s: segment held %d times, released %d, for %d lists", field, word, holds, releases, len(cached.postings.entries))
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}
}

// searchPages searches each query's first pages (5 notes each), the result
// cache cleared, and returns their totals and notes, one line a page.
func searchPages(t *testing.T, ix *Index, notes Notes, queries []string, pages int) []string {
	t.Helper()
	var out []string
	for _, q := range queries {
		for page := 1; page <= pages; page++ {
			ix.cache.clear()
			res, err := ix.Search(context.Background(), query.Request{Q: q, Page: page, PerPage: 5, NoSuggestion: true}, notes)
			if err != nil {
				t.Fatal(err)
			}
			s := fmt.Sprintf("%s p%d total %d:", q, page, res.Total)
			for _, h := range res.Hits {
				s += " " + h.ID
			}
			out = append(out, s)
		}
	}
	return out
}

// The cache keeps to its size, and keeps nothing read only once or too
// short. Once full, a list takes the place of the least recently used ones
// only when read more often than they were.
func TestPostingsCacheBounded(t *testing.T) {
	defer func(n uint64) { minCachedPostings = n }(minCachedPostings)
	ix, _ := openDemoIndex(t)
	v := snapshotView(t, ix)
	seg := v.segs[0].Segment()
	dict, err := seg.Dictionary(schema.Body)
	if err != nil {
		t.Fatal(err)
	}
	var terms []string
	it := dict.AutomatonIterator(nil, nil, nil)
	for e, err := it.Next(); err == nil && e != nil && len(terms) < 40; e, err = it.Next() {
		if e.Count >= 3 && e.Count <= 25 {
			terms = append(terms, e.Term)
		}
	}
	if len(terms) < 20 {
		t.Fatalf("only %d terms", len(terms))
	}
	c := newPostingsCache(1000) // lists of 3 to 25 postings: a few dozen
	read := func(term string) bool {
		p, err := dict.PostingsList([]byte(term), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		c.get(postingsKey{1, schema.Body, term}, p, nil)
		var sum int64
		for _, e := range c.entries {
			sum += e.Value.(*decodedPostings).bytes()
		}
		if c.size != sum || c.size > c.max || c.lru.Len() != len(c.entries) {
			t.Fatalf("size %d, entries %d bytes, max %d", c.size, sum, c.max)
		}
		_, ok := c.entries[postingsKey{1, schema.Body, term}]
		return ok
	}
	kept := func(term string) bool { _, ok := c.entries[postingsKey{1, schema.Body, term}]; return ok }
	minCachedPostings = 3
	full := 0
	for i, term := range terms {
		if read(term) {
			t.Fatalf("%s kept on its first read", term)
		}
		if !read(term) {
			full = i
			break
		}
	}
	if full == 0 {
		t.Fatal("the cache never filled: the test's cache is too large")
	}
	// A list read twice does not push out others read twice; read a third
	// time, it does.
	newcomer := terms[full]
	if kept(newcomer) {
		t.Fatalf("%s pushed out lists read as often", newcomer)
	}
	if !read(newcomer) || !kept(newcomer) {
		t.Fatalf("%s not kept on its third read", newcomer)
	}
	if kept(terms[0]) {
		t.Errorf("%s, the least recently used, still kept", terms[0])
	}
	minCachedPostings = 1 << 40
	if read("zzz-absent") {
		t.Fatal("an empty list kept")
	}
	// A list that could not be decoded (norms too many for 16 bits) is not
	// decoded again at every read.
	minCachedPostings = 3
	c = newPostingsCache(1 << 20)
	refused := terms[len(terms)-1]
	c.put(postingsKey{1, schema.Body, refused}, nil, 2)
	for range 3 {
		if read(refused) {
			t.Fatalf("%s kept after it could not be decoded", refused)
		}
	}
	if n := c.seen[postingsKey{1, schema.Body, refused}]; n != 0 {
		t.Fatalf("%s counted %d reads after it could not be decoded", refused, n)
	}
}

// Searches give the same pages, totals and scores with the cache as without.
func TestSearchSameWithPostingsCache(t *testing.T) {
	defer func(n uint64) { minCachedPostings = n }(minCachedPostings)
	ix, notes := openDemoIndex(t)
	saved := ix.postings
	defer func() { ix.postings = saved; ix.cache.clear() }()
	queries := []string{"logement", "économie sociale", "projet communauté", "alimentation quartier", "financement organisme communautaire", "coop", "logemnt abordable"}
	run := func() []string { return searchPages(t, ix, notes, queries, 3) }
	ix.postings = nil
	want := run()
	minCachedPostings = 1
	ix.postings = newPostingsCache(postingsCacheBytes)
	for round := range 3 {
		got := run()
		ix.postings.wait()
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("round %d: %s\n  without the cache: %s", round, got[i], want[i])
			}
		}
	}
	if len(ix.postings.entries) == 0 {
		t.Fatal("the cache kept nothing")
	}
}

// BenchmarkDecodedPostingsEach reads 200 notes among a decoded list of
// 60,000 postings in 100,000 notes (dense) and of 3,000 (sparse).
func BenchmarkDecodedPostingsEach(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{60000, 3000} {
		set := map[uint32]bool{}
		for len(set) < n {
			set[uint32(r.IntN(100000))] = true
		}
		docs := slices.Sorted(maps.Keys(set))
		freqs, norms := make([]uint64, n), make([]float32, n)
		for i := range docs {
			freqs[i], norms[i] = 1, 0.1
		}
		dp := newDecodedPostings(postingsKey{}, docs, freqs, norms)
		want := roaring.New()
		for want.GetCardinality() < 200 {
			want.Add(uint32(r.IntN(100000)))
		}
		b.Run(fmt.Sprintf("postings=%d", n), func(b *testing.B) {
			sum := uint64(0)
			for i := 0; i < b.N; i++ {
				dp.each(want, func(_, f uint64, _ float64) { sum += f })
			}
		})
	}
}

// Warm decodes the longest lists first, up to half the cache, each counted
// as read once.
func TestWarmPostings(t *testing.T) {
	defer func(n uint64) { minCachedPostings = n }(minCachedPostings)
	minCachedPostings = 5
	ix, _ := openDemoIndex(t)
	saved := ix.postings
	defer func() { ix.postings = saved }()
	ix.postings = newPostingsCache(4000)
	if err := ix.Warm(nil); err != nil {
		t.Fatal(err)
	}
	c := ix.postings
	if len(c.entries) == 0 || c.size > c.max/2 {
		t.Fatalf("%d lists, %d bytes of %d", len(c.entries), c.size, c.max)
	}
	// The longest list of the snapshot is among them (of the fields scored
	// from their postings: not the words as written).
	v := snapshotView(t, ix)
	var longest postingsKey
	most := uint64(0)
	for _, ss := range v.segs {
		for _, tier := range schema.FieldTiers {
			for _, field := range tier {
				if field == fWords {
					if c.has(postingsKey{ss.Id(), field, "organismes"}) {
						t.Errorf("a list of the words as written decoded")
					}
					continue
				}
				dict, err := ss.Segment().Dictionary(field)
				if err != nil {
					t.Fatal(err)
				}
				it := dict.AutomatonIterator(nil, nil, nil)
				for e, err := it.Next(); err == nil && e != nil; e, err = it.Next() {
					if e.Count > most {
						longest, most = postingsKey{ss.Id(), field, e.Term}, e.Count
					}
				}
			}
		}
	}
	if !c.has(longest) {
		t.Errorf("the longest list (%v, %d notes) not decoded", longest, most)
	}
	for e := c.lru.Front(); e != nil; e = e.Next() {
		dp := e.Value.(*decodedPostings)
		if dp.reads != 1 || uint64(dp.n) < minCachedPostings {
			t.Errorf("%v: %d reads, %d postings", dp.key, dp.reads, dp.n)
		}
	}
}

// Searches side by side while lists are decoded in the background (run with
// -race): the same pages as one at a time.
func TestPostingsCacheConcurrentSearches(t *testing.T) {
	defer func(n uint64) { minCachedPostings = n }(minCachedPostings)
	ix, notes := openDemoIndex(t)
	saved := ix.postings
	defer func() { ix.postings = saved; ix.cache.clear() }()
	minCachedPostings = 1
	ix.postings = newPostingsCache(1 << 20)
	queries := []string{"logement", "économie sociale", "projet communauté", "alimentation quartier", "coop"}
	want := map[string]string{}
	page := func(q string) string {
		res, err := ix.Search(context.Background(), query.Request{Q: q, Page: 1, PerPage: 5, NoSuggestion: true, Facets: []string{}}, notes)
		if err != nil {
			t.Error(err)
			return ""
		}
		s := fmt.Sprint(res.Total)
		for _, h := range res.Hits {
			s += " " + h.ID
		}
		return s
	}
	for _, q := range queries {
		want[q] = page(q)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				q := queries[(g+i)%len(queries)]
				ix.cache.clear()
				if got := page(q); got != want[q] {
					t.Errorf("%q: %s, alone %s", q, got, want[q])
				}
			}
		}()
	}
	wg.Wait()
	ix.postings.wait()
	if len(ix.postings.entries) == 0 {
		t.Fatal("nothing decoded")
	}
}
