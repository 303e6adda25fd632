package index

import (
	"html"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
)

// FuzzSnippetSafe: the HTML of a title (Highlight) and of a snippet
// (Snippet) for any text and any query is safe to put in a page as it is
// (partner sites and the widget do): <mark> and </mark> alternate, never
// nested, around words the query matches; outside them every <, >, quote
// and & is escaped; a title reads back as written and a snippet is text of
// the note, valid UTF-8.
//
//	go test ./index -run - -fuzz FuzzSnippetSafe -fuzztime 60s
func FuzzSnippetSafe(f *testing.F) {
	for _, s := range [][4]string{
		{"économie", "L’économie sociale <b>", "# Titre\n\n- **économie** & co\n\n<script>alert(1)</script>", "économie"},
		{"logement", "", "[lien](javascript:alert(1)) logement \"cité\" 'x'", ""},
		{"participantes", "Les participant·es", "`code <mark>` participant·es &amp; &lt;", "participant·es"},
		{"", "", "", ""},
		{"mark", "<mark>mark</mark>", "</mark><mark>", "<<mark>>"},
		{"a b c d e", strings.Repeat("a ", 200), strings.Repeat("b c ", 300) + "d", "e"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, q, summary, body, title string) {
		if !utf8.ValidString(q) || !utf8.ValidString(summary) || !utf8.ValidString(body) || !utf8.ValidString(title) {
			return // the ingest refuses such notes
		}
		m := query.NewMatcher(q + " ")
		h := Highlight(title, m)
		if got := html.UnescapeString(checkMarkedHTML(t, "title", h, m)); got != title {
			t.Fatalf("title %q reads back as %q (%s)", title, got, h)
		}
		s := Snippet(m, SnippetWords, summary, body)
		plain := html.UnescapeString(checkMarkedHTML(t, "snippet", s, m))
		if !utf8.ValidString(plain) {
			t.Fatalf("snippet %q not valid UTF-8", s)
		}
	})
}

// checkMarkedHTML checks the marks and the escaping of s (see
// FuzzSnippetSafe) and returns it without its marks.
func checkMarkedHTML(t *testing.T, what, s string, m *query.Matcher) string {
	t.Helper()
	var out strings.Builder
	rest := s
	for {
		open := strings.Index(rest, "<mark>")
		if open < 0 {
			checkEscaped(t, what, s, rest)
			out.WriteString(rest)
			return out.String()
		}
		checkEscaped(t, what, s, rest[:open])
		out.WriteString(rest[:open])
		rest = rest[open+len("<mark>"):]
		end := strings.Index(rest, "</mark>")
		if end < 0 {
			t.Fatalf("%s %q: <mark> not closed", what, s)
		}
		word := rest[:end]
		checkEscaped(t, what, s, word)
		matched := false
		for _, tok := range analysis.Analyze(html.UnescapeString(word)) {
			matched = matched || m.Match(tok.Term)
		}
		if !matched {
			t.Fatalf("%s %q: %q marked, the query does not match it", what, s, word)
		}
		out.WriteString(word)
		rest = rest[end+len("</mark>"):]
	}
}

// checkEscaped fails unless part (of s) holds no markup: no <, >, quote, and
// & only as the escapes html.EscapeString writes.
func checkEscaped(t *testing.T, what, s, part string) {
	t.Helper()
	if strings.ContainsAny(part, `<>"'`) {
		t.Fatalf("%s %q: unescaped markup in %q", what, s, part)
	}
	for i := strings.IndexByte(part, '&'); i >= 0; i = strings.IndexByte(part, '&') {
		part = part[i:]
		ok := false
		for _, e := range []string{"&lt;", "&gt;", "&amp;", "&#39;", "&#34;"} {
			if strings.HasPrefix(part, e) {
				ok = true
			}
		}
		if !ok {
			t.Fatalf("%s %q: bare & in %q", what, s, part)
		}
		part = part[1:]
	}
}
