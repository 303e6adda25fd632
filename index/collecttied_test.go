package index

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// Notes tied on every ranking rule are collected with the rule values of
// one of them (collectTied); each hit of the page still names the words it
// matches itself. Here no note holds both words, each word is in as many
// notes in the same field: the notes tie on every rule (one word, no typo,
// as rare, in the body), half of them matching « jardin », half « serre ».
func TestTiedNotesKeepTheirOwnMatchedWords(t *testing.T) {
	var notes []*store.Note
	want := map[string]string{}
	for i := range 60 {
		word := "jardin"
		if i%2 == 1 {
			word = "serre"
		}
		id := fmt.Sprintf("n%02d", i)
		want[id] = word
		notes = append(notes, &store.Note{ID: id, Type: "note", Title: fmt.Sprintf("Note %d", i), Body: "Visite du " + word + " communautaire.", Visibility: "public"})
	}
	ix, m := openTestIndex(t, notes)
	seen := map[string]bool{}
	for page := 1; page <= 7; page++ {
		r := query.Request{Q: "jardin serre", Page: page, PerPage: 10}
		res, err := ix.Search(context.Background(), r, m)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 60 {
			t.Fatalf("page %d: total %d, want 60", page, res.Total)
		}
		if page == 7 {
			if len(res.Hits) != 0 {
				t.Fatalf("page 7: %d hits, want none", len(res.Hits))
			}
			continue
		}
		if len(res.Hits) != 10 {
			t.Fatalf("page %d: %d hits, want 10", page, len(res.Hits))
		}
		for _, h := range res.Hits {
			if got := strings.Join(h.MatchedWords, " "); got != want[h.ID] {
				t.Errorf("page %d, %s: matched words %q, want %q", page, h.ID, got, want[h.ID])
			}
			if seen[h.ID] {
				t.Errorf("page %d: %s seen on an earlier page", page, h.ID)
			}
			seen[h.ID] = true
		}
	}
}
