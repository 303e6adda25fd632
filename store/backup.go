package store

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// ErrDiskFull is returned by Apply when the disk holding the store has too
// little room left for the batch: the write is refused before Badger touches
// its memory-mapped files (a write into a mapped page of a full disk is a
// SIGBUS, not an error), and nothing already stored is affected.
var ErrDiskFull = errors.New("disque plein")

// DefaultMinFree is the room Apply keeps free on the store's disk, beyond the
// batch itself: enough for Badger's memtable flushes and compactions and for
// the index's merges.
const DefaultMinFree = 64 << 20

// freeBytes returns the bytes available to this process on dir's filesystem.
func freeBytes(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil
}

// checkSpace refuses a write of about need bytes when the disk would keep
// less than the configured reserve.
func (s *Store) checkSpace(need int64) error {
	if s.minFree < 0 {
		return nil
	}
	free, err := freeBytes(s.dir)
	if err != nil {
		return nil // an unknown filesystem: let Badger report real errors
	}
	want := uint64(s.minFree) + 3*uint64(need)
	if free < want {
		return fmt.Errorf("%w : %d Mio libres sur le disque du magasin %s, il en faut au moins %d : libérez de la place (ou agrandissez le disque) puis renvoyez les notes ; rien de ce qui est déjà enregistré n’est touché",
			ErrDiskFull, free>>20, s.dir, (want+(1<<20)-1)>>20)
	}
	return nil
}

// Backup writes a consistent copy of the whole store (every note, the change
// log, the sequence counter and the compression dictionaries) to w while the
// store keeps serving reads and writes. It returns the last sequence number
// the copy holds.
func (s *Store) Backup(w io.Writer) (uint64, error) {
	seq := s.DurableSeq()
	bw := bufio.NewWriterSize(w, 1<<20)
	if _, err := s.db.Backup(bw, 0); err != nil {
		return 0, fmt.Errorf("sauvegarder le magasin : %w", err)
	}
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("sauvegarder le magasin : %w", err)
	}
	return seq, nil
}

// ErrNotEmpty is returned by Restore when the target folder already holds data.
var ErrNotEmpty = errors.New("dossier non vide")

// Restore creates a store in dir (which must be absent or empty) from a copy
// written by Backup, and returns it open.
func Restore(dir string, r io.Reader, o Options) (*Store, error) {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return nil, fmt.Errorf("%w : %s contient déjà des fichiers ; restaurez dans un dossier neuf", ErrNotEmpty, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("créer %s : %w", dir, err)
	}
	s, err := Open(dir, o)
	if err != nil {
		return nil, err
	}
	if err := s.db.Load(bufio.NewReaderSize(r, 1<<20), 256); err != nil {
		s.Close()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("restaurer la sauvegarde dans %s (fichier tronqué ou d’un autre format ?) : %w", filepath.Base(dir), err)
	}
	if err := s.db.Sync(); err != nil {
		s.Close()
		return nil, err
	}
	// Reopen so that the sequence counter and dictionaries come from the copy.
	if err := s.Close(); err != nil {
		return nil, err
	}
	return Open(dir, o)
}
