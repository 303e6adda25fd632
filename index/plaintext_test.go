package index

import (
	"strings"
	"testing"

	"github.com/encommun/trouvaille/query"
)

// joinParts reads md through plainParts, counting the parts goldmark read.
func joinParts(md string) (text string, parts, slow int) {
	var b strings.Builder
	p := newPlainParts(md)
	for {
		rest := p.rest
		s, ok := p.next()
		if !ok {
			return b.String(), parts, slow
		}
		parts++
		if p.whole {
			slow++
		} else if _, fast := fastPlain(nextBlock(&rest)); !fast {
			slow++
		}
		if s != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s)
		}
	}
}

// plainSeeds are bodies for FuzzPlainParts and TestPlainPartsMatchGoldmark:
// prose, every kind of block, and the edges of what is read without goldmark.
var plainSeeds = []string{
	"## 2.1. Titre\n\n- **Gras** et [lien](https://x.org)\n> cité\n```\ncode\n```",
	"Les participant·es d’un organisme",
	"Premier paragraphe,\nsur deux lignes.\n\n## 🏘️ Un titre\n\nSecond paragraphe.",
	"# Titre #\n\nTexte", "# Titre#", "#  ##", "# #", "#", "#\tTab", "####### sept", "#5 boulons",
	"   ## trois espaces", "texte\n# titre\nsuite", "Titre\n=====\n\nTexte", "Titre\n---",
	"www.x.org", "Voir WWW.X.ORG et http://x.org", "a@b.ca", "a\n\n\n\nb", "  \n\t\nx", "x\n \ny",
	"é\u00a0è\u3000fin", "1986 fut une année", "1986. fut", "3) trois", "a\n    b", "a\n\n    b",
	"ligne un  \nligne deux", "fin.\n\nDébut", "avant\n\n---\n\naprès", "2 * 3 = 6", "Voir [le site][tiess].\n\n[tiess]: https://tiess.ca",
	"<div>caché</div>\n\nTexte <b>gras</b>", "| a | b |\n|---|---|\n| c | d |", "a\r\nb", "\ufeffTitre", "a\x00b", "\xff\xfe",
	"> cité\n\nsuite", "- un\n\n  deux", "- un\n\n    deux", "- un\n\n      code", "- - -", "-  a", "- # titre", "+ plus\n- moins",
	"1. a\n\n2. b", "a\n2. b", "a\n- b", "- a\nb", "> a\n\n> b", "> a\nb\n\nc", "a\n\n    code\n\n    suite", "<pre>\na\n\nb\n</pre>", "-\n\n  foo", "0\n:-", "titre\n:--:", " \t     #", "  \tcode", "   \t- x", "* 0\n\n    #", "- a\n\n    ---", "10. a\n\n    ***", "Texte &amp; suite", "un\\\ndeux", "~~barré~~ et `code`", "  \n",
}

func TestPlainPartsMatchGoldmark(t *testing.T) {
	for _, md := range plainSeeds {
		got, _, _ := joinParts(md)
		if want := markdownPlain(md); got != want {
			t.Errorf("parts of %q = %q, goldmark: %q", md, got, want)
		}
	}
}

// TestPlainPartsSkipGoldmark checks that prose is cut at its blank lines and
// read without goldmark, and that only the blocks with syntax go through it.
func TestPlainPartsSkipGoldmark(t *testing.T) {
	cases := []struct {
		md          string
		parts, slow int
	}{
		{"Un paragraphe.\n\n## Un titre ##\n\nUn autre,\nsur deux lignes.", 3, 0},
		{"Un *paragraphe*.\n\nUn autre.", 2, 1},
		{"Titre\n=====\n\nTexte", 2, 1},
		{"Voir www.x.org.\n\nTexte", 2, 1},
		{"- une liste\n- de deux\n\nTexte", 2, 0},
		{"- une **liste**\n\nTexte", 2, 1},
		{"1. un\n\nTexte", 2, 1},
		{"> cité\n\nTexte", 2, 1},
		{"Texte\n\n    code", 1, 1},
		{"```\ncode\n\nsuite\n```\n\nTexte", 1, 1},
		{"<pre>\na\n\nb\n</pre>", 1, 1},
	}
	for _, c := range cases {
		text, parts, slow := joinParts(c.md)
		if parts != c.parts || slow != c.slow {
			t.Errorf("%q: %d parts, %d through goldmark; want %d, %d", c.md, parts, slow, c.parts, c.slow)
		}
		if want := markdownPlain(c.md); text != want {
			t.Errorf("%q: text %q, goldmark: %q", c.md, text, want)
		}
	}
}

func FuzzPlainParts(f *testing.F) {
	for _, md := range plainSeeds {
		f.Add(md)
	}
	f.Fuzz(func(t *testing.T, md string) {
		got, _, _ := joinParts(md)
		want := markdownPlain(md)
		if got != want {
			t.Fatalf("parts of %q = %q, goldmark: %q", md, got, want)
		}
		if pt := PlainText(md); pt != want {
			t.Fatalf("PlainText(%q) = %q, goldmark: %q", md, pt, want)
		}
	})
}

// TestSnippetReadsLittle checks that a snippet found early in a long body
// reads no more of it than its chunks need, and that a window reaching the
// last word read ends there, with "…", instead of running on to the end.
func TestSnippetReadsLittle(t *testing.T) {
	var b strings.Builder
	b.WriteString("alpha début du texte.\n\n")
	for b.Len() < snippetChunk-40 {
		b.WriteString("Un paragraphe de remplissage sans rien.\n\n")
	}
	b.WriteString("alpha beta ensemble.\n\n")
	for i := 0; i < 400; i++ {
		b.WriteString("Une suite bien plus longue que la fenêtre.\n\n")
	}
	body := b.String()
	m := query.NewMatcher("alpha beta")
	src := newPlainParts(body)
	st := analyzeForSnippet(&src, m, SnippetWords, new(snippetScratch))
	if st.complete || len(st.plain) > 3*snippetChunk {
		t.Fatalf("read %d bytes of %d (complete %v)", len(st.plain), len(body), st.complete)
	}
	s := Snippet(m, SnippetWords, "", body)
	if !strings.Contains(s, "<mark>alpha</mark> <mark>beta</mark>") || !strings.HasSuffix(s, " …") {
		t.Fatalf("snippet = %s", s)
	}
	if n := len(strings.Fields(s)); n > SnippetWords+4 {
		t.Errorf("snippet has %d words: %s", n, s)
	}
}

// BenchmarkPlainText reads the demo corpus's bodies through the parts and
// through goldmark alone.
func BenchmarkPlainText(b *testing.B) {
	_, notes := openDemoIndex(b)
	var bodies []string
	for _, n := range notes {
		bodies = append(bodies, n.Body)
	}
	b.Run("parts", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			PlainText(bodies[i%len(bodies)])
		}
	})
	b.Run("goldmark", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			markdownPlain(bodies[i%len(bodies)])
		}
	})
}
