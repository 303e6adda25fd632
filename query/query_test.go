package query

import (
	"errors"
	"fmt"
	"github.com/encommun/trouvaille/analysis"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	w := func(s string) Clause { return Clause{Text: s} }
	cases := []struct {
		q    string
		want []Clause
	}{
		{"", nil},
		{"   ", nil},
		{"economie", []Clause{{Text: "economie", Prefix: true}}},
		{"economie ", []Clause{w("economie")}},
		{"economie sociale", []Clause{w("economie"), {Text: "sociale", Prefix: true}}},
		{`"economie sociale" quebec`, []Clause{{Text: "economie sociale", Phrase: true}, {Text: "quebec", Prefix: true}}},
		{`« économie sociale »`, []Clause{{Text: "économie sociale", Phrase: true}}},
		{`“tiers-lieu”`, []Clause{{Text: "tiers-lieu", Phrase: true}}},
		{`"non fermée`, []Clause{{Text: "non fermée", Phrase: true}}},
		{"logement -montreal", []Clause{w("logement"), {Text: "montreal", Exclude: true}}},
		{`logement -"centre-ville" `, []Clause{w("logement"), {Text: "centre-ville", Phrase: true, Exclude: true}}},
		{"peut-être", []Clause{{Text: "peut-être", Prefix: true}}},
		{"l’OBNL", []Clause{{Text: "l’OBNL", Prefix: true}}},
		{"- + --", nil},
		// The dashes a phone or a word processor puts for the minus.
		{"logement –montreal", []Clause{w("logement"), {Text: "montreal", Exclude: true}}},
		{"logement —montreal ", []Clause{w("logement"), {Text: "montreal", Exclude: true}}},
		{"logement −\"mtl\"", []Clause{w("logement"), {Text: "mtl", Phrase: true, Exclude: true}}},
		{"logement – montreal", []Clause{w("logement"), {Text: "montreal", Prefix: true}}},
		{"– — ‐", nil},
		{"a - b", []Clause{w("a"), {Text: "b", Prefix: true}}},
		{`""`, nil},
		{"\tcpe\n", []Clause{w("cpe")}},
		// Sentence punctuation typed without a space separates words;
		// between digits it is a number's or a time's.
		{"logement,montreal", []Clause{w("logement"), {Text: "montreal", Prefix: true}}},
		{"logement;montreal ", []Clause{w("logement"), w("montreal")}},
		{"xyzzy:logement", []Clause{w("xyzzy"), {Text: "logement", Prefix: true}}},
		{"logement,", []Clause{w("logement")}},
		{"logement, montreal", []Clause{w("logement"), {Text: "montreal", Prefix: true}}},
		{",,;:", nil},
		{"-logement,montreal", []Clause{{Text: "logement", Exclude: true}, {Text: "montreal", Prefix: true}}},
		{"2,5 millions", []Clause{w("2,5"), {Text: "millions", Prefix: true}}},
		{"10:30", []Clause{{Text: "10:30", Prefix: true}}},
		{"2,", []Clause{w("2")}},
		{"saint-jérôme,mtl", []Clause{w("saint-jérôme"), {Text: "mtl", Prefix: true}}},
		{"logement+montreal", []Clause{w("logement"), {Text: "montreal", Prefix: true}}},
		{"+logement +montreal", []Clause{w("logement"), {Text: "montreal", Prefix: true}}},
		{"logement/habitation", []Clause{w("logement"), {Text: "habitation", Prefix: true}}},
		{"logement(montreal)", []Clause{w("logement"), w("montreal")}},
		{"logement…montreal", []Clause{w("logement"), {Text: "montreal", Prefix: true}}},
		{"logement|montreal?", []Clause{w("logement"), w("montreal")}},
		{"LGBTQ+", []Clause{w("LGBTQ")}},
		{"2024/2025", []Clause{{Text: "2024/2025", Prefix: true}}},
		// Inclusive forms keep their slashes and parentheses.
		{"intervenant/es", []Clause{{Text: "intervenant·es", Prefix: true}}},
		{"participant(e)s logement", []Clause{w("participant·e·s"), {Text: "logement", Prefix: true}}},
		{"o.b.n.l.", []Clause{{Text: "o.b.n.l.", Prefix: true}}},
		{"utilisateur/trices ", []Clause{w("utilisateur·trices")}},
		{"logement/ville ", []Clause{w("logement"), w("ville")}},
		// A minus after punctuation excludes, as after a space.
		{"logement,-montreal ", []Clause{w("logement"), {Text: "montreal", Exclude: true}}},
		{"-B!--B", []Clause{{Text: "b", Exclude: true}}},
		{`logement,-"sans logis" `, []Clause{w("logement"), {Text: "sans logis", Phrase: true, Exclude: true}}},
		// Inclusive writing with hyphens is one word; being typed, it is
		// read so only against the dictionary (InclusiveLast: « sous-e »
		// may be a compound being typed).
		{"étudiant-es", []Clause{{Text: "étudiant-es", Prefix: true}}},
		{"étudiant-es ", []Clause{w("étudiant·es")}},
		{"citoyen-ne-s logement", []Clause{w("citoyen·ne·s"), {Text: "logement", Prefix: true}}},
		{"prends-le", []Clause{{Text: "prends-le", Prefix: true}}},
		{"aînés-bénévoles", []Clause{{Text: "aînés-bénévoles", Prefix: true}}},
		// A dash a phone puts for the hyphen is one (« l’ogement » was
		// read in « logement–social »), and so is a hyphen typed twice;
		// an accent typed for the apostrophe is one.
		{"logement–social", []Clause{{Text: "logement-social", Prefix: true}}},
		{"développement—durable ", []Clause{w("développement-durable")}},
		{"aînés--bénévoles ", []Clause{w("aînés-bénévoles")}},
		{"étudiant–es ", []Clause{w("étudiant·es")}},
		{"conseil d´administration", []Clause{w("conseil"), {Text: "d’administration", Prefix: true}}},
		{"l`école ", []Clause{w("l’école")}},
		{"logement– ", []Clause{w("logement–")}},
	}
	for _, c := range cases {
		got, err := Parse(c.q)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.q, err)
			continue
		}
		if !reflect.DeepEqual(got.Clauses, c.want) {
			t.Errorf("Parse(%q) = %+v, want %+v", c.q, got.Clauses, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ q, code string }{
		{"\xff\xfe", "invalid_utf8"},
		{"\ufffd", "invalid_utf8"},          // a lone surrogate of a JSON body, decoded
		{"logement \ufffd", "invalid_utf8"}, // a character lost on the way
		{strings.Repeat("a", MaxQueryBytes+1), "query_too_long"},
		{distinctWords(MaxQueryClauses + 1), "too_many_words"},
		{strings.Repeat("k", analysis.MaxWordBytes+1), "word_too_long"}, // no note holds a word so long (analysis.MaxWordBytes)
		{"logement " + strings.Repeat("é", analysis.MaxWordBytes+1), "word_too_long"},
		{`"le ` + strings.Repeat("ab", analysis.MaxWordBytes) + `"`, "word_too_long"},
	}
	for _, c := range cases {
		_, err := Parse(c.q)
		var re *RequestError
		if !errors.As(err, &re) || re.Code != c.code || re.Param != "q" || !errors.Is(err, ErrBadRequest) {
			t.Errorf("Parse(%.20q) error = %v, want code %s on q", c.q, err, c.code)
		}
	}
}

// distinctWords returns n different words.
func distinctWords(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "mot%c%c ", 'a'+i/26, 'a'+i%26)
	}
	return b.String()
}

// TestRepeatedWordsCountOnce: a word typed twice counts once against the
// limit of words, as in the ranking (a text pasted with its repetitions:
// 90 words, 10 of them distinct, was refused as 90). The last word stays,
// being typed or not.
func TestRepeatedWordsCountOnce(t *testing.T) {
	ten := "logement Social comunautaire -jardin \"maison des jeunes\" aînés Aînés aines économie -jardin "
	pq, err := Parse(strings.Repeat(ten, 9) + "logement")
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, c := range pq.Clauses {
		texts = append(texts, c.Text)
	}
	want := "logement Social comunautaire jardin maison des jeunes aînés économie logement" // aînés, Aînés, aines: one
	if got := strings.Join(texts, " "); got != want || !pq.Clauses[len(pq.Clauses)-1].Prefix {
		t.Errorf("clauses %q (last %+v), want %q with the last being typed", got, pq.Clauses[len(pq.Clauses)-1], want)
	}
	// Distinct words past the limit are still refused.
	if _, err := Parse(strings.Repeat(distinctWords(MaxQueryClauses+1), 2)); err == nil {
		t.Error("33 distinct words typed twice: accepted")
	}
}

func TestTypoBudget(t *testing.T) {
	for n, want := range map[int]int{1: 0, 4: 0, 5: 1, 8: 1, 9: 2, 20: 2} {
		if got := typoBudget(n); got != want {
			t.Errorf("typoBudget(%d) = %d, want %d", n, got, want)
		}
	}
	// Counted in characters: "économie" is 8 characters but 9 bytes.
	if got := typoBudget(utf8.RuneCountInString("économie")); got != 1 {
		t.Errorf("budget of économie = %d, want 1", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"economie sociale", `"a b" -c`, "« x »", "-\"", "l’OBNL peut-être", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		p, err := Parse(q)
		if err != nil {
			return
		}
		if len(p.Clauses) > MaxQueryClauses {
			t.Fatalf("%d clauses", len(p.Clauses))
		}
		for i, c := range p.Clauses {
			if c.Text == "" || !utf8.ValidString(c.Text) {
				t.Fatalf("bad clause %+v", c)
			}
			if c.Prefix && (i != len(p.Clauses)-1 || c.Phrase || c.Exclude) {
				t.Fatalf("prefix on %+v", c)
			}
		}
		// Planning never panics, with or without a dictionary.
		if _, err := NewPlan(p, nil); err != nil {
			t.Fatal(err)
		}
		// Its hyphenated words read apart: as many words as a query may
		// hold, none empty, a prefix only last, and plannable.
		if sp, ok := p.SplitHyphens(); ok {
			if len(sp.Clauses) > MaxQueryClauses || len(sp.Clauses) <= len(p.Clauses) {
				t.Fatalf("split of %q: %d clauses from %d", q, len(sp.Clauses), len(p.Clauses))
			}
			for i, c := range sp.Clauses {
				if c.Text == "" || !utf8.ValidString(c.Text) || c.Prefix && i != len(sp.Clauses)-1 {
					t.Fatalf("split of %q: bad clause %+v", q, c)
				}
			}
			if _, err := NewPlan(sp, nil); err != nil {
				t.Fatal(err)
			}
		}
		// The rendered form parses to the same clauses (prefix aside: the
		// last word, being typed, counts apart from the same word whole,
		// « co co », and is one with it once finished).
		p2, err := Parse(p.String() + " ")
		if err != nil {
			t.Fatalf("reparse %q: %v", p.String(), err)
		}
		whole := slices.Clone(p.Clauses)
		for i := range whole {
			whole[i].Prefix = false
		}
		if want := len(withoutRepeats(whole)); len(p2.Clauses) != want {
			t.Fatalf("reparse of %q gave %d clauses, want %d", p.String(), len(p2.Clauses), want)
		}
	})
}

// TestCompletionTerms: a completion as written stands for its first word's
// terms (a compound's joined forms included), never for a later part's.
func TestCompletionTerms(t *testing.T) {
	for _, tc := range []struct {
		word string
		want []string
	}{
		{"logements", []string{"log"}},
		{"benevoles-organismes", []string{"benevol", "benevolesorganismes", "benevolesorgan"}},
		{"tiers-lieux", []string{"tiers", "tierslieux"}},
		{"economie-sociale", []string{"econom", "economiesociale", "economiesocial"}},
	} {
		var got []string
		for _, tok := range completionTerms(tc.word) {
			got = append(got, tok.Term)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("completionTerms(%q) = %v, want %v", tc.word, got, tc.want)
		}
	}
}

// TestInclusiveParens: inclusive writing with parentheses is read as with
// the middle dot; other parentheses are left alone.
func TestInclusiveParens(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"participant(e)s", "participant·e·s"},
		{"étudiant(e)", "étudiant·e"},
		{"acteur(trice)s", "acteur·trice·s"},
		{"intervenant(e)s,", "intervenant·e·s,"},
		{"(logement)", "(logement)"},
		{"CA(A)", "CA(A)"},
		{"logement", "logement"},
	} {
		if got := inclusiveParens(tc.in); got != tc.want {
			t.Errorf("inclusiveParens(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestInclusiveSlashes: inclusive writing with slashes is read as with the
// middle dot.
func TestInclusiveSlashes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"étudiant/e/s", "étudiant·e·s"},
		{"intervenant/es", "intervenant·es"},
		{"travailleur/euse/s", "travailleur·euse·s"},
		{"citoyen/ne/s,", "citoyen·ne·s,"},
		{"ville/village", "ville/village"}, // no ending: left alone
		{"logement/ville", "logement/ville"},
		{"l’utilisateur/trices", "l’utilisateur·trices"},
		{"administrateur/trice/s", "administrateur·trice·s"},
		{"étudiant/es/s", "étudiant·es·s"},
		{"beau/elle/s", "beau·elle·s"},
		{"il/elle", "il/elle"},
		{"TPS/TVQ", "TPS/TVQ"},
		{"24/7", "24/7"},
		{"logement", "logement"},
	} {
		if got := inclusiveSlashes(tc.in); got != tc.want {
			t.Errorf("inclusiveSlashes(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A word found through a plural's or a feminine's ending is a form of the
// word meant only when the ending leaves its stem as it is.
func TestInflectedTypo(t *testing.T) {
	for _, tc := range []struct {
		typed, term string
		f           int
		want        bool
	}{
		{"aidayt", "aidant", 1, true},
		{"aidayt", "aidants", 1, true},
		{"aidayt", "aidantes", 1, true},
		{"aidnat", "aidants", 1, true}, // two letters swapped, then an ending
		{"encre", "entree", 1, false},  // « entre » + e is another word
		{"rilier", "riviere", 1, false},
		{"rilier", "relier", 1, true},
		{"entrre", "entree", 1, true}, // within the typo as written
		{"logment", "logements", 1, true},
	} {
		if got := inflectedTypo(tc.typed, tc.term, tc.f); got != tc.want {
			t.Errorf("inflectedTypo(%q, %q, %d) = %v, want %v", tc.typed, tc.term, tc.f, got, tc.want)
		}
	}
}

func TestSplitHyphens(t *testing.T) {
	for _, c := range []struct {
		q, want string // clauses as Text, "=" phrase, "-" excluded, "*" prefix
		ok      bool
	}{
		{"aînés-isolés", "aînés isolés*", true},
		{"aînés-isolés ", "aînés isolés", true},
		{"logement aînés‑isolés montréal", "logement aînés isolés montréal*", true}, // non-breaking hyphen
		{"Val-d’Or", "Val d’Or*", true},
		{"COVID-19 ", "COVID 19", true},
		{`"aînés-isolés" -porte-parole`, `="aînés-isolés" -porte-parole`, false},
		{"logement -", "logement*", false},
		{"-x- --y", "-x- --y", false},
		{"a- -b", "a- -b", false},
		{"logement", "logement*", false},
		// A dash put for the hyphen (en and em dashes, minus sign,
		// full-width hyphen-minus) or a hyphen typed twice joins two words
		// as the hyphen does (« Trois–Rivières » finds « Trois-Rivières »):
		// « aînés–isolés » and « aînés--isolés » found nothing on the demo
		// where « aînés-isolés » found 37 notes. Dashes at either end, or
		// between other characters, split nothing.
		{"aînés–isolés ", "aînés isolés", true},      // en dash
		{"aînés—isolés ", "aînés isolés", true},      // em dash
		{"aînés−isolés ", "aînés isolés", true},      // minus sign
		{"aînés－isolés ", "aînés isolés", true},      // full-width
		{"aînés--isolés ", "aînés isolés", true},     // doubled
		{"aînés-‐-isolés ", "aînés isolés", true},    // mixed run
		{"a-b--c—d ", "a b c d", true},               // chain
		{"aînés-- isolés ", "aînés-- isolés", false}, // at the end
		{"logement –montréal ", "logement -montréal", false},
		{"x-–", "x-–*", false},
		{"l’–x ", "l’–x", false},
	} {
		pq, err := Parse(c.q)
		if err != nil {
			t.Fatal(err)
		}
		split, ok := pq.SplitHyphens()
		var got []string
		for _, cl := range split.Clauses {
			s := cl.Text
			switch {
			case cl.Phrase && cl.Exclude:
				s = `-="` + s + `"`
			case cl.Phrase:
				s = `="` + s + `"`
			case cl.Exclude:
				s = "-" + s
			}
			if cl.Prefix {
				s += "*"
			}
			got = append(got, s)
		}
		if g := strings.Join(got, " "); g != c.want || ok != c.ok {
			t.Errorf("SplitHyphens(%q) = %q, %v; want %q, %v", c.q, g, ok, c.want, c.ok)
		}
	}
	// More parts than a query may hold: not split.
	var eleven []string
	for r := 'a'; r < 'a'+11; r++ {
		eleven = append(eleven, "mot"+string(r)+"-b-c")
	}
	pq, _ := Parse(strings.Join(eleven, " ") + " ")
	if _, ok := pq.SplitHyphens(); ok {
		t.Error("33 words from 11: split")
	}
}

// TestShortTypedLast: which queries end with a single letter still being
// typed, after other words (WithoutShortTyped then asks the index whether a
// note holds it).
func TestShortTypedLast(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want bool
	}{
		{"maison des f", true},
		{"maison d'u", true},
		{"maison l’é", true},
		{"comment f", true},
		{"maison É", true},
		{"maison 7", true},
		{"f", false},              // alone
		{"d'u", false},            // alone
		{"maison f ", false},      // typed whole
		{"maison fa", false},      // two letters: completed
		{"maison -f", false},      // excluded
		{`maison "f"`, false},     // a phrase
		{"-maison f", false},      // no other word to search
		{"maison saint-j", false}, // a compound being typed: the hyphen rules
		{"maison '", false},       // no letter
	} {
		pq, err := Parse(tc.q)
		if err != nil {
			t.Fatalf("%q: %v", tc.q, err)
		}
		if got := pq.ShortTypedLast(); got != tc.want {
			t.Errorf("%q: ShortTypedLast %v, want %v (clauses %+v)", tc.q, got, tc.want, pq.Clauses)
		}
	}
}

// TestShouted: a query of two words or more without a lower-case letter is
// read in lower case; one word in capitals stays an acronym, and so does a
// word in capitals among words in lower case.
func TestShouted(t *testing.T) {
	for _, c := range []struct {
		q    string
		want bool
	}{
		{"ILES DE LA MADELEINE", true},
		{"ÉCONOMIE SOCIALE ", true},
		{"CLSC", false},
		{"CLSC RIMOUSKI", true},
		{"CLSC 2024", false}, // one word
		{"AS!AS", true},      // two words, as the parser reads them
		{"O.B.N.L.", false},  // one
		{"L'OBNL", false},
		{"role du CA", false},
		{"12 34", false},
		{"", false},
	} {
		if got := shouted(c.q); got != c.want {
			t.Errorf("shouted(%q) = %v, want %v", c.q, got, c.want)
		}
	}
	// A query at the byte limit whose capitals grow in lower case is
	// still taken (the limit reads what was sent).
	at := strings.Repeat("İ", MaxQueryBytes/2-2) + " A"
	if _, err := Parse(at); err != nil && strings.Contains(err.Error(), "octets") {
		t.Errorf("%d bytes in capitals: %v", len(at), err)
	}
	pq, err := Parse("ILES DE LA MADELEINE ")
	if err != nil {
		t.Fatal(err)
	}
	if got := pq.Clauses[0].Text + " " + pq.Clauses[3].Text; got != "iles madeleine" {
		t.Errorf("ILES DE LA MADELEINE: clauses %q", got)
	}
}
