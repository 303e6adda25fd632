package trouvaille

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/ingest"
	"github.com/encommun/trouvaille/store"
)

// demoOfOtherAnalysis returns a data folder holding the demo corpus, whose
// index says it was built by the analysis before this program's (as after
// an upgrade that changed stems), and what a few queries find in it.
func demoOfOtherAnalysis(t *testing.T) (dir string, want map[string][]string) {
	t.Helper()
	dir = t.TempDir()
	e := openEngine(t, dir)
	if _, err := (&Ingester{Engine: e}).Ingest(bytes.NewReader(DemoNotes), "demo.jsonl"); err != nil {
		t.Fatal(err)
	}
	want = map[string][]string{}
	for _, q := range besideQueries {
		want[q] = search(t, e, q)
	}
	idir := e.index.Dir()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	markOtherAnalysis(t, idir)
	return dir, want
}

// holdSuccessor holds the next successor built beside an index once it
// has caught up and warmed, before it takes the old one's place: reached
// is closed then, and closing release lets it go on (as does the engine's
// Close). The hold is removed when the test ends.
func holdSuccessor(t *testing.T) (reached, release chan struct{}) {
	t.Helper()
	reached, release = make(chan struct{}), make(chan struct{})
	besideHook = func(ctx context.Context) error {
		close(reached)
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	t.Cleanup(func() { besideHook = nil })
	return reached, release
}

var besideQueries = []string{"logement", "économie sociale", "gouvernance participative", "benevoles"}

// markOtherAnalysis writes in the index at dir the version an index of the
// previous analysis of words holds.
func markOtherAnalysis(t *testing.T, dir string) {
	t.Helper()
	// Bleve's own writes, synchronous (the index's config asks for them
	// in the background).
	bi, err := bleve.OpenUsing(dir, map[string]any{"unsafe_batch": false})
	if err != nil {
		t.Fatal(err)
	}
	if err := bi.SetInternal([]byte("trouvaille_mapping"), []byte("trouvaille-format-1-analyse-20")); err != nil {
		t.Fatal(err)
	}
	if err := bi.Close(); err != nil {
		t.Fatal(err)
	}
}

func (l *logLines) has(part string) bool { return strings.Contains(l.String(), part) }

// A server opening an index built by another analysis of words (an upgrade
// that changed stems) serves it while it builds its successor beside it:
// searches, completions and writes go on, Ready says ready; then the
// successor takes its place, the old folder goes, and the next start opens
// the successor without rebuilding anything.
func TestStaleIndexServesWhileItsSuccessorIsBuilt(t *testing.T) {
	dir, want := demoOfOtherAnalysis(t)
	reached, release := holdSuccessor(t)
	var log logLines
	e, err := Open(dir, OpenOptions{Logf: log.logf, RebuildInBackground: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	e.WarmUp()
	select {
	case <-reached:
	case <-time.After(60 * time.Second):
		t.Fatalf("no successor was built beside the stale index: %s", log.String())
	}

	// The stale index serves, and says nothing is amiss.
	ctx := context.Background()
	for _, q := range besideQueries {
		if got := search(t, e, q); !slices.Equal(got, want[q]) {
			t.Errorf("%q while the successor is built: %v, want %v", q, got, want[q])
		}
	}
	if _, err := e.Suggest(ctx, Scope{}, "loge", 5); err != nil {
		t.Errorf("suggest while the successor is built: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for e.Ready() != nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := e.Ready(); err != nil {
		t.Errorf("Ready while the stale index serves: %v", err)
	}
	if !e.Stats().IndexBuildingBeside {
		t.Error("Stats does not say a successor is being built")
	}
	// Writes go to the index in service at once, and to the successor.
	gone := want["logement"][0]
	body := `{"id":"ecrite-pendant","type":"note","title":"Logement écrit pendant la construction","body":"Une note sur le logement.","visibility":"public"}
{"id":"` + gone + `","deleted":true}`
	wr, err := e.Write(ctx, strings.NewReader(body), "requête", ingest.Options{})
	if err != nil || wr.Added != 1 || wr.Deleted != 1 {
		t.Fatalf("write while the successor is built: %+v, %v", wr, err)
	}
	if err := e.WaitIndexed(ctx, wr.Seq, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		got := search(t, e, "logement")
		if !contains(got, "ecrite-pendant") || contains(got, gone) {
			t.Errorf("%s: « logement » finds %v: want the note written, not the one deleted (%s)", when, got, gone)
		}
	}
	check("while the successor is built")

	close(release)
	deadline = time.Now().Add(60 * time.Second)
	for e.Stats().IndexBuildingBeside && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if e.Stats().IndexBuildingBeside {
		t.Fatal("the successor never took the stale index's place")
	}
	check("after the successor took its place")
	for _, q := range besideQueries[1:] {
		if got := search(t, e, q); !slices.Equal(got, want[q]) {
			t.Errorf("%q after the successor took its place: %v, want %v", q, got, want[q])
		}
	}
	if err := e.Ready(); err != nil {
		t.Errorf("Ready after the successor took its place: %v", err)
	}
	if !log.has("nouvel index en service") {
		t.Errorf("the log does not say the new index is in service: %q", log.String())
	}
	if d, _ := currentIndexDir(dir); d != filepath.Join(dir, "index.2") || e.index.Dir() != d {
		t.Errorf("index in service %s (folder named %s), want index.2", e.index.Dir(), d)
	}
	if _, err := os.Stat(filepath.Join(dir, "index")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the stale index's folder is still there: %v", err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	// The next start serves the successor as it is.
	var log2 logLines
	e, err = Open(dir, OpenOptions{Logf: log2.logf, RebuildInBackground: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.index.Stale() || e.Stats().IndexBuildingBeside || log2.has("reconstruction") || log2.has("autre analyse") {
		t.Errorf("the successor was not taken as it is at the next start: %q", log2.String())
	}
	check("at the next start")
}

// Stopped while the successor is built, the server leaves the stale index
// in service; the next start removes the unfinished folder and builds it
// again. A command that works on the folder (no RebuildInBackground)
// rebuilds the stale index in place, as before.
func TestSuccessorInterruptedThenBuiltAgain(t *testing.T) {
	dir, want := demoOfOtherAnalysis(t)
	reached := make(chan struct{})
	besideHook = func(ctx context.Context) error {
		close(reached)
		<-ctx.Done()
		return ctx.Err()
	}
	defer func() { besideHook = nil }()
	e, err := Open(dir, OpenOptions{Logf: t.Logf, RebuildInBackground: true})
	if err != nil {
		t.Fatal(err)
	}
	<-reached
	if _, err := os.Stat(filepath.Join(dir, "index.2")); err != nil {
		t.Fatalf("no successor folder while it is built: %v", err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if d, _ := currentIndexDir(dir); d != filepath.Join(dir, "index") {
		t.Errorf("after the interruption the index in service is %s, want the stale one", d)
	}
	// A crash would have left the folder: put one back.
	if err := os.MkdirAll(filepath.Join(dir, "index.2"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.2", "reste"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}

	besideHook = nil
	var log logLines
	e, err = Open(dir, OpenOptions{Logf: log.logf, RebuildInBackground: true})
	if err != nil {
		t.Fatal(err)
	}
	if !log.has("index.2 supprimé") {
		t.Errorf("the unfinished folder was not removed at start: %q", log.String())
	}
	deadline := time.Now().Add(60 * time.Second)
	for e.Stats().IndexBuildingBeside && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	for _, q := range besideQueries {
		if got := search(t, e, q); !slices.Equal(got, want[q]) {
			t.Errorf("%q after the successor was built again: %v, want %v", q, got, want[q])
		}
	}
	if d, _ := currentIndexDir(dir); d != filepath.Join(dir, "index.2") {
		t.Errorf("index in service %s, want index.2", d)
	}
	if _, err := os.Stat(filepath.Join(dir, "index.2", "reste")); !errors.Is(err, os.ErrNotExist) {
		t.Error("the successor was built over the unfinished folder's files")
	}
	idir := e.index.Dir()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	// A command on the folder rebuilds a stale index where it is.
	markOtherAnalysis(t, idir)
	var log2 logLines
	e, err = Open(dir, OpenOptions{Logf: log2.logf})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.index.Dir() != idir || e.index.Stale() || !log2.has("reconstruction à partir du magasin") {
		t.Errorf("a command's Open: index %s stale %v, log %q; want it rebuilt in place", e.index.Dir(), e.index.Stale(), log2.String())
	}
	for _, q := range besideQueries {
		if got := search(t, e, q); !slices.Equal(got, want[q]) {
			t.Errorf("%q after the rebuild in place: %v, want %v", q, got, want[q])
		}
	}
}

// A stale index far behind the store is rebuilt, in the background, where
// it is (a rebuild either way): searches answer ErrRebuilding meanwhile,
// never the stale index's partial view.
func TestStaleIndexFarBehindRebuiltInPlace(t *testing.T) {
	dir, want := demoOfOtherAnalysis(t)
	// Changes the index has not seen: stored only.
	st, err := store.Open(filepath.Join(dir, "store"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		n := &Note{ID: fmt.Sprintf("retard-%d", i), Type: "note", Title: "Gouvernance en retard", Visibility: "public"}
		if _, _, err := st.Apply([]store.Change{{Note: n}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	defer func(v uint64) { backgroundCatchUp = v }(backgroundCatchUp)
	backgroundCatchUp = 2
	paused, resume := make(chan struct{}), make(chan struct{})
	refillRead = func() error { close(paused); <-resume; return nil }
	defer func() { refillRead = nil }()
	e, err := Open(dir, OpenOptions{Logf: t.Logf, RebuildInBackground: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	<-paused
	if _, err := e.Search(context.Background(), Scope{}, Request{Q: "logement"}); !errors.Is(err, ErrRebuilding) {
		t.Errorf("search while the stale index is rebuilt in place: %v, want ErrRebuilding", err)
	}
	close(resume)
	e.waitRebuild()
	if got := search(t, e, "gouvernance en retard"); len(got) < 3 || !strings.HasPrefix(got[0], "retard-") {
		t.Errorf("« gouvernance en retard » after the rebuild: %v, want the notes stored only first", got)
	}
	want["gouvernance participative"] = search(t, e, "gouvernance participative") // the new notes may rank in it
	if e.index.Stale() || e.Stats().IndexBuildingBeside || e.index.Dir() != filepath.Join(dir, "index") {
		t.Errorf("index %s stale %v: want it rebuilt in place", e.index.Dir(), e.index.Stale())
	}
	for _, q := range besideQueries {
		if got := search(t, e, q); !slices.Equal(got, want[q]) {
			t.Errorf("%q after the rebuild: %v, want %v", q, got, want[q])
		}
	}
}

func TestIndexFolderNames(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		pointer string // "" : no file
		want    string
	}{
		{"", "index"},
		{"index.2\n", "index.2"},
		{"index.17", "index.17"},
		{"../ailleurs\n", "index"},
		{"index.0", "index"},
		{"index.2/..", "index"},
		{"store", "index"},
	} {
		os.Remove(filepath.Join(dir, indexPointerFile))
		if c.pointer != "" {
			if err := os.WriteFile(filepath.Join(dir, indexPointerFile), []byte(c.pointer), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := currentIndexDir(dir)
		if err != nil || got != filepath.Join(dir, c.want) {
			t.Errorf("pointer %q: %s, %v; want %s", c.pointer, got, err, c.want)
		}
	}
	for cur, want := range map[string]string{"index": "index.2", "index.2": "index.3", "index.19": "index.20"} {
		if got := nextIndexDir(dir, filepath.Join(dir, cur)); got != filepath.Join(dir, want) {
			t.Errorf("after %s: %s, want %s", cur, got, want)
		}
	}
}

// A rebuild asked of a serving engine (RebuildBeside, the admin route)
// goes the same way: the index in service answers and takes writes while
// its successor is built, a second request meanwhile is refused with
// ErrRebuildRunning, and once in service the successor has marked the
// phrases of a synonyms list put in force after the notes were written,
// which only a rebuild does.
func TestRebuildBesideOnRequest(t *testing.T) {
	e := openEngine(t, t.TempDir())
	defer e.Close()
	if _, err := (&Ingester{Engine: e}).Ingest(bytes.NewReader(DemoNotes), "demo.jsonl"); err != nil {
		t.Fatal(err)
	}
	syn, err := analysis.ParseSynonyms("AA, sécurité alimentaire\nBB, logement social", "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SetSynonyms(syn); err != nil {
		t.Fatal(err)
	}
	if m, u := e.PhraseMarks(); m != 0 || u != 2 {
		t.Fatalf("a list put in force after the notes: %d phrases marked, %d read in the notes; want 0 and 2", m, u)
	}
	want := map[string][]string{}
	for _, q := range besideQueries {
		want[q] = search(t, e, q)
	}
	reached, release := holdSuccessor(t)
	if err := e.RebuildBeside(); err != nil {
		t.Fatal(err)
	}
	<-reached
	if err := e.RebuildBeside(); !errors.Is(err, ErrRebuildRunning) {
		t.Errorf("a second rebuild while one runs: %v, want ErrRebuildRunning", err)
	}
	for _, q := range besideQueries {
		if got := search(t, e, q); !slices.Equal(got, want[q]) {
			t.Errorf("%q while the successor is built: %v, want %v", q, got, want[q])
		}
	}
	note := `{"id":"ecrite-pendant","type":"note","title":"Sécurité alimentaire : une note écrite pendant la reconstruction","visibility":"public"}`
	wr, err := e.Write(context.Background(), strings.NewReader(note), "requête", ingest.Options{})
	if err != nil || wr.Added != 1 {
		t.Fatalf("write while the successor is built: %+v, %v", wr, err)
	}
	close(release)
	deadline := time.Now().Add(60 * time.Second)
	for e.Stats().IndexBuildingBeside && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if e.Stats().IndexBuildingBeside {
		t.Fatal("the successor never took the index's place")
	}
	if m, u := e.PhraseMarks(); m != 2 || u != 0 {
		t.Errorf("after the rebuild: %d phrases marked, %d read in the notes; want 2 and 0", m, u)
	}
	if got := search(t, e, "AA"); len(got) == 0 || !contains(got, "ecrite-pendant") {
		t.Errorf("« AA » (sécurité alimentaire) after the rebuild: %v, want the note written meanwhile among them", got)
	}
	if e.index.Dir() != filepath.Join(e.dir, "index.2") {
		t.Errorf("index in service %s, want index.2", e.index.Dir())
	}
	besideHook = nil
	if err := e.RebuildBeside(); err != nil {
		t.Errorf("a rebuild after the first ended: %v", err)
	}
	for e.Stats().IndexBuildingBeside && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if e.index.Dir() != filepath.Join(e.dir, "index.3") {
		t.Errorf("after a second rebuild the index in service is %s, want index.3", e.index.Dir())
	}
}

// A rebuild asked on a disk without room for a second index is refused at
// once, with what to do (ErrDiskFull: the route answers 507), and nothing
// starts; the index in service serves on.
func TestRebuildBesideRefusedWithoutRoom(t *testing.T) {
	// Put back once the engine is closed: the last build reads it.
	defer func(f func(string) (uint64, error)) { besideFreeBytes = f }(besideFreeBytes)
	e := openEngine(t, t.TempDir())
	defer e.Close()
	if _, err := (&Ingester{Engine: e}).Ingest(bytes.NewReader(DemoNotes), "demo.jsonl"); err != nil {
		t.Fatal(err)
	}
	besideFreeBytes = func(string) (uint64, error) { return 64<<20 + 4<<10, nil } // the store's reserve and 4 KiB
	err := e.RebuildBeside()
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "libérez de la place") {
		t.Fatalf("a rebuild without room: %v, want ErrDiskFull saying what to free", err)
	}
	if e.Stats().IndexBuildingBeside {
		t.Error("a refused rebuild started a build")
	}
	if _, err := os.Stat(filepath.Join(e.dir, "index.2")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused rebuild left index.2: %v", err)
	}
	if got := search(t, e, "logement"); len(got) == 0 {
		t.Error("the index in service no longer answers")
	}
	besideFreeBytes = func(string) (uint64, error) { return 1 << 40, nil }
	if err := e.RebuildBeside(); err != nil {
		t.Errorf("with room: %v", err)
	}
}
