package trouvaille

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/encommun/trouvaille/ingest"
)

// Searches see a written batch whole or not at all: a searcher running
// beside the writes never counts part of a batch.
func TestSearchesSeeBatchesWhole(t *testing.T) {
	e := openEngine(t, t.TempDir())
	defer e.Close()
	const batches, size = 30, 40
	marker := func(b int) string {
		return "zzlot" + strings.Repeat(string(rune('a'+b%26)), 2) + string(rune('a'+b/26))
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	var partial atomic.Int64
	var seen atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			for b := 0; b < batches; b++ {
				res, err := e.Search(context.Background(), Scope{}, Request{Q: `"` + marker(b) + `"`, Facets: []string{}, NoSuggestion: true})
				if err != nil {
					t.Error(err)
					return
				}
				if res.Total != 0 && res.Total != size {
					partial.Add(1)
				}
				seen.Add(1)
			}
		}
	}()
	for b := 0; b < batches; b++ {
		var body bytes.Buffer
		for i := 0; i < size; i++ {
			fmt.Fprintf(&body, `{"id":"b%d-%d","title":"Lot %s, note %d","visibility":"public"}`+"\n", b, i, marker(b), i)
		}
		res, err := e.Write(context.Background(), &body, "lot", ingest.Options{})
		if err != nil || res.Added != size {
			t.Fatalf("batch %d: %+v %v", b, res, err)
		}
	}
	if err := e.drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	stop.Store(true)
	wg.Wait()
	if partial.Load() > 0 {
		t.Errorf("%d searches saw part of a batch (of %d)", partial.Load(), seen.Load())
	}
	for b := 0; b < batches; b++ {
		if got := len(search(t, e, `"`+marker(b)+`"`)); got != size && got != 20 {
			t.Errorf("batch %d: %d hits on the first page", b, got)
		}
	}
}

// Write acknowledges once durable; WaitIndexed then bounds the wait for
// search; the discovery views (autocomplete, "Vouliez-vous dire") follow
// at once up to 20,000 notes (they are brought up to date on the next
// request).
func TestWriteThenDiscoveryFollows(t *testing.T) {
	e := openEngine(t, t.TempDir())
	defer e.Close()
	in := &Ingester{Engine: e}
	if _, err := in.Ingest(bytes.NewReader(DemoNotes), "demo.jsonl"); err != nil {
		t.Fatal(err)
	}
	// Warm the views, so that the test sees them follow a later write.
	if _, err := e.Suggest(context.Background(), Scope{}, "loge", 5); err != nil {
		t.Fatal(err)
	}
	res, err := e.Write(context.Background(), strings.NewReader(`{"id":"vivrier","title":"Le maraîchage vivrier urbain","visibility":"public"}`), "x", ingest.Options{})
	if err != nil || res.Added != 1 || res.Seq == 0 {
		t.Fatalf("write: %+v %v", res, err)
	}
	if err := e.WaitIndexed(context.Background(), res.Seq, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if ids := search(t, e, "maraîchage"); len(ids) != 1 || ids[0] != "vivrier" {
		t.Fatalf("search after WaitIndexed: %v", ids)
	}
	sug, err := e.Suggest(context.Background(), Scope{}, "maraîch", 5)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range sug.Groups {
		for _, it := range g.Items {
			found = found || it.ID == "vivrier"
		}
	}
	if !found {
		t.Errorf("autocomplete does not follow the write: %+v", sug)
	}
	// "Vouliez-vous dire" knows the new word.
	r, err := e.Search(context.Background(), Scope{}, Request{Q: "maraichagge"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total == 0 && (r.Suggestion == nil || !strings.Contains(r.Suggestion.Q, "maraîchage") && !strings.Contains(r.Suggestion.Q, "maraichage")) {
		t.Errorf("misspelled new word: total %d, suggestion %+v", r.Total, r.Suggestion)
	}
	// A deletion follows the same way.
	if _, err := e.Delete("vivrier"); err != nil {
		t.Fatal(err)
	}
	if err := e.drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ids := search(t, e, "maraîchage"); len(ids) != 0 {
		t.Errorf("deleted note still found: %v", ids)
	}
	// WaitIndexed is bounded.
	if err := e.WaitIndexed(context.Background(), 1<<40, 50*time.Millisecond); err == nil {
		t.Error("WaitIndexed of a future sequence returned nil")
	}
}
