package trouvaille

import (
	"context"
	"errors"
	"fmt"

	"github.com/encommun/trouvaille/index"
)

// ErrIndexDamaged: a search met a damaged index segment; the index is being
// rebuilt from the store (the notes are safe there).
var ErrIndexDamaged = errors.New("index endommagé : reconstruction en cours à partir du magasin, réessayez dans un moment")

// searchIndex runs the index's search and turns what a damaged segment does
// (an error or a panic while reading mapped bytes) into ErrIndexDamaged,
// after checking the segments' checksums, and schedules the rebuild. The
// caller holds e.mu for reading.
func (e *Engine) searchIndex(ctx context.Context, r Request) (res *Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, e.indexFailed(fmt.Errorf("panique dans l’index : %v", p))
		}
	}()
	res, err = e.index.Search(ctx, r, e.store)
	if err != nil {
		err = e.indexFailed(err)
	}
	return res, err
}

// indexFailed checks the index after a failed search: a damaged segment
// schedules a rebuild and gives ErrIndexDamaged; other errors pass through.
func (e *Engine) indexFailed(err error) error {
	if errors.Is(err, ErrBadRequest) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	verr := e.index.Verify()
	if !errors.Is(verr, index.ErrDamaged) {
		return err
	}
	e.scheduleRebuild(e.index, verr)
	return fmt.Errorf("%w (%v)", ErrIndexDamaged, verr)
}

// scheduleRebuild rebuilds the index from the store in the background, once
// at a time, if damaged, the index found damaged, is still in service when
// the rebuild may start: a rebuild running meanwhile (the successor of a
// stale index, built beside it) may have replaced it by a sound one.
func (e *Engine) scheduleRebuild(damaged *index.Index, why error) {
	if !e.repairing.CompareAndSwap(false, true) {
		return
	}
	e.log.Warnf("index endommagé (%v) : reconstruction à partir du magasin", why)
	e.goBackground(func(ctx context.Context) {
		defer e.repairing.Store(false)
		n, replaced, err := e.repair(ctx, damaged)
		switch {
		case err != nil:
			e.log.Errorf("reconstruction de l’index : %v", err)
		case replaced:
			e.log.Infof("index endommagé déjà remplacé par un index construit à partir du magasin : pas d’autre reconstruction")
		default:
			e.log.Infof("index reconstruit : %d changements appliqués", n)
		}
	})
}

// watchBroken has ix, once in service, schedule its rebuild when one of
// Bleve's background tasks stops on it (index.Index.OnBroken).
func (e *Engine) watchBroken(ix *index.Index) {
	ix.OnBroken(func(err error) { e.scheduleRebuild(ix, err) })
}

// repair is Reindex, unless damaged is no longer the index in service
// (replaced reports it).
func (e *Engine) repair(ctx context.Context, damaged *index.Index) (n int, replaced bool, err error) {
	e.rebuildMu.Lock()
	defer e.rebuildMu.Unlock()
	e.mu.RLock()
	replaced = e.index != damaged
	e.mu.RUnlock()
	if replaced {
		return 0, true, nil
	}
	n, err = e.reindexLocked(ctx)
	return n, false, err
}

// Verify checks every segment of the index on disk against its checksum
// and, when one is damaged, schedules the rebuild and returns the error.
func (e *Engine) Verify() error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if err := e.index.Verify(); err != nil {
		if errors.Is(err, index.ErrDamaged) {
			e.scheduleRebuild(e.index, err)
		}
		return err
	}
	return nil
}
