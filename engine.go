package trouvaille

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/discover"
	"github.com/encommun/trouvaille/index"
	"github.com/encommun/trouvaille/index/termdict"
	"github.com/encommun/trouvaille/ingest"
	"github.com/encommun/trouvaille/oplog"
	"github.com/encommun/trouvaille/store"
)

// Engine is an open data folder: the note store (the source of truth), the
// search index built from it and the discovery features over both. It is the
// single writer of both, and the owner of every background goroutine (the
// warm-up, the synonyms reloads): Close stops them and waits for them.
// Safe for concurrent use.
type Engine struct {
	dir     string
	minFree int64 // OpenOptions.MinFree, for CloseCompacted
	log     oplog.Logger
	store   *store.Store

	// mu guards the index, the discovery features and the synonyms: Reindex
	// swaps them under the write lock, every reader holds the read lock.
	mu    sync.RWMutex
	index *index.Index
	disc  *discover.Discovery

	// synMu guards syn, the list in force (nil: the default list), which
	// Reindex hands to the new index. Lock order: mu, then synMu.
	synMu sync.Mutex
	syn   *analysis.Synonyms

	// writeMu makes the engine the single writer: one Apply, ingestion or
	// Reindex at a time.
	writeMu sync.Mutex

	// ix applies stored batches to the index, in order (see writer.go).
	ix *indexer
	// rebuilding is set while a rebuild from the store fills the index
	// (Reindex, or Open after a format change): searches and the discovery
	// features answer ErrRebuilding at once instead of reading a partial
	// index, and the indexer leaves the stored writes to the rebuild.
	rebuilding atomic.Bool
	// closed is set by the first Close or CloseCompacted; later calls
	// do nothing.
	closed atomic.Bool
	// rebuildMu is held by a rebuild from the moment it empties the index
	// to the end of its catch-up, and by the build of a stale index's
	// successor (beside.go) from start to swap. Bulk ingests wait for it;
	// synonym changes too, except during a build beside (SetSynonyms).
	// Lock order: rebuildMu, writeMu, ix.hideMu, mu, synMu.
	rebuildMu sync.Mutex
	// rebuildRetry spaces the tries of a rebuild that keeps failing;
	// guarded by rebuildMu.
	rebuildRetry backoff
	// repairing is set while a rebuild of a damaged index is scheduled or
	// runs (repair.go): one at a time.
	repairing atomic.Bool
	// warming is set while WarmUp warms the index (its facet columns and
	// postings): Ready waits for it.
	warming atomic.Bool
	// besideRunning is set while the successor of a stale index in service
	// is being built beside it (beside.go); the stale one serves meanwhile.
	besideRunning atomic.Bool
	// besideStatus is the last build beside: under way or finished, and
	// how it ended (RebuildStatus); nil before the first.
	besideStatus atomic.Pointer[RebuildStatus]

	// ctx is cancelled by Close; wg waits for the background goroutines.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// OpenOptions tunes Open.
type OpenOptions struct {
	// Logf receives operator messages (French): the routine ones, and
	// the others too when Warnf and Errorf are nil. With all three nil,
	// the messages are discarded (the store's go to the standard log).
	Logf func(format string, args ...any)
	// Warnf, when set, receives instead of Logf the messages saying that
	// something went wrong and was handled: a synonyms file refused (the
	// list in force stays), a damaged index being rebuilt, an index batch
	// to catch up from the store, a discovery view to rebuild…
	Warnf func(format string, args ...any)
	// Errorf, when set, receives instead of Warnf (or Logf) the messages
	// saying that the engine cannot do its job until a retry succeeds or
	// the operator acts: a rebuild or a catch-up that failed, a disk too
	// full to write the index or take new notes.
	Errorf func(format string, args ...any)
	// Bulk tunes the store for bulk loads (the ingest command).
	Bulk bool
	// MinFree is the room (bytes) writes keep free on the disk (0: the
	// store's default, 64 MiB); past it, writes fail with ErrDiskFull.
	MinFree int64
	// Synonyms is the list in force from the start (nil: the default
	// list). The index marks the notes holding its phrases as it indexes
	// them, the catch-up at start included (index/synonyms.go).
	Synonyms *Synonyms
	// RebuildInBackground: when the index must be rebuilt from the store
	// at Open (its format changed, it was deleted, it is ahead of a store
	// restored from an older copy) or is far behind it, Open returns at
	// once and the rebuild runs in the background (the server listens
	// meanwhile: searches answer ErrRebuilding, writes are stored, Ready
	// says how far the rebuild is). Without it, Open returns once the index
	// has caught up (the commands that work on the folder and exit).
	RebuildInBackground bool
}

// ErrLocked is returned when another process holds the data folder.
var ErrLocked = errors.New("dossier de données déjà utilisé")

// Open opens (creating if needed) the data folder dir: dir/store holds Badger,
// dir/index holds Bleve. If the index is behind the store (a crash between the
// two writes, an index folder deleted or unreadable), it catches up from the
// store before returning; if it is ahead, it is rebuilt (see CatchUp). Either
// is logged.
func Open(dir string, o OpenOptions) (*Engine, error) {
	log := oplog.Logger{Info: o.Logf, Warn: o.Warnf, Error: o.Errorf}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, oplog.FileError("créer le dossier de données "+dir, dir, err)
	}
	// The zero Logger (no function given) leaves the store's messages on
	// the standard log, as before the levels.
	st, err := openStore(dir, o, log)
	if err != nil {
		return nil, err
	}
	idir, err := currentIndexDir(dir)
	if err != nil {
		st.Close()
		return nil, err
	}
	// The store's lock is held: no other process is building in the folder.
	removeOtherIndexDirs(dir, idir, log)
	// A server serves an index of another analysis while it builds its
	// successor (beside.go): KeepStale.
	ix, err := index.OpenWith(idir, index.OpenOptions{Log: log, KeepStale: o.RebuildInBackground})
	if err != nil {
		st.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &Engine{dir: dir, minFree: o.MinFree, store: st, index: ix, log: log, ctx: ctx, cancel: cancel, ix: newIndexer()}
	e.watchBroken(ix)
	if o.Synonyms != nil {
		if err := ix.SetSynonyms(o.Synonyms); err != nil {
			cancel()
			ix.Close()
			st.Close()
			return nil, err
		}
		e.syn = o.Synonyms
	}
	e.disc = e.newDiscovery(ix)
	if err := e.catchUpAtOpen(o.RebuildInBackground); err != nil {
		e.Close()
		return nil, err
	}
	e.startIndexer()
	e.startStoreGC(storeGCEvery)
	return e, nil
}

// discoveryFile is the file of the data folder the discovery view is saved
// to (a cache of the store: see discover.Persist).
const discoveryFile = "decouverte.vue"

// newDiscovery returns the discovery features of ix, saved to the data folder.
func (e *Engine) newDiscovery(ix *index.Index) *discover.Discovery {
	d := discover.New(ix, e.store)
	d.Persist(filepath.Join(e.dir, discoveryFile), e.store.LastSeq, e.log)
	return d
}

// storeGCEvery is how often the store's value log is collected (Store.CollectGarbage).
const storeGCEvery = 5 * time.Minute

// startStoreGC collects the store's garbage (old versions of updated or
// deleted notes) every interval until Close.
func (e *Engine) startStoreGC(every time.Duration) {
	e.goBackground(func(ctx context.Context) {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			start := time.Now()
			n, err := e.store.CollectGarbage(ctx)
			switch {
			case err != nil:
				e.log.Warnf("nettoyage du magasin : %v", err)
			case n > 0:
				e.log.Infof("nettoyage du magasin : %d fichiers du journal des valeurs réécrits en %s", n, ingest.DurationText(time.Since(start)))
			}
		}
	})
}

// Dir is the data folder.
func (e *Engine) Dir() string { return e.dir }

// CatchUp brings the index level with the store. An index behind the store
// (a crash between the two writes, an index folder deleted or restored from
// an older copy) applies the changes it has not seen. An index ahead of the
// store holds changes the store does not have (a store restored from an older
// copy, or lost writes of an older version that did not sync the store before
// indexing): it is rebuilt from the store, the source of truth.
func (e *Engine) CatchUp() error {
	e.mu.RLock()
	behind, have := e.store.LastSeq(), e.index.LastSeq()
	e.mu.RUnlock()
	if have > behind {
		// Reindex takes the write locks itself: the read lock is released.
		start := time.Now()
		n, err := e.Reindex()
		if err != nil {
			return fmt.Errorf("reconstruire l’index en avance sur le magasin : %w", err)
		}
		e.log.Warnf("index en avance sur le magasin (séquence %d, magasin %d) : reconstruit à partir du magasin, %d notes en %s",
			have, behind, n, ingest.DurationText(time.Since(start)))
		return nil
	}
	if behind == have {
		return nil
	}
	e.ix.hideMu.Lock() // no note hidden ahead meanwhile (hideAhead)
	defer e.ix.hideMu.Unlock()
	e.mu.RLock()
	defer e.mu.RUnlock()
	start := time.Now()
	n, err := e.index.CatchUp(e.store, 1000)
	if err != nil {
		return err
	}
	if err := compactAfterCatchUp(context.Background(), e.index, n); err != nil {
		return err
	}
	e.log.Infof("index en retard (séquence %d, magasin %d) : %d changements rattrapés depuis le magasin en %s",
		have, behind, n, ingest.DurationText(time.Since(start)))
	return nil
}

// compactAt is how many changes a catch-up applies (a rebuild from the
// store, most often) before the index's segments are merged after it.
// (A variable: tests lower it.)
var compactAt = 5000

// compactAfterCatchUp merges ix's segments as a bulk load does
// (index.Compact) once a catch-up has applied n changes, compactAt or
// more: caught up a thousand changes at a time, a rebuilt index of
// 100,000 notes kept a dozen segments, which every search read (the cost
// bounds' misspelled words took three times as long).
func compactAfterCatchUp(ctx context.Context, ix *index.Index, n int) error {
	if n < compactAt {
		return nil
	}
	if err := ix.Compact(ctx, runtime.GOMAXPROCS(0)); err != nil {
		return fmt.Errorf("compacter l’index rattrapé : %w", err)
	}
	return nil
}

// Reindex rebuilds the index from the store alone and returns the number of
// changes applied. It empties the index under the engine's locks (the
// searches in flight end first), then fills it again without them:
// meanwhile searches and the discovery features answer ErrRebuilding at
// once, and writes are stored, to be applied by the rebuild before it ends.
// The synonyms in force stay in force.
func (e *Engine) Reindex() (int, error) {
	e.rebuildMu.Lock()
	defer e.rebuildMu.Unlock()
	return e.reindexLocked(e.ctx)
}

// reindexLocked is Reindex; the caller holds rebuildMu.
func (e *Engine) reindexLocked(ctx context.Context) (int, error) {
	if err := e.emptyIndex(); err != nil {
		return 0, err
	}
	return e.refill(ctx)
}

// emptyIndex replaces the index by an empty one and marks the rebuild
// (rebuilding). The caller holds rebuildMu, and refills the index.
func (e *Engine) emptyIndex() error {
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	e.rebuilding.Store(true) // before the lock: searches that come now answer at once
	e.ix.hideMu.Lock()
	defer e.ix.hideMu.Unlock()
	clear(e.ix.hiding) // the rebuild reads every note as stored
	e.mu.Lock()
	defer e.mu.Unlock()
	dir := e.index.Dir()
	e.disc.Close()
	if err := e.index.Close(); err != nil {
		// It is removed below: what it could not write is in the store.
		e.log.Warnf("fermer l’index avant de le reconstruire : %v (il est supprimé de toute façon)", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("supprimer l’index %s : %w", dir, err)
	}
	ix, err := index.OpenWith(dir, index.OpenOptions{Log: e.log})
	if err != nil {
		return err
	}
	e.watchBroken(ix)
	e.synMu.Lock()
	err = ix.SetSynonyms(e.syn)
	e.synMu.Unlock()
	if err != nil {
		ix.Close()
		return err
	}
	e.index, e.disc = ix, e.newDiscovery(ix)
	return nil
}

// refill brings the index being rebuilt level with the store, then ends the
// rebuild. The caller holds rebuildMu: only this goroutine changes the index
// meanwhile (the indexer leaves the stored writes to it, bulk ingests wait),
// so the long part runs without the engine's locks. On an error the rebuild
// stays marked; the indexer tries the refill again, less and less often
// while it keeps failing (backoff).
func (e *Engine) refill(ctx context.Context) (int, error) {
	e.mu.RLock()
	ix := e.index
	e.mu.RUnlock()
	n, err := ix.CatchUpContext(ctx, e.store, 1000)
	if err != nil {
		return n, err
	}
	if err := compactAfterCatchUp(ctx, ix, n); err != nil {
		return n, err
	}
	if refillRead != nil {
		if err := refillRead(); err != nil {
			return n, err
		}
	}
	// The writes stored meanwhile, with the writers held off for that
	// short part only; then the index serves again.
	e.writeMu.Lock()
	m, err := ix.CatchUpContext(ctx, e.store, 1000)
	if err == nil {
		e.rebuilding.Store(false)
	}
	e.writeMu.Unlock()
	e.ix.mu.Lock()
	if err == nil {
		e.ix.failed = nil
	}
	e.ix.broadcastLocked()
	e.ix.mu.Unlock()
	return n + m, err
}

// waitRebuild returns once no rebuild holds the index (it may have failed:
// rebuilding then stays set).
func (e *Engine) waitRebuild() {
	e.rebuildMu.Lock()
	defer e.rebuildMu.Unlock()
}

// ErrRebuilding: the index is being rebuilt from the store (after an upgrade
// that changed its format, a damaged segment, a store restored from a
// copy…). Searches and the discovery features answer it at once rather than
// read a partial index; writes are stored and indexed before it ends.
var ErrRebuilding = errors.New("index en reconstruction à partir du magasin : la recherche revient dans un moment (les notes sont en sûreté)")

// refillRead, when set (tests), runs between the two parts of refill: the
// store's changes applied, the writes stored meanwhile not yet. An error
// from it fails the refill.
var refillRead func() error

// backgroundCatchUp is how far behind the store an index opened with
// RebuildInBackground may be and still catch up before Open returns (a
// crash between the two writes leaves a few batches): past it, the catch-up
// is a rebuild, and runs in the background. (A variable: tests lower it.)
var backgroundCatchUp uint64 = 10000

// catchUpAtOpen brings the index opened by Open level with the store (see
// CatchUp), in the background when asked and the work is a rebuild.
func (e *Engine) catchUpAtOpen(background bool) error {
	storeSeq, indexSeq := e.store.LastSeq(), e.index.LastSeq()
	ahead := indexSeq > storeSeq
	// An empty index beside a store that is not: built anew at Open (a
	// format change, a folder deleted or unreadable), a rebuild.
	fresh := indexSeq == 0 && storeSeq > 0
	if !background || (!ahead && !fresh && storeSeq-indexSeq < backgroundCatchUp) {
		if err := e.CatchUp(); err != nil {
			return err
		}
		if e.index.Stale() {
			e.startRebuildBeside()
		}
		return nil
	}
	e.rebuildMu.Lock()
	if ahead || e.index.Stale() {
		// Ahead: it may hold notes the store no longer has, never to be
		// served. Stale and far behind: rebuilt either way.
		if err := e.emptyIndex(); err != nil {
			e.rebuildMu.Unlock()
			return fmt.Errorf("reconstruire l’index à partir du magasin : %w", err)
		}
		if ahead {
			e.log.Warnf("index en avance sur le magasin (séquence %d, magasin %d) : reconstruction à partir du magasin, en arrière-plan", indexSeq, storeSeq)
		} else {
			e.log.Infof("index d’une autre analyse des mots et en retard de %d changements sur le magasin : reconstruction à partir du magasin, en arrière-plan", storeSeq-indexSeq)
		}
	} else {
		e.rebuilding.Store(true)
		e.log.Infof("index en retard de %d changements sur le magasin : rattrapage en arrière-plan; les recherches répondent 503 d’ici là, les écritures sont gardées", storeSeq-indexSeq)
	}
	e.goBackground(func(ctx context.Context) {
		defer e.rebuildMu.Unlock()
		e.logRefill(ctx, time.Now())
	})
	return nil
}

// logRefill runs refill and logs how it ended. The caller holds rebuildMu.
func (e *Engine) logRefill(ctx context.Context, start time.Time) {
	n, err := e.refill(ctx)
	switch {
	case err != nil && ctx.Err() != nil:
		e.log.Infof("reconstruction de l’index interrompue par l’arrêt après %d changements : elle reprendra au prochain démarrage", n)
	case err != nil:
		e.log.Errorf("reconstruction de l’index : %v (nouvel essai dans %s)", err, e.rebuildRetry.failed(time.Now()))
	default:
		e.rebuildRetry.succeeded()
		e.log.Infof("index reconstruit à partir du magasin : %d changements appliqués en %s", n, ingest.DurationText(time.Since(start)))
	}
}

// Compact applies what is queued, then merges the index's segments into
// about one per core and waits for the merges (index.Compact): for the end
// of a bulk load, whose many segments every search would otherwise read,
// and whose merges the next process would otherwise run beside its
// searches. Searches go on meanwhile; writes wait.
func (e *Engine) Compact(ctx context.Context) error {
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	if err := e.drain(ctx); err != nil {
		return err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.index.Compact(ctx, runtime.GOMAXPROCS(0))
}

// Close stops the background goroutines, waits for them, then closes the
// discovery features, the index and the store.
func (e *Engine) Close() error {
	if e.closed.Swap(true) {
		return nil
	}
	return e.close()
}

func (e *Engine) close() error {
	// Let the indexer apply what is queued (bounded: what it leaves is in
	// the store, and the next Open catches up).
	ctx, stop := context.WithTimeout(context.Background(), 5*time.Second)
	e.drain(ctx)
	stop()
	e.cancel()
	e.wg.Wait()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.disc.Close()
	err1 := e.index.Close()
	err2 := e.store.Close()
	return errors.Join(err1, err2)
}

// Settling says how long each half of CloseCompacted took.
type Settling struct {
	Index time.Duration // merging the index's segments (index.Compact)
	Store time.Duration // settling the store (store.Flatten)
}

// CloseCompacted is for the end of a bulk load: once the index has every
// note, it merges the index's segments (as Compact), closes the engine and
// settles its store (store.Flatten), so that the server opening the folder
// next has neither merges nor compactions to run beside its first
// searches. The two halves run side by side: the index's merges (mostly on
// one core) and the store's compactions touch different files and need
// nothing from each other. The engine is closed when it returns, whatever
// the error.
func (e *Engine) CloseCompacted(ctx context.Context) (Settling, error) {
	var took Settling
	if e.closed.Swap(true) {
		return took, errors.New("moteur déjà fermé")
	}
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	if err := e.drain(ctx); err != nil {
		return took, errors.Join(err, e.close())
	}
	e.cancel()
	e.wg.Wait()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.disc.Close()
	var errIndex error
	var wg sync.WaitGroup
	wg.Go(func() {
		start := time.Now()
		errIndex = e.index.Compact(ctx, runtime.GOMAXPROCS(0))
		errIndex = errors.Join(errIndex, e.index.Close())
		took.Index = time.Since(start)
	})
	start := time.Now()
	errStore := e.store.Close()
	if errStore == nil {
		errStore = store.Flatten(filepath.Join(e.dir, "store"), store.Options{MinFree: e.minFree, Log: e.log})
	}
	took.Store = time.Since(start)
	wg.Wait()
	return took, errors.Join(errIndex, errStore)
}

// go runs fn in the background until Close.
func (e *Engine) goBackground(fn func(ctx context.Context)) {
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		fn(e.ctx)
	}()
}

// WarmUp builds, in the background and side by side, the index's facet
// columns and decoded postings of common terms (index.Warm) and the
// discovery view, so that the first requests do not pay for them; Ready
// waits for both. It logs how long each took. Close stops it.
func (e *Engine) WarmUp() {
	// Both at once: at a million notes the columns take seconds, and the
	// discovery view does not need them.
	e.warming.Store(true)
	e.goBackground(func(ctx context.Context) {
		defer e.warming.Store(false) // warm or not, never held unready for it
		// After a rebuild running at start: its segments are the ones to
		// warm. (A rebuild beside a stale index warms its own.)
		if e.rebuilding.Load() {
			e.waitRebuild()
		}
		if ctx.Err() != nil {
			return
		}
		e.mu.RLock()
		defer e.mu.RUnlock()
		start := time.Now()
		// Held for reading, the lock would keep a rebuild decided now
		// (a damaged segment) waiting for the whole walk: it ends it.
		stop := func() bool { return e.repairing.Load() || e.rebuilding.Load() || ctx.Err() != nil }
		if err := e.index.Warm(stop); errors.Is(err, termdict.ErrStopped) {
			e.log.Infof("préchauffage de l’index interrompu : l’index est reconstruit")
			return
		} else if err != nil {
			e.log.Warnf("préchauffage de l’index : %v", err)
			return
		}
		e.log.Infof("index préchauffé (facettes, termes courants) en %s", ingest.DurationText(time.Since(start)))
	})
	e.goBackground(func(ctx context.Context) {
		e.mu.RLock()
		defer e.mu.RUnlock()
		start := time.Now()
		if err := e.disc.Warm(ctx); err != nil {
			if ctx.Err() == nil {
				e.log.Warnf("préchauffage de l’autocomplétion : %v", err)
			}
			return
		}
		e.log.Infof("autocomplétion prête en %s", ingest.DurationText(time.Since(start)))
	})
}

// SetSynonyms puts a synonyms list in force (nil: the default list); it
// survives Reindex.
func (e *Engine) SetSynonyms(s *Synonyms) error {
	// A rebuild marks the phrases of the list in force as it indexes: the
	// list changes between two rebuilds only. The successor of a stale
	// index, built beside it for minutes, is no such wait: the list goes in
	// force on the index in service at once, and on the successor when it
	// takes its place (putInService), as on any live index. The writers'
	// lock orders the two.
	if !e.rebuildMu.TryLock() {
		if e.besideRunning.Load() {
			e.writeMu.Lock()
			defer e.writeMu.Unlock()
			return e.setSynonymsLocked(s)
		}
		e.rebuildMu.Lock()
	}
	defer e.rebuildMu.Unlock()
	return e.setSynonymsLocked(s)
}

// setSynonymsLocked puts s in force on the index in service. The caller
// holds rebuildMu, or writeMu while a successor is built beside.
func (e *Engine) setSynonymsLocked(s *Synonyms) error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	e.synMu.Lock()
	defer e.synMu.Unlock()
	if err := e.index.SetSynonyms(s); err != nil {
		return err
	}
	e.syn = s
	return nil
}

// PhraseMarks returns how many synonyms of several words of the list in
// force the index has marked on every note, and how many it verifies by
// reading the notes until a reindex (index.Index.PhraseMarks).
func (e *Engine) PhraseMarks() (marked, unmarked int) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.index.PhraseMarks()
}

// Synonyms returns the list in force.
func (e *Engine) Synonyms() *Synonyms {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.index.Synonyms()
}

// LoadSynonyms reads a synonyms file (empty path: the default list) and puts
// it in force. An invalid file leaves the list in force unchanged.
func (e *Engine) LoadSynonyms(path string) (*Synonyms, error) {
	s, err := analysis.LoadSynonyms(path)
	if err != nil {
		return nil, err
	}
	if err := e.SetSynonyms(s); err != nil {
		return nil, err
	}
	return s, nil
}

// ReloadSynonymsOn reloads the synonyms file at path each time sig receives
// (serve passes SIGHUP), until Close. An invalid file keeps the list in place.
func (e *Engine) ReloadSynonymsOn(sig <-chan os.Signal, path string) {
	e.goBackground(func(ctx context.Context) {
		for {
			select {
			case <-ctx.Done():
				return
			case <-sig:
			}
			e.ReloadSynonyms(path, "SIGHUP")
		}
	})
}

// ReloadSynonyms is LoadSynonyms, logged: by names what asked for it
// (« SIGHUP », the API's route), first in the line. A reload through the
// API left no line in the server's log.
func (e *Engine) ReloadSynonyms(path, by string) (*Synonyms, error) {
	s, err := e.LoadSynonyms(path)
	if err != nil {
		e.log.Warnf("%s : synonymes non rechargés, la liste en place reste active : %v", by, err)
		return nil, err
	}
	marked, unmarked := e.PhraseMarks()
	e.log.Infof("%s : synonymes rechargés, %d groupes (%s); expressions de plusieurs mots : %d marquées dans l’index, %d vérifiées en relisant les notes (POST /v1/admin/index/rebuild les marque sans arrêter le serveur)", by, s.Groups, s.Source, marked, unmarked)
	return s, nil
}

// Seqs returns the last sequence number of the store and of the index.
func (e *Engine) Seqs() (storeSeq, indexSeq uint64) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.store.LastSeq(), e.index.LastSeq()
}

// NoteCount returns the number of stored notes (all visibilities).
func (e *Engine) NoteCount() (int, error) { return e.store.Count() }

// DocCount returns the number of indexed notes (all visibilities).
func (e *Engine) DocCount() (uint64, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.index.DocCount()
}

// Search runs a search within the caller's scope (sc: what it may see; the
// zero Scope is anonymous, public notes only): the index finds, ranks,
// counts and highlights (see index.Search) only notes of the scope; when the
// query found little, the discovery features look for a corrected query
// ("Vouliez-vous dire…?") counted under the same scope.
func (e *Engine) Search(ctx context.Context, sc Scope, r Request) (*Result, error) {
	start := time.Now()
	r.Scope = sc
	if err := e.rlock(); err != nil {
		return nil, err
	}
	defer e.mu.RUnlock()
	res, err := e.searchIndex(ctx, r)
	if err != nil {
		return nil, err
	}
	if !r.NoSuggestion {
		res.Suggestion = e.disc.Suggestion(ctx, r, res)
		res.TookMS = float64(time.Since(start).Microseconds()) / 1000
	}
	return res, nil
}

// rlock takes the engine's lock for reading, or answers ErrRebuilding at
// once while the index is rebuilt, even before the rebuild has the lock: a
// reader stuck on the damaged index may hold it a while, and Go's RWMutex
// makes every new reader wait behind the writer waiting for it. The caller
// unlocks e.mu.RUnlock when rlock returns nil.
func (e *Engine) rlock() error {
	if e.rebuilding.Load() {
		return ErrRebuilding
	}
	e.mu.RLock()
	if e.rebuilding.Load() {
		e.mu.RUnlock()
		return ErrRebuilding
	}
	return nil
}

// Suggest returns completions of what is being typed (see discover.Suggest):
// from public notes only, and, for a scope with mandatory filters, only
// those the scope sees.
func (e *Engine) Suggest(ctx context.Context, sc Scope, q string, limit int) (*Suggestions, error) {
	if err := e.rlock(); err != nil {
		return nil, err
	}
	defer e.mu.RUnlock()
	return e.disc.Suggest(ctx, sc, q, limit)
}

// Related returns the notes the scope sees related to the note id; an
// unknown id, or one the scope does not see, gives ErrNotFound.
func (e *Engine) Related(ctx context.Context, sc Scope, id string, limit int) ([]RelatedHit, error) {
	if err := e.rlock(); err != nil {
		return nil, err
	}
	defer e.mu.RUnlock()
	return e.disc.Related(ctx, sc, id, limit)
}

// FacetValues lists every value of a facet among public notes with its count
// (the browse pages of the public site).
func (e *Engine) FacetValues(ctx context.Context, facet string) ([]FacetValue, error) {
	if err := e.rlock(); err != nil {
		return nil, err
	}
	defer e.mu.RUnlock()
	return e.disc.FacetValues(ctx, facet)
}

// FacetSearch returns the values of facet whose words start with prefix,
// counted under the search r within the scope sc.
func (e *Engine) FacetSearch(ctx context.Context, sc Scope, facet, prefix string, r Request, limit int) ([]FacetValue, error) {
	r.Scope = sc
	if err := e.rlock(); err != nil {
		return nil, err
	}
	defer e.mu.RUnlock()
	return e.disc.FacetSearch(ctx, facet, prefix, r, limit)
}

// Note returns the note id if the scope sees it; an unknown id, or one the
// scope does not see, gives ErrNotFound (never reveal that a hidden note
// exists). The note's Links name only notes the scope sees, and its Readers
// are shown to the admin only.
func (e *Engine) Note(sc Scope, id string) (*Note, error) {
	n, err := e.store.Get(id)
	if err != nil {
		return nil, err
	}
	if !sc.Allows(n) {
		return nil, ErrNotFound
	}
	if !sc.Admin {
		c := *n
		c.Readers = nil
		n = &c
	}
	return n, nil
}

// VisibleNotes returns the notes among ids the scope sees, by id; the others
// are left out. Readers are shown to the admin only.
func (e *Engine) VisibleNotes(sc Scope, ids []string) (map[string]*Note, error) {
	got, err := e.store.GetMany(ids)
	if err != nil {
		return nil, err
	}
	for id, n := range got {
		if !sc.Allows(n) {
			delete(got, id)
		} else if !sc.Admin && n.Readers != nil {
			c := *n
			c.Readers = nil
			got[id] = &c
		}
	}
	return got, nil
}

// PublicNotes returns the public notes among ids, by id (VisibleNotes with
// the anonymous scope).
func (e *Engine) PublicNotes(ids []string) (map[string]*Note, error) {
	return e.VisibleNotes(Scope{}, ids)
}

// Export writes every stored note, of every visibility, to w as JSON lines in
// the ingest format (see ingest.Export) and returns the number written. It is
// an operator's tool (the export command): the API never calls it.
func (e *Engine) Export(w io.Writer) (int, error) {
	return ingest.Export(e.store, w)
}

// ExportStore is Export on the data folder dir, opening its store alone:
// the index is neither read nor caught up, so a damaged index, or one to
// rebuild, leaves the notes to export as they are, at once.
func ExportStore(dir string, w io.Writer, o OpenOptions) (n int, err error) {
	err = withStore(dir, o, func(st *store.Store) (err error) {
		n, err = ingest.Export(st, w)
		return err
	})
	return n, err
}

// withStore runs fn on the store of the data folder dir, opened alone for
// it (ExportStore, BackupStore).
func withStore(dir string, o OpenOptions, fn func(*store.Store) error) error {
	st, err := openStore(dir, o, oplog.Logger{Info: o.Logf, Warn: o.Warnf, Error: o.Errorf})
	if err != nil {
		return err
	}
	return errors.Join(fn(st), st.Close())
}

// RestoreMarker is the file `trouvaille restore` writes in the data folder
// before it loads a backup into the store, and removes once the store holds
// all of it: a folder that still has it is a restore cut short, whose store
// holds part of the backup (or none) and must not be served as whole.
const RestoreMarker = "RESTAURATION-INACHEVEE"

// ErrRestoreIncomplete is returned by Open for a data folder whose restore
// was cut short (RestoreMarker).
var ErrRestoreIncomplete = errors.New("restauration inachevée")

// CheckRestored returns ErrRestoreIncomplete, with what to do, when the
// data folder dir is a restore cut short (RestoreMarker).
func CheckRestored(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, RestoreMarker)); err == nil {
		return fmt.Errorf("%w : le dossier %s est une restauration interrompue, son magasin ne tient pas toute la sauvegarde; supprimez ce dossier et relancez « trouvaille restore »", ErrRestoreIncomplete, dir)
	}
	return nil
}

// BackupStore is Backup on the data folder dir, opening its store alone:
// the index, rebuilt from the store at any time, is neither read nor
// caught up (a damaged one stopped the backup).
func BackupStore(dir string, w io.Writer, o OpenOptions) (seq uint64, err error) {
	err = withStore(dir, o, func(st *store.Store) (err error) {
		seq, err = st.Backup(w)
		return err
	})
	return seq, err
}

// openStore opens the store of the data folder dir, saying so when another
// process holds it or when a restore into it was cut short.
func openStore(dir string, o OpenOptions, log oplog.Logger) (*store.Store, error) {
	if err := CheckRestored(dir); err != nil {
		return nil, err
	}
	st, err := store.Open(filepath.Join(dir, "store"), store.Options{Bulk: o.Bulk, MinFree: o.MinFree, Log: log})
	if err != nil {
		if strings.Contains(err.Error(), "Cannot acquire directory lock") || strings.Contains(err.Error(), "resource temporarily unavailable") {
			return nil, fmt.Errorf("%w : %s est ouvert par un autre processus (un « trouvaille serve » ?). Arrêtez-le, ou utilisez un autre dossier (--data)", ErrLocked, dir)
		}
		return nil, err
	}
	return st, nil
}

// Report sums up one ingestion.
type Report struct {
	Read       int
	Added      int
	Updated    int
	Unchanged  int
	Deleted    int
	Rejected   int
	Rejections []ingest.Rejection
	Elapsed    time.Duration

	// lastSeq is the highest sequence number the batch's changes got;
	// hides are its changes that hide a note the index may still show to
	// someone who may no longer see it (a deletion, or an update that
	// leaves the note not public).
	lastSeq uint64
	hides   []store.Entry
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
		rate = fmt.Sprintf(" en %s (%s notes/s)", ingest.DurationText(r.Elapsed), store.FrenchInt(int64(float64(r.Read)/s+0.5)))
	}
	return analysis.FrenchCount(r.Added, "ajoutée") + ", " + analysis.FrenchCount(r.Updated, "mise") + " à jour, " + analysis.FrenchCount(r.Unchanged, "inchangée") + ", " +
		analysis.FrenchCount(r.Deleted, "supprimée") + ", " + analysis.FrenchCount(r.Rejected, "rejetée") + rate
}

// DefaultBatchSize is the number of notes written per store transaction and index batch.
const DefaultBatchSize = 1000

// Ingester feeds decoded notes to an Engine batch by batch.
type Ingester struct {
	Engine    *Engine
	Options   ingest.Options
	BatchSize int
	// Progress, when set, is told of every record read.
	Progress *ingest.Progress
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
	f, err := OpenNotesFile(path)
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

// OpenNotesFile opens a file of notes, with French messages for the usual
// mistakes (Go's own say "open x: no such file or directory"), each
// wrapping ErrFile: IngestFile's, and the command line's when a server
// does the work.
func OpenNotesFile(path string) (*os.File, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%w : %s n’existe pas; vérifiez le chemin", ErrFile, path)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("%w : lecture de %s refusée (permissions)", ErrFile, path)
	case err != nil:
		return nil, fmt.Errorf("%w : %s : %v", ErrFile, path, err)
	case fi.IsDir():
		return nil, fmt.Errorf("%w : %s est un dossier; donnez un fichier de notes (.jsonl, .ndjson ou .json)", ErrFile, path)
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
	// It indexes its batches itself: after a rebuild in progress.
	in.Engine.rebuildMu.Lock()
	defer in.Engine.rebuildMu.Unlock()
	in.Engine.writeMu.Lock()
	defer in.Engine.writeMu.Unlock()
	// Batches written before through the queue go first.
	if err := in.Engine.drain(context.Background()); err != nil {
		return Report{}, err
	}
	start := time.Now()
	size := in.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	var rep Report
	cr := &countingReader{r: r}
	var lastBytes int64

	// Three stages run at once: decoding and storing a batch, building
	// the documents of the one before (index.Prepare), and indexing the one
	// before that.
	// The discovery view takes each batch's notes as they are prepared.
	type storedBatch struct {
		from, to uint64 // the store's last sequence number before and after
		entries  []store.Entry
	}
	stored := make(chan storedBatch, 1)
	prepared := make(chan *index.Prepared, 1)
	indexErr := make(chan error, 1)
	go func() {
		for b := range stored {
			in.Engine.observe(b.from, b.to, b.entries)
			prepared <- in.Engine.prepare(b.entries)
		}
		close(prepared)
	}()
	go func() {
		var err error
		for p := range prepared {
			if err == nil {
				err = in.Engine.indexPrepared(p)
			}
		}
		indexErr <- err
	}()
	var storeErr error
	// The slice grows past DefaultBatchSize only for the notes actually
	// read: a huge BatchSize (« --batch-size 1000000000000 ») must not be
	// allocated up front (that ran out of memory before reading a note).
	batchCap := min(size, DefaultBatchSize)
	batch := make([]store.Change, 0, batchCap)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		from := in.Engine.store.LastSeq()
		entries, err := in.Engine.storeBatch(batch, &rep)
		if err != nil {
			storeErr = err
			return err
		}
		stored <- storedBatch{from, in.Engine.store.LastSeq(), entries}
		batch = make([]store.Change, 0, batchCap)
		return nil
	}
	emit := func(rec ingest.Record) error {
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
	reject := func(rj ingest.Rejection) {
		rep.Read++
		rep.Rejected++
		rep.Rejections = append(rep.Rejections, rj)
		if in.Progress != nil {
			in.Progress.Add(1, cr.n-lastBytes)
			lastBytes = cr.n
		}
	}
	err := ingest.Decode(cr, name, in.Options, emit, reject)
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
// It returns once the index has applied the batch (or could not: the error
// then says so, and the notes are in the store).
func (e *Engine) Apply(changes []Change) (Report, error) {
	var rep Report
	e.writeMu.Lock()
	entries, err := e.storeBatch(changes, &rep)
	if err == nil {
		e.enqueue(entries)
	}
	e.writeMu.Unlock()
	if err != nil {
		return rep, err
	}
	if err := e.drain(context.Background()); err != nil {
		return rep, err
	}
	if e.rebuilding.Load() {
		// The rebuild applies the batch before it ends.
		e.waitRebuild()
		if e.rebuilding.Load() {
			return rep, fmt.Errorf("notes enregistrées mais pas encore indexées : %w", ErrRebuilding)
		}
	}
	e.ix.mu.Lock()
	failed := e.ix.failed
	e.ix.mu.Unlock()
	if failed != nil {
		return rep, fmt.Errorf("notes enregistrées mais pas encore indexées (rattrapage en cours) : %w", failed)
	}
	return rep, nil
}

// storeBatch writes a batch to Badger, counts the outcomes into rep and returns
// the entries the index must apply.
func (e *Engine) storeBatch(changes []store.Change, rep *Report) ([]store.Entry, error) {
	outcomes, seqs, err := e.store.Apply(changes)
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
		rep.lastSeq = max(rep.lastSeq, seqs[i])
		if o == store.Deleted || (o == store.Updated && !c.Note.Public()) {
			rep.hides = append(rep.hides, store.Entry{Seq: seqs[i], ID: c.ID()})
		}
	}
	// Later changes to the same id within the batch win: Bleve applies a
	// batch's operations per id, so keep only the last one of each id.
	return lastPerID(entries), nil
}

// observe hands a stored batch to the discovery view (discover.Observe).
func (e *Engine) observe(from, to uint64, entries []store.Entry) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	e.disc.Observe(from, to, entries)
}

// indexBatch applies stored entries to the index.
func (e *Engine) indexBatch(entries []store.Entry) error {
	return e.indexPrepared(e.prepare(entries))
}

// prepare builds the index documents of stored entries (index.Prepare).
func (e *Engine) prepare(entries []store.Entry) *index.Prepared {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.index.Prepare(entries)
}

// indexPrepared is indexBatch for a batch whose documents are built.
func (e *Engine) indexPrepared(p *index.Prepared) error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if err := e.index.ApplyPrepared(p); err != nil {
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
