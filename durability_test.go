package trouvaille

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/encommun/trouvaille/index"
	"github.com/encommun/trouvaille/store"
)

// copyDir copies the directory tree src to dst (dst must not exist).
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, fi.Mode())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// restore replaces dir/part with the copy saved in saved.
func restore(t *testing.T, dir, part, saved string) {
	t.Helper()
	if err := os.RemoveAll(filepath.Join(dir, part)); err != nil {
		t.Fatal(err)
	}
	copyDir(t, saved, filepath.Join(dir, part))
}

// logLines collects an engine's operator messages.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

const firstNotes = `{"id":"a1","title":"Économie sociale à Rimouski","visibility":"public"}
{"id":"a2","title":"Sécurité alimentaire","visibility":"public"}
`

const laterNotes = `{"id":"b1","title":"Coopérative d’habitation à Sherbrooke","visibility":"public"}
{"id":"a2","title":"Sécurité alimentaire en Gaspésie","visibility":"public"}
{"id":"a1","deleted":true}
`

// TestIndexAheadOrBehindStore covers both ways the index and the store can
// disagree after a power cut or a restored backup: the index behind the store
// catches up; the index ahead of the store (it holds changes the store lost)
// is rebuilt from the store, with a log line saying so. In both cases the
// index ends up holding exactly what the store holds.
func TestIndexAheadOrBehindStore(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rollBack string // the part restored from the copy taken after firstNotes
		wantLog  string
		want     map[string][]string // query -> ids
	}{
		{
			name:     "index ahead",
			rollBack: "store",
			wantLog:  "index en avance sur le magasin (séquence 5, magasin 2) : reconstruit à partir du magasin, 2 notes",
			want:     map[string][]string{"sherbrooke": nil, "gaspesie": nil, "rimouski": {"a1"}, "alimentaire": {"a2"}},
		},
		{
			name:     "index behind",
			rollBack: "index",
			wantLog:  "index en retard (séquence 2, magasin 5)",
			want:     map[string][]string{"sherbrooke": {"b1"}, "gaspesie": {"a2"}, "rimouski": nil, "alimentaire": {"a2"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			saved := filepath.Join(t.TempDir(), "saved")
			e := openEngine(t, dir)
			if _, err := (&Ingester{Engine: e}).Ingest(strings.NewReader(firstNotes), "a.jsonl"); err != nil {
				t.Fatal(err)
			}
			e.Close()
			copyDir(t, filepath.Join(dir, tc.rollBack), saved)

			e = openEngine(t, dir)
			if _, err := (&Ingester{Engine: e}).Ingest(strings.NewReader(laterNotes), "b.jsonl"); err != nil {
				t.Fatal(err)
			}
			e.Close()
			restore(t, dir, tc.rollBack, saved)

			var log logLines
			e, err := Open(dir, OpenOptions{Logf: log.logf})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			if !strings.Contains(log.String(), tc.wantLog) {
				t.Errorf("log lacks %q:\n%s", tc.wantLog, log.String())
			}
			if e.index.LastSeq() != e.store.LastSeq() {
				t.Errorf("index seq %d, store seq %d", e.index.LastSeq(), e.store.LastSeq())
			}
			for q, want := range tc.want {
				if got := search(t, e, q); strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("search %q = %v, want %v", q, got, want)
				}
			}
			count, _ := e.store.Count()
			if n, _ := e.index.DocCount(); n != uint64(count) {
				t.Errorf("index holds %d notes, store %d", n, count)
			}
		})
	}
}

// TestCleanCloseLeavesNothingToCatchUp: after an ingest and a clean Close,
// the index on disk knows every change of the store (the next start logs no
// « index en retard »).
func TestCleanCloseLeavesNothingToCatchUp(t *testing.T) {
	for _, batch := range []int{1, 2, 1000} {
		t.Run(fmt.Sprint("batch ", batch), func(t *testing.T) {
			dir := t.TempDir()
			e := openEngine(t, dir)
			if _, err := (&Ingester{Engine: e, BatchSize: batch}).Ingest(strings.NewReader(firstNotes+laterNotes), "n.jsonl"); err != nil {
				t.Fatal(err)
			}
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			// Open the two parts directly: Engine.Open would catch up.
			st, err := store.Open(filepath.Join(dir, "store"), store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ix, err := index.Open(filepath.Join(dir, "index"), t.Logf)
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			if st.LastSeq() != 5 || ix.LastSeq() != st.LastSeq() {
				t.Fatalf("after a clean close: index seq %d, store seq %d (want 5 and 5)", ix.LastSeq(), st.LastSeq())
			}
			if n, _ := ix.DocCount(); n != 2 {
				t.Errorf("index on disk holds %d notes, want 2", n)
			}
		})
	}
}
