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
	e.scheduleRebuild(verr)
	return fmt.Errorf("%w (%v)", ErrIndexDamaged, verr)
}

// scheduleRebuild rebuilds the index from the store in the background, once
// at a time.
func (e *Engine) scheduleRebuild(why error) {
	if !e.repairing.CompareAndSwap(false, true) {
		return
	}
	e.logf("index endommagé (%v) : reconstruction à partir du magasin", why)
	e.goBackground(func(ctx context.Context) {
		defer e.repairing.Store(false)
		n, err := e.Reindex()
		if err != nil {
			e.logf("reconstruction de l’index : %v", err)
			return
		}
		e.logf("index reconstruit : %d changements appliqués", n)
	})
}

// Verify checks every segment of the index on disk against its checksum
// and, when one is damaged, schedules the rebuild and returns the error.
func (e *Engine) Verify() error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if err := e.index.Verify(); err != nil {
		if errors.Is(err, index.ErrDamaged) {
			e.scheduleRebuild(err)
		}
		return err
	}
	return nil
}
