package index

import (
	"context"
	"errors"
	"testing"

	"github.com/encommun/trouvaille/store"
)

// A write stored while a catch-up runs (a live write during the indexer's
// retry, or during a rebuild) is not recorded as applied: the index's
// sequence stays below it, so the next catch-up applies it.
func TestCatchUpLeavesWritesMadeMeanwhile(t *testing.T) {
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ix, err := Open(t.TempDir()+"/index", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	put := func(n *store.Note) {
		t.Helper()
		if _, _, err := st.Apply([]store.Change{{Note: n}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range testNotes[:3] {
		put(n)
	}
	late := *testNotes[0]
	late.ID, late.Title = "tard", "Écrite pendant le rattrapage"
	catchUpRead = func() { put(&late) }
	_, err = ix.CatchUp(st, 1000)
	catchUpRead = nil
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ix.LastSeq(), st.LastSeq()-1; got != want {
		t.Fatalf("after a catch-up during which a note was written: index at sequence %d, want %d (the write not applied yet)", got, want)
	}
	if _, err := ix.CatchUp(st, 1000); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.DocCount(); n != 4 {
		t.Errorf("after the next catch-up: %d notes indexed, want 4", n)
	}
}

// A catch-up stops once its context is done, keeping what it applied: the
// next one goes on from there.
func TestCatchUpStopsOnCancel(t *testing.T) {
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, n := range testNotes {
		if _, _, err := st.Apply([]store.Change{{Note: n}}); err != nil {
			t.Fatal(err)
		}
	}
	ix, err := Open(t.TempDir()+"/index", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.CatchUpContext(ctx, st, 2); !errors.Is(err, ErrBehind) {
		t.Fatalf("cancelled catch-up: %v, want ErrBehind", err)
	}
	if ix.LastSeq() >= st.LastSeq() {
		t.Fatalf("cancelled catch-up reached sequence %d of %d", ix.LastSeq(), st.LastSeq())
	}
	if _, err := ix.CatchUp(st, 2); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.DocCount(); n != uint64(len(testNotes)) || ix.LastSeq() != st.LastSeq() {
		t.Errorf("after the next catch-up: %d notes at sequence %d, want %d at %d", n, ix.LastSeq(), len(testNotes), st.LastSeq())
	}
}
