package index

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// Past the phrase budget, only the best-scored candidates are verified:
// the notes found hold the phrase, the result says it is partial, and its
// total is a lower bound; within the budget every candidate is verified
// and the result is not partial.
func TestPhraseBudget(t *testing.T) {
	var notes []*store.Note
	for i := range 400 {
		body := "Le collectif a semé un jardin au printemps."
		if i%2 == 0 {
			body = "Un jardin collectif est né dans le quartier."
		}
		notes = append(notes, &store.Note{ID: fmt.Sprintf("n%03d", i), Type: "note", Title: fmt.Sprintf("Note %d", i), Body: body, Visibility: "public"})
	}
	ix, m := openTestIndex(t, notes)
	search := func(q string) *Result {
		t.Helper()
		res, err := ix.Search(context.Background(), query.Request{Q: q, PerPage: 10}, m)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	full := search(`"jardin collectif"`)
	if full.Partial || full.Total != 200 {
		t.Fatalf("within the budget: partial %v, total %d, want false, 200", full.Partial, full.Total)
	}
	excl := search(`jardin -"jardin collectif"`)
	if excl.Partial || excl.Total != 200 {
		t.Fatalf("excluded phrase within the budget: partial %v, total %d", excl.Partial, excl.Total)
	}
	old := PhraseBudget
	PhraseBudget = -1 // every deadline already past
	defer func() { PhraseBudget = old }()
	cut := search(`"jardin collectif"`)
	if !cut.Partial || cut.Total == 0 || cut.Total >= 200 || cut.Total > minVerified {
		t.Fatalf("past the budget: partial %v, total %d, want true and 1–%d", cut.Partial, cut.Total, minVerified)
	}
	for _, h := range cut.Hits {
		if n := m[h.ID]; n.Body != notes[0].Body {
			t.Errorf("hit %s does not hold the phrase: %q", h.ID, n.Body)
		}
	}
	cutExcl := search(`jardin -"jardin collectif"`)
	if !cutExcl.Partial || cutExcl.Total <= 200 {
		t.Fatalf("excluded phrase past the budget: partial %v, total %d, want true and more than 200", cutExcl.Partial, cutExcl.Total)
	}
	// A plain query is never partial.
	if r := search("jardin collectif"); r.Partial {
		t.Error("a query without phrase marked partial")
	}
}

// An excluded phrase is verified among the notes the query finds, not among
// every note holding its words: with the budget spent at once, the few
// notes with the query's word are still all read.
func TestExcludedPhraseAmongFoundNotes(t *testing.T) {
	var notes []*store.Note
	for i := range 300 {
		notes = append(notes, &store.Note{ID: fmt.Sprintf("p%03d", i), Type: "note", Title: fmt.Sprintf("Note %d", i), Body: "Un jardin collectif est né dans le quartier.", Visibility: "public"})
	}
	for i := range 20 {
		body := "Une serre et un jardin, un collectif."
		if i%2 == 0 {
			body = "Une serre dans le jardin collectif."
		}
		notes = append(notes, &store.Note{ID: fmt.Sprintf("s%02d", i), Type: "note", Title: fmt.Sprintf("Serre %d", i), Body: body, Visibility: "public"})
	}
	ix, m := openTestIndex(t, notes)
	old := PhraseBudget
	PhraseBudget = -1 // every deadline already past: minVerified notes read
	defer func() { PhraseBudget = old }()
	for _, q := range []string{`serre -"jardin collectif"`, `serre zzzyqx -"jardin collectif"`} {
		ids, res := sortedHits(t, ix, m, query.Request{Q: q, PerPage: 50})
		if want := "s01,s03,s05,s07,s09,s11,s13,s15,s17,s19"; strings.Join(ids, ",") != want || res.Total != 10 || res.Partial {
			t.Errorf("%s: %v (total %d, partial %v), want %s (total 10, not partial)", q, ids, res.Total, res.Partial, want)
		}
	}
}

// recordingNotes records the ids read (from every core: hydrate reads the
// page's notes side by side).
type recordingNotes struct {
	memNotes
	mu   *sync.Mutex
	read map[string]bool
}

func (c recordingNotes) GetMany(ids []string) (map[string]*store.Note, error) {
	c.mu.Lock()
	for _, id := range ids {
		c.read[id] = true
	}
	c.mu.Unlock()
	return c.memNotes.GetMany(ids)
}

// The candidates missing some of the query's words are read only when the
// search shows them: when fewer than query.RelaxBelow of the notes with
// every word hold the phrase, or are left once an excluded phrase is taken
// out; whatever the page size (a page of 30 read them all).
func TestRelaxedCandidatesReadOnlyWhenShown(t *testing.T) {
	var notes []*store.Note
	for i := range 20 {
		notes = append(notes,
			bodyNote(fmt.Sprintf("s%02d", i), "Un jardin potager et une serre."),
			bodyNote(fmt.Sprintf("t%02d", i), "Une serre, un jardin, un potager."),
			bodyNote(fmt.Sprintf("r%02d", i), "Un jardin potager au centre."))
	}
	for i := range 5 {
		notes = append(notes, bodyNote(fmt.Sprintf("u%02d", i), "Un jardin potager, une serre et des ruches."))
	}
	ix, m := openTestIndex(t, notes)
	for _, tc := range []struct {
		q           string
		perPage     int
		total       uint64
		relaxedRead bool // were the notes without « serre » read?
	}{
		{`"jardin potager" serre`, 10, 25, false},
		{`"jardin potager" serre`, 30, 25, false},
		{`jardin serre -"jardin potager"`, 10, 20, false},
		{`jardin serre -"jardin potager"`, 30, 20, false},
		// Fewer than query.RelaxBelow with every word: the notes with the
		// phrase alone follow, read.
		{`"jardin potager" ruches`, 10, 45, true},
		{`"jardin potager" ruches`, 2, 45, true},
	} {
		rn := recordingNotes{m, &sync.Mutex{}, map[string]bool{}}
		res, err := ix.Search(context.Background(), query.Request{Q: tc.q, PerPage: tc.perPage, NoSnippets: true}, rn)
		if err != nil {
			t.Fatal(err)
		}
		read := false
		for id := range rn.read {
			read = read || id[0] == 'r'
		}
		if res.Total != tc.total || res.Partial || read != tc.relaxedRead {
			t.Errorf("%s, %d per page: total %d (partial %v), notes without « serre » read: %v; want total %d, read %v", tc.q, tc.perPage, res.Total, res.Partial, read, tc.total, tc.relaxedRead)
		}
	}
}

// BenchmarkPhraseCandidates finds the candidates of a phrase whose words
// 6,000 notes hold alike (all tied on every rule): only the newest
// MaxPhraseCandidates of them are collected (selector.take), not all.
func BenchmarkPhraseCandidates(b *testing.B) {
	var notes []*store.Note
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3 * MaxPhraseCandidates {
		at := day.Add(time.Duration(i) * time.Hour)
		notes = append(notes, &store.Note{ID: fmt.Sprintf("n%05d", i), Type: "note", Title: "Note", Body: "Un jardin collectif est né dans le quartier.", Visibility: "public", PublishedAt: &at})
	}
	ix, m := openTestIndex(b, notes)
	r := query.Request{Q: `"jardin collectif"`}
	if err := r.Normalize(); err != nil {
		b.Fatal(err)
	}
	plan := unverifiedPlan(b, ix, m, r)
	pos, _ := plan.Phrases()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c, err := ix.rankedCandidates(context.Background(), r, plan, pos, false)
		if err != nil {
			b.Fatal(err)
		}
		if len(c.ids) != MaxPhraseCandidates || c.ids[0] != notes[len(notes)-1].ID {
			b.Fatalf("%d candidates, the first %s: want %d, the newest first", len(c.ids), c.ids[0], MaxPhraseCandidates)
		}
	}
}
