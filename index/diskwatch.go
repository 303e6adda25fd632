package index

import (
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/encommun/trouvaille/oplog"
)

// Bleve's persister and merger retry a write that failed (a full disk) at
// once and without end: each try merges the segments in memory again and
// fails again. On a full disk an idle server spent 19.8 s of CPU in 10 s
// (both cores), slowing every search, for as long as the disk stayed full.
// Scorch reports such failures to an "async error" callback, called from the
// goroutine that failed, before it retries: the callback below pauses that
// goroutine, 100 ms after a first failure, twice as long after each next one,
// 10 s at most (the longest an index waits to be written once room is
// back), and the pause ends at once when the index closes. A write that
// succeeds (scorch's progress events) starts the count again.
const (
	asyncErrorCallback = "trouvaille-pause-on-failure"
	eventCallback      = "trouvaille-progress"
)

// Bounds of the pause after a failed write.
var (
	firstRetryPause = 100 * time.Millisecond
	maxRetryPause   = 10 * time.Second
)

// closeGiveUpFailures is how many failed writes of the persister, after
// Close asked for the last one, make Close stop waiting: the disk is full,
// and what is not written is in the store (the next start catches up).
const closeGiveUpFailures = 3

func init() {
	scorch.RegistryAsyncErrorCallbacks[asyncErrorCallback] = func(err error, path string) {
		if w := findWatch(func(w *diskWatch) bool { return w.path == path }); w != nil {
			w.failed(err)
		}
	}
	scorch.RegistryEventCallbacks[eventCallback] = func(e scorch.Event) bool {
		if e.Kind == scorch.EventKindPersisterProgress || e.Kind == scorch.EventKindMergerProgress {
			if w := findWatch(func(w *diskWatch) bool { return w.sc.Load() == e.Scorch }); w != nil {
				w.progressed(e.Kind)
			}
		}
		return true // for the kinds that ask: go ahead
	}
}

// diskWatch follows the background writes of one open index.
type diskWatch struct {
	path string // scorch's folder: the index folder's "store"
	log  oplog.Logger
	sc   atomic.Pointer[scorch.Scorch]

	stop     chan struct{} // closed when the index closes: no more pauses
	stopOnce sync.Once

	mu      sync.Mutex
	streaks map[string]*failStreak // by source: "persister", "merger"
	wake    chan struct{}          // closed by hurry: the pauses under way end

	// persistFailures counts the persister's failed writes since Open,
	// writeFailures the persister's and the merger's.
	persistFailures, writeFailures atomic.Uint64
	// pauses counts the pauses taken (tests).
	pauses atomic.Uint64

	// broken holds the panic that stopped one of Bleve's background tasks
	// (persister, merger, introducer): the index can no longer be trusted
	// to write, merge or take batches. onBroken is told once.
	broken   atomic.Pointer[error]
	onBroken atomic.Pointer[func(error)]
}

// failStreak is a run of failed writes of one background task.
type failStreak struct {
	n      int
	pause  time.Duration
	logged time.Time
}

var watches = struct {
	sync.RWMutex
	m []*diskWatch
}{}

// watchDisk starts following the index in dir (before Bleve opens it).
func watchDisk(dir string, log oplog.Logger) *diskWatch {
	w := &diskWatch{path: dir + string(os.PathSeparator) + "store", log: log, stop: make(chan struct{}), streaks: map[string]*failStreak{}, wake: make(chan struct{})}
	watches.Lock()
	watches.m = append(watches.m, w)
	watches.Unlock()
	return w
}

// findWatch returns the newest open watch that match accepts, or nil.
func findWatch(match func(*diskWatch) bool) *diskWatch {
	watches.RLock()
	defer watches.RUnlock()
	for i := len(watches.m) - 1; i >= 0; i-- {
		if match(watches.m[i]) {
			return watches.m[i]
		}
	}
	return nil
}

// attach ties the watch to the opened Bleve index, for its progress events.
func (w *diskWatch) attach(adv any) {
	if sc, ok := adv.(*scorch.Scorch); ok {
		w.sc.Store(sc)
	}
}

// close ends every pause and stops following the index.
func (w *diskWatch) close() {
	w.stopOnce.Do(func() { close(w.stop) })
	watches.Lock()
	defer watches.Unlock()
	for i, x := range watches.m {
		if x == w {
			watches.m = append(watches.m[:i], watches.m[i+1:]...)
			break
		}
	}
}

// failed reports a failure of a background task, logs it (the first of a
// run, then once a minute) and, for a failed write, pauses the caller.
func (w *diskWatch) failed(err error) {
	var se *scorch.ScorchError
	source := "bleve"
	if errors.As(err, &se) {
		source = se.Source
	}
	switch {
	case errors.Is(err, scorch.ErrAsyncPanic):
		// Scorch recovers the panic and the task ends: without this, the
		// index would stop writing, merging or taking batches, silently.
		w.log.Warnf("index %s : une tâche de fond de Bleve (%s) s’est arrêtée sur une erreur interne (%v); l’index sera reconstruit à partir du magasin (les notes y sont)", w.path, source, err)
		if w.broken.CompareAndSwap(nil, &err) {
			if f := w.onBroken.Load(); f != nil {
				(*f)(err)
			}
		}
		return
	case !errors.Is(err, scorch.ErrPersist):
		w.log.Warnf("index %s : %v", w.path, err) // cleanup of old files: nothing is retried
		return
	}
	w.writeFailures.Add(1)
	if source == "persister" {
		w.persistFailures.Add(1)
	}
	w.mu.Lock()
	s := w.streaks[source]
	if s == nil {
		s = &failStreak{}
		w.streaks[source] = s
	}
	s.n++
	s.pause = min(max(2*s.pause, firstRetryPause), maxRetryPause)
	pause, n, wake := s.pause, s.n, w.wake
	logNow := n == 1 || time.Since(s.logged) >= time.Minute
	if logNow {
		s.logged = time.Now()
	}
	w.mu.Unlock()
	if logNow {
		w.log.Errorf("index %s : écriture sur le disque impossible (%s, %d essai(s)) : %v; nouvel essai dans %s (disque plein ? libérez de la place : les notes sont dans le magasin, rien n’est perdu)", w.path, source, n, err, pause)
	}
	w.pauses.Add(1)
	t := time.NewTimer(pause)
	defer t.Stop()
	select {
	case <-t.C:
	case <-w.stop:
	case <-wake:
	}
}

// hurry ends the pauses under way and starts the next ones short again:
// Close waits for a last write, and gives up after a few failed tries.
func (w *diskWatch) hurry() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, s := range w.streaks {
		s.pause = 0
	}
	close(w.wake)
	w.wake = make(chan struct{})
}

// progressed reports a write that succeeded: the run of failures of its
// task, if any, ends.
func (w *diskWatch) progressed(kind scorch.EventKind) {
	source := "merger"
	if kind == scorch.EventKindPersisterProgress {
		source = "persister"
	}
	w.mu.Lock()
	s := w.streaks[source]
	delete(w.streaks, source)
	w.mu.Unlock()
	if s != nil && s.n > 0 {
		w.log.Infof("index %s : écriture sur le disque reprise (%s) après %d échec(s)", w.path, source, s.n)
	}
}

// WriteFailures returns how many of the index's background writes (new
// segments, merges) failed since it opened: a full disk, most often.
func (ix *Index) WriteFailures() uint64 { return ix.watch.writeFailures.Load() }

// OnBroken sets what is told, once, when one of Bleve's background tasks
// stops on a panic (the engine rebuilds the index from the store).
func (ix *Index) OnBroken(f func(error)) { ix.watch.onBroken.Store(&f) }

// Broken returns the panic that stopped one of Bleve's background tasks, or
// nil.
func (ix *Index) Broken() error {
	if p := ix.watch.broken.Load(); p != nil {
		return *p
	}
	return nil
}
