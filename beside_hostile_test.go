package trouvaille

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/index"
	"github.com/encommun/trouvaille/ingest"
)

// zorgNote is a note of words no demo note holds, with a facet value of its
// own, so that every trace of it can be looked for.
func zorgNote(id, word, vis string) string {
	return `{"id":"` + id + `","type":"note","title":"Le ` + word + ` du quartier ` + id + `","body":"Le ` + word + ` et le logement du quartier.","organisations":["Fondation ` + id + `"],"visibility":"` + vis + `","readers":["u1"]}`
}

// zorgTraces returns where the note id, of the word word, shows to an
// anonymous caller: search, completions, facet values, related notes of
// the note beside (another note of the same words).
func zorgTraces(t *testing.T, e *Engine, id, word, beside string) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	if contains(search(t, e, word), id) {
		out = append(out, "search")
	}
	s, err := e.Suggest(ctx, Scope{}, "fondation "+id, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range s.Groups {
		for _, it := range g.Items {
			if it.ID == id || it.Value == "Fondation "+id {
				out = append(out, "suggest "+g.Kind)
			}
		}
	}
	vals, err := e.FacetValues(ctx, "organisations")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vals {
		if v.Value == "Fondation "+id {
			out = append(out, "facet values")
		}
	}
	r, err := e.Search(ctx, Scope{}, Request{Q: word, Facets: []string{"organisations"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range r.Facets["organisations"] {
		if v.Value == "Fondation "+id {
			out = append(out, "search facets")
		}
	}
	if _, err := e.Related(ctx, Scope{}, id, 5); !errors.Is(err, ErrNotFound) {
		out = append(out, fmt.Sprintf("related of itself (%v)", err))
	}
	if beside != "" {
		rel, err := e.Related(ctx, Scope{}, beside, 20)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range rel {
			if h.ID == id {
				out = append(out, "related")
			}
		}
	}
	if got, err := e.PublicNotes([]string{id}); err != nil || len(got) != 0 {
		out = append(out, "notes")
	}
	return out
}

// A note deleted or made private while the successor of a stale index is
// built never shows again, neither in the stale index meanwhile nor in the
// successor once it serves; a note written meanwhile shows in both.
// Writers, readers, synonym changes, checks and compactions run the whole
// time (run with -race).
func TestBesideBuildKeepsHiddenNotesHidden(t *testing.T) {
	dir := t.TempDir()
	e := openEngine(t, dir)
	if _, err := (&Ingester{Engine: e}).Ingest(bytes.NewReader(DemoNotes), "demo.jsonl"); err != nil {
		t.Fatal(err)
	}
	var seed strings.Builder
	for _, id := range []string{"zorg-del", "zorg-priv", "zorg-garde", "zorg-tot", "zorg-tot-priv"} {
		seed.WriteString(zorgNote(id, "zorglub", "public") + "\n")
	}
	for i := range 40 {
		seed.WriteString(zorgNote(fmt.Sprintf("bruit-%d", i), "bidule", "public") + "\n")
	}
	if _, err := (&Ingester{Engine: e}).Ingest(strings.NewReader(seed.String()), "zorg.jsonl"); err != nil {
		t.Fatal(err)
	}
	idir := e.index.Dir()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	markOtherAnalysis(t, idir)

	reached, release := holdSuccessor(t)
	var log logLines
	e, err := Open(dir, OpenOptions{Logf: log.logf, RebuildInBackground: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	e.WarmUp()
	ctx := context.Background()
	write := func(body string) WriteResult {
		t.Helper()
		res, err := e.Write(ctx, strings.NewReader(body), "x", ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	// The whole time: writers and readers of other notes, synonym changes,
	// checks, compactions, stats.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var ops atomic.Int64
	loop := func(name string, fn func(r *rand.Rand) error) {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(len(name)), 7))
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := fn(r); err != nil && !errors.Is(err, ErrRebuilding) {
					t.Errorf("%s: %v", name, err)
					return
				}
				ops.Add(1)
			}
		})
	}
	// The final state of the writers' notes: id → public or not (absent).
	var finalMu sync.Mutex
	final := map[string]bool{}
	loop("write", func(r *rand.Rand) error {
		id := fmt.Sprintf("bruit-%d", r.IntN(40))
		var body string
		state := r.IntN(3)
		switch state {
		case 0:
			body = `{"id":"` + id + `","deleted":true}`
		case 1:
			body = zorgNote(id, "bidule", "private")
		default:
			body = zorgNote(id, "bidule", "public")
		}
		finalMu.Lock()
		defer finalMu.Unlock()
		_, err := e.Write(ctx, strings.NewReader(body), "x", ingest.Options{})
		final[id] = state == 2
		return err
	})
	loop("search", func(r *rand.Rand) error {
		_, err := e.Search(ctx, Scope{}, Request{Q: []string{"bidule", "logement", "zorglub quartier"}[r.IntN(3)]})
		return err
	})
	loop("suggest", func(r *rand.Rand) error {
		_, err := e.Suggest(ctx, Scope{}, "bidul", 5)
		if errors.Is(err, ErrDiscoveryNotReady) {
			return nil
		}
		return err
	})
	loop("related", func(r *rand.Rand) error {
		_, err := e.Related(ctx, Scope{}, "zorg-garde", 5)
		return err
	})
	loop("synonyms", func(r *rand.Rand) error {
		time.Sleep(5 * time.Millisecond)
		return e.SetSynonyms(nil)
	})
	loop("verify", func(r *rand.Rand) error {
		time.Sleep(5 * time.Millisecond)
		_ = e.Stats()
		return e.Verify()
	})
	loop("compact", func(r *rand.Rand) error {
		time.Sleep(20 * time.Millisecond)
		return e.Compact(ctx)
	})

	select {
	case <-reached:
	case <-time.After(60 * time.Second):
		t.Fatalf("no successor was built beside the stale index: %s", log.String())
	}
	// Between the successor's catch-up and its taking the stale index's
	// place: a deletion, a note made private, a new note.
	if tr := zorgTraces(t, e, "zorg-del", "zorglub", "zorg-garde"); len(tr) != 4 {
		// related of itself, notes: public, found; see below for the rest
		t.Logf("before: zorg-del shows in %v", tr)
	}
	del := write(`{"id":"zorg-del","deleted":true}`)
	priv := write(zorgNote("zorg-priv", "zorglub", "private"))
	added := write(zorgNote("zorg-neuf", "zorglub", "public"))
	if del.Deleted != 1 || priv.Updated != 1 || added.Added != 1 {
		t.Fatalf("writes: %+v %+v %+v", del, priv, added)
	}
	for _, id := range []string{"zorg-del", "zorg-priv"} {
		if tr := zorgTraces(t, e, id, "zorglub", "zorg-garde"); len(tr) != 0 {
			t.Errorf("%s hidden while the successor is built: it shows in %v", id, tr)
		}
	}
	if err := e.WaitIndexed(ctx, added.Seq, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if !contains(search(t, e, "zorglub"), "zorg-neuf") {
		t.Error("a note written while the successor is built is not found")
	}

	// Hide two more the moment the successor takes the stale one's place.
	close(release)
	hid := make(chan struct{})
	go func() {
		defer close(hid)
		for e.Stats().IndexBuildingBeside {
			runtime.Gosched()
		}
	}()
	write(`{"id":"zorg-tot","deleted":true}`)
	write(zorgNote("zorg-tot-priv", "zorglub", "private"))
	deadline := time.Now().Add(60 * time.Second)
	for e.Stats().IndexBuildingBeside && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	<-hid
	if e.Stats().IndexBuildingBeside {
		t.Fatal("the successor never took the stale index's place")
	}
	time.Sleep(100 * time.Millisecond) // a few more operations on the successor
	close(stop)
	wg.Wait()
	if !log.has("nouvel index en service") {
		t.Fatalf("the successor is not in service: %s", log.String())
	}
	t.Logf("%d operations during the build", ops.Load())

	for _, id := range []string{"zorg-del", "zorg-priv", "zorg-tot", "zorg-tot-priv"} {
		if tr := zorgTraces(t, e, id, "zorglub", "zorg-garde"); len(tr) != 0 {
			t.Errorf("%s hidden during the build: after the swap it shows in %v", id, tr)
		}
	}
	if !contains(search(t, e, "zorglub"), "zorg-neuf") || !contains(search(t, e, "zorglub"), "zorg-garde") {
		t.Errorf("after the swap « zorglub » finds %v: want zorg-neuf and zorg-garde", search(t, e, "zorglub"))
	}
	// Its reader finds the private version.
	r, err := e.Search(ctx, Scope{Level: LevelPrivate, User: "u1"}, Request{Q: "zorglub", Facets: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range r.Hits {
		ids = append(ids, h.ID)
	}
	if !contains(ids, "zorg-priv") || contains(ids, "zorg-del") {
		t.Errorf("its reader finds %v: want zorg-priv, not zorg-del", ids)
	}
	// The writers' notes: each as last written.
	if err := e.WaitIndexed(ctx, e.store.DurableSeq(), 10*time.Second); err != nil {
		t.Fatal(err)
	}
	found := search(t, e, "bidule")
	res, err := e.Search(ctx, Scope{}, Request{Q: "bidule", Facets: []string{}, PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	found = found[:0]
	for _, h := range res.Hits {
		found = append(found, h.ID)
	}
	for id, public := range final {
		if contains(found, id) != public {
			t.Errorf("%s last written public=%v, found=%v after the swap", id, public, contains(found, id))
		}
	}
}

// A damaged segment found in the stale index while its successor is built:
// the successor, built from the store, is the repair. Once it serves,
// nothing rebuilds it again (a second rebuild from the store, searches
// answering ErrRebuilding all along, for an index that is sound).
func TestDamagedStaleIndexRepairedByItsSuccessor(t *testing.T) {
	dir, want := demoOfOtherAnalysis(t)
	reached, release := holdSuccessor(t)
	var log logLines
	e, err := Open(dir, OpenOptions{Logf: log.logf, RebuildInBackground: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	<-reached
	damageSegments(t, filepath.Join(dir, "index"))
	if err := e.Verify(); !errors.Is(err, index.ErrDamaged) {
		t.Fatalf("Verify of the damaged stale index: %v", err)
	}
	close(release)
	deadline := time.Now().Add(60 * time.Second)
	for (e.Stats().IndexBuildingBeside || e.repairing.Load()) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if e.Stats().IndexBuildingBeside || e.repairing.Load() {
		t.Fatalf("still building or repairing: %s", log.String())
	}
	if e.rebuilding.Load() || log.has("index reconstruit") {
		t.Errorf("the successor, sound, was rebuilt again once in service: %s", log.String())
	}
	if err := e.Verify(); err != nil {
		t.Errorf("Verify after the swap: %v", err)
	}
	for _, q := range besideQueries {
		if got := search(t, e, q); !slices.Equal(got, want[q]) {
			t.Errorf("%q after the swap: %v, want %v", q, got, want[q])
		}
	}
}

// damageSegments writes random bytes in the middle of the index's segments
// (in place: they are mapped).
func damageSegments(t *testing.T, idir string) {
	t.Helper()
	zaps, _ := filepath.Glob(filepath.Join(idir, "store", "*.zap"))
	if len(zaps) == 0 {
		t.Fatal("no segment on disk")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, z := range zaps {
		f, err := os.OpenFile(z, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.Stat()
		junk := make([]byte, min(int(st.Size())/2, 2<<20))
		for i := range junk {
			junk[i] = byte(rng.IntN(256))
		}
		f.WriteAt(junk, st.Size()/4)
		f.Close()
	}
}

// On a disk without room for a second index (beside the room the store
// keeps free), the successor is not built: it would take the room the
// store keeps for the writes, which would fail with ErrDiskFull for as
// long as it grew, and then fail itself. The stale index keeps serving,
// writes go on, and the log says how much room to free.
func TestNoSuccessorWithoutRoomForIt(t *testing.T) {
	dir, want := demoOfOtherAnalysis(t)
	defer func(f func(string) (uint64, error)) { besideFreeBytes = f }(besideFreeBytes)
	besideFreeBytes = func(string) (uint64, error) { return 64<<20 + 4<<10, nil } // the store’s 64 MiB and 4 KiB
	var log logLines
	e, err := Open(dir, OpenOptions{Logf: log.logf, RebuildInBackground: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	e.waitRebuild()
	if _, err := os.Stat(filepath.Join(dir, "index.2")); !errors.Is(err, os.ErrNotExist) || log.has("nouvel index en service") {
		t.Fatalf("a successor was built without room for it (%v): %s", err, log.String())
	}
	if !log.has("libérez") {
		t.Errorf("the log does not say to free room: %s", log.String())
	}
	// Its state says so too (GET /v1/admin/index/rebuild).
	if st, ok := e.LastRebuild(); !ok || st.Running || st.Done || !st.Upgrade || !strings.Contains(st.Err, "libérez") || st.Finished.Before(st.Started) {
		t.Errorf("state of the build refused for want of room: %+v %v", st, ok)
	}
	if e.index.Dir() != filepath.Join(dir, "index") || !e.index.Stale() {
		t.Errorf("index in service %s, stale %v: want the stale one", e.index.Dir(), e.index.Stale())
	}
	for _, q := range besideQueries {
		if got := search(t, e, q); !slices.Equal(got, want[q]) {
			t.Errorf("%q: %v, want %v", q, got, want[q])
		}
	}
	res, err := e.Write(context.Background(), strings.NewReader(zorgNote("zorg-neuf", "zorglub", "public")), "x", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.WaitIndexed(context.Background(), res.Seq, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if !contains(search(t, e, "zorglub"), "zorg-neuf") {
		t.Error("a note written beside the stale index is not found")
	}
	// Room enough: the successor is built.
	besideFreeBytes = func(string) (uint64, error) { return 1 << 40, nil }
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = Open(dir, OpenOptions{Logf: log.logf, RebuildInBackground: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	e.waitRebuild()
	if e.index.Dir() != filepath.Join(dir, "index.2") || e.index.Stale() {
		t.Errorf("with room, index in service %s, stale %v: want its successor", e.index.Dir(), e.index.Stale())
	}
	if st, ok := e.LastRebuild(); !ok || st.Running || !st.Done || !st.Upgrade || st.Err != "" || st.Changes < len(want) {
		t.Errorf("state of the build with room: %+v %v", st, ok)
	}
}

// What a crash leaves in the data folder at each step of the swap, and
// pointer files the program did not write: the next start serves the index
// the pointer names, removes the other index folders, and rebuilds from the
// store whatever it cannot trust; searches answer as before every time.
func TestBesideCrashLeftovers(t *testing.T) {
	dir, want := demoOfOtherAnalysis(t)
	stale := t.TempDir()
	copyDir(t, filepath.Join(dir, "index"), stale)
	e, err := Open(dir, OpenOptions{Logf: t.Logf, RebuildInBackground: true})
	if err != nil {
		t.Fatal(err)
	}
	e.waitRebuild()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if d, _ := currentIndexDir(dir); d != filepath.Join(dir, "index.2") {
		t.Fatalf("index in service %s, want index.2", d)
	}
	reopen := func(what, wantDir string) {
		t.Helper()
		var log logLines
		e, err := Open(dir, OpenOptions{Logf: log.logf, RebuildInBackground: true})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		defer e.Close()
		e.waitRebuild()
		if e.index.Dir() != filepath.Join(dir, wantDir) {
			t.Errorf("%s: index in service %s, want %s", what, e.index.Dir(), wantDir)
		}
		for _, q := range besideQueries {
			if got := search(t, e, q); !slices.Equal(got, want[q]) {
				t.Errorf("%s: %q finds %v, want %v", what, q, got, want[q])
			}
		}
		ents, _ := os.ReadDir(dir)
		for _, en := range ents {
			if en.IsDir() && indexDirName.MatchString(en.Name()) && en.Name() != wantDir {
				t.Errorf("%s: folder %s left beside %s", what, en.Name(), wantDir)
			}
		}
	}
	// Killed after index.courant named the successor, before the stale
	// folder was removed.
	copyDir(t, stale, filepath.Join(dir, "index"))
	reopen("stale folder left", "index.2")
	// Killed while the next successor was written: a pointer written
	// aside, not renamed; a folder half built.
	if err := os.WriteFile(filepath.Join(dir, ".index-courant-123"), []byte("index.3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	copyDir(t, stale, filepath.Join(dir, "index.3"))
	reopen("folder half built", "index.2")
	if _, err := os.Stat(filepath.Join(dir, ".index-courant-123")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the pointer written aside is still there: %v", err)
	}
	// A pointer naming a missing folder: rebuilt from the store there.
	if err := os.WriteFile(filepath.Join(dir, indexPointerFile), []byte("index.7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	reopen("pointer to a missing folder", "index.7")
	// Garbage: the default folder, rebuilt from the store.
	if err := os.WriteFile(filepath.Join(dir, indexPointerFile), []byte("\x00\xffn’importe quoi"), 0o644); err != nil {
		t.Fatal(err)
	}
	reopen("garbage pointer", "index")
	// An empty pointer file (a crash of a filesystem that lost its data).
	if err := os.WriteFile(filepath.Join(dir, indexPointerFile), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	reopen("empty pointer", "index")
}

// A synonyms reload (SIGHUP, POST /v1/admin/synonyms/reload) while a stale
// index's successor is built takes effect at once on the index in service,
// and stays in force once the successor takes its place: it does not wait
// minutes for the build (the HTTP request was cut by the server's write
// timeout meanwhile).
func TestSynonymsReloadedWhileSuccessorIsBuilt(t *testing.T) {
	dir, _ := demoOfOtherAnalysis(t)
	reached, release := holdSuccessor(t)
	var log logLines
	e, err := Open(dir, OpenOptions{Logf: log.logf, RebuildInBackground: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	<-reached
	want := search(t, e, "logement")
	if len(want) == 0 {
		t.Fatal("logement finds nothing")
	}
	syn, err := analysis.ParseSynonyms("zorglub => logement", "essai")
	if err != nil {
		t.Fatal(err)
	}
	set := make(chan error, 1)
	go func() { set <- e.SetSynonyms(syn) }()
	select {
	case err := <-set:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		close(release)
		t.Fatal("SetSynonyms waited for the successor's build")
	}
	if got := search(t, e, "zorglub "); !slices.Equal(got, want) {
		t.Errorf("zorglub on the stale index: %v, want %v", got, want)
	}
	close(release)
	e.waitRebuild()
	if !log.has("nouvel index en service") {
		t.Fatalf("the successor is not in service: %s", log.String())
	}
	if got := e.Synonyms().Source; got != "essai" {
		t.Errorf("synonyms in force after the swap: %q, want essai", got)
	}
	if got, want := search(t, e, "zorglub "), search(t, e, "logement"); len(got) == 0 || !slices.Equal(got, want) {
		t.Errorf("zorglub on the successor: %v, want %v", got, want)
	}
	// And at the next start, with the list given again, as serve does.
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = Open(dir, OpenOptions{Logf: t.Logf, RebuildInBackground: true, Synonyms: syn})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if got := search(t, e, "zorglub "); len(got) == 0 {
		t.Error("zorglub finds nothing at the next start")
	}
}
