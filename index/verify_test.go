package index

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/store"
)

// A segment damaged in the middle (footer intact) is detected when the index
// opens, and the index is rebuilt empty so that the store can refill it.
func TestDamagedSegmentDetectedAtOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	var entries []store.Entry
	for i, n := range testNotes {
		entries = append(entries, store.Entry{Seq: uint64(i + 1), ID: n.ID, Note: n})
	}
	if err := ix.Apply(entries); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	// A clean index passes.
	ix, err = Open(dir, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Verify(); err != nil {
		t.Fatalf("clean index: %v", err)
	}
	if ix.LastSeq() != uint64(len(testNotes)) {
		t.Fatalf("clean index reopened at seq %d", ix.LastSeq())
	}
	ix.Close()

	zaps, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
	if len(zaps) == 0 {
		t.Fatal("no segment on disk")
	}
	for _, z := range zaps {
		b, err := os.ReadFile(z)
		if err != nil {
			t.Fatal(err)
		}
		mid := len(b) / 3
		for i := mid; i < mid+16 && i < len(b)-64; i++ {
			b[i] ^= 0x5a
		}
		if err := os.WriteFile(z, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var logs []string
	ix, err = Open(dir, func(f string, a ...any) { logs = append(logs, f) })
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.LastSeq() != 0 {
		t.Errorf("damaged index kept seq %d; want a fresh index (0) to refill from the store", ix.LastSeq())
	}
	if len(logs) == 0 || !strings.Contains(logs[0], "endommagé") {
		t.Errorf("no French log line about the damage: %q", logs)
	}
}

func TestVerifyFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.zap")
	os.WriteFile(p, []byte{1, 2}, 0o644)
	if err := verifyFile(p); err == nil {
		t.Error("2-byte file passed")
	}
	// CRC-32 of "abc" is 0x352441c2.
	os.WriteFile(p, []byte{'a', 'b', 'c', 0x35, 0x24, 0x41, 0xc2}, 0o644)
	if err := verifyFile(p); err != nil {
		t.Errorf("good file: %v", err)
	}
	os.WriteFile(p, []byte{'a', 'b', 'd', 0x35, 0x24, 0x41, 0xc2}, 0o644)
	if err := verifyFile(p); err == nil {
		t.Error("bad file passed")
	}
}
