package trouvaille

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/encommun/trouvaille/ingest"
)

// TestReady: not ready (saying why) until the discovery tables are built;
// ready afterwards, and still ready once live writes are applied.
func TestReady(t *testing.T) {
	eng, err := Open(t.TempDir(), OpenOptions{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if _, err := (&Ingester{Engine: eng}).Ingest(bytes.NewReader(DemoNotes), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	if err := eng.Ready(); !errors.Is(err, ErrNotReady) || !strings.Contains(err.Error(), "découverte") {
		t.Fatalf("before the warm-up: %v", err)
	}
	eng.WarmUp()
	waitReady := func() {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for eng.Ready() != nil {
			if time.Now().After(deadline) {
				t.Fatalf("never ready: %v", eng.Ready())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitReady()
	res, err := eng.Write(context.Background(), strings.NewReader(`{"id":"r1","title":"Prêt","visibility":"public"}`), "r.jsonl", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.WaitIndexed(context.Background(), res.Seq, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	waitReady()
	// While the index warms up (WarmUp, in the background), not ready.
	eng.warming.Store(true)
	if err := eng.Ready(); !errors.Is(err, ErrNotReady) || !strings.Contains(err.Error(), "préchauffage de l’index") {
		t.Errorf("while the index warms up: %v", err)
	}
	eng.warming.Store(false)
	waitReady()
	st := eng.Stats()
	if st.StoreSeq != st.IndexSeq || st.StoreBytes == 0 || st.IndexBytes == 0 || st.Notes != 338 {
		t.Errorf("Stats: %+v", st)
	}
}

// The end of a bulk load (CloseCompacted) saves the discovery view beside
// the index's merges, and the next start reads it back, with the index
// merged and every note found.
func TestCloseCompactedSavesTheView(t *testing.T) {
	dir := t.TempDir()
	eng, err := Open(dir, OpenOptions{Logf: t.Logf, Bulk: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&Ingester{Engine: eng}).Ingest(bytes.NewReader(DemoNotes), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	want := search(t, eng, "logement")
	if _, err := eng.CloseCompacted(context.Background()); err != nil {
		t.Fatal(err)
	}
	eng, log := reopenWithSavedView(t, dir)
	if n, ok := eng.index.Segments(); !ok || n != 1 {
		t.Errorf("index segments after CloseCompacted: %d (%v), want 1", n, ok)
	}
	if got := search(t, eng, "logement"); !slices.Equal(got, want) || len(got) == 0 {
		t.Errorf("after CloseCompacted: %v, before: %v", got, want)
	}
	if _, err := eng.Suggest(context.Background(), Scope{}, "loge", 5); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "vue de découverte lue : 317 notes publiques jusqu’au changement 337") {
		t.Errorf("the saved view was not read back: %q", log.String())
	}
}

// The discovery view is saved in the data folder when the engine closes
// and read back when it opens: the second start reads only the changes made
// in between, and the completions follow them.
func TestDiscoveryViewSavedInDataFolder(t *testing.T) {
	dir := t.TempDir()
	eng, err := Open(dir, OpenOptions{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&Ingester{Engine: eng}).Ingest(bytes.NewReader(DemoNotes), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Suggest(context.Background(), Scope{}, "loge", 5); err != nil {
		t.Fatal(err)
	}
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}
	eng, log := reopenWithSavedView(t, dir)
	res, err := eng.Write(context.Background(), strings.NewReader(`{"id":"zz1","title":"Zoothérapie en CHSLD","visibility":"public"}`), "r.jsonl", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.WaitIndexed(context.Background(), res.Seq, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	s, err := eng.Suggest(context.Background(), Scope{}, "zooth", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Groups) == 0 || s.Groups[0].Items[0].ID != "zz1" {
		t.Errorf("the note written after the restart is not proposed: %+v", s.Groups)
	}
	if !strings.Contains(log.String(), "vue de découverte lue : 317 notes publiques jusqu’au changement 337") {
		t.Errorf("the saved view was not read back: %q", log.String())
	}
}

// reopenWithSavedView checks that the closed engine left its discovery view
// in dir, and opens dir again, logging into the lines it returns.
func reopenWithSavedView(t *testing.T, dir string) (*Engine, *logLines) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "decouverte.vue")); err != nil {
		t.Fatalf("no saved view in the data folder: %v", err)
	}
	log := &logLines{}
	eng, err := Open(dir, OpenOptions{Logf: log.logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng, log
}
