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

	// Bytes damaged at several places of every segment, one place at a
	// time: each damaged index is rebuilt (seq 0) with a French log line;
	// where zap itself cannot open the segment it says so, and the places
	// zap does not read at open are caught by the checksum.
	pristine := t.TempDir()
	if err := os.CopyFS(pristine, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	byChecksum := 0
	for _, frac := range []int{2, 3, 4, 5, 7} {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.CopyFS(dir, os.DirFS(pristine)); err != nil {
			t.Fatal(err)
		}
		zaps, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
		if len(zaps) == 0 {
			t.Fatal("no segment on disk")
		}
		for _, z := range zaps {
			b, err := os.ReadFile(z)
			if err != nil {
				t.Fatal(err)
			}
			mid := len(b) / frac
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
		if ix.LastSeq() != 0 {
			t.Errorf("damaged at 1/%d: index kept seq %d; want a fresh index (0) to refill from the store", frac, ix.LastSeq())
		}
		ix.Close()
		switch {
		case len(logs) > 0 && strings.Contains(logs[0], "endommagé"):
			byChecksum++
		case len(logs) > 0 && strings.Contains(logs[0], "illisible"):
		default:
			t.Errorf("damaged at 1/%d: no French log line about the damage: %q", frac, logs)
		}
	}
	if byChecksum == 0 {
		t.Error("no damage was caught by the segments' checksums: every place tried broke zap's own open")
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
