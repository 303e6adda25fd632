package index

import (
	"strings"
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
