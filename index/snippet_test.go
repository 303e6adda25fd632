package index

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/encommun/trouvaille/query"
)

func TestHighlightEscapes(t *testing.T) {
	m := query.NewMatcher("economie ")
	got := Highlight(`<script>alert("x")</script> L’économie & co`, m)
	want := `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; L’<mark>économie</mark> &amp; co`
	if got != want && got != strings.Replace(want, "L’<mark>", "<mark>L’", 1) {
		t.Errorf("Highlight = %s", got)
	}
}

func TestSnippetLength(t *testing.T) {
	body := strings.Repeat("mot ", 100) + "financement " + strings.Repeat("suite ", 100)
	s := Snippet(query.NewMatcher("financement "), SnippetWords, "", body)
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

func TestCollapseSpace(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"mot", "mot"},
		{"  deux   mots  ", "deux mots"},
		{"a\tb\nc\r\nd\v\fe", "a b c d e"},
		{"l’économie\u00a0sociale", "l’économie sociale"}, // no-break space: white space, as strings.Fields says
		{"x\u2003y\u0085z", "x y z"},
		{"participant·es  ", "participant·es"},
		{"\xff  \xfe", "\xff \xfe"}, // invalid bytes kept as they are
	}
	for _, c := range cases {
		if got := collapseSpace(c.in); got != c.want {
			t.Errorf("collapseSpace(%q) = %q, want %q", c.in, got, c.want)
		}
		if ref := strings.Join(strings.Fields(c.in), " "); ref != c.want {
			t.Errorf("case %q: strings.Fields gives %q; the table is wrong", c.in, ref)
		}
	}
}

func FuzzCollapseSpace(f *testing.F) {
	for _, s := range []string{"", " a  b ", "l’économie\u00a0sociale\n", "\xff \x80a", "\u3000x\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := collapseSpace(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("collapseSpace(%q) = %q, want %q (strings.Fields)", s, got, want)
		}
	})
}

func TestTextsMayMatch(t *testing.T) {
	title, terms, summary, people, body := uint8(1), uint8(2), uint8(4), uint8(8), uint8(16)
	for _, c := range []struct {
		tiers, want uint8
	}{
		{0, mayMatchSummary},
		{title, mayMatchSummary},
		{title | terms | people, mayMatchSummary},
		{summary, mayMatchSummary},
		{title | summary, mayMatchSummary},
		{body, mayMatchAll},
		{summary | body, mayMatchAll},
	} {
		if got := textsMayMatch(c.tiers); got != c.want {
			t.Errorf("textsMayMatch(%05b) = %02b, want %02b", c.tiers, got, c.want)
		}
	}
}

// A text that cannot match is read for its beginning only, when it comes
// first, and skipped otherwise.
func TestSnippetOfSkipsTexts(t *testing.T) {
	m := query.NewMatcher("financement ")
	summary := "Un résumé sans le mot cherché."
	body := strings.Repeat("mot ", 50) + "financement " + strings.Repeat("suite ", 50)
	all := Snippet(m, SnippetWords, summary, body)
	if !strings.Contains(all, "<mark>financement</mark>") {
		t.Fatalf("snippet = %s", all)
	}
	if got := snippetOf(m, SnippetWords, []string{summary, body}, []bool{false, true}); got != all {
		t.Errorf("summary skipped: %s, want %s", got, all)
	}
	if got := snippetOf(m, SnippetWords, []string{summary, body}, []bool{false, false}); got != summary {
		t.Errorf("nothing may match: %s, want the summary", got)
	}
	if got := snippetOf(m, SnippetWords, []string{"", body}, []bool{false, false}); strings.Contains(got, "<mark>") || !strings.HasPrefix(got, "mot mot") {
		t.Errorf("nothing may match, no summary: %s, want the body's beginning", got)
	}
}

// The page's snippets, built with the index's word of which texts may
// match, are those built reading every text.
func TestSnippetsWithHintsMatchFull(t *testing.T) {
	ix, notes := openDemoIndex(t)
	f, err := os.Open("../testdata/relevance/queries.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	checked, skipped := 0, 0
	for sc.Scan() {
		var q struct {
			Q string `json:"q"`
		}
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil || q.Q == "" {
			continue
		}
		r := query.Request{Q: q.Q, Page: 1, PerPage: 10, NoSuggestion: true, Facets: []string{}}
		res, err := ix.Search(context.Background(), r, notes)
		if err != nil {
			t.Fatal(err)
		}
		m := planFor(t, ix, notes, r).Matcher()
		for _, h := range res.Hits {
			n := notes[h.ID]
			want := NewHit(n, m, true).SnippetHTML
			if h.SnippetHTML != want {
				t.Errorf("%q, note %s:\n  with hints %s\n  reading all %s", q.Q, h.ID, h.SnippetHTML, want)
			}
			if !strings.Contains(want, "<mark>") {
				skipped++
			}
			checked++
		}
	}
	if checked < 500 {
		t.Fatalf("only %d snippets checked", checked)
	}
	t.Logf("%d snippets checked, %d without a match", checked, skipped)
}

// The snippets' scratch memory is reused from one text and one call to the
// next (snippetScratches): snippets made in turn and at once, in any
// order, are those made each on its own.
func TestSnippetScratchReused(t *testing.T) {
	long := strings.Repeat("Un jardin collectif pousse dans le quartier, avec les voisin·es. ", 80)
	cases := []struct {
		q     string
		texts []string
	}{
		{"jardin", []string{"Le jardin", long}},
		{"voisines quartier", []string{"", "Résumé sans rien.", long}},
		{"cuisine", []string{"Une cuisine collective", "La cuisine du quartier est ouverte à toutes et tous."}},
		{"", []string{long}},
		{"absent", []string{"Rien ici.", long}},
	}
	want := make([]string, len(cases))
	for i, c := range cases {
		want[i] = snippetIn(new(snippetScratch), query.NewMatcher(c.q), SnippetWords, c.texts, nil)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for k := range 50 {
				i := (g + 3*k) % len(cases)
				c := cases[i]
				if got := Snippet(query.NewMatcher(c.q), SnippetWords, c.texts...); got != want[i] {
					t.Errorf("%q, round %d: %s, want %s", c.q, k, got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}
