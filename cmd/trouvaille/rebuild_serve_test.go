package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An index to rebuild at start (here: its folder deleted, as after an
// upgrade that changes its format) is rebuilt in the background: serve
// listens before the rebuild ends, /readyz says it is under way, searches
// meanwhile answer 503 index_rebuilding (never wait, never a partial
// answer), a write meanwhile is kept, and then every note is found.
func TestServeRebuildsIndexInBackground(t *testing.T) {
	const n = 20000
	data := filepath.Join(t.TempDir(), "data")
	seedNotes(t, data, n)
	if err := os.RemoveAll(filepath.Join(data, "index")); err != nil {
		t.Fatal(err)
	}
	p := startServe(t, data)
	sawRebuilding := false
	for i := 0; ; i++ {
		if strings.Contains(p.out.String(), "index reconstruit à partir du magasin") {
			break
		}
		start := time.Now()
		r, code, err := p.search("note")
		took := time.Since(start)
		if err != nil && code != 503 {
			t.Fatalf("search during the rebuild: %d %v", code, err)
		}
		switch code {
		case 503:
			sawRebuilding = true
			if took > 2*time.Second {
				t.Errorf("a search during the rebuild waited %s", took)
			}
			var rd struct{}
			if rc, _ := p.do("GET", "/readyz", "", nil, &rd); rc != 503 {
				// The rebuild may have ended between the two requests:
				// then /readyz says 200 and a search answers too.
				if _, c2, _ := p.search("note"); rc != 200 || c2 != 200 {
					t.Errorf("/readyz during the rebuild: %d (a search then: %d)", rc, c2)
				}
			}
		case 200:
			if r.Total != n && r.Total != n+1 {
				t.Fatalf("a search during the rebuild found %d notes of %d: a partial index answered", r.Total, n)
			}
		default:
			t.Fatalf("search during the rebuild: %d", code)
		}
		if i == 0 {
			// A write while the index is rebuilt: stored at once, indexed after.
			var w writeReply
			if code, err := p.do("POST", "/v1/notes", "application/x-ndjson", strings.NewReader(crashNote(n, 1)), &w); code != 200 || err != nil || w.Added != 1 {
				t.Fatalf("write during the rebuild: %d %v %+v", code, err, w)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !sawRebuilding {
		t.Errorf("no search saw the rebuild (503): serve did not listen before the index was rebuilt\n%s", p.out.String())
	}
	out := p.out.String()
	if i, j := strings.Index(out, "Trouvaille écoute"), strings.Index(out, "index reconstruit à partir du magasin"); i < 0 || j < 0 || i > j {
		t.Errorf("serve listened only after the rebuild:\n%s", out)
	}
	checkAll(t, p, n+1)
}
