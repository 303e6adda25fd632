package index

import (
	"context"
	"fmt"
	"maps"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"

	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/index/termdict"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
	"github.com/encommun/trouvaille/store"
)

// The planner's dictionary reads each segment itself and caches each
// segment's answer across writes. After every batch (new segments, merges,
// updates and deletions) its answers must equal Bleve's own snapshot
// dictionaries over an index of the same notes written at once (so no
// deleted note): the same terms in the same order with the same
// frequencies, the replaced and removed notes counting for nothing (Bleve
// leaves the frequencies of typo look-ups out, so they are summed here from
// exact look-ups).
func TestDictionaryMatchesBleve(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	dir := t.TempDir()
	ix, err := Open(dir+"/ix", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	vocab := strings.Fields("logement logements loger logis locataire location locaux local économie économique écologie école " +
		"coopérative coopération coop jardin jardins jardinage quartier quartiers participant·es participation partage")
	seq := uint64(0)
	probes := []string{"log", "loge", "lo", "econ", "ecol", "coop", "jard", "quart", "part", "z", "é", "logement"}
	fuzzies := []struct {
		term string
		n    int
	}{{"logemnt", 1}, {"logemnt", 2}, {"jardni", 2}, {"coperati", 2}, {"quartie", 1}, {"econom", 1}}
	segs, deletions := 0, false
	model := map[string]store.Entry{}
	for batch := 0; batch < 10; batch++ {
		var entries []store.Entry
		for i := 0; i < 30; i++ {
			seq++
			id := fmt.Sprintf("n%03d", rng.Intn(120))
			if rng.Intn(6) == 0 {
				entries = append(entries, store.Entry{Seq: seq, ID: id})
				continue
			}
			var words []string
			for k := 0; k < 3+rng.Intn(8); k++ {
				words = append(words, vocab[rng.Intn(len(vocab))])
			}
			n := &store.Note{ID: id, Type: "note", Title: strings.Join(words[:2], " "), Body: strings.Join(words, " "), Visibility: "public"}
			entries = append(entries, store.Entry{Seq: seq, ID: id, Note: n})
		}
		if err := ix.Apply(lastEntries(entries)); err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Note == nil {
				delete(model, e.ID)
			} else {
				model[e.ID] = e
			}
		}
		view := snapshotView(t, ix)
		segs = max(segs, len(view.segs))
		for _, ss := range view.segs {
			if d := ss.Deleted(); d != nil && !d.IsEmpty() {
				deletions = true
			}
		}
		check := func(r bindex.IndexReader, dict *termdict.Dict) string {
			for _, field := range []string{schema.Title, schema.Body, schema.Words} {
				for _, p := range probes {
					if field != schema.Words {
						p = analysis.Fold(p)
					}
					var wantN uint64
					if first, err := r.FieldDictPrefix(field, []byte(p)); err != nil {
						t.Fatal(err)
					} else if terms, err := termdict.Collect(first, 1); err != nil {
						t.Fatal(err)
					} else if len(terms) == 1 && terms[0].Term == p {
						wantN = terms[0].Count
					}
					if n, err := dict.Term(field, p); err != nil || n != wantN {
						return fmt.Sprintf("Term(%s, %q) = %d %v, Bleve: %d", field, p, n, err, wantN)
					}
					for _, limit := range []int{0, 1, 3} {
						fd, err := r.FieldDictPrefix(field, []byte(p))
						if err != nil {
							t.Fatal(err)
						}
						want, err := termdict.Collect(fd, limit)
						if err != nil {
							t.Fatal(err)
						}
						got, err := dict.Prefix(field, p, limit)
						if err != nil {
							t.Fatal(err)
						}
						if !sameTerms(got, want) {
							return fmt.Sprintf("Prefix(%s, %q, %d) = %v, Bleve: %v", field, p, limit, got, want)
						}
					}
				}
				for _, f := range fuzzies {
					fd, err := r.(bindex.IndexReaderFuzzy).FieldDictFuzzy(field, f.term, f.n, f.term[:1])
					if err != nil {
						t.Fatal(err)
					}
					want, err := termdict.Collect(fd, 0)
					if err != nil {
						t.Fatal(err)
					}
					for i := range want {
						exact, err := r.FieldDictPrefix(field, []byte(want[i].Term))
						if err != nil {
							t.Fatal(err)
						}
						first, err := termdict.Collect(exact, 1)
						if err != nil {
							t.Fatal(err)
						}
						want[i].Count = first[0].Count
					}
					got, err := dict.Fuzzy(field, f.term, f.n)
					if err != nil {
						t.Fatal(err)
					}
					if !sameTerms(got, want) {
						return fmt.Sprintf("Fuzzy(%s, %q, %d) = %v, Bleve: %v", field, f.term, f.n, got, want)
					}
				}
			}
			return ""
		}
		fresh, err := Open(fmt.Sprintf("%s/fresh%d", dir, batch), nil)
		if err != nil {
			t.Fatal(err)
		}
		var all []store.Entry
		for _, e := range model {
			all = append(all, e)
		}
		if err := fresh.Apply(all); err != nil {
			t.Fatal(err)
		}
		adv, err := fresh.bi.Advanced()
		if err != nil {
			t.Fatal(err)
		}
		r, err := adv.Reader()
		if err != nil {
			t.Fatal(err)
		}
		dict := ix.Dictionary()
		msg := check(r, dict)
		dict.Close()
		r.Close()
		fresh.Close()
		if msg != "" {
			t.Fatalf("batch %d: %s", batch, msg)
		}
	}
	if segs < 2 || !deletions {
		t.Fatalf("at most %d segment(s), deleted notes %v: the merge of segments' answers, or the deleted notes left out, is not checked", segs, deletions)
	}
}

func sameTerms(a, b []query.DictTerm) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

// The look-up cache keeps to its byte bound, counting what it holds
// exactly, and keeps the most recent look-ups.
func TestExpansionCacheBytes(t *testing.T) {
	c := newExpansionCache(4096)
	big := make([]query.DictTerm, 40)
	for i := range big {
		big[i] = query.DictTerm{Term: fmt.Sprintf("terme%03d", i), Count: 1}
	}
	for i := 0; i < 200; i++ {
		k := fmt.Sprintf("%d|p|body|t%d|1", i%7, i)
		if i%10 == 0 {
			c.Put(k, big)
		} else {
			c.Put(k, []query.DictTerm{{Term: "t", Count: 2}})
		}
		c.Put(k, []query.DictTerm{{Term: "t", Count: 3}}) // replaced: counted once
		want := 0
		for _, key := range c.lru.Keys() {
			v, _ := c.lru.Peek(key)
			want += entryBytes(key, v)
		}
		if c.bytes != want || c.bytes > c.max {
			t.Fatalf("after %d puts: %d bytes counted, %d held, bound %d", i+1, c.bytes, want, c.max)
		}
		if v, ok := c.Get(k); !ok || v.([]query.DictTerm)[0].Count != 3 {
			t.Fatalf("the last look-up is not kept: %v %v", v, ok)
		}
	}
	c.clear()
	if c.bytes != 0 || c.lru.Len() != 0 {
		t.Errorf("after clear: %d bytes, %d entries", c.bytes, c.lru.Len())
	}
}

// A search that read the index before a change and finished after it must
// not leave its result in the cache: it would be served until the next
// change (seen in CI: a search during the last batch of writes cached zero
// hits, and a search after the writes got them).
func TestResultCacheRefusesStaleResults(t *testing.T) {
	c := newResultCache(8)
	gen := c.generation()
	c.clear() // the index changed while the search ran
	c.put(gen, "q", "stale")
	if v, ok := c.get("q"); ok {
		t.Fatalf("a result from before the change is served: %v", v)
	}
	gen = c.generation()
	c.put(gen, "q", "fresh")
	if v, ok := c.get("q"); !ok || v != "fresh" {
		t.Fatalf("a current result is not kept: %v %v", v, ok)
	}
}

// The dictionary's frequencies are exact on a merged segment too, where
// zap's own iterator counts a title word of several notes 1 when it comes
// after a word of a single note (termdict.Terms). Planning picks
// completions and corrections by these frequencies, and the postings
// warm-up the common lists.
func TestDictionaryCountsOnMergedSegment(t *testing.T) {
	ix, err := Open(t.TempDir()+"/ix", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	titles := []string{"abeille", "bouleau bouleau", "bouleau", "bouleau", "cerisier", "cerisier", "dahlia", "érable", "érable", "érable", "érable"}
	want := map[string]uint64{}
	for i, title := range titles {
		n := &store.Note{ID: fmt.Sprintf("n%02d", i), Type: "note", Title: title, Visibility: "public"}
		if err := ix.Apply([]store.Entry{{Seq: uint64(i + 1), ID: n.ID, Note: n}}); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, w := range strings.Fields(title) {
			if !seen[w] {
				seen[w] = true
				want[analysis.Fold(w)]++
			}
		}
	}
	if err := ix.Compact(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if segs := snapshotView(t, ix).segs; len(segs) != 1 {
		t.Fatalf("%d segments after the merge, want 1", len(segs))
	}
	for _, sc := range []query.Scope{{}, {Admin: true, Level: query.LevelPrivate}} {
		dict := ix.DictionaryFor(sc)
		for _, field := range []string{schema.Title, schema.Words} {
			got, err := dict.Prefix(field, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]uint64{}
			for _, dt := range got {
				m[dt.Term] = dt.Count
			}
			for w, n := range want {
				term := w
				if field == schema.Title {
					term = analysis.Analyze(w)[0].Term
				}
				if m[term] != n {
					t.Errorf("scope %+v, Prefix(%s) counts %q %d times, want %d (all: %v)", sc, field, term, m[term], n, got)
				}
			}
		}
		dict.Close()
	}
}

// BenchmarkDictionaryPrefixUncached: the prefix and typo look-ups a short
// word plans (every text field, the words as written), none cached, on the
// demo corpus merged into one segment, for an anonymous caller and the
// admin (the exact counts of termdict.Terms).
func BenchmarkDictionaryPrefixUncached(b *testing.B) {
	ix, err := Open(b.TempDir()+"/ix", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	_, notes := openDemoIndex(b)
	var entries []store.Entry
	for _, id := range slices.Sorted(maps.Keys(notes)) {
		entries = append(entries, store.Entry{Seq: uint64(len(entries) + 1), ID: id, Note: notes[id]})
	}
	for at := 0; at < len(entries); at += 50 {
		if err := ix.Apply(entries[at:min(len(entries), at+50)]); err != nil {
			b.Fatal(err)
		}
	}
	if err := ix.Compact(context.Background(), 1); err != nil {
		b.Fatal(err)
	}
	for _, sc := range []query.Scope{{}, {Admin: true, Level: query.LevelPrivate}} {
		b.Run(fmt.Sprintf("admin=%v", sc.Admin), func(b *testing.B) {
			for b.Loop() {
				d := termdict.CountOnly(ix.bi, newExpansionCache(1<<20), visibleNotes(sc))
				for _, f := range []string{schema.Title, schema.Body, schema.Summary, schema.TermsT, schema.OrgsT, schema.Words} {
					if _, err := d.Prefix(f, "c", 0); err != nil {
						b.Fatal(err)
					}
					if _, err := d.Fuzzy(f, "logemnt", 1); err != nil {
						b.Fatal(err)
					}
				}
				d.Close()
			}
		})
	}
}

// TestDictionaryHas: Has says what Term > 0 says, for every scope (a term
// only hidden notes hold is absent for a caller who may not see them), and
// leaves nothing in the look-up cache.
func TestDictionaryHas(t *testing.T) {
	notes := []*store.Note{
		{ID: "pub", Type: "note", Visibility: "public", Title: "Habitation partagée"},
		{ID: "priv", Type: "note", Visibility: "private", Title: "Dossier hirondelle", Readers: []string{"u1"}},
		{ID: "both", Type: "note", Visibility: "private", Title: "Habitation hirondelle", Readers: []string{"u2"}},
	}
	ix, _ := openTestIndex(t, notes)
	for _, sc := range []query.Scope{{}, {Admin: true, Level: query.LevelPrivate}, {Level: query.LevelPrivate, User: "u1"}} {
		d := ix.DictionaryFor(sc)
		for _, f := range []string{schema.Title, schema.Words, schema.Body} {
			for _, term := range []string{"habit", "hirondel", "dossi", "absent", "habitation", "hirondelle", "dossier"} {
				before := ix.expansions.lru.Len()
				has, err := d.Has(f, term)
				if err != nil {
					t.Fatal(err)
				}
				if ix.expansions.lru.Len() != before {
					t.Errorf("Has(%s, %s) filled the cache", f, term)
				}
				n, err := d.Term(f, term)
				if err != nil {
					t.Fatal(err)
				}
				if has != (n > 0) {
					t.Errorf("scope %+v: Has(%s, %s) = %v, Term = %d", sc, f, term, has, n)
				}
			}
		}
		d.Close()
	}
}
