package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"
)

// testSamples are a few French sentences, each twice.
func testSamples() [][]byte {
	var samples [][]byte
	for _, s := range []string{
		`{"id":"x","title":"L’économie sociale au Québec","body":"Les participant·es parlent de financement et de logement."}`,
		`{"title":"Mobiliser les communautés","body":"Le financement des organismes communautaires; logement social, participant·es."}`,
	} {
		samples = append(samples, []byte(s), []byte(s))
	}
	return samples
}

// testTable trains a table on testSamples.
func testTable(t testing.TB) *wordTable {
	t.Helper()
	return newWordTable(trainWords(testSamples()))
}

func TestWordCodeRoundTrip(t *testing.T) {
	tab := testTable(t)
	for _, tc := range []struct {
		name, js, id string
		shorter      bool // the coded form is shorter than the JSON
	}{
		{"empty", ``, "n1", false},
		{"no word of the table", `{"a":1,"b":[2,3]}`, "n1", false},
		{"words of the table", `{"title":"Mobiliser les communautés","body":"financement et logement"}`, "n1", true},
		{"id and url", `{"id":"5wbgSV3xIYcscfngtI9siyBuwXH","url":"https://praxis.encommun.io/n/5wbgSV3xIYcscfngtI9siyBuwXH/"}`, "5wbgSV3xIYcscfngtI9siyBuwXH", true},
		{"id made of a table's word", `{"id":"logement","body":"logement et logements, financement logement"}`, "logement", true},
		{"id inside a word", `{"id":"ment","x":"financement"}`, "ment", true},
		{"id inside a word, no word of the table", `{"id":"ment","x":"gouvernement"}`, "ment", true},
		{"short id left alone", `{"id":"ab","x":"ab abc"}`, "ab", false},
		{"words side by side, one space", `"financement logement communautés"`, "n1", true},
		{"two spaces, a tab, a newline kept", "\"financement  logement\tcommunautés\nfinancement\"", "n1", true},
		{"word at both ends", `financement logement`, "n1", true},
		{"word as a prefix of another", `financements logementsocial financemen`, "n1", false},
		{"inclusive writing and apostrophes", `"participant·es de l’économie, l'économie sociale"`, "n1", true},
		{"emoji and other scripts", `"🏘️ financement 日本語 logement ✨ Ελληνικά"`, "n1", true},
		{"capitals are other words", `"Financement FINANCEMENT financement"`, "n1", true},
		{"escapes", `"financement\n\"logement\"\\u00e9"`, "n1", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			coded, _, ok := tab.encode(nil, nil, []byte(tc.js), tc.id)
			if !ok {
				t.Fatalf("valid UTF-8 refused")
			}
			got, err := tab.decode(nil, coded, tc.id)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.js {
				t.Fatalf("round trip:\n got %q\nwant %q\ncoded %q", got, tc.js, coded)
			}
			if tc.shorter != (len(coded) < len(tc.js)) {
				t.Errorf("coded %d bytes from %d (shorter: want %v): %q", len(coded), len(tc.js), tc.shorter, coded)
			}
		})
	}
}

// TestWordCodeSpaceless: one space between two coded words is implied,
// any other separator is kept.
func TestWordCodeSpaceless(t *testing.T) {
	tab := testTable(t)
	c1, _, _ := tab.encode(nil, nil, []byte("financement logement"), "")
	c2, _, _ := tab.encode(nil, nil, []byte("financement  logement"), "")
	if len(c1) != 4 || bytes.IndexByte(c1, ' ') >= 0 {
		t.Errorf("one space: coded %q, want two codes side by side", c1)
	}
	if !bytes.Contains(c2, []byte("  ")) {
		t.Errorf("two spaces: coded %q, want both kept", c2)
	}
	// A word not in the table between two coded words keeps its spaces.
	c3, _, _ := tab.encode(nil, nil, []byte("financement zzz logement"), "")
	if !bytes.Contains(c3, []byte(" zzz ")) {
		t.Errorf("coded %q", c3)
	}
}

// Invalid UTF-8 could hold the code bytes: such a note is not coded.
func TestWordCodeRefusesInvalidUTF8(t *testing.T) {
	tab := testTable(t)
	for _, js := range []string{"financement \xc1", "\xff", "logement \xf5\x01"} {
		if out, _, ok := tab.encode([]byte("prefix"), nil, []byte(js), "n1"); ok || string(out) != "prefix" {
			t.Errorf("%q: coded (ok %v, out %q)", js, ok, out)
		}
	}
}

func TestDecodeRefusesBadCodes(t *testing.T) {
	tab := testTable(t)
	for _, src := range []string{
		"\xc0",           // long code cut short
		"\xc0\x00",       // long code cut short
		"\xf5",           // short code cut short
		"\xff",           // never written
		"ab\xfe\xff",     // a code past the table
		"\xc0\xff\xff",   // a long code past the table
		"ok \xf6\x00 ok", // past a table of fewer than 512 words
	} {
		if _, err := tab.decode(nil, []byte(src), "n1"); err == nil {
			t.Errorf("%q decoded", src)
		}
	}
}

// TestTrainWords: words seen twice, of three bytes or more, the most bytes
// saved first; the same samples give the same table; long tables take
// three-byte codes and still round-trip.
func TestTrainWords(t *testing.T) {
	samples := [][]byte{
		[]byte("aaaaaaaa bbbb bbbb bbbb cc cc cc cc dd unique"),
		[]byte("aaaaaaaa bbbb éééé éééé"),
	}
	words := trainWords(samples)
	var got []string
	for _, w := range words {
		got = append(got, string(w))
	}
	// aaaaaaaa: 2×6 = 12; éééé (8 bytes): 2×6 = 12; bbbb: 4×2 = 8.
	if want := "aaaaaaaa éééé bbbb"; strings.Join(got, " ") != want {
		t.Fatalf("trainWords = %q, want %q", got, want)
	}
	for range 3 {
		again := trainWords(samples)
		if !bytes.Equal(marshalWords(again), marshalWords(words)) {
			t.Fatal("the same samples gave another table")
		}
	}
	// 3,000 words, each twice: past the two-byte codes.
	var big []byte
	for i := range 3000 {
		w := fmt.Sprintf("mot%c%c%c ", 'a'+i/676%26, 'a'+i/26%26, 'a'+i%26)
		big = append(big, w...)
	}
	tab := newWordTable(trainWords([][]byte{big, big}))
	if tab.size() <= shortCodes {
		t.Fatalf("%d words, want more than %d", tab.size(), shortCodes)
	}
	coded, _, _ := tab.encode(nil, nil, big, "")
	if bytes.IndexByte(coded, codeLong) < 0 {
		t.Fatal("no three-byte code used")
	}
	if back, err := tab.decode(nil, coded, ""); err != nil || !bytes.Equal(back, big) {
		t.Fatalf("round trip with three-byte codes: %v", err)
	}
}

func TestUnmarshalWords(t *testing.T) {
	tab := testTable(t)
	words := trainWords(testSamples())
	back, err := unmarshalWords(marshalWords(words))
	if err != nil || back.size() != tab.size() {
		t.Fatalf("round trip: %v", err)
	}
	tooMany := bytes.Repeat([]byte("mot\n"), maxWords+1)
	for name, b := range map[string][]byte{
		"a word too short": []byte("logement\nab"),
		"an empty word":    []byte("logement\n\nfinancement"),
		"invalid UTF-8":    []byte("logement\n\xffab"),
		"too many words":   tooMany[:len(tooMany)-1],
	} {
		if _, err := unmarshalWords(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzWordCode: every valid UTF-8 text round-trips, whatever its id; any
// bytes decode without panicking.
func FuzzWordCode(f *testing.F) {
	tab := testTable(f)
	f.Add([]byte(`{"id":"n1","body":"financement logement"}`), "n1")
	f.Add([]byte("financement  logement\xc1"), "logement")
	f.Add([]byte("\xf5\x00\xc0\x00\x00\xc1"), "")
	f.Fuzz(func(t *testing.T, js []byte, id string) {
		if _, err := tab.decode(nil, js, id); err == nil && utf8.Valid(js) {
			// Valid UTF-8 has no code bytes: decoding copies it.
			if out, _ := tab.decode(nil, js, id); !bytes.Equal(out, js) {
				t.Fatalf("decode changed plain text %q into %q", js, out)
			}
		}
		coded, _, ok := tab.encode(nil, nil, js, id)
		if ok != utf8.Valid(js) {
			t.Fatalf("encode ok = %v for valid = %v", ok, utf8.Valid(js))
		}
		if !ok {
			return
		}
		back, err := tab.decode(nil, coded, id)
		if err != nil || !bytes.Equal(back, js) {
			t.Fatalf("round trip of %q (id %q): %q, %v", js, id, back, err)
		}
	})
}

// rawRecord returns note id's record as stored.
func rawRecord(tb testing.TB, s *Store, id string) []byte {
	tb.Helper()
	var rec []byte
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(noteKey(id))
		if err != nil {
			return err
		}
		rec, err = item.ValueCopy(nil)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return rec
}

// rawBody returns the body of note id's record as stored.
func rawBody(tb testing.TB, s *Store, id string) []byte {
	tb.Helper()
	_, _, body, err := decodeRecord(rawRecord(tb, s, id))
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// reopen closes s and opens the store in dir again.
func reopen(t *testing.T, s *Store, dir string) *Store {
	t.Helper()
	s.Close()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestWordCodedRecords: once a large batch has trained the dictionary and
// the word table, notes are stored coded, smaller than without the table,
// and read back the same after a restart; a store whose dictionary has no
// table (trained before tables existed) keeps storing notes without one.
func TestWordCodedRecords(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(i int) *Note {
		id := fmt.Sprintf("n%05dXyZ", i)
		n := note(id, fmt.Sprintf("Note %d sur l’économie sociale et le logement", i))
		var b strings.Builder
		words := []string{"participant·es", "organismes", "financement", "logement", "communautaire", "Québec", "l’expérience", "mobilisation", "alimentaire", "coopérative", "quartier", "solidarité"}
		for k := range 120 {
			b.WriteString(words[(i*7+k*k)%len(words)])
			b.WriteString([]string{" ", " ", ", ", ". "}[(i+k)%4])
		}
		n.Body = b.String()
		n.URL = "https://praxis.encommun.io/n/" + id + "/"
		n.Authors = []string{"Émilie Tremblay", fmt.Sprintf("Auteur %d", i%31)}
		return n
	}
	var batch []Change
	for i := range 1200 {
		batch = append(batch, Change{Note: mk(i)})
	}
	if _, _, err := s.Apply(batch); err != nil {
		t.Fatal(err)
	}
	s.training.Wait()
	if s.words == nil {
		t.Fatal("no word table trained on a 1200-note batch")
	}
	var later []Change
	for i := 2000; i < 2050; i++ {
		later = append(later, Change{Note: mk(i)})
	}
	if _, _, err := s.Apply(later); err != nil {
		t.Fatal(err)
	}
	coded := rawBody(t, s, mk(2000).ID)
	if coded[0] != codecWords {
		t.Fatalf("record body starts with %#x, want %#x (coded)", coded[0], codecWords)
	}
	// The same note without the table: larger.
	js, _ := json.Marshal(mk(2000))
	plain := s.enc.EncodeAll(js, nil)
	if len(coded) >= len(plain) {
		t.Errorf("coded record %d bytes, %d without the table", len(coded), len(plain))
	}
	check := func(s *Store, ids ...int) {
		t.Helper()
		for _, i := range ids {
			n, err := s.Get(mk(i).ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := mk(i); n.Body != want.Body || n.URL != want.URL || n.ID != want.ID || n.Title != want.Title {
				t.Fatalf("note %d read back differs:\n%+v\n%+v", i, n, want)
			}
		}
	}
	check(s, 0, 999, 1199, 2000, 2049)
	// A coded note written with the frame's magic number kept (the build
	// 77d46d7 did so for five minutes on 2026-12-05; this build read none
	// of its notes, and a store of them served 503 for good): read too.
	tid, n := binary.Uvarint(coded[1:])
	if n <= 0 || tid == 0 {
		t.Fatalf("coded body without its table id: %q", coded[:8])
	}
	withMagic := append(append(append([]byte{}, coded[:1+n]...), zstdMagic...), coded[1+n:]...)
	want, err := s.noteJSON(coded, mk(2000).ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.noteJSON(withMagic, mk(2000).ID, nil); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("a coded note with its magic number: %v\n%q\nwant %q", err, got, want)
	}

	// Restart: the table is read back with the dictionary.
	s = reopen(t, s, dir)
	check(s, 0, 999, 1199, 2000, 2049)
	// A store trained before word tables: its dictionary alone.
	err = s.db.Update(func(txn *badger.Txn) error { return txn.Delete(idKey(prefixWords, 1)) })
	if err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s, dir)
	defer s.Close()
	if s.words != nil || s.dictID != 1 {
		t.Fatalf("words %v, dictionary %d", s.words != nil, s.dictID)
	}
	if _, _, err := s.Apply([]Change{{Note: mk(3000)}}); err != nil {
		t.Fatal(err)
	}
	if b := rawBody(t, s, mk(3000).ID); b[0] != codecZstd {
		t.Fatalf("record body starts with %#x, want %#x", b[0], codecZstd)
	}
	check(s, 3000)
	if _, err := s.Get(mk(2000).ID); err == nil {
		t.Fatal("a coded note read without its table")
	}
}

// TestRecordLayouts: records of the first layout (seq on 8 bytes, the whole
// SHA-256) still read back and still tell an unchanged note from a changed
// one; new records take the current layout; short or damaged headers are
// refused.
func TestRecordLayouts(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n := note("ancienne", "Une note écrite avant 2026-12-05")
	hash, js, err := Hash(n)
	if err != nil {
		t.Fatal(err)
	}
	old := append(encodeSeq(7), hash[:]...)
	old = append(old, codecZstd)
	old = s.enc.EncodeAll(js, old)
	err = s.db.Update(func(txn *badger.Txn) error {
		if err := txn.Set(noteKey(n.ID), old); err != nil {
			return err
		}
		return txn.Set(seqKey(7), []byte(n.ID))
	})
	if err != nil {
		t.Fatal(err)
	}
	s.lastSeq = 7
	if got, err := s.Get(n.ID); err != nil || got.Title != n.Title {
		t.Fatalf("old record read back: %v, %v", got, err)
	}
	if out, _, err := s.Apply([]Change{{Note: n}}); err != nil || out[0] != Unchanged {
		t.Fatalf("the same note against its old record: %v, %v", out, err)
	}
	changed := *n
	changed.Title = "Une note changée"
	if out, seqs, err := s.Apply([]Change{{Note: &changed}}); err != nil || out[0] != Updated || seqs[0] != 8 {
		t.Fatalf("a changed note against its old record: %v %v, %v", out, seqs, err)
	}
	rec := rawRecord(t, s, n.ID)
	seq, h, body, err := decodeRecord(rec)
	if err != nil || rec[0] != recordV2 || seq != 8 || len(h) != recordHashLen || body[0] != codecZstd {
		t.Fatalf("new record %x…: seq %d, hash %d bytes, %v", rec[:4], seq, len(h), err)
	}
	if out, _, err := s.Apply([]Change{{Note: &changed}}); err != nil || out[0] != Unchanged {
		t.Fatalf("the same note against its new record: %v, %v", out, err)
	}
	if got, err := s.Get(n.ID); err != nil || got.Title != changed.Title {
		t.Fatalf("new record read back: %v, %v", got, err)
	}
	for _, bad := range [][]byte{nil, {recordV2}, {recordV2, 0x08}, append([]byte{recordV2, 0x08}, make([]byte, 16)...), {recordV2, 0xff, 0xff}, make([]byte, 40)} {
		if _, _, _, err := decodeRecord(bad); err == nil {
			t.Errorf("record %x accepted", bad)
		}
	}
}

// demoJSON returns the demo corpus's notes as the store marshals them.
func demoJSON(tb testing.TB) ([][]byte, []string) {
	tb.Helper()
	raw, err := os.ReadFile("../testdata/demo/notes.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	var out [][]byte
	var ids []string
	for _, line := range bytes.Split(raw, []byte{'\n'}) {
		var n Note
		if len(line) == 0 || json.Unmarshal(line, &n) != nil {
			continue
		}
		js, err := json.Marshal(&n)
		if err != nil {
			tb.Fatal(err)
		}
		out, ids = append(out, js), append(ids, n.ID)
	}
	return out, ids
}

// BenchmarkWordCode codes and decodes the demo corpus's notes with a table
// trained on them: the store's part of every note written and read.
func BenchmarkWordCode(b *testing.B) {
	notes, ids := demoJSON(b)
	tab := newWordTable(trainWords(notes))
	var coded [][]byte
	size := 0
	for i, js := range notes {
		c, _, _ := tab.encode(nil, nil, js, ids[i])
		coded = append(coded, c)
		size += len(js)
	}
	b.Run("encode", func(b *testing.B) {
		b.SetBytes(int64(size / len(notes)))
		var dst, scratch []byte
		for i := 0; b.Loop(); i++ {
			k := i % len(notes)
			dst, scratch, _ = tab.encode(dst[:0], scratch, notes[k], ids[k])
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(size / len(notes)))
		var dst []byte
		for i := 0; b.Loop(); i++ {
			k := i % len(notes)
			var err error
			if dst, err = tab.decode(dst[:0], coded[k], ids[k]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
