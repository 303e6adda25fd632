package api

import (
	"net/url"
	"testing"
)

// TestPunctuationWithoutSpace: words typed with a comma, a semicolon, a
// colon, a plus, a slash, brackets or an ellipsis and no space (« logement,montreal ») were one compound word, which
// only the notes holding both words side by side matched (1 note of the
// demo against 56 for the two words), and « xyzzy:logement » found nothing
// where « xyzzy logement » finds the notes holding « logement ». They are
// now the same search as with a space.
func TestPunctuationWithoutSpace(t *testing.T) {
	srv, _ := newTestServer(t)
	total := func(q string) int {
		t.Helper()
		status, b := get(t, srv.URL+"/v1/search?facets=none&per_page=1&q="+url.QueryEscape(q))
		if status != 200 {
			t.Fatalf("%q: %d %s", q, status, b)
		}
		_, n := searchIDs(t, b)
		return n
	}
	for _, c := range [][2]string{
		{"logement,montreal", "logement montreal"},
		{"logement;montreal", "logement montreal"},
		{"logement:montreal", "logement montreal"},
		{"xyzzy:logement", "xyzzy logement"},
		{"logement+montreal", "logement montreal"},
		{"logement/montreal", "logement montreal"},
		{"logement(montreal)", "logement montreal"},
		{"logement…montreal", "logement montreal"},
	} {
		got, want := total(c[0]), total(c[1])
		if got != want || want == 0 {
			t.Errorf("%q: %d notes, %q: %d", c[0], got, c[1], want)
		}
	}
}
