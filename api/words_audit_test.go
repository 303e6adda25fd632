package api

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPageCorrectsPartOfHyphenatedWord: a hyphenated word with a misspelled
// part is read as its parts (the result's words: « logemnt », « social »),
// and the page's correction notice named the word unchanged: « Résultats
// pour « logemnt-social » · Rechercher plutôt « logemnt-social » », its
// link the same search. The notice now reads the parts as searched, and
// its link types the misspelled part exactly, the other parts kept as
// words (a quoted part followed by « -social » would exclude it).
func TestPageCorrectsPartOfHyphenatedWord(t *testing.T) {
	srv, _, _, _ := newSiteServer(t)
	for _, tc := range []struct{ q, read, exact string }{
		{"logemnt-social", "logement social", `"logemnt" social`},
		{"logemnt-socail", "logement social", `"logemnt" "socail"`},
		{"logement-socail montreal", "logement social montreal", `logement "socail" montreal`},
	} {
		resp, body := do(t, http.MethodGet, srv.URL+"/?q="+url.QueryEscape(tc.q))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%q: %d", tc.q, resp.StatusCode)
		}
		page := string(body)
		i := strings.Index(page, `<p class="notice correction">`)
		if i < 0 {
			t.Errorf("%q: no correction notice", tc.q)
			continue
		}
		notice := page[i:]
		notice = notice[:strings.Index(notice, "</p>")]
		if want := "<strong>" + tc.read + "</strong>"; !strings.Contains(notice, want) {
			t.Errorf("%q: notice %s, want it to read %q", tc.q, notice, tc.read)
		}
		if want := `href="/?q=` + url.QueryEscape(tc.exact) + `"`; !strings.Contains(html.UnescapeString(notice), want) {
			t.Errorf("%q: notice %s, want the link %s", tc.q, notice, want)
		}
	}
}
