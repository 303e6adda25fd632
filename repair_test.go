package trouvaille

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
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
	damageSegments(t, filepath.Join(dir, "index"))
	defer e.Close()
	// A failed search checks the segments against their checksums: the
	// damage is named, and the rebuild scheduled. (Searches are not run on
	// the damaged bytes here: Bleve reads some segments in goroutines of
	// its own, where a panic cannot be recovered; the binary's test
	// TestDamagedSegmentWhileServing covers that path, restart included.)
	e.mu.RLock()
	err := e.indexFailed(errors.New("lecture impossible"))
	e.mu.RUnlock()
	if !errors.Is(err, ErrIndexDamaged) {
		t.Fatalf("indexFailed on a damaged index = %v", err)
	}
	// Request errors are never taken for damage.
	e.mu.RLock()
	err = e.indexFailed(ErrBadRequest)
	e.mu.RUnlock()
	if errors.Is(err, ErrIndexDamaged) {
		t.Fatal("a bad request was taken for a damaged index")
	}
	// The rebuild runs in the background; then searches work again.
	deadline := time.Now().Add(30 * time.Second)
	for e.repairing.Load() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := e.Verify(); err != nil {
		t.Fatalf("after the rebuild: %v", err)
	}
	if got := len(search(t, e, "logement")); got != want {
		t.Errorf("after the rebuild, logement finds %d notes, want %d", got, want)
	}
}

// A panic in one of Bleve's background tasks, which scorch recovers and
// reports to its async-error callback before the task ends (called here as
// scorch calls it), makes the engine rebuild the index from the store: a
// new index, every note found again, writes going on.
func TestBackgroundPanicRebuildsIndex(t *testing.T) {
	dir := t.TempDir()
	e := openEngine(t, dir)
	defer e.Close()
	in := &Ingester{Engine: e}
	if _, err := in.Ingest(bytes.NewReader(DemoNotes), "demo.jsonl"); err != nil {
		t.Fatal(err)
	}
	want := len(search(t, e, "logement"))
	var callback func(error, string)
	for name, f := range scorch.RegistryAsyncErrorCallbacks {
		if strings.HasPrefix(name, "trouvaille") {
			callback = f
		}
	}
	if callback == nil {
		t.Fatal("no async-error callback of ours registered with scorch")
	}
	e.mu.RLock()
	old := e.index
	e.mu.RUnlock()
	callback(scorch.NewScorchError("merger", "panic: test", scorch.ErrAsyncPanic), filepath.Join(dir, "index", "store"))
	deadline := time.Now().Add(60 * time.Second)
	for {
		e.mu.RLock()
		replaced := e.index != old
		e.mu.RUnlock()
		if replaced && !e.repairing.Load() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the index was not rebuilt after a background panic")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := len(search(t, e, "logement")); got != want {
		t.Errorf("after the rebuild, logement finds %d notes, want %d", got, want)
	}
	if _, err := in.Ingest(strings.NewReader(`{"id":"apres-panique","type":"note","title":"Jardin communautaire après la panique","visibility":"public"}`+"\n"), "apres.jsonl"); err != nil {
		t.Fatal(err)
	}
	if got := search(t, e, "jardin communautaire panique"); len(got) == 0 {
		t.Error("a note written after the rebuild is not found")
	}
}
