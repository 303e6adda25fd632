package store

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"

	"github.com/encommun/trouvaille/oplog"
)

// BallastName is the file, in the store's folder, that holds room on the
// disk for Badger's own writes once the disk fills up.
//
// Badger writes its tables (the memtable flush at every close, the replay
// of its log at every open) through memory-mapped files: on a full disk
// that is a SIGBUS that kills the process, not an error. The write reserve
// (MinFree) keeps the notes from filling the disk, but the index, which
// grows after the notes it indexes were stored, can. So the store holds a
// ballast of real, allocated blocks as large as two memtables, and gives
// it back to the disk when it closes or opens Badger on a disk with less
// free room than that: the flush then finds its room. Not earlier: given
// back while serving, the room was taken by the index's merges before the
// close needed it. The ballast is taken again at the next start where the
// disk has the room for it.
const BallastName = "reserve-badger"

// ballast is the reserve file.
type ballast struct {
	path string
	size int64
	log  oplog.Logger
	free func(dir string) (uint64, error) // FreeBytes; a test's count
}

func newBallast(dir string, size int64, log oplog.Logger) *ballast {
	return &ballast{path: filepath.Join(dir, BallastName), size: size, log: log, free: FreeBytes}
}

// take takes (or keeps, or resizes) the reserve file when the disk has room
// for it beyond minFree.
func (b *ballast) take(minFree int64) {
	if fi, err := os.Stat(b.path); err == nil && fi.Size() != b.size {
		os.Remove(b.path) // another memtable size (a bulk ingest's): taken again below
	}
	if _, err := os.Stat(b.path); !errors.Is(err, os.ErrNotExist) {
		return
	}
	free, err := b.free(filepath.Dir(b.path))
	if err != nil {
		return
	}
	if need := uint64(b.size + max(minFree, 0)); free < need {
		// Said once an Open (the operations guide lists it at WARN): the
		// store runs without its reserve until a start with the room.
		// Under minFree itself the store's own error says it all.
		if free < uint64(max(minFree, 0)) {
			return
		}
		b.log.Warnf("réserve de secours du magasin non créée : %d Mio libres sur le disque, il en faut %d (la réserve et --min-free); le magasin fonctionne sans, libérez de la place", free>>20, need>>20)
		return
	}
	if err := allocate(b.path, b.size); err != nil {
		os.Remove(b.path)
		b.log.Warnf("réserve de secours du magasin non créée (%v) : le magasin fonctionne sans", err)
	}
}

// allocate creates path with size bytes of allocated blocks (not a sparse
// file, which would reserve nothing).
func allocate(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if ferr := syscall.Fallocate(int(f.Fd()), 0, 0, size); ferr != nil {
		// A filesystem without fallocate: write the zeros.
		zero := make([]byte, 1<<20)
		for left := size; left > 0; {
			n := min(left, int64(len(zero)))
			if _, werr := f.Write(zero[:n]); werr != nil {
				f.Close()
				return werr
			}
			left -= n
		}
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// held reports the bytes the ballast holds now.
func (b *ballast) held() int64 {
	if fi, err := os.Stat(b.path); err == nil {
		return fi.Size()
	}
	return 0
}

// releaseIfLow gives the ballast back to the disk when the free room is
// below its size. It reports whether it did.
func (b *ballast) releaseIfLow() bool {
	held := b.held()
	if held == 0 {
		return false
	}
	free, err := b.free(filepath.Dir(b.path))
	if err != nil || free >= uint64(b.size) {
		return false
	}
	if err := os.Remove(b.path); err != nil {
		// Badger's next flush may find no room: it would kill the process.
		b.log.Errorf("disque presque plein : la réserve de secours %s n’a pas pu être libérée : %v", b.path, err)
		return false
	}
	b.log.Warnf("disque presque plein (%s libres) : réserve de secours du magasin libérée (%s) pour que Badger puisse écrire ses tables; libérez de la place : elle sera reprise au prochain démarrage", SizeText(int64(free)), SizeText(held))
	return true
}
