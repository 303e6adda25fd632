package index

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseQuery(t *testing.T) {
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
		{"a - b", []Clause{w("a"), {Text: "b", Prefix: true}}},
		{`""`, nil},
		{"\tcpe\n", []Clause{w("cpe")}},
	}
	for _, c := range cases {
		got, err := ParseQuery(c.q)
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", c.q, err)
			continue
		}
		if !reflect.DeepEqual(got.Clauses, c.want) {
			t.Errorf("ParseQuery(%q) = %+v, want %+v", c.q, got.Clauses, c.want)
		}
	}
}

func TestParseQueryErrors(t *testing.T) {
	cases := []struct{ q, code string }{
		{"\xff\xfe", "invalid_utf8"},
		{strings.Repeat("a", MaxQueryBytes+1), "query_too_long"},
		{strings.Repeat("mot ", MaxQueryClauses+1), "too_many_words"},
	}
	for _, c := range cases {
		_, err := ParseQuery(c.q)
		var re *RequestError
		if !errors.As(err, &re) || re.Code != c.code || re.Param != "q" || !errors.Is(err, ErrBadRequest) {
			t.Errorf("ParseQuery(%.20q) error = %v, want code %s on q", c.q, err, c.code)
		}
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

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"economie sociale", `"a b" -c`, "« x »", "-\"", "l’OBNL peut-être", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		p, err := ParseQuery(q)
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
		if _, err := newPlan(p, nil); err != nil {
			t.Fatal(err)
		}
		// The rendered form parses to the same clauses (prefix aside).
		p2, err := ParseQuery(p.String() + " ")
		if err != nil {
			t.Fatalf("reparse %q: %v", p.String(), err)
		}
		if len(p2.Clauses) != len(p.Clauses) {
			t.Fatalf("reparse of %q gave %d clauses, want %d", p.String(), len(p2.Clauses), len(p.Clauses))
		}
	})
}

func TestHighlightEscapes(t *testing.T) {
	m := NewMatcher("economie ")
	got := Highlight(`<script>alert("x")</script> L’économie & co`, m)
	want := `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; L’<mark>économie</mark> &amp; co`
	if got != want && got != strings.Replace(want, "L’<mark>", "<mark>L’", 1) {
		t.Errorf("Highlight = %s", got)
	}
}

func TestSnippetLength(t *testing.T) {
	body := strings.Repeat("mot ", 100) + "financement " + strings.Repeat("suite ", 100)
	s := Snippet(NewMatcher("financement "), SnippetWords, "", body)
	if !strings.Contains(s, "<mark>financement</mark>") || !strings.HasPrefix(s, "… ") || !strings.HasSuffix(s, " …") {
		t.Fatalf("snippet = %s", s)
	}
	if n := len(strings.Fields(s)); n < SnippetWords-2 || n > SnippetWords+4 {
		t.Errorf("snippet has %d words: %s", n, s)
	}
}

func TestPlainText(t *testing.T) {
	for _, tc := range []struct{ name, md, want string }{
		{"mixed", "## 2.1. Titre\n\n- **Gras** et [lien](https://x.org)\n> cité\n```\ncode\n```", "2.1. Titre Gras et lien cité code"},
		{"empty", "", ""},
		{"plain", "Les participant·es d’un organisme", "Les participant·es d’un organisme"},
		{"emphasis", "*un* _deux_ **trois** __quatre__ ~~cinq~~", "un deux trois quatre cinq"},
		{"emphasis inside a word", "co**opé**rative", "coopérative"},
		{"link with title", `Voir [le guide](https://x.org "Guide") ici`, "Voir le guide ici"},
		{"link text with brackets", "[[1]](https://x.org/a) note", "[1] note"},
		{"image", "![Une carte du Québec](carte.png)", "Une carte du Québec"},
		{"reference link", "Voir [le site][tiess].\n\n[tiess]: https://tiess.ca", "Voir le site."},
		{"autolink", "Écrire à <info@x.org> ou <https://x.org>", "Écrire à info@x.org ou https://x.org"},
		{"bare URL", "Site : https://x.org/page.", "Site : https://x.org/page."},
		{"setext heading", "Titre\n=====\n\nTexte", "Titre Texte"},
		{"ordered list", "1. un\n2. deux\n   - sous-point", "un deux sous-point"},
		{"task list", "- [x] fait\n- [ ] à faire", "fait à faire"},
		{"nested quote", "> niveau un\n>> niveau deux", "niveau un niveau deux"},
		{"inline code", "la fonction `Fold` plie", "la fonction Fold plie"},
		{"indented code", "Avant\n\n    code indenté\n\nAprès", "Avant code indenté Après"},
		{"fence with info", "```go\nfmt.Println(1)\n```", "fmt.Println(1)"},
		{"table", "| Nom | Rôle |\n|---|---|\n| Léa | coordination |", "Nom Rôle Léa coordination"},
		{"raw html dropped", "<div>caché</div>\n\nTexte <b>gras</b>", "Texte gras"},
		{"hard break", "ligne un  \nligne deux", "ligne un ligne deux"},
		{"paragraphs do not run together", "fin.\n\nDébut", "fin. Début"},
		{"thematic break", "avant\n\n---\n\naprès", "avant après"},
		{"asterisk as text", "2 * 3 = 6", "2 * 3 = 6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := PlainText(tc.md); got != tc.want {
				t.Errorf("PlainText(%q) = %q, want %q", tc.md, got, tc.want)
			}
		})
	}
}
