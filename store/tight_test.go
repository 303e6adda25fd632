package store

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/encommun/trouvaille/oplog"
)

// level0 counts the tables on Badger's level 0.
func level0(s *Store) int {
	for _, l := range s.db.Levels() {
		if l.Level == 0 {
			return l.NumTables
		}
	}
	return 0
}

// A store opened on a disk with less room than the write reserve refuses
// the writes: its message is an error, for the operator's alerts, where
// the routine ones are information.
func TestTightOpenLogsAnError(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	at := func(level string) func(string, ...any) {
		return func(f string, a ...any) { lines = append(lines, level+" "+fmt.Sprintf(f, a...)) }
	}
	o := Options{freeSpace: func(string) (uint64, error) { return 1 << 20, nil }, Log: oplog.Logger{Info: at("INFO"), Warn: at("WARN"), Error: at("ERROR")}}
	s, err := Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "ERROR disque presque plein à l’ouverture du magasin") {
		t.Errorf("tight open logged %q, want one error", lines)
	}
}

// Opened on a disk with less room than the write reserve, the store runs
// Badger without compactions (a compaction writes through mapped files,
// where a full disk is a SIGBUS) and without a stall on level 0: once room
// comes back, writes go on, level 0 grows past Badger's stall (8 tables)
// with no compaction, and the next open with room compacts it.
func TestTightOpenHasNoCompactions(t *testing.T) {
	dir := t.TempDir()
	var room atomic.Uint64
	room.Store(1 << 20) // 1 MiB: below the 64 MiB reserve
	var logged bytes.Buffer
	o := Options{memTableSize: 1 << 20, ValueThreshold: 16 << 10, freeSpace: func(string) (uint64, error) { return room.Load(), nil }, Logger: log.New(&logged, "", 0)}
	s, err := Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Tight() || !strings.Contains(logged.String(), "sans compactions") {
		t.Fatalf("tight open not taken or not logged (tight %v): %q", s.Tight(), logged.String())
	}
	if _, _, err := s.Apply([]Change{{Note: note("x", "Refusée")}}); err == nil {
		t.Fatal("a write accepted on a disk below the reserve")
	}
	if n, err := s.CollectGarbage(context.Background()); n != 0 || err != nil {
		t.Errorf("value-log rewrite on a tight disk: %d, %v", n, err)
	}
	room.Store(1 << 40) // the operator freed room
	const notes = 6000
	done := make(chan error, 1)
	go func() {
		for b := 0; b < notes/200; b++ {
			if _, _, err := s.Apply(incompressibleNotes(b*200, (b+1)*200)); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("writes blocked on level 0 (%d tables): Badger stalls without compactors", level0(s))
	}
	// Flushed memtables land on level 0 and stay there.
	deadline := time.Now().Add(30 * time.Second)
	for level0(s) <= 8 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	l0 := level0(s)
	if l0 <= 8 {
		t.Fatalf("level 0 has %d tables after %d notes in 1 MiB memtables, want more than Badger's stall of 8", l0, notes)
	}
	time.Sleep(time.Second) // Badger's compactors tick every 50 ms (first within 1 s)
	if got := level0(s); got < l0 {
		t.Fatalf("level 0 went from %d to %d tables: a compaction ran on a tight open", l0, got)
	}
	// A copy of the folder taken now holds a memtable log not yet in a
	// table, as a killed server leaves it: a tight open replays it, and the
	// log is gone (written as a table) when Open returns. (Badger writes so
	// small a log before the rest of its Open is done, wait or not: the
	// wait itself is TestWaitFlushed's.)
	if _, _, err := s.Apply([]Change{{Note: note("dernier", "Dernière")}}); err != nil {
		t.Fatal(err)
	}
	// Copied once Badger is done flushing: only the live memtable's log left.
	deadline = time.Now().Add(30 * time.Second)
	for {
		mems, _ := filepath.Glob(filepath.Join(dir, "*.mem"))
		if len(mems) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("memtable logs still being flushed after 30 s: %v", mems)
		}
		time.Sleep(20 * time.Millisecond)
	}
	copied := t.TempDir()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	var logs []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		to := filepath.Join(copied, filepath.Base(f))
		if err := os.WriteFile(to, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, ".mem") && len(b) > 0 {
			logs = append(logs, to)
		}
	}
	if len(logs) == 0 {
		t.Fatal("no memtable log in the copy")
	}
	room.Store(1 << 20)
	c, err := Open(copied, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range logs {
		if _, err := os.Stat(l); err == nil {
			t.Errorf("%s still there when the tight open returned", filepath.Base(l))
		}
	}
	if n, err := c.Get("dernier"); err != nil || n.Title != "Dernière" {
		t.Errorf("the note of the replayed log: %v, %v", n, err)
	}
	c.Close()
	room.Store(1 << 40)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The next open with room compacts level 0 and reads every note.
	logged.Reset()
	s, err = Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Tight() || strings.Contains(logged.String(), "sans compactions") {
		t.Fatalf("an open with room taken as tight: %q", logged.String())
	}
	deadline = time.Now().Add(60 * time.Second)
	for level0(s) >= l0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if got := level0(s); got >= l0 {
		t.Fatalf("level 0 still has %d tables a minute after an open with room", got)
	}
	for _, i := range []int{0, notes / 2, notes - 1} {
		id := fmt.Sprintf("n%05d", i)
		if n, err := s.Get(id); err != nil || n.Title != fmt.Sprintf("Note %d", i) {
			t.Fatalf("%s: %v, %v", id, n, err)
		}
	}
}

// waitFlushed returns once the logs it was given are gone, or after its
// limit, saying so.
func TestWaitFlushed(t *testing.T) {
	dir := t.TempDir()
	var logs []string
	for i := range 3 {
		l := filepath.Join(dir, fmt.Sprintf("%05d.mem", i))
		os.WriteFile(l, []byte("x"), 0o644)
		logs = append(logs, l)
	}
	go func() {
		for _, l := range logs {
			time.Sleep(30 * time.Millisecond)
			os.Remove(l)
		}
	}()
	var logged bytes.Buffer
	waitFlushed(logs, time.Minute, oplog.To(log.New(&logged, "", 0).Printf))
	for _, l := range logs {
		if _, err := os.Stat(l); err == nil {
			t.Errorf("waitFlushed returned with %s still there", l)
		}
	}
	if logged.Len() != 0 {
		t.Errorf("logged %q", logged.String())
	}
	stuck := filepath.Join(dir, "00009.mem")
	os.WriteFile(stuck, []byte("x"), 0o644)
	waitFlushed([]string{stuck}, 50*time.Millisecond, oplog.To(log.New(&logged, "", 0).Printf))
	if !strings.Contains(logged.String(), "00009.mem n’est pas encore écrit en table") {
		t.Errorf("a log still there after the limit was not said: %q", logged.String())
	}
}

// A disk with room for the write reserve but not for the emergency reserve
// as well: the store opens without the latter, and says so at WARN (the
// operations guide lists it; it was skipped without a word).
func TestReserveNotTakenIsSaid(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	at := func(level string) func(string, ...any) {
		return func(f string, a ...any) { lines = append(lines, level+" "+fmt.Sprintf(f, a...)) }
	}
	o := Options{MinFree: 64 << 20, freeSpace: func(string) (uint64, error) { return 70 << 20, nil }, Log: oplog.Logger{Info: at("INFO"), Warn: at("WARN"), Error: at("ERROR")}}
	s, err := Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "WARN réserve de secours du magasin non créée : 70 Mio libres sur le disque") {
		t.Errorf("logged %q, want one warning", lines)
	}
}
