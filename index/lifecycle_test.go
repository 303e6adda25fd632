package index

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"weak"

	"github.com/encommun/trouvaille/store"
	"go.uber.org/goleak"
)

// endlessLog is a change log that never ends: a discovery refresh reading it
// stops only when its context is cancelled.
type endlessLog struct{ memNotes }

func (endlessLog) Changes(after uint64, fn func(store.Entry) error) error {
	for seq := after + 1; ; seq++ {
		n := &store.Note{ID: "n", Type: "note", Title: "Logement", Visibility: "public"}
		if err := fn(store.Entry{Seq: seq, ID: n.ID, Note: n}); err != nil {
			return err
		}
	}
}

// Regression: the background discovery refresh outlived Close.
func TestCloseStopsBackgroundWork(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ix, err := Open(t.TempDir()+"/index", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply([]store.Entry{{Seq: 1, ID: "eco", Note: testNotes[0]}}); err != nil {
		t.Fatal(err)
	}
	ix.syncDiscoveryBelow = 0 // every request refreshes in the background
	if _, err := ix.discoveryNow(context.Background(), endlessLog{}); !errors.Is(err, ErrDiscoveryNotReady) {
		t.Fatalf("discoveryNow: %v, want ErrDiscoveryNotReady", err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	// Closed: no new background work starts.
	if ix.goBackground(func(context.Context) { select {} }) {
		t.Error("background work started after Close")
	}
}

// Regression: package-level maps (discovery views, synonyms) kept every
// index ever opened, and its data, alive after Close.
func TestClosedIndexIsCollected(t *testing.T) {
	ix, err := Open(t.TempDir()+"/index", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	m := memNotes{}
	var entries []store.Entry
	for i, n := range testNotes {
		m[n.ID] = n
		entries = append(entries, store.Entry{Seq: uint64(i + 1), ID: n.ID, Note: n})
	}
	if err := ix.Apply(entries); err != nil {
		t.Fatal(err)
	}
	syn, err := ParseSynonyms("logement, habitation\n", "test")
	if err != nil {
		t.Fatal(err)
	}
	ix.SetSynonyms(syn)
	if _, err := ix.Search(context.Background(), Request{Q: "économi"}, m); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.discovery(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	wp := weak.Make(ix)
	ix = nil
	for i := 0; i < 5 && wp.Value() != nil; i++ {
		runtime.GC()
	}
	if wp.Value() != nil {
		t.Error("a closed index is still referenced (package-level state?)")
	}
}

// cancellingNotes cancels the request when the phrase candidates are read.
type cancellingNotes struct {
	memNotes
	cancel context.CancelFunc
}

func (c cancellingNotes) GetMany(ids []string) (map[string]*store.Note, error) {
	c.cancel()
	return c.memNotes.GetMany(ids)
}

// Regression: phrase verification read and analysed every candidate note
// without checking whether the request was cancelled.
func TestVerifyPhrasesStopsOnCancel(t *testing.T) {
	ix, m := openTestIndex(t, testNotes)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := Request{Q: `"économie sociale"`}
	if err := r.Normalize(); err != nil {
		t.Fatal(err)
	}
	pq, err := ParseQuery(r.Q)
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlan(pq, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = ix.verifyPhrases(ctx, r, p, cancellingNotes{m, cancel})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("verifyPhrases after cancel: %v, want context.Canceled", err)
	}
}
