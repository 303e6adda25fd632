package index

import (
	"bufio"
	"context"
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

var (
	demoOnce  sync.Once
	demoIndex *Index
	demoNotes memNotes
	demoErr   error
	demoDir   string
)

// openDemoIndex indexes the demo corpus (testdata/demo/notes.jsonl) once per
// test binary.
func openDemoIndex(t testing.TB) (*Index, memNotes) {
	t.Helper()
	demoOnce.Do(func() {
		f, err := os.Open("../testdata/demo/notes.jsonl")
		if err != nil {
			demoErr = err
			return
		}
		defer f.Close()
		dir, err := os.MkdirTemp("", "trouvaille-demo-index")
		if err != nil {
			demoErr = err
			return
		}
		demoDir = dir
		demoIndex, demoErr = Open(dir, nil)
		if demoErr != nil {
			return
		}
		demoNotes = memNotes{}
		var entries []store.Entry
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var n store.Note
			if err := json.Unmarshal(sc.Bytes(), &n); err != nil {
				demoErr = err
				return
			}
			demoNotes[n.ID] = &n
			entries = append(entries, store.Entry{Seq: uint64(len(entries) + 1), ID: n.ID, Note: &n})
		}
		demoErr = demoIndex.Apply(entries)
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoIndex, demoNotes
}

func searchIDSet(t *testing.T, ix *Index, notes Notes, q string) map[string]bool {
	t.Helper()
	set := map[string]bool{}
	for page := 1; ; page++ {
		res, err := ix.Search(context.Background(), query.Request{Q: q, Page: page, PerPage: query.MaxPerPage, Facets: []string{}, NoSnippets: true, NoSuggestion: true}, notes)
		if err != nil {
			t.Fatal(err)
		}
		if res.Relaxed {
			return map[string]bool{}
		}
		for _, h := range res.Hits {
			set[h.ID] = true
		}
		if uint64(page*query.MaxPerPage) >= res.Total {
			return set
		}
	}
}

// Regression: search as you type broke mid-word (« logem » found nothing
// while « loge » and « logement » found notes). The last word matches as a
// prefix of the words as written, so every prefix of a word, from three
// letters, finds at least the notes the whole word finds.
func TestPrefixFindsWholeWordNotes(t *testing.T) {
	ix, notes := openDemoIndex(t)
	prefixesFindWholeWordNotes(t, ix, notes, "logement", "financement", "communautaire", "bénévoles", "gouvernance", "coopérative", "alimentaire", "territoire", "participation", "organismes", "économie", "formation", "mobilisation", "solidarité")
}

// prefixesFindWholeWordNotes checks that every prefix of each word, from
// three letters, finds every note the whole word finds.
func prefixesFindWholeWordNotes(t *testing.T, ix *Index, notes Notes, words ...string) {
	t.Helper()
	for _, word := range words {
		full := searchIDSet(t, ix, notes, word)
		if len(full) == 0 {
			t.Errorf("%q finds nothing", word)
			continue
		}
		rs := []rune(word)
		for n := 3; n < len(rs); n++ {
			prefix := string(rs[:n])
			got := searchIDSet(t, ix, notes, prefix)
			missing := 0
			for id := range full {
				if !got[id] {
					missing++
				}
			}
			if missing > 0 {
				t.Errorf("%q finds %d notes, but misses %d of the %d notes %q finds", prefix, len(got), missing, len(full), word)
			}
		}
	}
}

// The same promise for the words whose stem was split from a frequent
// word of another sense (analysis.SplitPartners): « assur », the stem of
// « assurée », once dropped the notes on « assurances » while typing.
func TestPrefixFindsSplitStemNotes(t *testing.T) {
	ix, notes := openDemoIndex(t)
	prefixesFindWholeWordNotes(t, ix, notes, "assurances", "attente", "collecte", "usagers", "années", "mères", "repas", "désigner", "générative", "postes", "partie", "capitale")
}

// Every prefix of a word found only in a note's body, from two letters to
// the whole word, finds the note, though the index keeps as written only
// the body words whose stems do not reach them (analysis.StemReaches).
func TestBodyWordsEveryPrefix(t *testing.T) {
	words := []string{"financement", "communautaires", "logements", "organismes", "épiceries", "mobilisation", "jardinage", "coopératives", "trois-rivières", "aidant·es"}
	ix, m := openTestIndex(t, []*store.Note{
		{ID: "corps", Type: "note", Title: "Sans rapport", Body: "Une note : " + strings.Join(words, ", ") + ".", Visibility: "public"},
		{ID: "autre", Type: "note", Title: "Autre chose", Body: "Rien de tout cela ici.", Visibility: "public"},
	})
	for _, w := range words {
		rs := []rune(w)
		for n := 2; n <= len(rs); n++ {
			q := string(rs[:n])
			res, err := ix.Search(context.Background(), query.Request{Q: q, PerPage: 10}, m)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, h := range res.Hits {
				found = found || h.ID == "corps"
			}
			if !found {
				t.Errorf("%q (prefix of %q): note not found", q, w)
			}
		}
	}
}

// The words as written of the title, lexicon terms and organisations are
// all kept, unlike the body's: a prefix whose stem the notes use often
// (« levai ») is taken as typed in full and completed among the words as
// written only, so trimming them lost « Le Levain ». Every prefix of such a
// word, from four letters, finds every public note whose title, terms or
// organisations hold it (a third of the demo corpus's words of six letters
// or more, three prefixes each).
func TestPrefixFindsTitleTermOrgWords(t *testing.T) {
	ix, notes := openDemoIndex(t)
	holders := map[string]map[string]bool{} // folded word → notes holding it
	for id, n := range notes {
		if n.Visibility != "public" {
			continue // not in a public search
		}
		texts := append([]string{n.Title}, n.Terms...)
		for _, tx := range append(texts, n.Organisations...) {
			analysis.Tokens(tx, func(w, _ string) {
				if utf8.RuneCountInString(w) >= 6 && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
					w = strings.Clone(w) // Tokens reuses its bytes
					if holders[w] == nil {
						holders[w] = map[string]bool{}
					}
					holders[w][id] = true
				}
			})
		}
	}
	words := slices.Sorted(maps.Keys(holders))
	checked := 0
	for i, w := range words {
		if i%3 != 0 {
			continue
		}
		rs := []rune(w)
		for _, n := range []int{4, len(rs) - 2, len(rs) - 1} {
			p := string(rs[:n])
			got := searchIDSet(t, ix, notes, p)
			checked++
			for id := range holders[w] {
				if !got[id] {
					t.Errorf("%q (a prefix of %q): misses note %s (%q)", p, w, id, notes[id].Title)
				}
			}
		}
	}
	if checked < 300 {
		t.Fatalf("only %d prefixes checked: the demo corpus changed?", checked)
	}
}

// TestCompoundBeingTyped: a compound typed with a hyphen that no note
// writes so finds, while its last part is being typed, about what the
// words typed apart find (« economie-soc » as « economie soc »); one the notes
// write so still completes as a whole (« tiers-l »).
func TestCompoundBeingTyped(t *testing.T) {
	ix, notes := openDemoIndex(t)
	total := func(q string) uint64 { return searchTotal(t, ix, notes, q) }
	for _, tc := range []struct{ compound, apart string }{
		{"economie-soc", "economie soc"},
		{"economie-socia", "economie socia"},
		{"tiers-l", "tiers-lieu"},
	} {
		// The words apart also reach the first word's close forms.
		if got, want := total(tc.compound), total(tc.apart); got == 0 || got*10 < want*9 {
			t.Errorf("%s: %d notes, %s: %d", tc.compound, got, tc.apart, want)
		}
	}
}

// TestCompoundPartSynonyms: a compound typed with an abbreviated part
// finds what the compound as the notes write it finds (« St-Jérôme » for
// « Saint-Jérôme »: found through the list's « St, Saint » once, it found
// nothing before; the analysis reads « St » as « saint » now).
func TestCompoundPartSynonyms(t *testing.T) {
	ix, notes := openDemoIndex(t)
	total := func(q string) uint64 { return searchTotal(t, ix, notes, q) }
	for _, tc := range []struct{ typed, written string }{
		{"St-Jérôme", "Saint-Jérôme"},
		{"st-jerome", "Saint-Jérôme"},
		{"Baie-St-Paul", "Baie-Saint-Paul"},
	} {
		if got, want := total(tc.typed), total(tc.written); want == 0 || got != want {
			t.Errorf("%s: %d notes, %s: %d", tc.typed, got, tc.written, want)
		}
	}
}
