package trouvaille

import (
	"bytes"
	"context"
	"errors"
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
	st := eng.Stats()
	if st.StoreSeq != st.IndexSeq || st.StoreBytes == 0 || st.IndexBytes == 0 || st.Notes != 338 {
		t.Errorf("Stats: %+v", st)
	}
}
