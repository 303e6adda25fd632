package store

import (
	"bytes"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A process killed while Badger deleted a memtable's log (truncated to zero,
// not yet removed) leaves an empty *.mem file, which Badger's Open refuses:
// the store opens anyway, with every note.
func TestOpenAfterKillDuringMemtableDelete(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Apply([]Change{{Note: &Note{ID: "a", Type: "note", Title: "Logement", Visibility: "public"}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "00002.mem")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	s, err = Open(dir, Options{Logger: log.New(&logged, "", 0)})
	if err != nil {
		t.Fatalf("Open with an empty memtable log: %v", err)
	}
	defer s.Close()
	got, err := s.GetMany([]string{"a"})
	if err != nil || got["a"] == nil || got["a"].Title != "Logement" {
		t.Fatalf("note a after reopening: %v, %v", got["a"], err)
	}
	if !strings.Contains(logged.String(), "journal de mémoire vide 00002.mem retiré") {
		t.Errorf("the removal was not logged: %q", logged.String())
	}
	if _, err := os.Stat(empty); err == nil {
		t.Error("the empty log is still there")
	}
}
