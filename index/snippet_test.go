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
	got := PlainText("## 2.1. Titre\n\n- **Gras** et [lien](https://x.org)\n> cité\n```\ncode\n```")
	if want := "2.1. Titre Gras et lien cité code"; got != want {
		t.Errorf("PlainText = %q, want %q", got, want)
	}
}
