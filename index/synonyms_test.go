package index

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

func TestSynonymExpansionInSearch(t *testing.T) {
	notes := []*store.Note{
		{ID: "obnl", Title: "Gouvernance d’un OBNL", Visibility: "public"},
		{ID: "osbl", Title: "Les OSBL en région", Visibility: "public"},
		{ID: "long", Title: "Un organisme à but non lucratif", Visibility: "public"},
		{ID: "loose", Title: "Organisme de charité", Body: "Dans le but de rester non lucratif… non.", Visibility: "public"},
		{ID: "cpe", Title: "Le CPE du quartier", Visibility: "public"},
		{ID: "ca", Title: "Rôle du CA", Visibility: "public"},
		{ID: "ca2", Title: "Former son conseil d’administration", Visibility: "public"},
		{ID: "garderie", Title: "Une garderie privée", Visibility: "public"},
	}
	ix, m := openTestIndex(t, notes)
	ix.SetSynonyms(mustSyn(t, "OBNL, OSBL, organisme à but non lucratif\ngarderie => CPE\nCA, conseil d'administration"))
	cases := []struct {
		q     string
		nosyn bool
		want  string // ids, sorted
	}{
		{"OBNL", false, "long obnl osbl"},                               // two-way, multi-word synonym verified as a phrase ("loose" is not)
		{"osbl", false, "long obnl osbl"},                               //
		{"organisme à but non lucratif", false, "long loose obnl osbl"}, // multi-word source (typed words, not a phrase)
		{"OBNL", true, "obnl"},                                          // disabled
		{"garderie", false, "cpe garderie"},                             // one-way
		{"CPE", false, "cpe"},                                           // not back
		{"role du ca", false, "ca"},                                     // stop-word acronym typed in lower case
		{"conseil d'administration", false, "ca ca2"},                   // towards the acronym
	}
	for _, c := range cases {
		res, err := ix.Search(context.Background(), query.Request{Q: c.q + " ", NoSynonyms: c.nosyn, Facets: []string{}, NoSuggestion: true}, m)
		if err != nil {
			t.Fatal(err)
		}
		// The notes with every word (those with fewer follow them when
		// fewer than a page have them all).
		most := 0
		for _, h := range res.Hits {
			most = max(most, len(h.MatchedWords))
		}
		var got []string
		for _, h := range res.Hits {
			if len(h.MatchedWords) == most {
				got = append(got, h.ID)
			}
		}
		sort.Strings(got)
		if strings.Join(got, " ") != c.want {
			t.Errorf("%q (nosyn %v) = %v, want %s", c.q, c.nosyn, got, c.want)
		}
	}
	// Synonyms are highlighted.
	res, _ := ix.Search(context.Background(), query.Request{Q: "osbl ", Facets: []string{}}, m)
	for _, h := range res.Hits {
		if h.ID == "obnl" && !strings.Contains(h.TitleHTML, "<mark>OBNL</mark>") {
			t.Errorf("synonym not highlighted: %s", h.TitleHTML)
		}
	}
}

func mustSyn(t *testing.T, text string) *analysis.Synonyms {
	t.Helper()
	s, err := analysis.ParseSynonyms(text, "test")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The notes holding a multi-word synonym follow the writes without the
// list being recomputed: a note written with the phrase is found through
// the synonym, one rewritten without it or deleted is not, one made private
// is not, and the list stays cached across the writes.
func TestSynonymPhrasesFollowWrites(t *testing.T) {
	notes := []*store.Note{
		{ID: "obnl", Title: "Gouvernance d’un OBNL", Visibility: "public"},
		{ID: "long", Title: "Un organisme à but non lucratif", Visibility: "public"},
		{ID: "corps", Title: "Rapport", Body: "Notre **organisme à but non lucratif** grandit.", Visibility: "public"},
	}
	ix, m := openTestIndex(t, notes)
	ix.SetSynonyms(mustSyn(t, "OBNL, organisme à but non lucratif"))
	search := func() string {
		t.Helper()
		res, err := ix.Search(context.Background(), query.Request{Q: "obnl", Page: 1, PerPage: 20, Facets: []string{}, NoSuggestion: true}, m)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		sort.Strings(got)
		return strings.Join(got, " ")
	}
	if got := search(); got != "corps long obnl" {
		t.Fatalf("before the writes: %q", got)
	}
	seq := uint64(len(notes))
	write := func(ns ...store.Entry) {
		t.Helper()
		for i := range ns {
			seq++
			ns[i].Seq = seq
			if ns[i].Note != nil {
				m[ns[i].ID] = ns[i].Note
			} else {
				delete(m, ns[i].ID)
			}
		}
		if err := ix.Apply(ns); err != nil {
			t.Fatal(err)
		}
	}
	write(
		store.Entry{ID: "neuve", Note: &store.Note{ID: "neuve", Title: "Financer un organisme à but non lucratif", Visibility: "public"}},
		store.Entry{ID: "long", Note: &store.Note{ID: "long", Title: "Un organisme à but lucratif", Visibility: "public"}},
		store.Entry{ID: "corps", Note: &store.Note{ID: "corps", Title: "Rapport", Body: "Notre **organisme à but non lucratif** grandit.", Visibility: "private"}},
		store.Entry{ID: "autre", Note: &store.Note{ID: "autre", Title: "Sans rapport", Visibility: "public"}},
	)
	if _, ok, _ := ix.synPhrases.get("organisme à but non lucratif"); !ok {
		t.Error("the synonym's notes were dropped by the write (recomputed at every write)")
	}
	if got := search(); got != "neuve obnl" {
		t.Errorf("after the writes: %q, want « neuve obnl »", got)
	}
	write(store.Entry{ID: "neuve"})
	if got := search(); got != "obnl" {
		t.Errorf("after a deletion: %q, want « obnl »", got)
	}
}
