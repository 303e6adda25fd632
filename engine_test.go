package trouvaille

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/store"
)

const sample = `{"id":"n1","title":"L’économie sociale à Rimouski","body":"Les participant·es en parlent.","visibility":"public"}
{"id":"n2","title":"Sécurité alimentaire","visibility":"public","organisations":["Moisson"]}
{"id":"bad id","title":"x","visibility":"public"}
{"id":"n3","title":"Note privée","visibility":"private"}
`

func openEngine(t *testing.T, dir string) *Engine {
	t.Helper()
	e, err := Open(dir, OpenOptions{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	// Closed when the test ends, before its temporary folders are removed
	// (a test that closes it itself, to reopen the folder, is unaffected:
	// Close is idempotent).
	t.Cleanup(func() { e.Close() })
	return e
}

func search(t *testing.T, e *Engine, q string) []string {
	t.Helper()
	res, err := e.Search(context.Background(), Scope{}, Request{Q: q, Facets: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func TestIngestReportAndIdempotence(t *testing.T) {
	e := openEngine(t, t.TempDir())
	defer e.Close()
	in := &Ingester{Engine: e}
	rep, err := in.Ingest(strings.NewReader(sample), "notes.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 3 || rep.Rejected != 1 || rep.Read != 4 {
		t.Fatalf("report %+v", rep)
	}
	if got := rep.Rejections[0].Error(); !strings.HasPrefix(got, "notes.jsonl:3: id: ") {
		t.Errorf("rejection %q must name file:line: field", got)
	}
	// The same file again changes nothing.
	seq := e.store.LastSeq()
	rep, err = in.Ingest(strings.NewReader(sample), "notes.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unchanged != 3 || rep.Added+rep.Updated+rep.Deleted != 0 || e.store.LastSeq() != seq {
		t.Fatalf("second ingest %+v, seq %d→%d", rep, seq, e.store.LastSeq())
	}
	// An update and a deletion.
	rep, err = in.Ingest(strings.NewReader(`{"id":"n2","title":"Sécurité alimentaire en Gaspésie","visibility":"public"}
{"id":"n1","deleted":true}`), "maj.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 1 || rep.Deleted != 1 {
		t.Fatalf("update report %+v", rep)
	}
	if ids := search(t, e, "gaspesie"); len(ids) != 1 || ids[0] != "n2" {
		t.Errorf("updated note not found: %v", ids)
	}
	if ids := search(t, e, "rimouski"); len(ids) != 0 {
		t.Errorf("deleted note still found: %v", ids)
	}
}

// TestCatchUpAfterCrashBetweenWrites stores notes in Badger without indexing
// them, as a crash between the two writes would leave things, then checks
// that opening the data folder brings the index up to date.
func TestCatchUpAfterCrashBetweenWrites(t *testing.T) {
	dir := t.TempDir()
	e := openEngine(t, dir)
	if _, err := (&Ingester{Engine: e}).Ingest(strings.NewReader(sample), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	// The "crash": the store commits, the index never hears of it.
	_, _, err := e.store.Apply([]store.Change{
		{Note: &store.Note{ID: "n9", Type: "note", Title: "Coopérative d’habitation à Sherbrooke", Visibility: "public"}},
		{Delete: "n2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if ids := search(t, e, "sherbrooke"); len(ids) != 0 {
		t.Fatalf("precondition: the index must not know n9 yet (%v)", ids)
	}
	e.Close()

	e = openEngine(t, dir)
	defer e.Close()
	if e.index.LastSeq() != e.store.LastSeq() {
		t.Fatalf("index seq %d, store seq %d", e.index.LastSeq(), e.store.LastSeq())
	}
	if ids := search(t, e, "sherbrooke"); len(ids) != 1 || ids[0] != "n9" {
		t.Errorf("after catch-up, sherbrooke = %v", ids)
	}
	if ids := search(t, e, "alimentaire"); len(ids) != 0 {
		t.Errorf("deleted n2 still indexed: %v", ids)
	}
}

func TestRebuildAfterIndexDeletedOrCorrupt(t *testing.T) {
	for _, damage := range []string{"deleted", "corrupt", "marked synonyms unreadable", "sequence unreadable"} {
		t.Run(damage, func(t *testing.T) {
			dir := t.TempDir()
			e := openEngine(t, dir)
			if _, err := (&Ingester{Engine: e}).Ingest(strings.NewReader(sample), "notes.jsonl"); err != nil {
				t.Fatal(err)
			}
			e.Close()
			ixDir := filepath.Join(dir, "index")
			switch damage {
			case "deleted":
				if err := os.RemoveAll(ixDir); err != nil {
					t.Fatal(err)
				}
			case "corrupt":
				err := filepath.Walk(ixDir, func(p string, fi os.FileInfo, err error) error {
					if err == nil && !fi.IsDir() {
						return os.WriteFile(p, bytes.Repeat([]byte{0xde, 0xad}, 64), 0o644)
					}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			default:
				// The segments read, but a value the index keeps beside
				// them does not (a damaged page of root.bolt): every
				// command stopped on it, export included.
				bi, err := bleve.OpenUsing(ixDir, map[string]any{"unsafe_batch": false}) // written before Close
				if err != nil {
					t.Fatal(err)
				}
				key, val := "trouvaille_synphrases", "pas du JSON"
				if damage == "sequence unreadable" {
					key, val = "trouvaille_seq", "abc"
				}
				if err := bi.SetInternal([]byte(key), []byte(val)); err != nil {
					t.Fatal(err)
				}
				bi.Close()
			}
			e = openEngine(t, dir)
			defer e.Close()
			if ids := search(t, e, "economie sociale"); len(ids) != 1 || ids[0] != "n1" {
				t.Errorf("after %s index, search = %v", damage, ids)
			}
			if n, _ := e.index.DocCount(); n != 3 {
				t.Errorf("DocCount = %d, want 3", n)
			}
		})
	}
}

func TestReindex(t *testing.T) {
	e := openEngine(t, t.TempDir())
	defer e.Close()
	if _, err := (&Ingester{Engine: e}).Ingest(strings.NewReader(sample), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	n, err := e.Reindex()
	if err != nil || n != 3 {
		t.Fatalf("Reindex = %d, %v", n, err)
	}
	if ids := search(t, e, "alimentaire"); len(ids) != 1 {
		t.Errorf("after reindex: %v", ids)
	}
}

// TestReindexKeepsSynonyms: the synonyms in force survive Reindex (the old
// engine swapped in a new index that applied the default list).
func TestReindexKeepsSynonyms(t *testing.T) {
	e := openEngine(t, t.TempDir())
	defer e.Close()
	if _, err := (&Ingester{Engine: e}).Ingest(strings.NewReader(sample), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	syn, err := analysis.ParseSynonyms("zorglub => alimentaire", "test")
	if err != nil {
		t.Fatal(err)
	}
	e.SetSynonyms(syn)
	if ids := search(t, e, "zorglub "); len(ids) != 1 || ids[0] != "n2" {
		t.Fatalf("before reindex: zorglub = %v", ids)
	}
	if _, err := e.Reindex(); err != nil {
		t.Fatal(err)
	}
	if ids := search(t, e, "zorglub "); len(ids) != 1 || ids[0] != "n2" {
		t.Errorf("after reindex: zorglub = %v, the custom synonyms were lost", ids)
	}
	if got := e.Synonyms().Source; got != "test" {
		t.Errorf("synonyms in force: %q", got)
	}
}

// A list given to Open is in force from the start: an ingest with it marks
// its phrases (PhraseMarks), and a start with the default list then counts
// them as not marked (the ingest's notes were checked for the other list's
// phrases only); a reindex with the default list marks them all again.
func TestOpenWithSynonyms(t *testing.T) {
	dir := t.TempDir()
	syn, err := analysis.ParseSynonyms("AA, alimentation alternative\nBB, cuisine partagée", "test")
	if err != nil {
		t.Fatal(err)
	}
	e, err := Open(dir, OpenOptions{Synonyms: syn})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&Ingester{Engine: e}).Ingest(strings.NewReader(sample), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	if m, u := e.PhraseMarks(); m != 2 || u != 0 {
		t.Errorf("ingest with the list: %d marked, %d not, want 2 and 0", m, u)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e = openEngine(t, dir) // the default list
	defer e.Close()
	if err := e.SetSynonyms(syn); err != nil {
		t.Fatal(err)
	}
	if m, u := e.PhraseMarks(); m != 2 || u != 0 {
		t.Errorf("reopened, nothing written: %d marked, %d not, want 2 and 0", m, u)
	}
	if _, err := (&Ingester{Engine: e}).Ingest(strings.NewReader(strings.ReplaceAll(sample, "alimentaire", "alimentaires")), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	if m, u := e.PhraseMarks(); m != 2 || u != 0 {
		t.Errorf("written with the list in force: %d marked, %d not, want 2 and 0", m, u)
	}
	if err := e.SetSynonyms(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := (&Ingester{Engine: e}).Ingest(strings.NewReader(sample), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	if err := e.SetSynonyms(syn); err != nil {
		t.Fatal(err)
	}
	if m, u := e.PhraseMarks(); m != 0 || u != 2 {
		t.Errorf("written with the default list: %d marked, %d not, want 0 and 2", m, u)
	}
	if _, err := e.Reindex(); err != nil {
		t.Fatal(err)
	}
	if m, u := e.PhraseMarks(); m != 2 || u != 0 {
		t.Errorf("after a reindex: %d marked, %d not, want 2 and 0", m, u)
	}
}

// TestCloseStopsBackground: the synonyms watcher reloads on each signal and
// is gone once Close returns; the warm-up is waited for.
func TestCloseStopsBackground(t *testing.T) {
	path := filepath.Join(t.TempDir(), "syn.txt")
	if err := os.WriteFile(path, []byte("zorglub => alimentaire\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := openEngine(t, t.TempDir())
	if _, err := (&Ingester{Engine: e}).Ingest(strings.NewReader(sample), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	e.WarmUp()
	sig := make(chan os.Signal) // unbuffered: a send completes when the watcher receives it
	e.ReloadSynonymsOn(sig, path)
	sig <- syscall.SIGHUP
	sig <- syscall.SIGHUP // received once the first reload is done
	if got := e.Synonyms().Source; got != path {
		t.Errorf("after SIGHUP, synonyms from %q, want %q", got, path)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case sig <- syscall.SIGHUP:
		t.Error("the synonyms watcher still runs after Close")
	default:
	}
}

func TestCloseTwice(t *testing.T) {
	e, err := Open(t.TempDir(), OpenOptions{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := e.CloseCompacted(context.Background()); err == nil {
		t.Fatal("CloseCompacted after Close: no error")
	}
}
