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

// A write that hides a note (made private, or deleted) takes it out of the
// index at once, ahead of the changes the index has not applied yet: once
// confirmed, no search, completion, facet or list shows the note to a
// caller who may no longer see it, however far behind the index is, and
// an older version still queued does not bring it back. (A black-box run
// saw a hidden note in anonymous completions and facets for about 15 ms
// after its write's 200, then, with a write that waited for the index,
// for 82 s in search and facets behind a long ingest.)
func TestHidingWriteAheadOfTheIndex(t *testing.T) {
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
	zorg := func(title, vis string) string {
		return `{"id":"zorg","title":"` + title + `","organisations":["Fondation Xylophage"],"visibility":"` + vis + `","readers":["u1"]}`
	}
	res := write(zorg("Le zorglub du quartier", "public"))
	if err := e.WaitIndexed(ctx, res.Seq, 5*time.Second); err != nil {
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
	for round, hide := range []string{"private", "delete"} {
		// Hold the index behind the store: queued batches wait.
		held := make(chan struct{})
		hold := func() { <-held }
		beforeApply.Store(&hold)
		// An older public version queued, then the hiding write.
		older := write(zorg("Le zorglub du quartier, revu "+strconv.Itoa(round), "public"))
		done := make(chan WriteResult, 1)
		go func() {
			if hide == "delete" {
				res, err := e.Delete("zorg")
				if err != nil {
					t.Error(err)
				}
				done <- res
				return
			}
			done <- write(zorg("Le zorglub privé", "private"))
		}()
		var res WriteResult
		select {
		case res = <-done:
		case <-time.After(10 * time.Second):
			close(held)
			beforeApply.Store(nil)
			t.Fatalf("%s: not confirmed while the index is behind", hide)
		}
		if store, index := e.Seqs(); index >= res.Seq || store < res.Seq {
			t.Errorf("%s: index at %d, store at %d, write %d: want the index behind", hide, index, store, res.Seq)
		}
		if got := traces(); len(got) != 0 {
			t.Errorf("%s confirmed, index behind: the note still shows in %v", hide, got)
		}
		// Let the batch of the older public version through, alone: it
		// must not bring the note back.
		held <- struct{}{}
		if err := e.WaitIndexed(ctx, older.Seq, 5*time.Second); err != nil {
			t.Fatal(err)
		}
		if _, index := e.Seqs(); index >= res.Seq {
			t.Fatalf("%s: the hiding change applied too (index at %d)", hide, index)
		}
		if got := traces(); len(got) != 0 {
			t.Errorf("%s confirmed, the older version applied: the note shows in %v", hide, got)
		}
		close(held)
		beforeApply.Store(nil)
		if err := e.WaitIndexed(ctx, res.Seq, 5*time.Second); err != nil {
			t.Fatal(err)
		}
		if got := traces(); len(got) != 0 {
			t.Errorf("%s applied: the note shows in %v", hide, got)
		}
		// Its reader finds the private version.
		if hide == "private" {
			r, err := e.Search(ctx, Scope{Level: LevelPrivate, User: "u1"}, Request{Q: "zorglub", Facets: []string{}})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Hits) != 1 || r.Hits[0].Title != "Le zorglub privé" {
				t.Errorf("its reader finds %+v, want the private version", r.Hits)
			}
		}
		write(zorg("Le zorglub du quartier", "public")) // public again for the next round
		if err := e.WaitIndexed(ctx, e.store.DurableSeq(), 5*time.Second); err != nil {
			t.Fatal(err)
		}
		if got := traces(); len(got) != 3 {
			t.Fatalf("public again, the note shows in %v", got)
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
