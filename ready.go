package trouvaille

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/encommun/trouvaille/store"
)

// ErrNotReady is behind every reason Ready gives.
var ErrNotReady = errors.New("pas encore prêt")

// Ready reports whether the engine can serve as it should: the index has
// caught up with the store (or is applying the queued writes, in order, with
// no failure), the discovery tables (suggestions, "Vouliez-vous dire")
// are built, and the index warmed up when WarmUp was asked (its facet
// columns and the postings of common terms: the first searches would
// otherwise share the cores with that work). It never waits: while a
// reindex holds the index, it says so.
func (e *Engine) Ready() error {
	if !e.mu.TryRLock() {
		return fmt.Errorf("%w : reconstruction de l’index en cours", ErrNotReady)
	}
	storeSeq, indexSeq := e.store.LastSeq(), e.index.LastSeq()
	built := e.disc.Built()
	e.mu.RUnlock()
	if e.rebuilding.Load() {
		return fmt.Errorf("%w : reconstruction de l’index à partir du magasin en cours (séquence %d sur %d)", ErrNotReady, indexSeq, storeSeq)
	}
	e.ix.mu.Lock()
	failed, pending := e.ix.failed, e.ix.pending
	e.ix.mu.Unlock()
	switch {
	case failed != nil:
		// Not the error itself: /readyz is anonymous, and an index's
		// error names the data folder's paths; the log has it.
		return fmt.Errorf("%w : l’index n’arrive pas à appliquer les écritures (la cause est au journal); rattrapage depuis le magasin en cours", ErrNotReady)
	case indexSeq < storeSeq && pending == 0 && !e.writerBetween():
		return fmt.Errorf("%w : l’index est en retard de %d changements sur le magasin", ErrNotReady, storeSeq-indexSeq)
	case !built:
		return fmt.Errorf("%w : tables de découverte (autocomplétion, « Vouliez-vous dire ») en préparation", ErrNotReady)
	case e.warming.Load():
		return fmt.Errorf("%w : préchauffage de l’index (facettes, termes courants) en cours", ErrNotReady)
	}
	return nil
}

// writerBetween reports whether a writer may be between its store batch and
// its hand-over to the indexer (it holds writeMu for both): the lag seen is
// then a write in flight, not an index left behind. With the writers held
// off (never waiting for them), it looks again.
func (e *Engine) writerBetween() bool {
	if !e.writeMu.TryLock() {
		return true
	}
	defer e.writeMu.Unlock()
	storeSeq, indexSeq := e.store.LastSeq(), e.index.LastSeq() // writeMu: no Reindex swaps the index
	e.ix.mu.Lock()
	pending := e.ix.pending
	e.ix.mu.Unlock()
	return indexSeq >= storeSeq || pending > 0
}

// OpsStats is what the metrics report of the engine's state.
type OpsStats struct {
	StoreSeq, IndexSeq uint64
	// StoreBytes and IndexBytes are the sizes on disk of dir/store
	// (Badger) and dir/index (Bleve).
	StoreBytes, IndexBytes int64
	// Segments is the number of index segments (0 when unknown).
	Segments uint64
	// Notes is the number of indexed notes (all visibilities).
	Notes uint64
	// IndexWriteFailures counts the index's failed background writes since
	// it opened (a full disk); StoreCompactionsOff is true when the store
	// was opened on a nearly full disk, without compactions.
	IndexWriteFailures  uint64
	StoreCompactionsOff bool
	// IndexBuildingBeside: the successor of a stale index in service is
	// being built beside it (beside.go).
	IndexBuildingBeside bool
}

// Stats reads the engine's state for the metrics. It takes the read lock
// only to read the sequence numbers and the index statistics; the folder
// sizes are walked without it.
func (e *Engine) Stats() OpsStats {
	var s OpsStats
	idir, _ := currentIndexDir(e.dir)
	if e.mu.TryRLock() {
		idir = e.index.Dir()
		s.StoreSeq, s.IndexSeq = e.store.LastSeq(), e.index.LastSeq()
		s.Segments, _ = e.index.Segments()
		s.Notes, _ = e.index.DocCount()
		s.IndexWriteFailures = e.index.WriteFailures()
		s.StoreCompactionsOff = e.store.Tight()
		e.mu.RUnlock()
	}
	s.IndexBuildingBeside = e.besideRunning.Load()
	s.StoreBytes = dirSize(filepath.Join(e.dir, "store"))
	s.IndexBytes = dirSize(idir)
	return s
}

// dirSize sums the sizes of the regular files under dir (files vanishing
// during the walk, as segments do when merged, are skipped).
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// AnalyticsStore is where the search analytics keep their daily counters:
// the store, under its own key prefix (store/analytics.go).
func (e *Engine) AnalyticsStore() *store.Store { return e.store }
