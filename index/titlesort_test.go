package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// A page by title read from the title dictionaries (titleWalk) or from the
// titles of the notes found (titleTop) is the page Bleve's sort gives
// (titlePage): every query of the executor's tests,
// browsing with and without filters, relaxed queries, every scope, pages
// from the first to past the end.
func TestTitleWalkMatchesBleveSort(t *testing.T) {
	ix, notes := openDemoIndex(t)
	type req struct {
		q       string
		filters map[string][]string
	}
	reqs := []req{{"", nil}, {"", map[string][]string{"type": {"note"}}}, {"", map[string][]string{"organisation": {"TIESS"}}}}
	for _, tc := range executorQueries {
		reqs = append(reqs, req{tc.q, tc.filters})
	}
	for _, q := range bucketQueries {
		reqs = append(reqs, req{q, nil})
	}
	scopes := []query.Scope{{}, {Admin: true}, {Level: query.LevelPrivate, User: "u-lea"}}
	compared, walked := 0, 0
	for _, rq := range reqs {
		for si, sc := range scopes {
			for _, pp := range [][2]int{{1, 1}, {1, 10}, {2, 3}, {3, 7}, {1, 100}, {40, 5}} {
				r := query.Request{Q: rq.q, Filters: rq.filters, Sort: "title", Page: pp[0], PerPage: pp[1], Scope: sc}
				if err := r.Normalize(); err != nil {
					t.Fatal(err)
				}
				name := fmt.Sprintf("%q %v scope %d page %d×%d", rq.q, rq.filters, si, pp[0], pp[1])
				got, ok := compareTitlePages(t, ix, notes, r, name)
				if !ok {
					continue
				}
				compared++
				if got > 0 {
					walked++
				}
			}
		}
	}
	if walked < compared/2 {
		t.Errorf("only %d of %d pages compared held notes", walked, compared)
	}
}

// compareTitlePages reads the page of r (sorted by title) the three ways, as
// find does, and reports a difference; it returns how many notes the page
// holds, and false when the bitmap executor did not run.
func compareTitlePages(t *testing.T, ix *Index, notes memNotes, r query.Request, name string) (int, bool) {
	t.Helper()
	plan := planFor(t, ix, notes, r)
	ep, err := ix.searchPlan(r, plan, notes)
	if err != nil {
		t.Fatal(err)
	}
	er, err := ix.execute(context.Background(), ep)
	if err != nil {
		t.Fatal(err)
	}
	defer er.release()
	if er.matched == nil {
		return 0, false // not the bitmap executor's: Bleve's sort only
	}
	if n := len(plan.Words()); er.filled && er.minWords < n {
		ep.text = plan.Relaxed(er.minWords)
	}
	if got := er.matched.card(); got != er.total {
		t.Errorf("%s: %d notes kept, %d counted", name, got, er.total)
	}
	skip, need := (r.Page-1)*r.PerPage, r.Page*r.PerPage
	got, err := titleWalk(context.Background(), er.view, er.matched, skip, need)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ix.titlePage(context.Background(), r, ep.text)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: walk %v, Bleve %v", name, got, want)
	}
	top, err := titleTop(context.Background(), er.view, er.matched, skip, need)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(top, want) {
		t.Errorf("%s: doc values %v, Bleve %v", name, top, want)
	}
	return len(got), true
}

// Notes of one title (folded: « Économie » and « economie » are one) come
// by id, whichever segment holds them; deleted and updated notes are gone
// from the walk and the heap as from Bleve's sort.
func TestTitleWalkTiesAcrossSegments(t *testing.T) {
	ix, err := Open(t.TempDir()+"/index", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	m := memNotes{}
	// "\u200b" folds to nothing: an empty title sorts first.
	titles := []string{"Économie sociale", "economie sociale", "Jardin collectif", "Atelier", "Zone d’essai", "atelier", "\u200b"}
	seq := uint64(0)
	batch := func(from, to int, title func(i int) string) {
		var entries []store.Entry
		for i := from; i < to; i++ {
			seq++
			vis := "public"
			if i%5 == 0 {
				vis = "private"
			}
			n := &store.Note{ID: fmt.Sprintf("n%02d", (i*37)%100), Type: "note", Title: title(i), Body: "Une note sur le jardin.", Visibility: vis}
			m[n.ID] = n
			entries = append(entries, store.Entry{Seq: seq, ID: n.ID, Note: n})
		}
		if err := ix.Apply(entries); err != nil {
			t.Fatal(err)
		}
	}
	first := func(i int) string { return titles[i%len(titles)] }
	batch(0, 30, first)
	batch(30, 60, first)
	batch(10, 20, func(i int) string { return "Atelier " + titles[(i+1)%len(titles)] }) // updates
	seq++
	if err := ix.Apply([]store.Entry{{Seq: seq, ID: "n37"}}); err != nil { // a deletion
		t.Fatal(err)
	}
	delete(m, "n37")
	// Bleve's merger may have merged them already on a busy host: one more
	// note at a time makes a new segment, which it does not merge at once.
	n, _ := ix.Segments()
	for i := 60; n < 2 && i < 100; i++ {
		batch(i, i+1, first)
		n, _ = ix.Segments()
	}
	if n < 2 {
		t.Fatalf("%d segment(s): the ties must span several", n)
	}
	pages := 0
	for _, q := range []string{"", "jardin"} {
		for si, sc := range []query.Scope{{}, {Admin: true}} {
			for page := 1; page <= 9; page++ {
				r := query.Request{Q: q, Sort: "title", Page: page, PerPage: 7, Scope: sc}
				if err := r.Normalize(); err != nil {
					t.Fatal(err)
				}
				if n, ok := compareTitlePages(t, ix, m, r, fmt.Sprintf("%q scope %d page %d", q, si, page)); ok && n > 0 {
					pages++
				}
			}
		}
	}
	if pages < 20 {
		t.Errorf("only %d pages held notes", pages)
	}
}

// titleTop places the notes by the first eight bytes of their titles and
// reads in full only those sharing those bytes with the page: titles alike
// for their first eight bytes or more (« Rapport annuel … »), shorter than
// eight bytes, one the start of another, empty, with accents folded, over
// several segments, with pages cutting a run of equal keys anywhere, in the
// order Bleve's sort gives.
func TestTitleTopKeysShared(t *testing.T) {
	ix, err := Open(t.TempDir()+"/index", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	m := memNotes{}
	titles := []string{"Rapport annuel 2024", "Rapport annuel 2023", "rapport annuel", "Rapport", "Rapport a", "Rapporta",
		"Rapports", "Ra", "Rapport annuel 2023 — bilan", "RAPPORT ANNUEL 2023", "Râpé", "Rapport annuel de la coop", "\u200b", "Zz"}
	seq := uint64(0)
	for part := range 3 { // three writes, three segments at least until merged
		var entries []store.Entry
		for i := range 40 {
			seq++
			n := &store.Note{ID: fmt.Sprintf("n%03d", (part*40+i)*7%120), Type: "note", Title: titles[(part*40+i)%len(titles)] + strings.Repeat(" bis", i%3),
				Body: "Le rapport du jardin.", Visibility: "public"}
			m[n.ID] = n
			entries = append(entries, store.Entry{Seq: seq, ID: n.ID, Note: n})
		}
		if err := ix.Apply(entries); err != nil {
			t.Fatal(err)
		}
	}
	compared := 0
	defer func(n int) { groupWalkFrom = n }(groupWalkFrom)
	for _, groupWalkFrom = range []int{16, 0, 1 << 30} { // the groups walked or read, either way
		for _, q := range []string{"", "rapport", "jardin"} {
			for _, pp := range [][2]int{{1, 1}, {1, 7}, {2, 7}, {3, 11}, {5, 5}, {1, 100}, {2, 100}, {13, 9}, {2, 59}} {
				r := query.Request{Q: q, Sort: "title", Page: pp[0], PerPage: pp[1]}
				if err := r.Normalize(); err != nil {
					t.Fatal(err)
				}
				if n, ok := compareTitlePages(t, ix, m, r, fmt.Sprintf("%q page %d×%d", q, pp[0], pp[1])); ok && n > 0 {
					compared++
				}
			}
		}
	}
	if compared < 60 {
		t.Errorf("only %d pages compared held notes", compared)
	}
}

// BenchmarkTitleWalk and BenchmarkTitleTop read the 50th page of 20 by title
// of a browse of 20,000 notes, the two ways (walkTitles picks the walk here).
func BenchmarkTitleWalk(b *testing.B) { benchmarkTitles(b, titleWalk) }
func BenchmarkTitleTop(b *testing.B)  { benchmarkTitles(b, titleTop) }

func benchmarkTitles(b *testing.B, read func(context.Context, *view, region, int, int) ([]string, error)) {
	words := strings.Fields("atelier jardin économie sociale logement coopérative quartier cuisine collective mobilisation voisinage récolte")
	var notes []*store.Note
	for i := range 20000 {
		title := fmt.Sprintf("%s %s %d", words[i%len(words)], words[(i/len(words))%len(words)], i)
		notes = append(notes, &store.Note{ID: fmt.Sprintf("n%05d", i), Type: "note", Title: title, Visibility: "public"})
	}
	ix, m := openTestIndex(b, notes)
	r := query.Request{Sort: "title", Page: 50, PerPage: 20}
	if err := r.Normalize(); err != nil {
		b.Fatal(err)
	}
	ep, err := ix.searchPlan(r, planFor(b, ix, m, r), m)
	if err != nil {
		b.Fatal(err)
	}
	er, err := ix.execute(context.Background(), ep)
	if err != nil {
		b.Fatal(err)
	}
	defer er.release()
	skip, need := (r.Page-1)*r.PerPage, r.Page*r.PerPage
	b.ReportAllocs()
	for b.Loop() {
		ids, err := read(context.Background(), er.view, er.matched, skip, need)
		if err != nil || len(ids) != r.PerPage {
			b.Fatalf("%d ids, %v", len(ids), err)
		}
	}
}
