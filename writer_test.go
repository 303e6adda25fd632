package trouvaille

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
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
	if _, err := e.Delete(context.Background(), "vivrier"); err != nil {
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

// A write that hides a note (made private, or deleted) is confirmed only
// once the index has applied it: from then on no completion, facet or list
// shows the note to a caller who may no longer see it. (A black-box run saw
// a title and an organisation that only the note held in anonymous
// completions and facets for about 15 ms after the 200 of such a write.)
// Other writes are confirmed once stored, as before.
func TestHidingWriteConfirmedOnceIndexed(t *testing.T) {
	e := openEngine(t, t.TempDir())
	defer e.Close()
	ctx := context.Background()
	write := func(line string) WriteResult {
		t.Helper()
		res, err := e.Write(ctx, strings.NewReader(line), "x", ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	zorg := `{"id":"zorg","title":"Le zorglub du quartier","organisations":["Fondation Xylophage"],"visibility":`
	res := write(zorg + `"public"}`)
	write(`{"id":"autre","title":"Une autre note","visibility":"public"}`)
	if err := e.WaitIndexed(ctx, res.Seq+1, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	traces := func() []string {
		t.Helper()
		var out []string
		if ids := search(t, e, "zorglub"); len(ids) > 0 {
			out = append(out, "search")
		}
		s, err := e.Suggest(ctx, Scope{}, "zorgl", 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Groups) > 0 {
			out = append(out, "suggest")
		}
		vals, err := e.FacetValues(ctx, "organisations")
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if v.Value == "Fondation Xylophage" {
				out = append(out, "facet values")
			}
		}
		return out
	}
	if got := traces(); len(got) != 3 {
		t.Fatalf("the public note shows in %v, want search, suggest and facet values", got)
	}
	for round, hide := range []string{zorg + `"private","readers":["u1"]}`, "delete"} {
		// Hold the indexer: the write is stored, not applied.
		e.mu.Lock()
		done := make(chan WriteResult, 1)
		go func() {
			if hide == "delete" {
				res, err := e.Delete(ctx, "zorg")
				if err != nil {
					t.Error(err)
				}
				done <- res
				return
			}
			done <- write(hide)
		}()
		// A write that hides nothing is confirmed meanwhile.
		if other := write(`{"id":"autre","title":"Une autre note, revue au tour ` + strconv.Itoa(round) + `","visibility":"public"}`); other.Updated != 1 {
			t.Errorf("public update while the index is held: %+v", other)
		}
		var res WriteResult
		select {
		case res = <-done:
			t.Errorf("%s confirmed before the index applied it: %+v", hide, res)
			e.mu.Unlock()
		case <-time.After(300 * time.Millisecond):
			e.mu.Unlock()
			res = <-done
		}
		if res.Updated+res.Deleted != 1 {
			t.Fatalf("%s: %+v", hide, res)
		}
		if got := traces(); len(got) != 0 {
			t.Errorf("once %s is confirmed, the note still shows in %v", hide, got)
		}
		write(zorg + `"public"}`) // public again for the next round
		if err := e.WaitIndexed(ctx, e.store.DurableSeq(), 5*time.Second); err != nil {
			t.Fatal(err)
		}
	}
}

// Each write answers the sequence number of its own changes, so that
// concurrent writers can tell whose version won (two writers once got the
// same number: the store's last one when each answered).
func TestConcurrentWritesGetTheirOwnSeq(t *testing.T) {
	e := openEngine(t, t.TempDir())
	defer e.Close()
	const writers = 16
	for round := range 5 {
		seqs := make([]uint64, writers)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				line := fmt.Sprintf(`{"id":"meme","title":"Version %d du tour %d","visibility":"public"}`, w, round)
				res, err := e.Write(context.Background(), strings.NewReader(line), "x", ingest.Options{})
				if err != nil || res.Added+res.Updated != 1 {
					t.Errorf("writer %d: %+v %v", w, res, err)
				}
				seqs[w] = res.Seq
			}()
		}
		wg.Wait()
		last, seen := 0, map[uint64]bool{}
		for w, s := range seqs {
			if seen[s] {
				t.Errorf("round %d: two writers got seq %d", round, s)
			}
			seen[s] = true
			if s > seqs[last] {
				last = w
			}
		}
		n, err := e.Note(Scope{Admin: true}, "meme")
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("Version %d du tour %d", last, round); n.Title != want {
			t.Errorf("round %d: stored %q, but the highest seq went to %q", round, n.Title, want)
		}
	}
}
