package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/dgraph-io/badger/v4"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4/options"
)

func note(id, title string) *Note {
	return &Note{ID: id, Type: TypeNote, Title: title, Visibility: VisibilityPublic}
}

func TestApplyOutcomesAndChanges(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, seqs, err := s.Apply([]Change{{Note: note("a", "Un")}, {Note: note("b", "Deux")}, {Delete: "zzz"}})
	if err != nil {
		t.Fatal(err)
	}
	if out[0] != Added || out[1] != Added || out[2] != Unchanged || seqs[0] != 1 || seqs[1] != 2 || seqs[2] != 0 {
		t.Fatalf("outcomes %v seqs %v", out, seqs)
	}
	// Same content: unchanged, no new sequence number. New content: updated.
	out, _, err = s.Apply([]Change{{Note: note("a", "Un")}, {Note: note("b", "Deux bis")}})
	if err != nil {
		t.Fatal(err)
	}
	if out[0] != Unchanged || out[1] != Updated {
		t.Fatalf("outcomes %v", out)
	}
	out, _, err = s.Apply([]Change{{Delete: "a"}})
	if err != nil || out[0] != Deleted {
		t.Fatalf("delete: %v %v", out, err)
	}
	if _, err := s.Get("a"); err != ErrNotFound {
		t.Fatalf("Get deleted = %v", err)
	}
	if s.LastSeq() != 4 {
		t.Fatalf("LastSeq = %d, want 4", s.LastSeq())
	}
	// The log holds one entry per id: b's latest version (seq 3) and a's tombstone (seq 4).
	var got []Entry
	if err := s.Changes(0, func(e Entry) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "b" || got[0].Seq != 3 || got[0].Note.Title != "Deux bis" || got[1].ID != "a" || got[1].Note != nil {
		t.Fatalf("changes = %+v", got)
	}
	got = nil
	s.Changes(3, func(e Entry) error { got = append(got, e); return nil })
	if len(got) != 1 || got[0].ID != "a" {
		t.Fatalf("changes after 3 = %+v", got)
	}
	s.Close()

	// Everything survives a reopen, including the sequence counter.
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.LastSeq() != 4 {
		t.Fatalf("LastSeq after reopen = %d", s.LastSeq())
	}
	n, err := s.Get("b")
	if err != nil || n.Title != "Deux bis" {
		t.Fatalf("Get b = %v %v", n, err)
	}
	if c, _ := s.Count(); c != 1 {
		t.Fatalf("Count = %d", c)
	}
}

func TestApplyLaterChangeInBatchWins(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out, _, err := s.Apply([]Change{{Note: note("a", "v1")}, {Note: note("a", "v2")}, {Note: note("c", "x")}, {Delete: "c"}})
	if err != nil {
		t.Fatal(err)
	}
	if out[0] != Added || out[1] != Updated || out[2] != Added || out[3] != Deleted {
		t.Fatalf("outcomes %v", out)
	}
	n, _ := s.Get("a")
	if n.Title != "v2" {
		t.Fatalf("title %q", n.Title)
	}
	var ids []string
	s.Changes(0, func(e Entry) error { ids = append(ids, e.ID); return nil })
	if len(ids) != 2 || ids[0] != "a" || ids[1] != "c" {
		t.Fatalf("log %v", ids)
	}
}

func TestLargeBatchSpansTransactions(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	big := make([]byte, 200<<10)
	for i := range big {
		big[i] = 'a' + byte(i%26)
	}
	var changes []Change
	for i := 0; i < 300; i++ {
		n := note("n"+string(rune('A'+i%26))+string(rune('a'+i/26)), "t")
		n.Body = string(big)
		changes = append(changes, Change{Note: n})
	}
	out, _, err := s.Apply(changes)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range out {
		if o != Added {
			t.Fatalf("change %d: %v", i, o)
		}
	}
	if c, _ := s.Count(); c != 300 {
		t.Fatalf("Count = %d", c)
	}
}

// A store written with Snappy-compressed tables, as before 2026-12-02, is
// read by this version (uncompressed tables, a small block cache), and
// written to and compacted after.
func TestSnappyStoreStillRead(t *testing.T) {
	dir := t.TempDir()
	blockCompression = options.Snappy
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var changes []Change
	for i := 0; i < 2000; i++ {
		n := note(fmt.Sprintf("n%04d", i), fmt.Sprintf("Note %d sur l’économie sociale", i))
		n.Body = strings.Repeat(fmt.Sprintf("Le corps de la note %d. ", i), 40)
		changes = append(changes, Change{Note: n})
	}
	if _, _, err := s.Apply(changes); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Flatten(1); err != nil { // the notes in tables, not only the memtable
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	blockCompression = options.None
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.Apply(changes[:10]); err != nil { // unchanged, checked against the old tables
		t.Fatal(err)
	}
	if err := s.db.Flatten(1); err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		n, err := s.Get(c.Note.ID)
		if err != nil || n.Title != c.Note.Title || n.Body != c.Note.Body {
			t.Fatalf("%s read back: %v, %v", c.Note.ID, n, err)
		}
	}
}

// TestDictionaryCompression stores a large batch (a dictionary is trained),
// then a later batch, reopens the store and reads every note back.
func TestDictionaryCompression(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(i int) *Note {
		n := note(fmt.Sprintf("n%04d", i), fmt.Sprintf("Note %d sur l’économie sociale", i))
		n.Body = strings.Repeat(fmt.Sprintf("Les participant·es de l’organisme %d parlent de financement et de logement. ", i%17), 20)
		n.Authors = []string{"Émilie Tremblay", fmt.Sprintf("Auteur %d", i%31)}
		return n
	}
	var batch []Change
	for i := 0; i < 1200; i++ {
		batch = append(batch, Change{Note: mk(i)})
	}
	if _, _, err := s.Apply(batch); err != nil {
		t.Fatal(err)
	}
	s.training.Wait()
	if s.dictID == 0 {
		t.Fatal("no dictionary trained on a 1200-note batch")
	}
	if _, _, err := s.Apply([]Change{{Note: mk(1500)}}); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s, dir)
	defer s.Close()
	for _, i := range []int{0, 250, 1199, 1500} {
		n, err := s.Get(fmt.Sprintf("n%04d", i))
		if err != nil {
			t.Fatal(err)
		}
		if want := mk(i); n.Body != want.Body || n.Title != want.Title {
			t.Fatalf("note %d read back differs", i)
		}
	}
}

// Apply returns only once the batch is on disk: the index, which fsyncs its
// own writes, must never hold a change the store could still lose.
func TestApplyIsDurable(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i, batch := range [][]Change{
		{{Note: note("a", "Un")}, {Note: note("b", "Deux")}},
		{{Note: note("a", "Un")}}, // unchanged: nothing new to sync
		{{Delete: "b"}},
	} {
		if _, _, err := s.Apply(batch); err != nil {
			t.Fatal(err)
		}
		if s.DurableSeq() != s.LastSeq() {
			t.Fatalf("batch %d: durable seq %d, last seq %d: Apply returned before syncing", i, s.DurableSeq(), s.LastSeq())
		}
	}
	if s.LastSeq() != 3 {
		t.Fatalf("LastSeq = %d, want 3", s.LastSeq())
	}
}

func TestDateRange(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want bool
	}{
		{time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(1799, 12, 31, 23, 59, 59, 0, time.UTC), false},
		{time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2200, 12, 31, 23, 59, 59, 0, time.UTC), true},
		{time.Date(2201, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), false},
	} {
		if got := DateInRange(tc.t); got != tc.want {
			t.Errorf("DateInRange(%s) = %v, want %v", tc.t, got, tc.want)
		}
	}
}

func TestApplyRefusesWhenDiskIsFull(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.Apply([]Change{{Note: note("a", "Un")}}); err != nil {
		t.Fatal(err)
	}
	// Injected: a reserve larger than any disk.
	s.minFree = 1 << 62
	_, _, err = s.Apply([]Change{{Note: note("b", "Deux")}, {Delete: "a"}})
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "libérez de la place") {
		t.Fatalf("Apply on a full disk = %v, want ErrDiskFull with advice", err)
	}
	if s.LastSeq() != 1 {
		t.Errorf("refused batch moved the sequence to %d", s.LastSeq())
	}
	if _, err := s.Get("a"); err != nil {
		t.Errorf("stored note damaged by a refused batch: %v", err)
	}
	if _, err := s.Get("b"); err != ErrNotFound {
		t.Errorf("refused note stored: %v", err)
	}
}

func TestBackupRestoreWhileWriting(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(filepath.Join(dir, "a"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var changes []Change
	for i := 0; i < 300; i++ {
		changes = append(changes, Change{Note: note(fmt.Sprintf("n%03d", i), fmt.Sprintf("Note %d", i))})
	}
	if _, _, err := s.Apply(changes); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Apply([]Change{{Delete: "n007"}}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	seq, err := s.Backup(&buf)
	if err != nil {
		t.Fatal(err)
	}
	// Writes after the backup are not in it.
	if _, _, err := s.Apply([]Change{{Note: note("apres", "Après")}}); err != nil {
		t.Fatal(err)
	}
	if seq != 301 {
		t.Errorf("backup seq %d, want 301", seq)
	}
	r, err := Restore(filepath.Join(dir, "b"), bytes.NewReader(buf.Bytes()), int64(buf.Len()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.LastSeq() != seq {
		t.Errorf("restored seq %d, want %d", r.LastSeq(), seq)
	}
	if n, _ := r.Count(); n != 299 {
		t.Errorf("restored %d notes, want 299", n)
	}
	if _, err := r.Get("n007"); err != ErrNotFound {
		t.Errorf("deleted note came back: %v", err)
	}
	if _, err := r.Get("apres"); err != ErrNotFound {
		t.Errorf("note written after the backup is in it: %v", err)
	}
	got, err := r.Get("n123")
	if err != nil || got.Title != "Note 123" {
		t.Errorf("restored note: %+v %v", got, err)
	}
	var log []uint64
	r.Changes(0, func(e Entry) error { log = append(log, e.Seq); return nil })
	if len(log) != 300 { // 299 notes + 1 tombstone
		t.Errorf("restored change log has %d entries, want 300", len(log))
	}
	// A non-empty folder is refused.
	if _, err := Restore(filepath.Join(dir, "a"), bytes.NewReader(buf.Bytes()), int64(buf.Len()), Options{}); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("restore into a used folder: %v", err)
	}
	// A truncated file is a clear error.
	for name, b := range map[string][]byte{
		"truncated":          buf.Bytes()[:buf.Len()/2],
		"cut at the trailer": buf.Bytes()[:buf.Len()-10],
		"one byte changed":   func() []byte { c := bytes.Clone(buf.Bytes()); c[len(c)/2] ^= 1; return c }(),
		"not a backup":       []byte("{\"id\":\"x\"}\n"),
	} {
		if _, err := Restore(filepath.Join(dir, "c"), bytes.NewReader(b), int64(len(b)), Options{}); !errors.Is(err, ErrBadBackup) {
			t.Errorf("%s backup: %v, want ErrBadBackup", name, err)
		}
		if ents, _ := os.ReadDir(filepath.Join(dir, "c")); len(ents) > 0 {
			t.Errorf("%s backup left files in the target folder", name)
		}
	}
}

// Updates leave old versions in the value log of a store written with
// notes there (before DefaultValueThreshold); CollectGarbage gives the room
// back, and every note keeps its newest version.
func TestCollectGarbage(t *testing.T) {
	dir := t.TempDir()
	o := Options{ValueLogFileSize: 1 << 20, ValueThreshold: 256, MinFree: -1}
	s, err := Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	body := func(i, round int) string {
		var b strings.Builder
		for j := 0; j < 60; j++ {
			fmt.Fprintf(&b, "Version %d de la note %d, paragraphe %d : des mots %d. ", round, i, j, (i*31+j*7+round*13)%997)
		}
		return b.String()
	}
	const notes, rounds = 200, 12
	for round := 0; round < rounds; round++ {
		var cs []Change
		for i := 0; i < notes; i++ {
			cs = append(cs, Change{Note: &Note{ID: fmt.Sprintf("n%d", i), Type: "note", Title: "Note", Body: body(i, round), Visibility: "public"}})
		}
		if _, _, err := s.Apply(cs); err != nil {
			t.Fatal(err)
		}
		// Old versions become garbage Badger knows of once its tree is
		// compacted, as a serving store's is by its own writes: here a
		// restart writes the memtable out (one more level-0 table), and
		// Flatten compacts them below.
		if round%3 == 2 {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if s, err = Open(dir, o); err != nil {
				t.Fatal(err)
			}
		}
	}
	defer s.Close()
	if err := s.db.Flatten(1); err != nil {
		t.Fatal(err)
	}
	vlog := func() int64 { return filesSize(dir, "*.vlog") }
	before := vlog()
	// On a disk with less room than the write reserve, nothing is
	// rewritten: a rewrite writes before it frees.
	s.minFree = 1 << 62
	if n, err := s.CollectGarbage(context.Background()); n != 0 || err != nil || vlog() != before {
		t.Fatalf("CollectGarbage on a nearly full disk: %d files, %v; value log %d → %d bytes", n, err, before, vlog())
	}
	s.minFree = -1
	n, err := s.CollectGarbage(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	after := vlog()
	if n == 0 || after >= before {
		t.Fatalf("CollectGarbage rewrote %d files: value log %d → %d bytes", n, before, after)
	}
	got, err := s.GetMany([]string{"n0", "n77", "n199"})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"n0", "n77", "n199"} {
		i, _ := strconv.Atoi(id[1:])
		if n := got[id]; n == nil || n.Body != body(i, rounds-1) {
			t.Errorf("%s after the collection: %v", id, n)
		}
	}
}

// One Apply of more notes than a Badger transaction holds (notes live in
// Badger's tree, where they count in full against its limit) commits in
// several transactions, and every note and sequence number is there.
func TestApplyMoreThanOneTransaction(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{MinFree: -1})
	if err != nil {
		t.Fatal(err)
	}
	const n = 3000
	body := func(i int) string {
		var b strings.Builder
		for j := 0; b.Len() < 2500; j++ {
			fmt.Fprintf(&b, "Note %d, phrase %d : %d mots différents. ", i, j, (i*7919+j*104729)%1000003)
		}
		return b.String()
	}
	for round := 0; round < 2; round++ {
		var cs []Change
		for i := 0; i < n; i++ {
			cs = append(cs, Change{Note: &Note{ID: fmt.Sprintf("n%d", i), Type: "note", Title: fmt.Sprint("Note ", round), Body: body(i + round), Visibility: "public"}})
		}
		out, seqs, err := s.Apply(cs)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if seqs[n-1] != uint64((round+1)*n) || out[0] == Unchanged {
			t.Fatalf("round %d: last sequence %d, first outcome %v", round, seqs[n-1], out[0])
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(dir, Options{MinFree: -1}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if c, err := s.Count(); err != nil || c != n {
		t.Fatalf("%d notes after reopening (%v)", c, err)
	}
	got, err := s.GetMany([]string{"n0", "n2999"})
	if err != nil {
		t.Fatal(err)
	}
	if got["n0"] == nil || got["n0"].Body != body(1) || got["n2999"] == nil || got["n2999"].Body != body(3000) {
		t.Fatal("notes after reopening differ from their last version")
	}
}

// TestFlattenSettlesABulkLoad loads notes in bulk mode (several memtables'
// worth) and checks that Flatten leaves every table on one level below
// level 0, with nothing owed to the compactions (which the next Open would
// otherwise run), every note still there.
func TestFlattenSettlesABulkLoad(t *testing.T) {
	dir := t.TempDir()
	o := Options{Bulk: true, MinFree: -1, memTableSize: 1 << 20, ValueThreshold: 16 << 10}
	s, err := Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	const notes = 3000
	for b := 0; b < notes/500; b++ {
		if _, _, err := s.Apply(incompressibleNotes(b*500, (b+1)*500)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// levels reads the tree's shape without starting Badger's compactions
	// (read-only), then checks that the notes read back.
	levels := func() (used []int, owed bool) {
		db, err := badger.Open(badger.DefaultOptions(dir).WithReadOnly(true).WithLogger(nil))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range db.Levels() {
			if l.NumTables > 0 {
				used = append(used, l.Level)
			}
			owed = owed || l.Adjusted >= 1
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		s, err := Open(dir, Options{MinFree: -1})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for _, i := range []int{0, notes / 2, notes - 1} {
			id := fmt.Sprintf("n%05d", i)
			if n, err := s.Get(id); err != nil || n.Title != fmt.Sprintf("Note %d", i) {
				t.Fatalf("%s after the load: %v, %v", id, n, err)
			}
		}
		return used, owed
	}
	// The close writes the last memtable into level 0, where the next Open
	// would compact it with whatever it overlaps; the compactions stopping
	// at close may move it first, so the shape before is only logged (level
	// 0 and another in nearly every run: Flatten made a no-op fails this
	// test 5 times in 5).
	used, owed := levels()
	t.Logf("levels used before Flatten: %v (compactions owed: %v)", used, owed)
	if err := Flatten(dir, o); err != nil {
		t.Fatal(err)
	}
	if used, owed := levels(); len(used) != 1 || used[0] == 0 || owed {
		t.Fatalf("levels used after Flatten %v (compactions owed: %v), want one below level 0 and none", used, owed)
	}
}

// TestBulkNotesLiveInValueLog: a bulk load writes the notes to the value log
// once (BulkValueThreshold) instead of through the tree's compactions. When
// the notes are updated later, by live writes (into the tree) or by another
// bulk load (into the value log again), CollectGarbage gives back the room
// of their old versions once the store is settled, every note keeping its
// newest version; the still-current notes of a rewritten file move into the
// tree.
func TestBulkNotesLiveInValueLog(t *testing.T) {
	bulk := Options{Bulk: true, MinFree: -1, ValueLogFileSize: 1 << 20}
	live := Options{MinFree: -1, ValueLogFileSize: 1 << 20}
	for _, tc := range []struct {
		name    string
		update  Options
		kept    int     // when set, every kept-th note is not updated
		inTree  bool    // the notes live in the tree after the collection
		maxVlog float64 // the value log after the collection, in parts of the first load's
	}{
		{"live updates", live, 0, true, 0.5},
		{"live updates of three notes in four", live, 4, true, 0.5},
		{"second bulk load", bulk, 0, false, 1.25},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			size := func(glob string) int64 { return filesSize(dir, glob) }
			body := incompressibleBody
			const notes = 4000 // the updates fill more than one memtable
			// version is the version of note i after the updates.
			version := func(i int) int {
				if tc.kept > 0 && i%tc.kept == 0 {
					return 0
				}
				return 1
			}
			write := func(o Options, round int) {
				t.Helper()
				s, err := Open(dir, o)
				if err != nil {
					t.Fatal(err)
				}
				for b := 0; b < notes/500; b++ {
					var cs []Change
					for i := b * 500; i < (b+1)*500; i++ {
						if round > 0 && tc.kept > 0 && i%tc.kept == 0 {
							continue
						}
						n := note(fmt.Sprintf("n%04d", i), "Note")
						n.Body = body(i, round)
						cs = append(cs, Change{Note: n})
					}
					if _, _, err := s.Apply(cs); err != nil {
						t.Fatal(err)
					}
				}
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				// As at the end of `trouvaille ingest`; for live writes, as
				// the tree's own compactions do over time.
				if err := Flatten(dir, Options{MinFree: -1}); err != nil {
					t.Fatal(err)
				}
			}
			write(bulk, 0)
			// Each note's record is over 1 KB compressed: in the value log,
			// the tree holds keys and pointers.
			vlog0, sst0 := size("*.vlog"), size("*.sst")
			if vlog0 < notes*1000 || sst0 > notes*300 {
				t.Fatalf("after a bulk load: value log %d bytes, tree %d bytes; want the notes in the value log", vlog0, sst0)
			}
			write(tc.update, 1)
			sst1 := size("*.sst")
			s, err := Open(dir, live)
			if err != nil {
				t.Fatal(err)
			}
			n, err := s.CollectGarbage(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil { // the value log's head file is cut to size on closing
				t.Fatal(err)
			}
			if vlog := size("*.vlog"); n == 0 || float64(vlog) > tc.maxVlog*float64(vlog0) {
				t.Fatalf("CollectGarbage rewrote %d files: value log %d → %d bytes", n, vlog0, vlog)
			}
			// The collection's rewrites reach the tree's tables at the next
			// settling (here) or as the tree compacts.
			if err := Flatten(dir, Options{MinFree: -1}); err != nil {
				t.Fatal(err)
			}
			sst := size("*.sst")
			if (sst >= notes*1000) != tc.inTree {
				t.Fatalf("after the collection: tree %d bytes; want every note in it: %v", sst, tc.inTree)
			}
			if tc.kept > 0 && sst-sst1 < notes/int64(tc.kept)*1000 {
				t.Fatalf("the collection moved %d bytes into the tree; want the %d notes not updated", sst-sst1, notes/tc.kept)
			}
			if s, err = Open(dir, live); err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ids := []string{"n0000", "n0001", "n1999", "n3999"}
			got, err := s.GetMany(ids)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				i, _ := strconv.Atoi(id[1:])
				if n := got[id]; n == nil || n.Body != body(i, version(i)) {
					t.Errorf("%s after the collection: not its newest version", id)
				}
			}
		})
	}
}

// incompressibleBody is the body of note i in its version round: 300 words
// zstd cannot shrink much (hexadecimal xorshift values).
func incompressibleBody(i, round int) string {
	var b strings.Builder
	for j := 0; j < 300; j++ {
		x := uint32(i*7919 + j*104729 + round*15485863)
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		fmt.Fprintf(&b, "%x ", x)
	}
	return b.String()
}

// incompressibleNotes returns notes n<lo> to n<hi-1> (five digits), titled
// "Note <i>", with bodies zstd cannot shrink much.
func incompressibleNotes(lo, hi int) []Change {
	var cs []Change
	for i := lo; i < hi; i++ {
		n := note(fmt.Sprintf("n%05d", i), fmt.Sprintf("Note %d", i))
		n.Body = incompressibleBody(i, 0)
		cs = append(cs, Change{Note: n})
	}
	return cs
}

// filesSize sums the sizes of the files of dir that match glob.
func filesSize(dir, glob string) int64 {
	var n int64
	files, _ := filepath.Glob(filepath.Join(dir, glob))
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			n += st.Size()
		}
	}
	return n
}
