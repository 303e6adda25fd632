package index

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// The notes with most of the words, added when none has them all, are
// still subject to exclusions, verified phrases and deletions.
func TestRelaxedLevelsKeepRestrictions(t *testing.T) {
	note := func(id, body string) *store.Note {
		return &store.Note{ID: id, Type: "note", Title: "Note " + id, Body: body, Visibility: "public"}
	}
	ix, m := openTestIndex(t, []*store.Note{
		note("a", "Un jardin potager au centre."),
		note("b", "Un jardin potager et une serre interdite."),
		note("c", "Une serre pour le jardin."),
		note("d", "Le potager derrière, puis le jardin."),
		note("e", "Un jardin sans rien."),
	})
	search := func(q string) []string {
		t.Helper()
		res, err := ix.Search(context.Background(), query.Request{Q: q, PerPage: 10}, m)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		slices.Sort(ids)
		return ids
	}
	check := func(q, want string) {
		t.Helper()
		if got := strings.Join(search(q), ","); got != want {
			t.Errorf("%s: %s, want %s", q, got, want)
		}
	}
	// No note has all three words: those with two, then one, without the
	// excluded word's notes.
	check("jardin potager zzzyqx -interdite", "a,c,d,e")
	// A quoted phrase restricts every level: b alone holds the phrase and
	// « serre », and the notes with « serre » only (c) do not follow it.
	// (The phrase is verified among the notes with every word, so a
	// and d, which lack « serre », are not candidates: a known limit.)
	check(`"jardin potager" serre`, "b")
	// A deleted note never comes back through the relaxed levels.
	if err := ix.Apply([]store.Entry{{Seq: 100, ID: "a"}}); err != nil {
		t.Fatal(err)
	}
	delete(m, "a")
	check("jardin potager zzzyqx -interdite", "c,d,e")
}
