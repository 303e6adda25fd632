package trouvaille

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/discover"
	"github.com/encommun/trouvaille/index"
	"github.com/encommun/trouvaille/ingest"
	"github.com/encommun/trouvaille/oplog"
	"github.com/encommun/trouvaille/store"
)

// The index in service lives in the data folder's "index" folder, or in the
// folder that the file "index.courant" names ("index.2", "index.3"…). A
// server that opens an index built by another analysis of words (an upgrade
// that changed stems) keeps serving it and builds its successor beside it,
// in the next such folder, from the store; once the successor has every
// stored change, it takes the old one's place in one step (the file is
// replaced atomically), and the old folder is removed. A crash meanwhile
// leaves the file naming the old index: the next start removes the
// unfinished folder and begins again.

// indexPointerFile names the folder of the index in service.
const indexPointerFile = "index.courant"

// indexDirName matches the folders an index may live in.
var indexDirName = regexp.MustCompile(`^index(\.[1-9][0-9]*)?$`)

// currentIndexDir returns the folder of the index in service in the data
// folder dir.
func currentIndexDir(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, indexPointerFile))
	if errors.Is(err, os.ErrNotExist) {
		return filepath.Join(dir, "index"), nil
	}
	if err != nil {
		return "", fmt.Errorf("lire %s : %w", filepath.Join(dir, indexPointerFile), err)
	}
	name := strings.TrimSpace(string(b))
	if !indexDirName.MatchString(name) {
		// Not written by this program: the default folder; a rebuild from
		// the store fills it if it is not the index.
		return filepath.Join(dir, "index"), nil
	}
	return filepath.Join(dir, name), nil
}

// pointerTempPrefix begins the name of a pointer file written aside.
const pointerTempPrefix = ".index-courant-"

// setCurrentIndexDir makes the folder name the index in service, durably:
// the file is written aside, synced, then renamed over the old one.
func setCurrentIndexDir(dir, name string) error {
	path := filepath.Join(dir, indexPointerFile)
	tmp, err := os.CreateTemp(dir, pointerTempPrefix+"*")
	if err != nil {
		return err
	}
	_, err = tmp.WriteString(name + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("écrire %s : %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// removeOtherIndexDirs removes the index folders of dir other than current:
// an index being built when the process stopped, or the old index when it
// stopped right after the successor took its place; and a pointer file
// written aside when it stopped, not renamed.
func removeOtherIndexDirs(dir, current string, log oplog.Logger) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, en := range ents {
		p := filepath.Join(dir, en.Name())
		if !en.IsDir() && strings.HasPrefix(en.Name(), pointerTempPrefix) {
			os.Remove(p) // a pointer written aside, never renamed
			continue
		}
		if !en.IsDir() || !indexDirName.MatchString(en.Name()) || p == current {
			continue
		}
		if err := os.RemoveAll(p); err != nil {
			log.Warnf("supprimer l’ancien index %s : %v", p, err)
			continue
		}
		log.Infof("index %s supprimé : il n’était pas celui en service (%s)", p, filepath.Base(current))
	}
}

// nextIndexDir returns the folder for a successor of the index in current.
func nextIndexDir(dir, current string) string {
	n := 2
	if i := strings.LastIndexByte(filepath.Base(current), '.'); i >= 0 {
		if m, err := strconv.Atoi(filepath.Base(current)[i+1:]); err == nil {
			n = m + 1
		}
	}
	return filepath.Join(dir, "index."+strconv.Itoa(n))
}

// startRebuildBeside builds, in the background, the successor of a stale
// index in service (index.Index.Stale); searches, writes and the discovery
// features keep using the stale one meanwhile.
func (e *Engine) startRebuildBeside() {
	e.rebuildMu.Lock()
	e.goRebuildBeside(true)
}

// ErrRebuildRunning: a rebuild of the index is already under way.
var ErrRebuildRunning = errors.New("une reconstruction de l’index est déjà en cours : attendez qu’elle finisse (le journal le dit, et la jauge trouvaille_index_building_beside revient à 0)")

// RebuildBeside rebuilds the index from the store without stopping
// search: the successor is built beside the index in service, which keeps
// answering and taking writes, then takes its place (as after an upgrade
// that changed the analysis of words). For what only a rebuild does — the
// phrases of a new synonyms list marked in every note — while the server
// serves. It returns at once; ErrRebuildRunning when a rebuild runs.
func (e *Engine) RebuildBeside() error {
	if !e.rebuildMu.TryLock() {
		return ErrRebuildRunning
	}
	if e.rebuilding.Load() {
		// A rebuild in place failed and waits for its retry: it owns the
		// index.
		e.rebuildMu.Unlock()
		return ErrRebuildRunning
	}
	// Checked here too, so that the caller hears of it (the build checks
	// again: a start has no caller).
	e.mu.RLock()
	dir := e.index.Dir()
	e.mu.RUnlock()
	if err := e.roomForSuccessor(dir); err != nil {
		e.rebuildMu.Unlock()
		return err
	}
	e.goRebuildBeside(false)
	return nil
}

// goRebuildBeside runs rebuildBeside in the background; the caller holds
// rebuildMu, which it releases at the end. stale: the index in service is
// of another analysis (else the rebuild was asked for).
func (e *Engine) goRebuildBeside(stale bool) {
	e.besideRunning.Store(true)
	start := time.Now()
	e.besideStatus.Store(&RebuildStatus{Running: true, Started: start, Upgrade: stale})
	kept := "l’index en service reste en service"
	if stale {
		kept = "l’index en service reste celui de l’analyse précédente"
	}
	e.goBackground(func(ctx context.Context) {
		defer e.rebuildMu.Unlock()
		n, err := e.rebuildBeside(ctx, stale)
		done := &RebuildStatus{Started: start, Finished: time.Now(), Upgrade: stale, Changes: n, Done: err == nil}
		if err != nil {
			done.Err = err.Error()
			if ctx.Err() != nil {
				done.Err = "interrompue par l’arrêt du serveur"
			}
		}
		// The status says « finished » before the flag falls: a caller
		// that sees no build running reads how the last one ended.
		e.besideStatus.Store(done)
		e.besideRunning.Store(false)
		switch {
		case err != nil && ctx.Err() != nil && stale:
			e.log.Infof("construction du nouvel index interrompue par l’arrêt : elle recommencera au prochain démarrage (%s)", kept)
		case err != nil && ctx.Err() != nil:
			e.log.Infof("construction du nouvel index interrompue par l’arrêt (%s)", kept)
		case err != nil && stale:
			e.log.Warnf("construction du nouvel index : %v; %s, nouvel essai au prochain démarrage", err, kept)
		case err != nil:
			e.log.Warnf("construction du nouvel index : %v; %s", err, kept)
		default:
			e.log.Infof("nouvel index en service : %d changements appliqués en %s, sans interruption des recherches", n, ingest.DurationText(time.Since(start)))
		}
	})
}

// RebuildStatus is the state of the last rebuild beside the index in
// service (RebuildBeside, or the successor of a stale index at start).
type RebuildStatus struct {
	// Running: the successor is being built; the fields below Started
	// are then empty.
	Running bool
	Started time.Time
	// Upgrade: the build replaces an index of another analysis of words
	// (an upgrade), not one asked for.
	Upgrade bool
	// Finished is when it ended; Done when its index went in service,
	// with Changes the store's changes it applied; else Err says why not.
	Finished time.Time
	Done     bool
	Changes  int
	Err      string
}

// LastRebuild returns the state of the last rebuild beside the index in
// service since the engine opened (ok false: none).
func (e *Engine) LastRebuild() (s RebuildStatus, ok bool) {
	if p := e.besideStatus.Load(); p != nil {
		return *p, true
	}
	return RebuildStatus{}, false
}

// besideFreeBytes returns the bytes available to this process on dir's
// filesystem (a variable: tests give the disk the room they want).
var besideFreeBytes = store.FreeBytes

// roomForSuccessor refuses to build the successor of the index in oldDir
// on a disk without room for it beside the room the store keeps free for
// the writes (OpenOptions.MinFree): it would take that room, and the writes
// would fail with ErrDiskFull for as long as it grew, before it failed
// itself. The successor is about the size of the index in service, a
// quarter more while its segments are merged.
func (e *Engine) roomForSuccessor(oldDir string) error {
	if e.minFree < 0 {
		return nil // no check asked
	}
	free, err := besideFreeBytes(e.dir)
	if err != nil {
		return nil // an unknown filesystem: let the writes report real errors
	}
	size := dirSize(oldDir)
	reserve := cmp.Or(e.minFree, store.DefaultMinFree)
	need := uint64(size + size/4 + reserve)
	if free >= need {
		return nil
	}
	return &noRoomError{fmt.Sprintf("pas assez de place pour construire le nouvel index : %s libres sur le disque de %s, il en faut environ %s à côté de l’index en service (%s) en gardant les %s que le magasin réserve aux écritures; libérez de la place, puis redémarrez le serveur ou relancez la reconstruction (POST /v1/admin/index/rebuild); ou arrêtez-le et lancez « trouvaille reindex --data %s », qui reconstruit l’index sur place",
		store.SizeText(int64(min(free, math.MaxInt64))), e.dir, store.SizeText(int64(need)), store.SizeText(size), store.SizeText(reserve), e.dir)}
}

// noRoomError: no room on the disk for a successor; it is an ErrDiskFull.
type noRoomError struct{ msg string }

func (e *noRoomError) Error() string { return e.msg }
func (e *noRoomError) Unwrap() error { return ErrDiskFull }

// besideHook, when set (tests), runs once the successor has caught up with
// the store and before it takes the old index's place; an error from it
// ends the rebuild as a failure would.
var besideHook func(ctx context.Context) error

// rebuildBeside builds the successor of the index in service in the next
// folder, from the store, warms it and its discovery view, then puts it in
// service. The caller holds rebuildMu. It returns how many changes it
// applied.
func (e *Engine) rebuildBeside(ctx context.Context, stale bool) (n int, err error) {
	e.mu.RLock()
	oldDir := e.index.Dir()
	e.mu.RUnlock()
	dir := nextIndexDir(e.dir, oldDir)
	if err := os.RemoveAll(dir); err != nil {
		return 0, err
	}
	if err := e.roomForSuccessor(oldDir); err != nil {
		return 0, err
	}
	why := "reconstruction demandée"
	if stale {
		why = "index construit par une autre analyse des mots"
	}
	e.log.Infof("%s : son successeur se construit dans %s à partir du magasin; les recherches continuent sur l’index en service", why, dir)
	next, err := index.OpenWith(dir, index.OpenOptions{Log: e.log})
	if err != nil {
		return 0, err
	}
	var disc *discover.Discovery
	done := false
	defer func() {
		if done {
			return
		}
		if disc != nil {
			disc.Close()
		}
		next.Close()
		os.RemoveAll(dir)
	}()
	e.synMu.Lock()
	syn := e.syn // a list put in force meanwhile goes to next at the swap
	e.synMu.Unlock()
	err = next.SetSynonyms(syn)
	if err != nil {
		return 0, err
	}
	// One core for the notes' analysis: the searches keep the other.
	next.SetBackground(true)
	if n, err = next.CatchUpContext(ctx, e.store, 1000); err != nil {
		return n, err
	}
	// Merged as a bulk load leaves an index (the old one serves meanwhile):
	// caught up batch by batch, it has a dozen segments at 100,000 notes,
	// which every search would read.
	if err := next.Compact(ctx, runtime.GOMAXPROCS(0)); err != nil {
		return n, err
	}
	next.SetBackground(false) // in service soon: live writes on every core
	// Warm it before it serves, as a start does, the view side by side.
	disc = e.newDiscovery(next)
	var wg sync.WaitGroup
	var errWarm error
	wg.Go(func() { errWarm = next.Warm(nil) })
	errDisc := disc.Warm(ctx)
	wg.Wait()
	if err := errors.Join(errWarm, errDisc); err != nil {
		return n, err
	}
	// On disk before the writers are held off: the sync under their lock
	// then has only the last writes to wait for.
	if err := next.Sync(); err != nil {
		return n, err
	}
	if besideHook != nil {
		if err := besideHook(ctx); err != nil {
			return n, err
		}
	}
	if err := e.putInService(ctx, next, disc, syn, &n); err != nil {
		return n, err
	}
	done = true
	return n, nil
}

// putInService applies to next the writes stored since its catch-up, and
// the synonyms list put in force since it was given syn, with the writers
// held off, and puts it and its discovery view in the place of the index in
// service, which it then closes and removes. n counts the changes applied.
// The caller holds rebuildMu.
func (e *Engine) putInService(ctx context.Context, next *index.Index, disc *discover.Discovery, syn *analysis.Synonyms, n *int) error {
	e.writeMu.Lock()
	e.ix.hideMu.Lock()
	// The notes hidden ahead of the old index's queue are hidden in the
	// store, hence in next once it has caught up.
	m, err := next.CatchUpContext(ctx, e.store, 1000)
	*n += m
	e.synMu.Lock() // SetSynonyms waits for writeMu meanwhile
	if now := e.syn; err == nil && now != syn {
		err = next.SetSynonyms(now)
	}
	e.synMu.Unlock()
	if err == nil {
		err = next.Sync()
	}
	if err == nil {
		err = setCurrentIndexDir(e.dir, filepath.Base(next.Dir()))
	}
	if err != nil {
		e.ix.hideMu.Unlock()
		e.writeMu.Unlock()
		return err
	}
	e.watchBroken(next)
	e.mu.Lock()
	old, oldDisc := e.index, e.disc
	e.index, e.disc = next, disc
	clear(e.ix.hiding)
	e.mu.Unlock()
	e.ix.hideMu.Unlock()
	e.writeMu.Unlock()
	e.ix.mu.Lock()
	e.ix.failed = nil // next has every stored change
	e.ix.broadcastLocked()
	e.ix.mu.Unlock()
	// Nobody reads the old index any more: searches take it under e.mu.
	oldDisc.Close()
	if err := old.Close(); err != nil {
		e.log.Warnf("fermer l’ancien index : %v (il est supprimé)", err)
	}
	if err := os.RemoveAll(old.Dir()); err != nil {
		e.log.Warnf("supprimer l’ancien index %s : %v (le prochain démarrage le supprimera)", old.Dir(), err)
	}
	return nil
}
