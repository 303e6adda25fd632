package index

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
	"github.com/encommun/trouvaille/store"
)

// The fuzz index: the demo corpus's notes, twice over under new ids, with
// visibilities, communities and readers of every kind, loaded in batches
// with updates and deletions in between (several segments, documents
// deleted in them), and the words its queries are made of.
var fuzzIx struct {
	once   sync.Once
	dir    string
	ix     *Index
	fresh  *Index // the same live notes in one batch, into a new index
	notes  memNotes
	words  []string
	orgs   []string
	terms  []string
	pairs  []string   // two words side by side in a title
	byNote [][]string // each demo note's words (title, summary, terms, organisations)
	demo   []*store.Note
	err    error
}

func openFuzzIndex(t testing.TB) (*Index, memNotes) {
	t.Helper()
	fuzzIx.once.Do(func() { fuzzIx.err = buildFuzzIndex() })
	if fuzzIx.err != nil {
		t.Fatal(fuzzIx.err)
	}
	return fuzzIx.ix, fuzzIx.notes
}

func buildFuzzIndex() error {
	f, err := os.Open("../testdata/demo/notes.jsonl")
	if err != nil {
		return err
	}
	defer f.Close()
	var demo []*store.Note
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	words, orgs, terms, pairs := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for sc.Scan() {
		var n store.Note
		if err := json.Unmarshal(sc.Bytes(), &n); err != nil {
			return err
		}
		demo = append(demo, &n)
		texts := append([]string{n.Title, n.Summary}, n.Terms...)
		texts = append(texts, n.Organisations...)
		var own []string
		for i, s := range texts {
			ws := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && r != '·' })
			for k, w := range ws {
				if len([]rune(w)) >= 3 {
					words[w] = true
					own = append(own, w)
				}
				if i == 0 && k > 0 {
					pairs[ws[k-1]+" "+w] = true
				}
			}
		}
		fuzzIx.byNote = append(fuzzIx.byNote, own)
		fuzzIx.demo = append(fuzzIx.demo, &n)
		for _, o := range n.Organisations {
			orgs[o] = true
		}
		for _, x := range n.Terms {
			terms[x] = true
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	sorted := func(m map[string]bool) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	fuzzIx.words, fuzzIx.orgs, fuzzIx.terms, fuzzIx.pairs = sorted(words), sorted(orgs), sorted(terms), sorted(pairs)
	dir, err := os.MkdirTemp("", "trouvaille-fuzz-index")
	if err != nil {
		return err
	}
	fuzzIx.dir = dir
	ix, err := Open(dir+"/live", nil)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewSource(5))
	live := memNotes{}
	seq := uint64(0)
	vis := []string{"public", "public", "public", "community", "private"}
	for batch := range 14 {
		var entries []store.Entry
		for range 60 {
			seq++
			id := fmt.Sprintf("fz%03d", rng.Intn(2*len(demo)))
			if batch > 0 && rng.Intn(7) == 0 {
				delete(live, id)
				entries = append(entries, store.Entry{Seq: seq, ID: id})
				continue
			}
			n := *demo[rng.Intn(len(demo))]
			n.ID, n.Links = id, nil
			n.Visibility = vis[rng.Intn(len(vis))]
			n.Community, n.Readers = "", nil
			switch n.Visibility {
			case "community":
				n.Community = []string{"c1", "c2"}[rng.Intn(2)]
			case "private":
				n.Readers = []string{[]string{"u1", "u2"}[rng.Intn(2)]}
			}
			if rng.Intn(5) == 0 {
				n.PublishedAt = nil
			}
			live[id] = &n
			entries = append(entries, store.Entry{Seq: seq, ID: id, Note: &n})
		}
		if err := ix.Apply(lastEntries(entries)); err != nil {
			return err
		}
	}
	fuzzIx.ix, fuzzIx.notes = ix, live
	fresh, err := Open(dir+"/fresh", nil)
	if err != nil {
		return err
	}
	fuzzIx.fresh = fresh
	ids := make([]string, 0, len(live))
	for id := range live {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	entries := make([]store.Entry, len(ids))
	for i, id := range ids {
		entries[i] = store.Entry{Seq: uint64(i + 1), ID: id, Note: live[id]}
	}
	return fresh.Apply(entries)
}

// fuzzRequest turns the fuzzer's bytes into a request over the fuzz index's
// words: one to four words, mostly of one note, each as written, without
// accents, with two letters swapped (a typo), cut short (a prefix),
// excluded, or replaced by a phrase (two words side by side in a title) or
// by a member of a synonym group, excluded or not;
// then filters (values of that note, or of any), a date range and a scope.
func fuzzRequest(data []byte) query.Request {
	at := 0
	next := func() int {
		if at >= len(data) {
			return 0
		}
		at++
		return int(data[at-1])
	}
	// Words of one note mostly (a query some notes answer), some of any.
	pick := next() % len(fuzzIx.byNote)
	words, note := fuzzIx.byNote[pick], fuzzIx.demo[pick]
	if len(words) == 0 || next()%4 == 0 {
		words = fuzzIx.words
	}
	var parts []string
	nw := []int{1, 1, 2, 2, 3, 4}[next()%6]
	for i := 0; i < nw; i++ {
		w := []rune(words[(next()<<8|next())%len(words)])
		mod := next()
		switch mod % 16 {
		case 8, 9: // without accents
			w = []rune(unaccent.Replace(string(w)))
		case 10, 11: // two letters swapped
			if len(w) > 3 {
				k := 1 + (mod>>4)%(len(w)-2)
				w[k], w[k+1] = w[k+1], w[k]
			}
		case 12: // cut short
			w = w[:max(3, len(w)/2)]
		}
		s := string(w)
		switch mod % 16 {
		case 7: // two words hyphenated, a compound (« val-dor »)
			s += "-" + words[(next()<<8|next())%len(words)]
		case 13:
			if i > 0 {
				s = "-" + s
			}
		case 14:
			s = `"` + fuzzIx.pairs[(next()<<8|next())%len(fuzzIx.pairs)] + `"`
		case 15: // a member of a synonym group (an acronym, several words), sometimes excluded
			s = synonymMembers[(next()<<8|next())%len(synonymMembers)]
			if i > 0 && mod&0x10 != 0 {
				s = "-" + s
			}
		}
		parts = append(parts, s)
	}
	r := query.Request{Q: strings.Join(parts, " "), PerPage: 100, Filters: map[string][]string{}}
	// A value of the note the words come from, or of any note.
	value := func(own, all []string) string {
		if len(own) > 0 && next()%3 != 0 {
			return own[next()%len(own)]
		}
		return all[next()%len(all)]
	}
	if next()%6 == 0 {
		r.Filters["type"] = []string{value([]string{note.Type}, []string{"note", "terme", "organisation"})}
	}
	if next()%6 == 0 {
		r.Filters["organisation"] = []string{value(note.Organisations, fuzzIx.orgs), fuzzIx.orgs[next()%len(fuzzIx.orgs)]}
	}
	if next()%6 == 0 {
		r.Filters["term"] = []string{value(note.Terms, fuzzIx.terms)}
	}
	if len(note.Carnets) > 0 && next()%5 == 0 {
		// A carnet and a bloc of the note, from the same carnet or from
		// two of them (a bloc is read in its carnet: filterFields).
		c, b := note.Carnets[next()%len(note.Carnets)], note.Carnets[next()%len(note.Carnets)]
		if b.Bloc != "" {
			r.Filters["carnet"] = []string{c.Title}
			r.Filters["bloc"] = []string{b.Bloc}
		}
	}
	if next()%6 == 0 {
		d := time.Date(2018+next()%8, time.Month(1+next()%12), 1, 0, 0, 0, 0, time.UTC)
		r.PublishedAfter = &d
		if next()%2 == 0 { // within a year: the histogram by month
			e := d.AddDate(0, 1+next()%11, 0)
			r.PublishedBefore = &e
		}
	}
	switch next() % 6 {
	case 1:
		r.Scope = query.Scope{Level: query.LevelCommunity, Communities: []string{"c1"}}
	case 2:
		r.Scope = query.Scope{Level: query.LevelPrivate, User: "u1", Communities: []string{"c2"}}
	case 3:
		r.Scope = query.Scope{Admin: true}
	case 4:
		r.Scope = query.Scope{Filters: []map[string][]string{{"organisation": {value(note.Organisations, fuzzIx.orgs)}}}}
	}
	return r
}

// synonymMembers are what the default synonym list may add to a query.
var synonymMembers = analysis.DefaultSynonyms().Alternatives()

// unaccent removes accents the way a hurried reader does.
var unaccent = strings.NewReplacer("é", "e", "è", "e", "ê", "e", "à", "a", "â", "a", "ç", "c", "î", "i", "ô", "o", "û", "u", "ù", "u", "É", "E")

// FuzzExecutorMatchesBleve checks the bitmap executor against Bleve's
// searchers on a multi-segment index with deleted documents, for queries
// of words, typos, prefixes, exclusions and phrases, with filters, a date
// bound and every kind of scope: the same total, facet counts, histogram
// and notes with the same rule values, every note one the scope may see and
// the filters pass (checked on the note itself), in the rules' order; and
// a page of any size the same as ranking every counted note gives.
//
//	go test ./index -run - -fuzz FuzzExecutorMatchesBleve -fuzztime 60s
func FuzzExecutorMatchesBleve(f *testing.F) {
	// Seeds: byte strings from a fixed source (about two in five make
	// queries that find notes).
	rng := rand.New(rand.NewSource(11))
	for range 128 {
		b := make([]byte, 24)
		rng.Read(b)
		f.Add(b)
	}
	ix, notes := openFuzzIndex(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r := fuzzRequest(data)
		if err := r.Normalize(); err != nil {
			return
		}
		pq, err := query.Parse(r.Q)
		if err != nil {
			return
		}
		dict := ix.DictionaryFor(r.Scope)
		plan, err := query.NewPlan(pq, dict)
		dict.Close()
		if err != nil {
			return
		}
		if err := ix.applySynonyms(context.Background(), r.Scope, plan, pq, notes, !r.NoSynonyms); err != nil {
			t.Fatal(err)
		}
		if err := ix.verifyPhrases(context.Background(), r, plan, notes); err != nil {
			t.Fatal(err)
		}
		// Every segment split between the cores, for some inputs.
		if len(data) > 0 && data[len(data)-1]&1 != 0 {
			splitEverything(t)
		}
		// The strict query, then, when fewer notes than a page have every
		// word, the notes with most of the words (the executor's levels
		// against Bleve's searchers on the relaxed query).
		bleve, bits := strictBoth(t, ix, r, plan, 100_000)
		compareExec(t, ix, notes, r, bleve, bits, "strict")
		if nw := len(plan.Words()); nw >= 2 && bits.total < 20 {
			relaxed := executePlan(t, ix, r, plan, func(ep *execPlan) {
				ep.keep, ep.plan, ep.fill = 100_000, plan, 20
			})
			if relaxed.minWords < nw {
				bleve := executePlan(t, ix, r, plan, func(ep *execPlan) {
					ep.keep, ep.text = 100_000, plan.Relaxed(relaxed.minWords)
				})
				compareExec(t, ix, notes, r, bleve, relaxed, fmt.Sprintf("%d words of %d", relaxed.minWords, nw))
				if relaxed.strictTotal != bits.total {
					t.Fatalf("%q: %d notes with every word, %d strict", r.Q, relaxed.strictTotal, bits.total)
				}
			}
		}
		// The index written batch after batch answers as one written
		// at once from the same notes: same total, relaxation, facets
		// and notes, in the same order, for every order and any page.
		all := r
		all.NoSuggestion, all.NoSnippets = true, true
		all.Sort = []string{"", "-published_at", "published_at", "title"}[len(data)%4]
		all.PerPage = 1 + len(data)%23
		all.Page = 1 + len(data)%5
		if err := all.Normalize(); err != nil {
			t.Fatal(err)
		}
		live, err := ix.Search(context.Background(), all, notes)
		if err != nil {
			t.Fatal(err)
		}
		once, err := fuzzIx.fresh.Search(context.Background(), all, notes)
		if err != nil {
			t.Fatal(err)
		}
		if live.Total != once.Total || live.Relaxed != once.Relaxed || !reflect.DeepEqual(live.Facets, once.Facets) {
			t.Fatalf("%q %+v: total %d, relaxed %v, facets %v; written at once %d, %v, %v", r.Q, r.Filters, live.Total, live.Relaxed, live.Facets, once.Total, once.Relaxed, once.Facets)
		}
		if a, b := ids(live), ids(once); a != b {
			t.Fatalf("%q %+v sort %q page %d×%d: notes %s; written at once %s", r.Q, r.Filters, all.Sort, all.Page, all.PerPage, a, b)
		}
		// A page of any size: the bucket sort picks the notes, in the
		// order, with the rule values and scores that ranking every
		// counted note gives (the per-note oracle).
		keep := 1 + len(data)%41
		page := func(perNote bool) *execResult {
			return executePlan(t, ix, r, plan, func(ep *execPlan) {
				ep.plan, ep.fill, ep.keep, ep.perNote = plan, keep, keep, perNote
			})
		}
		want, got := page(true), page(false)
		if want.total != got.total || want.minWords != got.minWords || len(want.hits) != len(got.hits) {
			t.Fatalf("%q keep %d: total %d, words %d, %d hits; per note %d, %d, %d", r.Q, keep, got.total, got.minWords, len(got.hits), want.total, want.minWords, len(want.hits))
		}
		// Notes told apart by id: the two runs take their own snapshots,
		// and a merge between them (Bleve's, in the background) numbers
		// the notes anew (seen under -race: « hit 0 is 337; per note 58 »,
		// the same note).
		for i := range want.hits {
			w, g := want.hits[i], got.hits[i]
			wid, err := w.v.externalID(w)
			if err != nil {
				t.Fatal(err)
			}
			gid, err := g.v.externalID(g)
			if err != nil {
				t.Fatal(err)
			}
			if wid != gid || w.key != g.key || w.score != g.score {
				t.Fatalf("%q keep %d: hit %d is %s %v %.4f; per note %s %v %.4f", r.Q, keep, i, gid, g.key, g.score, wid, w.key, w.score)
			}
		}
	})
}

// compareExec fails the test unless the bitmap executor's result bits is
// Bleve's: the same total, facet counts, histogram, notes and rule values;
// every note one the scope may see and the filters pass (checked on the
// note itself), in the rules' order.
func compareExec(t *testing.T, ix *Index, notes memNotes, r query.Request, bleve, bits *execResult, what string) {
	t.Helper()
	if !bits.filled {
		t.Fatalf("%q (%s): the bitmap executor did not run", r.Q, what)
	}
	if bleve.total != bits.total {
		t.Fatalf("%q %+v (%s): total %d (bitmaps) vs %d (Bleve)", r.Q, r.Filters, what, bits.total, bleve.total)
	}
	if !reflect.DeepEqual(bleve.counts, bits.counts) || !reflect.DeepEqual(bleve.hist, bits.hist) {
		for i, name := range r.WantFacets() {
			if !reflect.DeepEqual(bleve.counts[i], bits.counts[i]) {
				_, col, _ := schema.ByFacet(name)
				var d []string
				for o := range bits.counts[i] {
					var b uint32
					if o < len(bleve.counts[i]) {
						b = bleve.counts[i][o]
					}
					if b != bits.counts[i][o] {
						d = append(d, fmt.Sprintf("%s %d (Bleve %d)", ix.cols.value(col, uint32(o)), bits.counts[i][o], b))
					}
				}
				t.Logf("facet %s: %s", name, strings.Join(d, ", "))
			}
		}
		t.Logf("histogram %v (Bleve %v)", bits.hist, bleve.hist)
		t.Fatalf("%q %+v (%s): facets differ", r.Q, r.Filters, what)
	}
	keys := func(er *execResult) map[string]rankKey {
		m := map[string]rankKey{}
		for _, h := range er.hits {
			id, err := er.view.externalID(h)
			if err != nil {
				t.Fatal(err)
			}
			m[id] = h.key
		}
		return m
	}
	a, b := keys(bleve), keys(bits)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("%q %+v (%s): %d notes (bitmaps) vs %d (Bleve), or different rule values", r.Q, r.Filters, what, len(b), len(a))
	}
	if uint64(len(b)) != bits.total {
		t.Fatalf("%q (%s): %d notes kept of %d", r.Q, what, len(b), bits.total)
	}
	for id := range b {
		n := notes[id]
		if n == nil {
			t.Fatalf("%q: note %s found but deleted", r.Q, id)
		}
		if !r.Scope.Allows(n) {
			t.Fatalf("%q: note %s (%s, %q, %v) found by a scope that may not see it: %+v", r.Q, id, n.Visibility, n.Community, n.Readers, r.Scope)
		}
		for name, want := range r.Filters {
			if !slices.ContainsFunc(query.NoteValues(n, name), func(v string) bool { return slices.Contains(want, v) }) {
				t.Fatalf("%q: note %s fails filter %s=%v", r.Q, id, name, want)
			}
		}
		if !(query.Scope{Admin: true, Filters: []map[string][]string{r.Filters}}).Allows(n) {
			t.Fatalf("%q: note %s fails the filters %v read together (a bloc in its carnet)", r.Q, id, r.Filters)
		}
		if r.PublishedAfter != nil && (n.PublishedAt == nil || n.PublishedAt.Before(*r.PublishedAfter)) {
			t.Fatalf("%q: note %s published %v, before %v", r.Q, id, n.PublishedAt, r.PublishedAfter)
		}
		if r.PublishedBefore != nil && (n.PublishedAt == nil || !n.PublishedAt.Before(*r.PublishedBefore)) {
			t.Fatalf("%q: note %s published %v, not before %v", r.Q, id, n.PublishedAt, r.PublishedBefore)
		}
	}
	for i := 1; i < len(bits.hits); i++ {
		if better(bits.hits[i], bits.hits[i-1], "relevance") {
			t.Fatalf("%q (%s): hits out of order at %d", r.Q, what, i)
		}
	}
}
