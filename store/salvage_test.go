package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSalvageDamagedTable: random bytes written over the middle of the
// store's table (a damaged block of the disk) made Badger panic in the
// middle of an export, which crashed with a stack trace. Salvaging, every
// note that still reads is given to fn, each note at most once, the others
// to bad, and a panic is an error, never a crash.
func TestSalvageDamagedTable(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var changes []Change
	for i := range 400 {
		n := note(fmt.Sprintf("note-%03d", i), fmt.Sprintf("Note %d sur le jardin collectif", i))
		n.Body = strings.Repeat(fmt.Sprintf("Le comité %d se réunit au local. ", i), 5)
		changes = append(changes, Change{Note: n})
	}
	if _, _, err := s.Apply(changes); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	tables, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	if len(tables) == 0 {
		t.Fatal("no table written")
	}
	rng := rand.New(rand.NewPCG(46, 7))
	for _, tb := range tables {
		f, err := os.OpenFile(tb, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.Stat()
		junk := make([]byte, min(3000, int(st.Size())/3))
		for i := range junk {
			junk[i] = byte(rng.IntN(256))
		}
		f.WriteAt(junk, st.Size()/3)
		f.Close()
	}
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("the damaged store does not open (%v): the test salvages nothing", err)
	}
	defer s.Close()
	given := map[string]int{}
	var good, bad int
	err = s.ChangesSalvaging(func(e Entry) error {
		given[e.ID]++
		good++
		if e.Note == nil || e.Note.ID != e.ID {
			t.Errorf("%s: %+v", e.ID, e.Note)
		}
		return nil
	}, func(id string, err error) {
		given[id]++
		bad++
	})
	for id, n := range given {
		if n > 1 {
			t.Errorf("%s given %d times", id, n)
		}
	}
	t.Logf("readable %d, unreadable %d, error %v", good, bad, err)
	// The notes whose reads panic are named one by one; the walk goes on
	// past them (with this layout the change log itself still reads).
	if err != nil {
		t.Errorf("the walk stopped: %v", err)
	}
	if good == 0 || (bad == 0 && good == 400) {
		t.Errorf("the damage changed nothing or hid everything: %d readable, %d unreadable, %v", good, bad, err)
	}
}
