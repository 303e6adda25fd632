package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSizeText(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0\u00a0octet"},
		{1, "1\u00a0octet"},
		{512, "512\u00a0octets"},
		{1023, "1023\u00a0octets"},
		{1024, "1\u00a0Kio"},
		{360_000, "351,6\u00a0Kio"},
		{1<<20 - 1, "1\u00a0Mio"}, // 1023.999 Kio: the next unit
		{64 << 20, "64\u00a0Mio"},
		{1536 << 20, "1,5\u00a0Gio"},
		{1_000_000_000_000_000, "909,5\u00a0Tio"},
		{5000 << 40, "5\u202f000\u00a0Tio"},
	} {
		if got := SizeText(tc.n); got != tc.want {
			t.Errorf("SizeText(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

// Regression (new-user audit, 2026-12): the disk-full message gave the
// room needed as a bare number of Mio (« il en faut au moins 953674317 »
// for a reserve of 10^15 bytes). Sizes now carry their unit, and the
// message says what the room is made of.
func TestDiskFullMessageGivesUnits(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.minFree = 1_000_000_000_000_000
	s.free = func(string) (uint64, error) { return 3 << 20, nil }
	err = s.checkSpace(1 << 20)
	if !errors.Is(err, ErrDiskFull) {
		t.Fatalf("checkSpace = %v, want ErrDiskFull", err)
	}
	free := uint64(3<<20) + uint64(s.ballast.held()) // the ballast counts as free
	for _, want := range []string{
		SizeText(int64(free)) + " libres sur le disque du magasin",
		"il en faut au moins 909,5\u00a0Tio (909,5\u00a0Tio à garder libres, plus 3\u00a0Mio pour cette écriture)",
		"libérez de la place",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%s", want, err)
		}
	}
	if strings.Contains(err.Error(), "953674317") {
		t.Errorf("bare number of Mio:\n%s", err)
	}
}

// TestRestoreNeedsRoom: a restore onto a disk without room for the copy and
// the store's reserve is refused before anything is written (Badger loads
// through memory-mapped files: a full disk there stopped the program with
// SIGBUS, the folder left half made).
func TestRestoreNeedsRoom(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(filepath.Join(dir, "a"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Apply([]Change{{Note: &Note{ID: "n1", Type: "note", Title: "Une note", Visibility: "public"}}}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := s.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	s.Close()
	stream, err := VerifyBackup(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	defer func(f func(string) (uint64, error)) { restoreFree = f }(restoreFree)
	free := uint64(RestoreNeeds(stream.Size())) - 1
	restoreFree = func(string) (uint64, error) { return free, nil }
	target := filepath.Join(dir, "neuf", "store")
	_, err = RestoreVerified(target, stream, Options{})
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "pour restaurer cette sauvegarde") || !strings.Contains(err.Error(), "rien n’a été écrit") {
		t.Fatalf("restore onto a disk too small: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "neuf")); err == nil {
		t.Errorf("a refused restore made its folder")
	}
	free++
	r, err := RestoreVerified(target, stream, Options{})
	if err != nil {
		t.Fatalf("restore onto a disk just large enough: %v", err)
	}
	r.Close()
}
