package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/encommun/trouvaille/oplog"
)

// allocated returns the bytes of real blocks behind path (0 if absent).
func allocated(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Sys().(*syscall.Stat_t).Blocks * 512
}

// The store holds two memtables of allocated room, gives it back when the
// disk is nearly full (at close, before Badger flushes), counts it as free
// for the write reserve, and takes it again, at the new size, at the next
// start with room.
func TestBallast(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, BallastName)
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := allocated(t, path); got < 16<<20 {
		t.Fatalf("ballast holds %d bytes of blocks, want 16 MiB (two memtables)", got)
	}
	if err := s.checkSpace(1 << 10); err != nil {
		t.Fatalf("room enough, refused: %v", err)
	}
	// A disk with room: nothing happens.
	if s.ballast.releaseIfLow() {
		t.Fatal("released with room on the disk")
	}
	var logged strings.Builder
	s.ballast.log = oplog.Logger{Warn: func(f string, a ...any) { fmt.Fprintf(&logged, "WARN "+f+"\n", a...) }}
	s.ballast.free = func(string) (uint64, error) { return 3 << 20, nil }
	if !s.ballast.releaseIfLow() {
		t.Fatal("not released with 3 MiB free")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("ballast still there: %v", err)
	}
	if !strings.Contains(logged.String(), "WARN disque presque plein") || !strings.Contains(logged.String(), "réserve de secours du magasin libérée (16\u00a0Mio)") {
		t.Errorf("log: %q", logged.String())
	}
	if s.ballast.releaseIfLow() {
		t.Error("released twice")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Taken again at the next start, at the size of this start's memtables.
	s, err = Open(dir, Options{Bulk: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := allocated(t, path); got < 64<<20 {
		t.Fatalf("bulk ballast holds %d bytes, want 64 MiB", got)
	}
	// The close gives it back on a nearly full disk.
	s.ballast.log = oplog.Logger{}
	s.ballast.free = func(string) (uint64, error) { return 10 << 20, nil }
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("ballast kept by a close on a full disk: %v", err)
	}
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := allocated(t, path); got < 16<<20 || got > 17<<20 {
		t.Fatalf("ballast after the bulk start holds %d bytes, want 16 MiB", got)
	}
}

// A disk without room for the ballast beyond the write reserve: the store
// opens without it.
func TestBallastNoRoom(t *testing.T) {
	dir := t.TempDir()
	free, err := FreeBytes(dir)
	if err != nil {
		t.Fatal(err)
	}
	// A reserve above the free room, with a margin: the other packages'
	// tests, run at the same time, free and fill the same disk.
	s, err := Open(dir, Options{MinFree: int64(free) + 1<<30})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := allocated(t, filepath.Join(dir, BallastName)); got != 0 {
		t.Fatalf("ballast of %d bytes taken beyond the reserve", got)
	}
}
