package trouvaille

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A segment damaged on disk while the engine serves (footer intact, so
// Bleve does not notice): a failing search answers ErrIndexDamaged and
// schedules a rebuild from the store, after which every search works again.
func TestDamagedSegmentWhileServing(t *testing.T) {
	dir := t.TempDir()
	e := openEngine(t, dir)
	in := &Ingester{Engine: e}
	if _, err := in.Ingest(bytes.NewReader(DemoNotes), "demo.jsonl"); err != nil {
		t.Fatal(err)
	}
	want := len(search(t, e, "logement"))
	if err := e.Close(); err != nil { // persists the segments
		t.Fatal(err)
	}
	e = openEngine(t, dir)
	zaps, _ := filepath.Glob(filepath.Join(dir, "index", "store", "*.zap"))
	if len(zaps) == 0 {
		t.Fatal("no segment on disk")
	}
	// Random bytes written in place (no truncation: the file is mapped).
	rng := rand.New(rand.NewPCG(1, 2))
	for _, z := range zaps {
		f, err := os.OpenFile(z, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.Stat()
		junk := make([]byte, min(int(st.Size())/2, 2<<20))
		for i := range junk {
			junk[i] = byte(rng.IntN(256))
		}
		f.WriteAt(junk, st.Size()/4)
		f.Close()
	}
	// Whatever a search does on damaged bytes, it never crashes, and a
	// failure is reported as the damage it is.
	defer e.Close()
	damaged := false
	for _, q := range []string{"logement", "économie sociale", "financement", "jardin"} {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("search %q panicked: %v", q, p)
				}
			}()
			_, err := e.Search(context.Background(), Request{Q: q})
			if err != nil && !errors.Is(err, ErrIndexDamaged) {
				t.Errorf("search %q on a damaged index: %v, want ErrIndexDamaged", q, err)
			}
			damaged = damaged || err != nil
		}()
	}
	// If no search happened to read the damaged bytes, the failure path
	// itself: any index error is checked against the disk.
	if !damaged {
		e.mu.RLock()
		err := e.indexFailed(errors.New("lecture impossible"))
		e.mu.RUnlock()
		if !errors.Is(err, ErrIndexDamaged) {
			t.Fatalf("indexFailed on a damaged index = %v", err)
		}
	}
	// The rebuild runs in the background; then searches work again.
	deadline := time.Now().Add(30 * time.Second)
	for e.rebuilding.Load() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := e.Verify(); err != nil {
		t.Fatalf("after the rebuild: %v", err)
	}
	if got := len(search(t, e, "logement")); got != want {
		t.Errorf("after the rebuild, logement finds %d notes, want %d", got, want)
	}
}
