package index

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

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
	r := query.Request{Q: `"économie sociale"`}
	if err := r.Normalize(); err != nil {
		t.Fatal(err)
	}
	pq, err := query.Parse(r.Q)
	if err != nil {
		t.Fatal(err)
	}
	p, err := query.NewPlan(pq, nil)
	if err != nil {
		t.Fatal(err)
	}
	if pos, _ := p.Phrases(); len(pos) == 0 {
		t.Fatal("no phrase planned")
	}
	err = ix.verifyPhrases(ctx, r, p, cancellingNotes{m, cancel})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("verifyPhrases after cancel: %v, want context.Canceled", err)
	}
}

// The same for the synonyms of several words the index has not marked,
// verified as phrases on the notes that hold their words (« sociale
// économie »: not in the default list the test notes were indexed with).
func TestSynonymPhrasesStopOnCancel(t *testing.T) {
	ix, m := openTestIndex(t, testNotes)
	syn, err := analysis.ParseSynonyms("ÉS, sociale économie\n", "test")
	if err != nil {
		t.Fatal(err)
	}
	ix.SetSynonyms(syn)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pq, err := query.Parse("ÉS")
	if err != nil {
		t.Fatal(err)
	}
	p, err := query.NewPlan(pq, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.SynonymPhrases(pq, syn)) == 0 {
		t.Fatal("no synonym phrase to verify")
	}
	err = ix.applySynonyms(ctx, query.Scope{}, p, pq, cancellingNotes{m, cancel}, true)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("applySynonyms after cancel: %v, want context.Canceled", err)
	}
}

// LastSeq never waits for a batch being applied (which holds the writers'
// lock for as long as Bleve takes): /healthz and write answers read it, and
// took 14 to 34 s behind batches of long notes (a black-box run).
func TestLastSeqDoesNotWaitForWriters(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "index"), t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ix.mu.Lock() // a batch being applied
	defer ix.mu.Unlock()
	done := make(chan uint64, 1)
	go func() { done <- ix.LastSeq() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("LastSeq waits for the writers' lock")
	}
}
