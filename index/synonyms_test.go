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

// The notes holding a multi-word synonym the index has not marked (the list
// changed after notes were indexed) follow the writes without the
// list being recomputed: a note written with the phrase is found through
// the synonym, one rewritten without it or deleted is not, one made private
// is not, and the list stays cached across the writes.
func TestSynonymPhrasesFollowWrites(t *testing.T) {
	notes := []*store.Note{
		{ID: "obnl", Title: "Gouvernance d’un OBNL", Visibility: "public"},
		{ID: "long", Title: "Un association à but non lucratif", Visibility: "public"},
		{ID: "corps", Title: "Rapport", Body: "Notre **association à but non lucratif** grandit.", Visibility: "public"},
	}
	ix, m := openTestIndex(t, notes)
	ix.SetSynonyms(mustSyn(t, "OBNL, association à but non lucratif"))
	search := func() string {
		t.Helper()
		res, err := ix.Search(context.Background(), query.Request{Q: "obnl", Page: 1, PerPage: 20, Facets: []string{}, NoSuggestion: true}, m)
		if err != nil {
			t.Fatal(err)
		}
		return sortedIDs(res)
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
		store.Entry{ID: "neuve", Note: &store.Note{ID: "neuve", Title: "Financer un association à but non lucratif", Visibility: "public"}},
		store.Entry{ID: "long", Note: &store.Note{ID: "long", Title: "Un association à but lucratif", Visibility: "public"}},
		store.Entry{ID: "corps", Note: &store.Note{ID: "corps", Title: "Rapport", Body: "Notre **association à but non lucratif** grandit.", Visibility: "private"}},
		store.Entry{ID: "autre", Note: &store.Note{ID: "autre", Title: "Sans rapport", Visibility: "public"}},
	)
	if _, ok, _ := ix.synPhrases.get("association à but non lucratif"); !ok {
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

// A multi-word synonym the index has not marked (the list put in force
// after the notes were written) finds, for each caller, the notes holding
// it that the caller may see, whatever their visibility, as an index that
// marked it from the start; and a note that changes visibility while still
// holding the phrase follows. (The verified notes were the public ones
// only: the admin and the tokens lost the others until a reindex.)
func TestUnmarkedSynonymPhraseEveryScope(t *testing.T) {
	notes := []*store.Note{
		{ID: "pub", Title: "Gouvernance d’une association à but non lucratif", Visibility: "public"},
		{ID: "com", Title: "Notre association à but non lucratif", Visibility: "community", Community: "Québec"},
		{ID: "priv", Title: "Budget de l’association à but non lucratif", Visibility: "private", Readers: []string{"u1"}},
		{ID: "autre", Title: "Une association à but lucratif", Visibility: "public"},
	}
	syn := mustSyn(t, "OBNL, association à but non lucratif")
	late, m := openTestIndex(t, notes)
	if err := late.SetSynonyms(syn); err != nil {
		t.Fatal(err)
	}
	if marked, unmarked := late.PhraseMarks(); unmarked == 0 {
		t.Fatalf("the phrase is marked (%d marked): the verified path is not tested", marked)
	}
	early, err := Open(t.TempDir()+"/early", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer early.Close()
	if err := early.SetSynonyms(syn); err != nil {
		t.Fatal(err)
	}
	var entries []store.Entry
	for i, n := range notes {
		entries = append(entries, store.Entry{Seq: uint64(i + 1), ID: n.ID, Note: n})
	}
	if err := early.Apply(entries); err != nil {
		t.Fatal(err)
	}
	if _, unmarked := early.PhraseMarks(); unmarked != 0 {
		t.Fatalf("%d phrases unmarked on the index written under the list", unmarked)
	}
	scopes := []struct {
		sc   query.Scope
		want string
	}{
		{query.Scope{}, "pub"},
		{query.Scope{Level: query.LevelCommunity, Communities: []string{"Québec"}}, "com pub"},
		{query.Scope{Level: query.LevelPrivate, User: "u1"}, "priv pub"},
		{query.Scope{Admin: true, Level: query.LevelPrivate}, "com priv pub"},
	}
	check := func(when string) {
		t.Helper()
		for _, c := range scopes {
			for _, ix := range []*Index{late, early} {
				r := query.Request{Q: "obnl", Page: 1, PerPage: 20, Facets: []string{}, NoSuggestion: true, Scope: c.sc}
				res, err := ix.Search(context.Background(), r, m)
				if err != nil {
					t.Fatal(err)
				}
				if got := sortedIDs(res); got != c.want {
					t.Errorf("%s, scope %+v, index written before the list %v: %q, want %q", when, c.sc, ix == late, got, c.want)
				}
			}
		}
	}
	check("at first")
	// "com" turns public, "pub" private for u1: the kept list follows.
	com := *notes[1]
	com.Visibility, com.Community = "public", ""
	pub := *notes[0]
	pub.Visibility, pub.Readers = "private", []string{"u1"}
	m[com.ID], m[pub.ID] = &com, &pub
	changes := []store.Entry{{Seq: 10, ID: com.ID, Note: &com}, {Seq: 11, ID: pub.ID, Note: &pub}}
	for _, ix := range []*Index{late, early} {
		if err := ix.Apply(changes); err != nil {
			t.Fatal(err)
		}
	}
	scopes[0].want, scopes[1].want, scopes[2].want = "com", "com", "com priv pub"
	check("after the visibility changes")
}

// countingNotes counts the notes read, to tell a synonym found through its
// marks (only the page's notes are read) from one verified by reading the
// candidates.
type countingNotes struct {
	memNotes
	read *int
}

func (c countingNotes) GetMany(ids []string) (map[string]*store.Note, error) {
	*c.read += len(ids)
	return c.memNotes.GetMany(ids)
}

// On an index that marked a synonym phrase on every note, a search for the
// synonym finds the notes holding it as a phrase through the mark, without
// reading a note; the mark follows updates; the set of marked phrases
// survives a restart, loses a phrase the list adds on an index already
// full (found then by reading, as before) and loses the new list's phrases
// when a batch prepared under the old list is applied after the change.
func TestSynonymPhraseMarks(t *testing.T) {
	dir := t.TempDir() + "/index"
	ix, err := Open(dir, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { ix.Close() }()
	list := "OBNL, association à but non lucratif"
	if err := ix.SetSynonyms(mustSyn(t, list)); err != nil {
		t.Fatal(err)
	}
	m := memNotes{}
	seq := uint64(0)
	write := func(ns ...*store.Note) {
		t.Helper()
		var es []store.Entry
		for _, n := range ns {
			seq++
			m[n.ID] = n
			es = append(es, store.Entry{Seq: seq, ID: n.ID, Note: n})
		}
		if err := ix.Apply(es); err != nil {
			t.Fatal(err)
		}
	}
	write(
		&store.Note{ID: "titre", Title: "Une association à but non lucratif", Visibility: "public"},
		&store.Note{ID: "corps", Title: "Rapport", Body: "Notre **association à but non lucratif** grandit.", Visibility: "public"},
		&store.Note{ID: "terme", Title: "Lexique", Terms: []string{"Associations à but non lucratif"}, Visibility: "public"},
		&store.Note{ID: "epars", Title: "Association", Body: "Le but : rester non lucratif.", Visibility: "public"},
		&store.Note{ID: "prive", Title: "Une association à but non lucratif", Visibility: "private"},
		&store.Note{ID: "auteur", Title: "Sans rapport", Authors: []string{"Association à but non lucratif"}, Visibility: "public"},
	)
	// search returns the hits and how many more notes than hits were read.
	search := func(q string) (string, int) {
		t.Helper()
		read := 0
		res, err := ix.Search(context.Background(), query.Request{Q: q, Page: 1, PerPage: 20, Facets: []string{}, NoSuggestion: true, NoSnippets: true}, countingNotes{m, &read})
		if err != nil {
			t.Fatal(err)
		}
		return sortedIDs(res), read - len(res.Hits)
	}
	if got, read := search("obnl"); got != "corps terme titre" || read != 0 {
		t.Errorf("marked phrase: %q with %d more notes read than hits, want « corps terme titre » and none", got, read)
	}
	write(&store.Note{ID: "titre", Title: "Une association à but lucratif", Visibility: "public"})
	if got, _ := search("obnl"); got != "corps terme" {
		t.Errorf("after an update without the phrase: %q", got)
	}

	// A restart keeps the set; a new list on a full index marks only
	// the phrases both lists have.
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if ix, err = Open(dir, t.Logf); err != nil {
		t.Fatal(err)
	}
	if err := ix.SetSynonyms(mustSyn(t, list+"\nCDC, corporation de développement communautaire")); err != nil {
		t.Fatal(err)
	}
	if got, read := search("obnl"); got != "corps terme" || read != 0 {
		t.Errorf("after a restart: %q with %d more notes read than hits", got, read)
	}
	write(&store.Note{ID: "cdc", Title: "La corporation de développement communautaire", Visibility: "public"})
	if got, read := search("CDC"); got != "cdc" || read == 0 {
		t.Errorf("a phrase added on a full index: %q with %d more notes read than hits, want « cdc » found by reading", got, read)
	}

}

// A batch prepared (its notes checked for the phrases of the list then in
// force) and applied after a new list came in force on the still empty
// index: the new list's phrases are not marked on those notes, so they are
// no longer trusted to marks, and the note is found by reading.
func TestSynonymPhraseMarksLateBatch(t *testing.T) {
	ix, err := Open(t.TempDir()+"/index", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	n := &store.Note{ID: "tard", Title: "Une association à but non lucratif", Visibility: "public"}
	p := ix.Prepare([]store.Entry{{Seq: 1, ID: n.ID, Note: n}})
	if err := ix.SetSynonyms(mustSyn(t, "OBNL, association à but non lucratif\nÉS, économie sociale")); err != nil {
		t.Fatal(err)
	}
	if got := len(*ix.marked.Load()); got != 2 {
		t.Fatalf("a new list on an empty index: %d phrases marked, want 2", got)
	}
	if err := ix.ApplyPrepared(p); err != nil {
		t.Fatal(err)
	}
	// « économie sociale » is in the default list the batch was prepared
	// under; « association à but non lucratif » is not.
	marked := *ix.marked.Load()
	if len(marked) != 1 {
		t.Errorf("marked after the late batch: %v, want only « économie sociale »", marked)
	}
	read := 0
	res, err := ix.Search(context.Background(), query.Request{Q: "obnl", Page: 1, PerPage: 20, Facets: []string{}, NoSuggestion: true, NoSnippets: true}, countingNotes{memNotes{n.ID: n}, &read})
	if err != nil {
		t.Fatal(err)
	}
	if ids(res) != "tard" || read <= len(res.Hits) {
		t.Errorf("after the late batch: %q with %d notes read, want « tard » found by reading", ids(res), read)
	}
}

// A process that writes with another list (`trouvaille ingest` runs with the
// default one) drops from the marked set the phrases it does not check for:
// its notes lack their marks. The note it wrote is then found by reading.
func TestSynonymPhraseMarksOtherList(t *testing.T) {
	dir := t.TempDir() + "/index"
	ix, err := Open(dir, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.SetSynonyms(mustSyn(t, "OBNL, association à but non lucratif")); err != nil {
		t.Fatal(err)
	}
	a := &store.Note{ID: "a", Title: "Une association à but non lucratif", Visibility: "public"}
	if err := ix.Apply([]store.Entry{{Seq: 1, ID: a.ID, Note: a}}); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopened with the default list, as the ingest command does.
	if ix, err = Open(dir, t.Logf); err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	b := &store.Note{ID: "b", Title: "Financer une association à but non lucratif", Visibility: "public"}
	if err := ix.Apply([]store.Entry{{Seq: 2, ID: b.ID, Note: b}}); err != nil {
		t.Fatal(err)
	}
	if got := len(*ix.marked.Load()); got != 0 {
		t.Errorf("after a batch written under the default list: %d phrases marked, want 0", got)
	}
	// Served again with the list: the phrase is found by reading.
	if err := ix.SetSynonyms(mustSyn(t, "OBNL, association à but non lucratif")); err != nil {
		t.Fatal(err)
	}
	read := 0
	res, err := ix.Search(context.Background(), query.Request{Q: "obnl", Page: 1, PerPage: 20, Facets: []string{}, NoSuggestion: true, NoSnippets: true}, countingNotes{memNotes{a.ID: a, b.ID: b}, &read})
	if err != nil {
		t.Fatal(err)
	}
	if sortedIDs(res) != "a b" || read <= len(res.Hits) {
		t.Errorf("served again with the list: %q with %d notes read, want « a b » found by reading", ids(res), read)
	}
}

// A marked phrase that no note holds restricts nothing: it is left out of
// the query (nil), as a verified one found in no note, so that its words do
// not count in the score of the notes holding them apart.
func TestMarkedPhraseInNoNote(t *testing.T) {
	ix, syn := obnlIndex(t)
	n := &store.Note{ID: "a", Title: "Une association sans but lucratif", Visibility: "public"}
	if err := ix.Apply([]store.Entry{{Seq: 1, ID: n.ID, Note: n}}); err != nil {
		t.Fatal(err)
	}
	pw := synonymPhraseOf(t, "obnl", syn)
	q, err := ix.phraseNotes(context.Background(), query.Scope{}, pw, memNotes{n.ID: n})
	if err != nil || q != nil {
		t.Errorf("a marked phrase in no note: %v, %v, want nil", q, err)
	}
}

// sortedIDs returns the ids of a result's hits, sorted, joined by spaces.
func sortedIDs(r *Result) string {
	got := make([]string, 0, len(r.Hits))
	for _, h := range r.Hits {
		got = append(got, h.ID)
	}
	sort.Strings(got)
	return strings.Join(got, " ")
}

// Whether a marked phrase's clause is added counts only the notes the
// caller sees: held by a private note alone, it is left out for the
// anonymous caller (as a phrase in no note) and kept for the admin.
func TestMarkedPhraseInHiddenNoteOnly(t *testing.T) {
	ix, syn := obnlIndex(t)
	priv := &store.Note{ID: "p", Title: "Notre association à but non lucratif", Visibility: "private"}
	pub := &store.Note{ID: "a", Title: "Une association sans but lucratif", Visibility: "public"}
	if err := ix.Apply([]store.Entry{{Seq: 1, ID: priv.ID, Note: priv}, {Seq: 2, ID: pub.ID, Note: pub}}); err != nil {
		t.Fatal(err)
	}
	pw := synonymPhraseOf(t, "obnl", syn)
	notes := memNotes{priv.ID: priv, pub.ID: pub}
	if q, err := ix.phraseNotes(context.Background(), query.Scope{}, pw, notes); err != nil || q != nil {
		t.Errorf("anonymous: %v, %v, want nil (the phrase is in a private note only)", q, err)
	}
	if q, err := ix.phraseNotes(context.Background(), query.Scope{Admin: true}, pw, notes); err != nil || q == nil {
		t.Errorf("admin: %v, %v, want the phrase's clause", q, err)
	}
}

// synonymPhraseOf returns the one synonym phrase of syn that q calls for.
func synonymPhraseOf(t *testing.T, q string, syn *analysis.Synonyms) *query.Word {
	t.Helper()
	pq, err := query.Parse(q)
	if err != nil {
		t.Fatal(err)
	}
	p, err := query.NewPlan(pq, nil)
	if err != nil {
		t.Fatal(err)
	}
	pws := p.SynonymPhrases(pq, syn)
	if len(pws) != 1 {
		t.Fatalf("%q: %d synonym phrases, want 1", q, len(pws))
	}
	return pws[0]
}

// obnlIndex returns an empty index with the list « OBNL, association à but
// non lucratif » in force (its phrase marked as notes are indexed).
func obnlIndex(t *testing.T) (*Index, *analysis.Synonyms) {
	t.Helper()
	ix, err := Open(t.TempDir()+"/index", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	syn := mustSyn(t, "OBNL, association à but non lucratif")
	if err := ix.SetSynonyms(syn); err != nil {
		t.Fatal(err)
	}
	return ix, syn
}
