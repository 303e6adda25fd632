package discover

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

// snapOf encodes recs as a whole saved-view file.
func snapOf(t testing.TB, words []string, recs []snapRec) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(snapMagic)
	s := &snapFile{Version: snapVersion, StoreSeq: 7, Words: words, n: len(recs),
		chunk: func(lo, hi int) []snapRec { return recs[lo:hi] }}
	if err := encodeSnap(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A saved view is read back as written, and no damage to the file makes its
// reader panic or hand over a word id past the file's table: it is refused
// (and the view rebuilt from the store).
func FuzzReadSnap(f *testing.F) {
	words := []string{"logement", "social", "coop", "quartier"}
	recs := []snapRec{
		{ID: "a1", Title: "Logement social", Type: "note", Authors: []string{"Line"}, Words: []uint32{0, 1}},
		{ID: "b2", Title: "Coop", Type: "terme", Orgs: []string{"TIESS"}, Words: []uint32{2}},
		{ID: "c3", Title: "Vide", Type: "note"},
		{ID: "d4", Title: "Quartier", Type: "note", Terms: []string{"logement"}, Words: []uint32{0, 3}},
	}
	good := snapOf(f, words, recs)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(good[:len(snapMagic)+3])
	f.Add([]byte(snapMagic + "\xff\xff\xff\xff\x7f"))
	damaged := bytes.Clone(good)
	damaged[len(damaged)-5] ^= 0x5a
	f.Add(damaged)
	f.Fuzz(func(t *testing.T, data []byte) {
		var mu sync.Mutex
		var got []snapRec
		var table int
		h, err := readSnap(bytes.NewReader(data), func(h *snapHeader) error { table = len(h.Words); return nil },
			func(c []snapRec) error {
				mu.Lock()
				defer mu.Unlock()
				got = append(got, c...)
				return nil
			})
		if err != nil {
			return
		}
		for _, r := range got {
			for i, w := range r.Words {
				if int(w) >= table || i > 0 && w <= r.Words[i-1] {
					t.Fatalf("note %s: words %v accepted with a table of %d", r.ID, r.Words, table)
				}
			}
		}
		if bytes.Equal(data, good) && (h.StoreSeq != 7 || len(got) != len(recs) || len(h.Words) != len(words)) {
			t.Fatalf("the file as written read back as %d notes, %d words, sequence %d", len(got), len(h.Words), h.StoreSeq)
		}
	})
}

// The chunks, encoded side by side, are written in order: the file is the
// one written chunk after chunk.
func TestSnapChunksInOrder(t *testing.T) {
	defer func(n int) { snapChunk = n }(snapChunk)
	snapChunk = 3
	words := []string{"logement", "social", "coop", "quartier"}
	var recs []snapRec
	for i := range 40 {
		recs = append(recs, snapRec{ID: fmt.Sprintf("n%02d", i), Title: fmt.Sprintf("Note %d", i), Type: "note", Words: []uint32{uint32(i % 4)}})
	}
	got := snapOf(t, words, recs)
	var want bytes.Buffer
	want.WriteString(snapMagic)
	chunks := (len(recs) + snapChunk - 1) / snapChunk
	if err := writeFrame(&want, &snapHeader{Version: snapVersion, StoreSeq: 7, Words: words, Chunks: chunks}); err != nil {
		t.Fatal(err)
	}
	for i := range chunks {
		part, _ := gapWords(recs[i*snapChunk:min(len(recs), (i+1)*snapChunk)], nil)
		if err := writeFrame(&want, &part); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("the file differs from the one written chunk after chunk (%d bytes against %d)", len(got), want.Len())
	}
}
