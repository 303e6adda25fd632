package discover

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/encommun/trouvaille/index"
	"github.com/encommun/trouvaille/oplog"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// countingLog counts the change-log entries a discovery view reads.
type countingLog struct {
	*store.Store
	mu   sync.Mutex
	read int
}

func (c *countingLog) Changes(after uint64, fn func(store.Entry) error) error {
	return c.Store.Changes(after, func(e store.Entry) error {
		c.mu.Lock()
		c.read++
		c.mu.Unlock()
		return fn(e)
	})
}

func (c *countingLog) reads() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.read
}

// logLines collects what a Discovery logs, each line after its level.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) at(level string) func(string, ...any) {
	return func(format string, args ...any) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.lines = append(l.lines, level+" "+fmt.Sprintf(format, args...))
	}
}

func (l *logLines) logger() oplog.Logger {
	return oplog.Logger{Info: l.at("INFO"), Warn: l.at("WARN"), Error: l.at("ERROR")}
}

func (l *logLines) has(s string) bool { return l.hasAt("", s) }

// hasAt reports whether a line of the level ("": any) holds s.
func (l *logLines) hasAt(level, s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.lines {
		if strings.HasPrefix(line, level) && strings.Contains(line, s) {
			return true
		}
	}
	return false
}

// The saved view starts a discovery that reads only the changes made after
// the save, answers as one built from the whole change log, follows the
// changes made since (a note turned private leaves its completions), and a
// file that cannot be trusted is ignored, never used.
func TestPersistedView(t *testing.T) {
	defer func(n int) { snapChunk = n }(snapChunk)
	snapChunk = 7 // several chunks, decoded at once
	dir, st, ix := openStoreIndex(t)
	apply := func(notes ...*store.Note) { applyNotes(t, st, ix, notes...) }
	var notes []*store.Note
	for i := range 40 {
		notes = append(notes, &store.Note{ID: fmt.Sprintf("n%02d", i), Type: "note", Title: fmt.Sprintf("Logement coopératif numéro %d", i),
			Summary: "Épicerie solidaire", Visibility: "public", Organisations: []string{"TIESS"}, Authors: []string{"Émilie Tremblay"}, Terms: []string{"Économie sociale"}})
	}
	notes = append(notes, testNotes...)
	apply(notes...)
	path := filepath.Join(dir, "decouverte.vue")
	open := func() (*Discovery, *countingLog, *logLines) {
		log := &countingLog{Store: st}
		lines := &logLines{}
		d := New(ix, log)
		d.Persist(path, st.LastSeq, lines.logger())
		return d, log, lines
	}
	answers := func(d *Discovery) string {
		t.Helper()
		var out []string
		for _, q := range []string{"loge", "econ", "epicer", "emil", "tie", "confid", "secur", "logemnt"} {
			s, err := d.Suggest(context.Background(), query.Scope{}, q, 10)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s: %+v", q, s.Groups))
			res, err := searchWithSuggestion(d, query.Request{Q: q + "x"})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%+v", res.Suggestion))
		}
		return strings.Join(out, "\n")
	}
	// A reference built from the change log, never saved.
	ref := New(ix, st)
	want := answers(ref)
	ref.Close()

	d, log, _ := open()
	if got := answers(d); got != want {
		t.Fatalf("first view:\n%s\nwant\n%s", got, want)
	}
	if log.reads() != len(notes) {
		t.Errorf("first view read %d changes, want %d", log.reads(), len(notes))
	}
	d.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no file after Close: %v", err)
	}

	// Changes after the save: one note turned private, one new.
	secret := *notes[3]
	secret.Visibility = "private"
	secret.Title = "Zanzibar confidentiel"
	apply(&secret, &store.Note{ID: "neuf", Type: "note", Title: "Jardin partagé", Visibility: "public"})
	ref = New(ix, st)
	want = answers(ref)
	ref.Close()
	if !strings.Contains(answersFor(t, ix, st, "jard"), "Jardin") {
		t.Fatal("the reference does not see the new note")
	}
	d, log, lines := open()
	if got := answers(d); got != want {
		t.Fatalf("view read back:\n%s\nwant\n%s", got, want)
	}
	if log.reads() != 2 {
		t.Errorf("view read back read %d changes, want the 2 made after the save", log.reads())
	}
	if !lines.hasAt("INFO", "vue de découverte lue") {
		t.Errorf("the file was not read: %v", lines.lines)
	}
	if s := answersFor(t, ix, st, "zanzi"); strings.Contains(s, "Zanzibar") {
		t.Errorf("a private note's title is proposed: %s", s)
	}
	d.Close()

	// Files that cannot be trusted: each ignored, with a warning saying
	// so, and the view rebuilt from the whole change log. A file of another
	// format (written before an upgrade) is ignored as well, routinely.
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rewritten := func(version int, storeSeq uint64) []byte {
		var mu sync.Mutex
		var recs []snapRec
		h, err := readSnap(bytes.NewReader(good), func(*snapHeader) error { return nil }, func(c []snapRec) error {
			mu.Lock()
			defer mu.Unlock()
			recs = append(recs, c...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		s := &snapFile{Version: version, Words: h.Words, StoreSeq: storeSeq,
			n: len(recs), chunk: func(lo, hi int) []snapRec { return recs[lo:hi] }}
		var b bytes.Buffer
		b.WriteString(snapMagic)
		if err := encodeSnap(&b, s); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	all := 0 // the change log keeps one entry per note: the update of n03 replaced its first
	if err := st.Changes(0, func(store.Entry) error { all++; return nil }); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"truncated":   good[:len(good)/2],
		"garbage":     []byte("n’importe quoi"),
		"empty":       nil,
		"other magic": append([]byte("TROUVAILLE-AUTRE\n"), good[len(snapMagic):]...),
		"ahead":       rewritten(snapVersion, st.LastSeq()+5),
		"next format": rewritten(snapVersion+1, st.LastSeq()),
	} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		d, log, lines := open()
		if got := answers(d); got != want {
			t.Errorf("%s file: answers differ:\n%s\nwant\n%s", name, got, want)
		}
		if log.reads() != all {
			t.Errorf("%s file: read %d changes, want all %d", name, log.reads(), all)
		}
		level := "WARN"
		if name == "next format" {
			level = "INFO"
		}
		if !lines.hasAt(level, "ignorée") {
			t.Errorf("%s file: no %s line says it was ignored: %v", name, level, lines.lines)
		}
		d.Close()
	}
}

// answersFor returns the title completions of q from a fresh discovery
// built from the change log.
func answersFor(t *testing.T, ix *index.Index, st *store.Store, q string) string {
	t.Helper()
	d := New(ix, st)
	defer d.Close()
	s, err := d.Suggest(context.Background(), query.Scope{}, q, 10)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%+v", s.Groups)
}

// A bulk ingest hands each stored batch to the view (Observe): the view
// then reads nothing back from the store, answers as one built from the
// change log, and a batch that does not follow the view's last change is
// left to the change log.
func TestObserveBatches(t *testing.T) {
	dir, st, ix := openStoreIndex(t)
	log := &countingLog{Store: st}
	d := New(ix, log)
	d.Persist(filepath.Join(dir, "decouverte.vue"), st.LastSeq, oplog.To(t.Logf))
	defer d.Close()
	write := func(observe bool, notes ...*store.Note) {
		t.Helper()
		if from, entries := applyNotes(t, st, ix, notes...); observe {
			d.Observe(from, st.LastSeq(), entries)
		}
	}
	write(true, testNotes...)
	secret := *testNotes[0]
	secret.Visibility = "private"
	write(true, &secret, &store.Note{ID: "jar", Type: "note", Title: "Jardin partagé", Visibility: "public"})
	suggest := func(d *Discovery, q string) string {
		s, err := d.Suggest(context.Background(), query.Scope{}, q, 10)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%+v", s.Groups)
	}
	for _, q := range []string{"econ", "jard", "secu", "tie"} {
		if got, want := suggest(d, q), answersFor(t, ix, st, q); got != want {
			t.Errorf("%s: %s, want %s", q, got, want)
		}
	}
	if log.reads() != 0 {
		t.Errorf("the view read %d changes back from the store, want none", log.reads())
	}
	// A batch the view is not handed, then one it is: the second does not
	// follow the view's last change and is left to the change log.
	write(false, &store.Note{ID: "b1", Type: "note", Title: "Bibliothèque d’outils", Visibility: "public"})
	write(true, &store.Note{ID: "b2", Type: "note", Title: "Bicyclette solidaire", Visibility: "public"})
	if got, want := suggest(d, "bi"), answersFor(t, ix, st, "bi"); got != want || !strings.Contains(got, "Bibliothèque") || !strings.Contains(got, "Bicyclette") {
		t.Errorf("after a gap: %s, want %s", got, want)
	}
	if log.reads() != 2 {
		t.Errorf("after a gap the view read %d changes, want the 2 it was not handed in order", log.reads())
	}
}

// A saved note's words are written as gaps and read back as the same ids; a
// damaged file (an id past the table, a word twice) is refused.
func TestWordGaps(t *testing.T) {
	recs := []snapRec{{ID: "a", Words: []uint32{0, 3, 4, 300}}, {ID: "b"}, {ID: "c", Words: []uint32{7}}}
	gapped, _ := gapWords(recs, nil)
	if want := []uint32{0, 3, 1, 296}; !slices.Equal(gapped[0].Words, want) {
		t.Fatalf("gaps %v, want %v", gapped[0].Words, want)
	}
	if recs[0].Words[3] != 300 {
		t.Fatalf("gapWords changed its input: %v", recs[0].Words)
	}
	if err := ungapWords(gapped, 301); err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		if !slices.Equal(gapped[i].Words, recs[i].Words) {
			t.Errorf("%s: read back %v, written %v", recs[i].ID, gapped[i].Words, recs[i].Words)
		}
	}
	for name, c := range map[string]struct {
		words []uint32
		table int
	}{
		"past the table": {[]uint32{2, 5}, 7},
		"wraps around":   {[]uint32{1, 1<<32 - 1}, 10},
		"a word twice":   {[]uint32{2, 0}, 10},
	} {
		if err := ungapWords([]snapRec{{ID: "x", Words: c.words}}, c.table); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
