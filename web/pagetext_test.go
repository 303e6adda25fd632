package web

import (
	"html"
	"strings"
	"testing"
)

// TestPageSaysWhatItShows: three sentences of the page that did not match
// what it showed (a hostile audit, session 46). The home page's count named
// the newest first over a list sorted by title; a phrase between « » or “ ”
// that found nothing got no « moins de mots » link, where one between
// straight quotes did; the date chips wrote the address's 2024-01-01 where
// the results write « 1er janvier 2024 ».
func TestPageSaysWhatItShows(t *testing.T) {
	s, _ := testServer(t)
	page := func(query string) string {
		t.Helper()
		status, _, body := fetch(t, s.URL+"/"+query)
		if status != 200 {
			t.Fatalf("%s: status %d", query, status)
		}
		return html.UnescapeString(body)
	}
	for query, order := range map[string]string{
		"":                    "— les plus récentes d’abord",
		"?sort=-published_at": "— les plus récentes d’abord",
		"?sort=published_at":  "— les plus anciennes d’abord",
		"?sort=title":         "— par titre, de A à Z",
		"?sort=title&lang=en": "— by title, A to Z",
	} {
		text := page(query)
		i := strings.Index(text, `id="count"`)
		if i < 0 {
			t.Fatalf("%s: no count", query)
		}
		count, _, _ := strings.Cut(text[i:], "</p>")
		if !strings.HasSuffix(count, order) {
			t.Errorf("%s: the count says %q, want it to end with %q", query, count, order)
		}
	}
	for _, q := range []string{`"logement abordable zzrimouski"`, "«logement abordable zzrimouski»", "“logement abordable zzrimouski”"} {
		if text := page("?q=" + strings.ReplaceAll(q, " ", "+")); !strings.Contains(text, "class=\"try-fewer\">«\u00a0logement abordable zzrimouski\u00a0»") {
			t.Errorf("%s: no link to the same words without the quotes", q)
		}
	}
	text := page("?published_after=2024-01-01&published_before=2025-03-02")
	for _, w := range []string{"Depuis le 1er janvier 2024", "Jusqu’au 2 mars 2025"} {
		if !strings.Contains(text, w) {
			t.Errorf("date chips: the page does not say %q", w)
		}
	}
}
