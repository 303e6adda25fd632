package bench

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// Corpus B is deterministic, within its stated shape (bodies of 20 to 3,000
// words, 1–15 authors, at most two organisations, some long reports), and
// its queries are not empty.
func TestGenerateB(t *testing.T) {
	var a, b bytes.Buffer
	if err := GenerateB(&a, 400, 3); err != nil {
		t.Fatal(err)
	}
	if err := GenerateB(&b, 400, 3); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("corpus B is not deterministic")
	}
	reports, short, long := 0, 0, 0
	ids := map[string]bool{}
	for _, line := range bytes.Split(bytes.TrimSpace(a.Bytes()), []byte("\n")) {
		var n Note
		if err := json.Unmarshal(line, &n); err != nil {
			t.Fatal(err)
		}
		if ids[n.ID] || len(n.ID) != 27 {
			t.Fatalf("bad or repeated id %q", n.ID)
		}
		ids[n.ID] = true
		words := len(strings.Fields(n.Body))
		if words < 20 {
			t.Errorf("%s: %d words", n.ID, words)
		}
		if words < 60 {
			short++
		}
		if words > 1000 {
			long++
		}
		if strings.Contains(n.Body, "## ") {
			reports++
		}
		if len(n.Authors) < 1 || len(n.Authors) > 15 || len(n.Organisations) > 2 || n.Title == "" {
			t.Errorf("%s: %d authors, %d organisations, title %q", n.ID, len(n.Authors), len(n.Organisations), n.Title)
		}
	}
	if reports == 0 || short == 0 || long == 0 {
		t.Errorf("shape: %d reports, %d short, %d long notes", reports, short, long)
	}
	qs := QueriesB(100, 3)
	for _, q := range qs {
		if strings.TrimSpace(q.Q) == "" {
			t.Errorf("empty query (%s)", q.Kind)
		}
	}
}
