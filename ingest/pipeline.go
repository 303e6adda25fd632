package ingest

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/encommun/trouvaille/index"
	"github.com/encommun/trouvaille/store"
)

// Engine is an open data folder: the note store and the search index.
type Engine struct {
	Dir   string
	Store *store.Store
	Index *index.Index
	logf  func(string, ...any)
}

// OpenOptions tunes Open.
type OpenOptions struct {
	// Logf receives operator messages (French); nil discards them.
	Logf func(format string, args ...any)
	// Bulk tunes the store for bulk loads (the ingest command).
	Bulk bool
}

// ErrLocked is returned when another process holds the data folder.
var ErrLocked = errors.New("dossier de données déjà utilisé")

// Open opens (creating if needed) the data folder dir: dir/store holds Badger,
// dir/index holds Bleve. If the index is behind the store (a crash between the
// two writes, an index folder deleted or unreadable), it catches up from the
// store before returning; if it is ahead, it is rebuilt (see CatchUp). Either
// is logged.
func Open(dir string, o OpenOptions) (*Engine, error) {
	logf := o.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("créer le dossier de données %s : %w", dir, err)
	}
	st, err := store.Open(filepath.Join(dir, "store"), store.Options{Bulk: o.Bulk})
	if err != nil {
		if strings.Contains(err.Error(), "Cannot acquire directory lock") || strings.Contains(err.Error(), "resource temporarily unavailable") {
			return nil, fmt.Errorf("%w : %s est ouvert par un autre processus (un « trouvaille serve » ?). Arrêtez-le, ou utilisez un autre dossier (--data)", ErrLocked, dir)
		}
		return nil, err
	}
	ix, err := index.Open(filepath.Join(dir, "index"), logf)
	if err != nil {
		st.Close()
		return nil, err
	}
	e := &Engine{Dir: dir, Store: st, Index: ix, logf: logf}
	if err := e.CatchUp(); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// CatchUp brings the index level with the store. An index behind the store
// (a crash between the two writes, an index folder deleted or restored from
// an older copy) applies the changes it has not seen. An index ahead of the
// store holds changes the store does not have (a store restored from an older
// copy, or lost writes of an older version that did not sync the store before
// indexing): it is rebuilt from the store, the source of truth.
func (e *Engine) CatchUp() error {
	behind, have := e.Store.LastSeq(), e.Index.LastSeq()
	if have > behind {
		start := time.Now()
		n, err := e.Reindex()
		if err != nil {
			return fmt.Errorf("reconstruire l’index en avance sur le magasin : %w", err)
		}
		e.logf("index en avance sur le magasin (séquence %d, magasin %d) : reconstruit à partir du magasin, %d notes en %s",
			have, behind, n, time.Since(start).Round(time.Millisecond))
		return nil
	}
	if behind == have {
		return nil
	}
	start := time.Now()
	n, err := e.Index.CatchUp(e.Store, 1000)
	if err != nil {
		return err
	}
	e.logf("index en retard (séquence %d, magasin %d) : %d changements rattrapés depuis le magasin en %s",
		have, behind, n, time.Since(start).Round(time.Millisecond))
	return nil
}

// Reindex rebuilds the index from the store alone.
func (e *Engine) Reindex() (int, error) {
	dir := filepath.Join(e.Dir, "index")
	if err := e.Index.Close(); err != nil {
		return 0, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return 0, fmt.Errorf("supprimer l’index %s : %w", dir, err)
	}
	ix, err := index.Open(dir, e.logf)
	if err != nil {
		return 0, err
	}
	e.Index = ix
	return ix.CatchUp(e.Store, 1000)
}

// Close closes the index and the store.
func (e *Engine) Close() error {
	err1 := e.Index.Close()
	err2 := e.Store.Close()
	return errors.Join(err1, err2)
}

// Report sums up one ingestion.
type Report struct {
	Read       int
	Added      int
	Updated    int
	Unchanged  int
	Deleted    int
	Rejected   int
	Rejections []Rejection
	Elapsed    time.Duration
}

// Merge adds another report to r.
func (r *Report) Merge(o Report) {
	r.Read += o.Read
	r.Added += o.Added
	r.Updated += o.Updated
	r.Unchanged += o.Unchanged
	r.Deleted += o.Deleted
	r.Rejected += o.Rejected
	r.Rejections = append(r.Rejections, o.Rejections...)
	r.Elapsed += o.Elapsed
}

// Summary is the report's one-line French summary.
func (r Report) Summary() string {
	rate := ""
	if s := r.Elapsed.Seconds(); s > 0 && r.Read > 0 {
		rate = fmt.Sprintf(" en %s (%.0f notes/s)", r.Elapsed.Round(time.Millisecond), float64(r.Read)/s)
	}
	return fmt.Sprintf("%d ajoutées, %d mises à jour, %d inchangées, %d supprimées, %d rejetées%s",
		r.Added, r.Updated, r.Unchanged, r.Deleted, r.Rejected, rate)
}

// DefaultBatchSize is the number of notes written per store transaction and index batch.
const DefaultBatchSize = 1000

// Ingester feeds decoded notes to an Engine batch by batch.
type Ingester struct {
	Engine    *Engine
	Options   Options
	BatchSize int
	// Progress, when set, is told of every record read.
	Progress *Progress
}

// ErrNoNotes is returned by IngestFile for a file that holds no record at
// all (empty, blank lines only, or an empty array): most likely the wrong
// file or a failed export.
var ErrNoNotes = errors.New("aucune note")

// ErrFile is returned (wrapped) by IngestFile when the file cannot be read:
// missing, a folder, or not readable.
var ErrFile = errors.New("fichier de notes illisible")

// IngestFile ingests one file. A file without any record returns the report
// and ErrNoNotes.
func (in *Ingester) IngestFile(path string) (Report, error) {
	f, err := openNotesFile(path)
	if err != nil {
		return Report{}, err
	}
	defer f.Close()
	rep, err := in.Ingest(f, path)
	if err == nil && rep.Read == 0 {
		err = fmt.Errorf("%s : %w (fichier vide, ou tableau vide) : vérifiez que c’est le bon fichier", path, ErrNoNotes)
	}
	return rep, err
}

// openNotesFile opens a file of notes, with French messages for the usual
// mistakes (Go's own say "open x: no such file or directory").
func openNotesFile(path string) (*os.File, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%w : %s n’existe pas ; vérifiez le chemin", ErrFile, path)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("%w : lecture de %s refusée (permissions)", ErrFile, path)
	case err != nil:
		return nil, fmt.Errorf("%w : %s : %v", ErrFile, path, err)
	case fi.IsDir():
		return nil, fmt.Errorf("%w : %s est un dossier ; donnez un fichier de notes (.jsonl, .ndjson ou .json)", ErrFile, path)
	}
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("%w : lecture de %s refusée (permissions)", ErrFile, path)
	case err != nil:
		return nil, fmt.Errorf("%w : %s : %v", ErrFile, path, err)
	}
	return f, nil
}

// Ingest reads records from r (named name in rejections), stores the valid
// ones and indexes them. Rejected records do not stop the others.
//
// Three stages overlap, each in order: decoding and validation, the Badger
// write of a batch, and the Bleve write of the previous batch. A batch is
// always in Badger before the index sees it.
func (in *Ingester) Ingest(r io.Reader, name string) (Report, error) {
	start := time.Now()
	size := in.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	var rep Report
	cr := &countingReader{r: r}
	var lastBytes int64

	stored := make(chan []store.Entry, 1)
	indexErr := make(chan error, 1)
	go func() {
		var err error
		for entries := range stored {
			if err == nil {
				err = in.Engine.index(entries)
			}
		}
		indexErr <- err
	}()
	var storeErr error
	batch := make([]store.Change, 0, size)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		entries, err := in.Engine.store(batch, &rep)
		if err != nil {
			storeErr = err
			return err
		}
		stored <- entries
		batch = make([]store.Change, 0, size)
		return nil
	}
	emit := func(rec Record) error {
		rep.Read++
		if in.Progress != nil {
			in.Progress.Add(1, cr.n-lastBytes)
			lastBytes = cr.n
		}
		if rec.Deleted {
			batch = append(batch, store.Change{Delete: rec.ID})
		} else {
			batch = append(batch, store.Change{Note: rec.Note})
		}
		if len(batch) >= size {
			return flush()
		}
		return nil
	}
	reject := func(rj Rejection) {
		rep.Read++
		rep.Rejected++
		rep.Rejections = append(rep.Rejections, rj)
		if in.Progress != nil {
			in.Progress.Add(1, cr.n-lastBytes)
			lastBytes = cr.n
		}
	}
	err := Decode(cr, name, in.Options, emit, reject)
	if err == nil && storeErr == nil {
		err = flush()
	}
	close(stored)
	if ierr := <-indexErr; err == nil {
		err = ierr
	}
	rep.Elapsed = time.Since(start)
	if err != nil {
		return rep, fmt.Errorf("ingérer %s : %w", name, err)
	}
	return rep, nil
}

// Apply stores then indexes a batch of changes, and counts the outcomes into rep.
// It is the one write path: the CLI, the demo loader and the API go through it.
func (e *Engine) Apply(changes []store.Change) (Report, error) {
	var rep Report
	err := e.apply(changes, &rep)
	return rep, err
}

func (e *Engine) apply(changes []store.Change, rep *Report) error {
	entries, err := e.store(changes, rep)
	if err != nil {
		return err
	}
	return e.index(entries)
}

// store writes a batch to Badger, counts the outcomes into rep and returns
// the entries the index must apply.
func (e *Engine) store(changes []store.Change, rep *Report) ([]store.Entry, error) {
	outcomes, seqs, err := e.Store.Apply(changes)
	if err != nil {
		return nil, err
	}
	entries := make([]store.Entry, 0, len(changes))
	for i, o := range outcomes {
		switch o {
		case store.Added:
			rep.Added++
		case store.Updated:
			rep.Updated++
		case store.Deleted:
			rep.Deleted++
		default:
			rep.Unchanged++
			continue
		}
		c := changes[i]
		entries = append(entries, store.Entry{Seq: seqs[i], ID: c.ID(), Note: c.Note})
	}
	// Later changes to the same id within the batch win: Bleve applies a
	// batch's operations per id, so keep only the last one of each id.
	return lastPerID(entries), nil
}

// index applies stored entries to the index.
func (e *Engine) index(entries []store.Entry) error {
	if err := e.Index.Apply(entries); err != nil {
		// The store has the notes: the next Open catches the index up.
		return fmt.Errorf("notes enregistrées mais pas encore indexées (rattrapage au prochain démarrage) : %w", err)
	}
	return nil
}

func lastPerID(entries []store.Entry) []store.Entry {
	last := make(map[string]int, len(entries))
	for i, e := range entries {
		last[e.ID] = i
	}
	if len(last) == len(entries) {
		return entries
	}
	out := entries[:0:0]
	for i, e := range entries {
		if last[e.ID] == i {
			out = append(out, e)
		}
	}
	return out
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
