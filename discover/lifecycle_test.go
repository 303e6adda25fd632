package discover

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
	"weak"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/index"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
	"go.uber.org/goleak"
)

// endlessLog is a change log that never ends: a discovery refresh reading it
// stops only when its context is cancelled. It counts the reads.
type endlessLog struct {
	reads *atomic.Int64
}

func (endlessLog) GetMany(ids []string) (map[string]*store.Note, error) {
	return map[string]*store.Note{}, nil
}

func (l endlessLog) Changes(after uint64, fn func(store.Entry) error) error {
	l.reads.Add(1)
	for seq := after + 1; ; seq++ {
		n := &store.Note{ID: "n", Type: "note", Title: "Logement", Visibility: "public"}
		if err := fn(store.Entry{Seq: seq, ID: n.ID, Note: n}); err != nil {
			return err
		}
	}
}

// Regression: the background discovery refresh outlived Close, and a
// request after Close could start another one.
func TestCloseStopsBackgroundWork(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ix, err := index.Open(filepath.Join(t.TempDir(), "index"), t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Apply([]store.Entry{{Seq: 1, ID: "eco", Note: testNotes[0]}}); err != nil {
		t.Fatal(err)
	}
	log := endlessLog{reads: &atomic.Int64{}}
	d := New(ix, log)
	d.syncBelow = 0 // every request refreshes in the background
	if _, err := d.viewNow(context.Background()); !errors.Is(err, ErrDiscoveryNotReady) {
		t.Fatalf("viewNow: %v, want ErrDiscoveryNotReady", err)
	}
	d.Close() // cancels the endless refresh and waits for it
	reads := log.reads.Load()
	// Closed: a request starts no background work.
	if _, err := d.viewNow(context.Background()); !errors.Is(err, ErrDiscoveryNotReady) {
		t.Fatalf("viewNow after Close: %v, want ErrDiscoveryNotReady", err)
	}
	d.Close() // waits for anything the request may have started
	if got := log.reads.Load(); got != reads {
		t.Errorf("a refresh ran after Close (%d change-log reads, %d at Close)", got, reads)
	}
}

// Regression: package-level maps (discovery views, interned words,
// synonyms) kept every index ever opened, and its data, alive after Close.
func TestClosedIndexIsCollected(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "store"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ix, err := index.Open(filepath.Join(dir, "index"), t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	var changes []store.Change
	for _, n := range testNotes {
		changes = append(changes, store.Change{Note: n})
	}
	if _, _, err := st.Apply(changes); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.CatchUp(st, 1000); err != nil {
		t.Fatal(err)
	}
	syn, err := analysis.ParseSynonyms("logement, habitation\n", "test")
	if err != nil {
		t.Fatal(err)
	}
	ix.SetSynonyms(syn)
	d := New(ix, st)
	ctx := context.Background()
	if _, err := ix.Search(ctx, query.Request{Q: "économi"}, st); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Suggest(ctx, query.Scope{}, "écon", 5); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	wix, wd := weak.Make(ix), weak.Make(d)
	ix, d = nil, nil
	for i := 0; i < 5 && (wix.Value() != nil || wd.Value() != nil); i++ {
		runtime.GC()
	}
	if wix.Value() != nil {
		t.Error("a closed index is still referenced (package-level state?)")
	}
	if wd.Value() != nil {
		t.Error("closed discovery features are still referenced (package-level state?)")
	}
}

// Under continuous writes the background refresh rebuilds the view at a
// paced rate (once per minGap at most here, not once per write, which kept a
// core busy during the soak), and the view still follows the writes.
func TestBackgroundRefreshIsPacedAndFollows(t *testing.T) {
	d := openTest(t, testNotes)
	d.syncBelow = 0 // the background path, as above 20,000 notes
	d.minGap = 300 * time.Millisecond
	ctx := context.Background()
	deadline := time.Now().Add(20 * time.Second)
	for d.current.Load() == nil {
		if time.Now().After(deadline) {
			t.Fatal("the first view was never built")
		}
		d.viewNow(ctx)
		time.Sleep(10 * time.Millisecond)
	}
	st := d.notes.(*store.Store)
	before, start := d.builds.Load(), time.Now()
	const writes = 40
	for i := range writes {
		n := &store.Note{ID: fmt.Sprintf("w%d", i), Type: "note", Title: fmt.Sprintf("Xylophone numéro %d", i), Visibility: "public"}
		if _, _, err := st.Apply([]store.Change{{Note: n}}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ix.CatchUp(st, 1000); err != nil {
			t.Fatal(err)
		}
		if _, err := d.viewNow(ctx); err != nil {
			t.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	// One build may start at once (the gap since the first one has passed),
	// then one per minGap at most.
	if got, most := d.builds.Load()-before, int64(2+elapsed/d.minGap); got > most {
		t.Errorf("%d builds for %d writes in %s, want at most %d (paced)", got, writes, elapsed.Round(time.Millisecond), most)
	}
	// The view follows: the last note written is offered, with no more writes.
	last := fmt.Sprintf("Xylophone numéro %d", writes-1)
	for {
		s, err := d.Suggest(ctx, query.Scope{}, "xylophone numero 39", 20)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, g := range s.Groups {
			for _, it := range g.Items {
				found = found || it.Value == last
			}
		}
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the view never showed %q (MaxLag %s)", last, d.MaxLag())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Above 20,000 notes the view follows writes seconds late (a paced
// background rebuild). A note made private or deleted meanwhile must not be
// proposed, nor a value that only it held (a black-box run saw a title made
// private still completed 2–3 s after the write was confirmed): titles are
// checked against the store, values against the index.
func TestStaleViewProposesNoHiddenNote(t *testing.T) {
	_, st, ix := openStoreIndex(t)
	zorg := &store.Note{ID: "zorg", Type: "note", Title: "Le zorglub du quartier", Visibility: "public",
		Organisations: []string{"Fondation Xylophage"}, Authors: []string{"Zélie Quartz"}, Carnets: []store.Carnet{{Title: "Carnet Wombat"}}, Terms: []string{"Vespertilion"}}
	gone := &store.Note{ID: "gone", Type: "note", Title: "Le grimoire effacé", Visibility: "public", Organisations: []string{"Cercle Grimoire"}}
	applyNotes(t, st, ix, append([]*store.Note{zorg, gone}, testNotes...)...)
	d := New(ix, st)
	defer d.Close()
	d.syncBelow = 0      // the background path, as above 20,000 notes
	d.minGap = time.Hour // and no rebuild during the test: the view stays stale
	ctx := context.Background()
	if err := d.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	proposed := func(q, kind string) []SuggestionItem {
		t.Helper()
		s, err := d.Suggest(ctx, query.Scope{}, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range s.Groups {
			if g.Kind == kind {
				return g.Items
			}
		}
		return nil
	}
	checks := []struct{ q, kind string }{
		{"zorgl", "titles"}, {"xyloph", "organisations"}, {"zelie", "authors"}, {"wombat", "carnets"}, {"vespert", "terms"},
		{"grimoire eff", "titles"}, {"cercle grim", "organisations"},
	}
	for _, c := range checks {
		if len(proposed(c.q, c.kind)) != 1 {
			t.Fatalf("before the writes, %q proposes no %s", c.q, c.kind)
		}
	}
	// The store has the writes, the index not yet: titles go at once.
	private := *zorg
	private.Visibility, private.Readers = "private", []string{"u1"}
	if _, _, err := st.Apply([]store.Change{{Note: &private}, {Delete: "gone"}}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"zorgl", "grimoire eff"} {
		if items := proposed(q, "titles"); len(items) != 0 {
			t.Errorf("stored but not indexed yet, %q still proposes %+v", q, items)
		}
	}
	// Indexed, the view still stale: the values only they held go too.
	if _, err := ix.CatchUp(st, 1000); err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		if items := proposed(c.q, c.kind); len(items) != 0 {
			t.Errorf("view not rebuilt yet, %q still proposes %s %+v", c.q, c.kind, items)
		}
	}
	// A value other public notes still hold stays, with the index's count.
	if items := proposed("tiess", "organisations"); len(items) != 1 || items[0].Count != 2 {
		t.Errorf("TIESS: %+v, want one item counting its 2 public notes", items)
	}
}

// When the view's first candidates were all hidden since it was built, the
// visible ones behind them are still proposed (a black-box run: 9 of 12
// notes of one prefix deleted, the 3 others vanished for seconds).
func TestStaleViewStillProposesTheVisible(t *testing.T) {
	_, st, ix := openStoreIndex(t)
	var notes []*store.Note
	for i := range 12 {
		notes = append(notes, &store.Note{ID: fmt.Sprintf("z%02d", i), Type: "note", Title: fmt.Sprintf("Zorglub numéro %02d", i), Visibility: "public"})
	}
	applyNotes(t, st, ix, notes...)
	d := New(ix, st)
	defer d.Close()
	d.syncBelow, d.minGap = 0, time.Hour // a stale view, as above 20,000 notes
	ctx := context.Background()
	if err := d.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	titles := func(limit int) []string {
		s, err := d.Suggest(ctx, query.Scope{}, "zorglub", limit)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, g := range s.Groups {
			if g.Kind == "titles" {
				for _, it := range g.Items {
					out = append(out, it.ID)
				}
			}
		}
		return out
	}
	all := titles(12)
	if len(all) != 12 {
		t.Fatalf("before: %v, want 12 titles", all)
	}
	// Delete every note but the last three proposed.
	keep := map[string]bool{}
	var dels []store.Change
	for i, id := range all {
		if i >= 9 {
			keep[id] = true
			continue
		}
		dels = append(dels, store.Change{Delete: id})
	}
	if _, _, err := st.Apply(dels); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.CatchUp(st, 1000); err != nil {
		t.Fatal(err)
	}
	got := titles(5)
	if len(got) != 3 {
		t.Errorf("after deleting all but %v: proposed %v, want those 3", keep, got)
	}
	for _, id := range got {
		if !keep[id] {
			t.Errorf("deleted note %s proposed", id)
		}
	}
}
