package trouvaille

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/encommun/trouvaille/ingest"
	"github.com/encommun/trouvaille/store"
)

// Live writes. A write is acknowledged once its batch is durable in the
// store (fsynced); the index applies it afterwards, in sequence order, in
// one goroutine (the indexer), each store batch as one Bleve batch, so that a
// search sees a batch whole or not at all. Who writes hands batches to the
// indexer under writeMu: the queue is in sequence order.

// ErrDiskFull: the disk is too full to take the write; nothing was stored.
var ErrDiskFull = store.ErrDiskFull

// ErrWaitTimeout: the index had not applied a write within the time given.
var ErrWaitTimeout = errors.New("l’index n’a pas encore appliqué cette écriture")

// Bounds of one write.
const (
	// MaxBatchBytes bounds the notes held in memory between the decoder and
	// the store: a batch is written when it reaches this size or
	// DefaultBatchSize notes, whichever comes first.
	MaxBatchBytes = 8 << 20
	// indexQueue is the number of stored batches that may wait for the
	// indexer before writers wait too (back-pressure).
	indexQueue = 16
)

// indexer applies stored batches to the index in order.
type indexer struct {
	queue chan []store.Entry

	mu       sync.Mutex
	advanced chan struct{} // closed and replaced each time the index moves
	pending  int           // batches queued or being applied
	failed   error         // last apply error, until a catch-up succeeds
	retry    backoff       // when to try the catch-up again after failed

	// hideMu is held while hiding notes ahead of the queue (hideAhead) and
	// while a queued batch is applied, so that neither undoes the other.
	// Lock order: writeMu, hideMu, mu.
	hideMu sync.Mutex
	// hiding maps the notes hidden ahead of the queue to the sequence
	// number of the change that hid them: queued versions older than it
	// are kept out of the index (applied as deletions) until it is applied.
	hiding map[string]uint64
}

// retryTick is how often the indexer looks for a failed catch-up or
// rebuild to try again (a variable: tests shorten it).
var retryTick = time.Second

// maxRetryDoublings bounds the wait between two tries of something that
// keeps failing: retryTick << 6, about a minute.
const maxRetryDoublings = 6

// backoff spaces the tries of something that keeps failing (a disk that
// refuses every write, a store that cannot be read): the first again after
// one tick, then twice as long each time, at most maxRetryDoublings times
// as long; so that a lasting failure neither keeps a core busy nor fills
// the log with a line a second.
type backoff struct {
	fails int
	next  time.Time
}

// due says whether the next try may run at now.
func (b *backoff) due(now time.Time) bool {
	return b.fails == 0 || !now.Before(b.next)
}

// failed records a failed try at now and returns the wait before the next.
func (b *backoff) failed(now time.Time) time.Duration {
	d := retryTick << min(b.fails, maxRetryDoublings)
	b.fails++
	b.next = now.Add(d)
	return d
}

// succeeded forgets the failures.
func (b *backoff) succeeded() { *b = backoff{} }

func newIndexer() *indexer {
	return &indexer{queue: make(chan []store.Entry, indexQueue), advanced: make(chan struct{}), hiding: map[string]uint64{}}
}

// startIndexer runs the indexer until Close.
func (e *Engine) startIndexer() {
	e.goBackground(func(ctx context.Context) {
		retry := time.NewTicker(retryTick)
		defer retry.Stop()
		for {
			select {
			case <-ctx.Done():
				// Batches still queued are in the store: the next Open catches up.
				return
			case entries := <-e.ix.queue:
				e.applyQueued(entries)
			case now := <-retry.C:
				if e.rebuilding.Load() && e.rebuildMu.TryLock() {
					if !e.rebuildRetry.due(now) {
						e.rebuildMu.Unlock()
						continue
					}
					// A rebuild that failed (its error is logged): again. Not
					// in this goroutine: the refill waits for the writers,
					// which may wait for this queue.
					e.goBackground(func(ctx context.Context) {
						defer e.rebuildMu.Unlock()
						e.logRefill(ctx, time.Now())
					})
					continue
				}
				e.ix.mu.Lock()
				failed := e.ix.failed != nil && e.ix.retry.due(now)
				e.ix.mu.Unlock()
				if failed {
					e.retryCatchUp()
				}
			}
		}
	})
}

// applyQueued applies one stored batch, leaving out what the index already
// has (a catch-up or a reindex may have gone past it).
func (e *Engine) applyQueued(entries []store.Entry) {
	if hook := beforeApply.Load(); hook != nil {
		(*hook)()
	}
	e.ix.hideMu.Lock()
	defer e.ix.hideMu.Unlock()
	e.mu.RLock()
	if e.rebuilding.Load() {
		// The rebuild applies every stored change before it ends.
		e.mu.RUnlock()
		e.ix.mu.Lock()
		e.ix.pending--
		e.ix.broadcastLocked()
		e.ix.mu.Unlock()
		return
	}
	have := e.index.LastSeq()
	keep := entries[:0:0]
	for _, en := range entries {
		if en.Seq <= have {
			continue
		}
		if hid, ok := e.ix.hiding[en.ID]; ok {
			if en.Seq < hid {
				en.Note = nil // an older version of a note hidden since
			} else {
				delete(e.ix.hiding, en.ID)
			}
		}
		keep = append(keep, en)
	}
	var err error
	if len(keep) > 0 {
		e.ix.mu.Lock()
		failed := e.ix.failed
		e.ix.mu.Unlock()
		if failed == nil {
			err = e.index.Apply(keep)
		} else {
			err = failed // a gap: only a catch-up from the store may go on
		}
	}
	e.mu.RUnlock()
	e.ix.mu.Lock()
	e.ix.pending--
	if err != nil && e.ix.failed == nil {
		e.log.Warnf("index : lot non appliqué (%v); les notes sont dans le magasin, rattrapage depuis le magasin dans un moment", err)
		e.ix.failed = err
	}
	e.ix.broadcastLocked()
	e.ix.mu.Unlock()
}

// retryCatchUp catches the index up from the store after a failed apply.
func (e *Engine) retryCatchUp() {
	if e.rebuilding.Load() {
		return // the rebuild catches up
	}
	// No note hidden ahead meanwhile: Hide after the catch-up applied the
	// hiding change would take the note's new version out for good.
	e.ix.hideMu.Lock()
	e.mu.RLock()
	_, err := e.index.CatchUp(e.store, 20000)
	if err == nil {
		e.forgetHiddenLocked()
	}
	e.mu.RUnlock()
	e.ix.hideMu.Unlock()
	e.ix.mu.Lock()
	defer e.ix.mu.Unlock()
	if err == nil {
		e.log.Infof("index : rattrapage depuis le magasin réussi")
		e.ix.failed = nil
		e.ix.retry.succeeded()
	} else {
		d := e.ix.retry.failed(time.Now())
		e.log.Errorf("index : rattrapage depuis le magasin impossible (%v); nouvel essai dans %s", err, d)
	}
	e.ix.broadcastLocked()
}

func (ix *indexer) broadcastLocked() {
	close(ix.advanced)
	ix.advanced = make(chan struct{})
}

// enqueue hands a stored batch to the indexer; the caller holds writeMu.
func (e *Engine) enqueue(entries []store.Entry) {
	if len(entries) == 0 {
		return
	}
	e.ix.mu.Lock()
	e.ix.pending++
	e.ix.mu.Unlock()
	select {
	case e.ix.queue <- entries:
	case <-e.ctx.Done():
	}
}

// drain waits until the indexer has applied every queued batch.
func (e *Engine) drain(ctx context.Context) error {
	for {
		e.ix.mu.Lock()
		n, ch := e.ix.pending, e.ix.advanced
		e.ix.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-e.ctx.Done():
			return errors.New("moteur fermé")
		}
	}
}

// Indexed reports whether the index has applied every change up to seq.
func (e *Engine) Indexed(seq uint64) bool {
	_, have := e.Seqs()
	return have >= seq
}

// WaitIndexed waits until the index has applied seq, at most timeout; it
// returns ErrWaitTimeout after that.
func (e *Engine) WaitIndexed(ctx context.Context, seq uint64, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		e.ix.mu.Lock()
		ch := e.ix.advanced
		e.ix.mu.Unlock()
		if e.Indexed(seq) {
			return nil
		}
		select {
		case <-ch:
		case <-deadline.C:
			return fmt.Errorf("%w après %s (séquence %d)", ErrWaitTimeout, timeout, seq)
		case <-ctx.Done():
			return ctx.Err()
		case <-e.ctx.Done():
			return errors.New("moteur fermé")
		}
	}
}

// WriteResult is what a write did: the last sequence number it reached and
// one count per outcome, with the rejected records.
type WriteResult struct {
	Seq        uint64
	Added      int
	Updated    int
	Unchanged  int
	Deleted    int
	Rejections []ingest.Rejection
}

// Write decodes records from r (JSON lines or a JSON array: the ingest
// format, named name in rejections), validates them as ingest does, and
// stores the valid ones in batches; it returns once every batch is durable
// in the store. The index applies them in the background (WaitIndexed); a
// change that hides a note (a deletion, or an update leaving it not public)
// first removes the note from the index at once (hideAhead), so that once
// the write is confirmed no search, completion, facet or list shows it to
// someone who may no longer see it, however far behind the index is.
// Rejected records do not stop the others. A store error (ErrDiskFull…)
// stops the write: what was acknowledged before stays, the rest is not
// stored, and the result says how far it went. A body cut short (a read error) stores every record
// before the cut and counts them.
func (e *Engine) Write(ctx context.Context, r io.Reader, name string, o ingest.Options) (WriteResult, error) {
	var res WriteResult
	batch := make([]store.Change, 0, 64)
	var bytes int
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		var rep Report
		e.writeMu.Lock()
		entries, err := e.storeBatch(batch, &rep)
		if err == nil {
			e.enqueue(entries)
		}
		e.writeMu.Unlock()
		if err != nil {
			return err
		}
		res.Added += rep.Added
		res.Updated += rep.Updated
		res.Unchanged += rep.Unchanged
		res.Deleted += rep.Deleted
		res.Seq = max(res.Seq, rep.lastSeq)
		e.hideAhead(rep.hides)
		batch, bytes = batch[:0:0], 0
		return nil
	}
	emit := func(rec ingest.Record) error {
		if rec.Deleted {
			batch = append(batch, store.Change{Delete: rec.ID})
			bytes += 64
		} else {
			batch = append(batch, store.Change{Note: rec.Note})
			bytes += 256 + len(rec.Note.Title) + len(rec.Note.Summary) + len(rec.Note.Body)
		}
		if len(batch) >= DefaultBatchSize || bytes >= MaxBatchBytes {
			return flush()
		}
		return nil
	}
	reject := func(rj ingest.Rejection) { res.Rejections = append(res.Rejections, rj) }
	err := ingest.Decode(r, name, o, emit, reject)
	if err == nil {
		err = flush()
	} else if ctx.Err() == nil && !errors.Is(err, ErrDiskFull) {
		// The body was cut (too large, too slow): the records decoded
		// before the cut are whole; store them too, so that the result
		// counts every record before the cut and the client resumes
		// right after them.
		if ferr := flush(); ferr != nil {
			err = errors.Join(err, ferr)
		}
	}
	if res.Seq == 0 {
		// Nothing changed: the store's last change covers the notes' state.
		res.Seq = e.store.DurableSeq()
	}
	return res, err
}

// beforeApply, when set (tests), runs before the indexer applies a queued
// batch: a test holds the index behind the store with it.
var beforeApply atomic.Pointer[func()]

// hideAhead removes from the index, at once, the notes that stored changes
// hide (deletions, notes no longer public), when the index has not applied
// those changes yet: the write that hid them is then confirmed without
// waiting for the index to work through its queue (minutes behind a long
// ingest), and no search, facet, list or completion shows them meanwhile.
// Older versions of them still queued are kept out (applyQueued). Nothing
// to do while a rebuild holds the index: searches answer ErrRebuilding,
// and the rebuild reads the store as it is.
func (e *Engine) hideAhead(hides []store.Entry) {
	if len(hides) == 0 {
		return
	}
	e.ix.hideMu.Lock()
	defer e.ix.hideMu.Unlock()
	// Checked under hideMu: a rebuild marks itself before it takes hideMu
	// to empty the index, and its refill reads every note as stored.
	if e.rebuilding.Load() {
		return
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	have := e.index.LastSeq()
	var ids []string
	for _, h := range hides {
		if h.Seq <= have {
			continue // applied already
		}
		if h.Seq > e.ix.hiding[h.ID] {
			e.ix.hiding[h.ID] = h.Seq
		}
		ids = append(ids, h.ID)
	}
	if err := e.index.Hide(ids); err != nil {
		e.log.Warnf("index : notes cachées pas encore retirées (%v); elles le seront quand l’index appliquera leur changement", err)
	}
}

// forgetHiddenLocked drops from hiding the notes whose hiding change the
// index has applied (by a catch-up from the store, which reads the latest
// version of each note only). The caller holds ix.hideMu and mu.
func (e *Engine) forgetHiddenLocked() {
	have := e.index.LastSeq()
	for id, seq := range e.ix.hiding {
		if seq <= have {
			delete(e.ix.hiding, id)
		}
	}
}

// Delete removes the note id; it returns once the deletion is durable and
// applied by the index (see Write). A deletion of an unknown id changes
// nothing (Deleted is 0).
func (e *Engine) Delete(id string) (WriteResult, error) {
	var rep Report
	e.writeMu.Lock()
	entries, err := e.storeBatch([]store.Change{{Delete: id}}, &rep)
	if err == nil {
		e.enqueue(entries)
	}
	e.writeMu.Unlock()
	res := WriteResult{Seq: rep.lastSeq, Deleted: rep.Deleted, Unchanged: rep.Unchanged}
	if res.Seq == 0 {
		res.Seq = e.store.DurableSeq()
	}
	e.hideAhead(rep.hides)
	return res, err
}

// Backup writes a consistent copy of the store to w while the engine serves
// (see store.Backup) and returns the last sequence number it holds. The
// index is not in it: Restore rebuilds it.
func (e *Engine) Backup(w io.Writer) (uint64, error) { return e.store.Backup(w) }
