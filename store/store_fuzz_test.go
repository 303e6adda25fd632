package store

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzStoreRoundTrip writes notes of arbitrary text into a store whose word
// table and dictionary are trained (real Badger), updates and deletes them,
// and reads every change back: each note as written, byte for byte, an
// unchanged note reported so, a deleted one gone, and the notes the input
// does not touch as they were.
//
//	go test ./store -run - -fuzz FuzzStoreRoundTrip -fuzztime 60s
func FuzzStoreRoundTrip(f *testing.F) {
	for _, s := range [][4]string{
		{"Économie sociale et logement", "", "Les participant·es de l’atelier.", "Émilie Tremblay"},
		{"financement communautaire", "En bref : le financement", "financement financement communautaire organismes", ""},
		{"", "", "", ""},
		{"logementlogement", "\u00a0", "a  b\t\nc", "x"},
		{"Québec", "mobilisation,", "« citation » — l’expérience d’aujourd’hui", "Auteur 3"},
		{"\x00\x01", "\u2028", "\ufffd\U0001F600 emoji 🙂", "é"},
	} {
		for _, id := range []uint8{0, 7} {
			f.Add(id, s[0], s[1], s[2], s[3], false)
		}
		f.Add(uint8(7), s[0], s[1], s[2], s[3], true)
	}
	s, err := Open(f.TempDir(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	var batch []Change
	for i := range 1200 {
		batch = append(batch, Change{Note: trainingNote(i)})
	}
	if _, _, err := s.Apply(batch); err != nil {
		f.Fatal(err)
	}
	s.training.Wait()
	if s.words == nil {
		f.Fatal("no word table trained")
	}
	// What the store holds of the ids the fuzzer writes (nil: none).
	model := map[string]*Note{}
	f.Fuzz(func(t *testing.T, id uint8, title, summary, body, author string, del bool) {
		for _, x := range []string{title, summary, body, author} {
			if !utf8.ValidString(x) {
				return // the ingest refuses it before the store
			}
		}
		nid := fmt.Sprintf("fz%02dAbC", id%24)
		var ch Change
		want := &Note{ID: nid, Type: TypeNote, Title: title, Summary: summary, Body: body, Visibility: VisibilityPublic, URL: "https://praxis.encommun.io/n/" + nid}
		if author != "" {
			want.Authors = strings.Split(author, ",")
		}
		if del {
			ch, want = Change{Delete: nid}, nil
		} else {
			ch = Change{Note: want}
		}
		out, _, err := s.Apply([]Change{ch})
		if err != nil {
			t.Fatalf("%s: %v", nid, err)
		}
		before := model[nid]
		switch {
		case del && before == nil, !del && before != nil && reflect.DeepEqual(before, want):
			if out[0] != Unchanged {
				t.Fatalf("%s: %v, want unchanged", nid, out[0])
			}
		case del && out[0] != Deleted, !del && before == nil && out[0] != Added, !del && before != nil && out[0] != Updated:
			t.Fatalf("%s: %v (stored before: %v, deletion: %v)", nid, out[0], before != nil, del)
		}
		model[nid] = want
		// The note written, and the others as they were.
		for k, n := range model {
			got, err := s.Get(k)
			if n == nil {
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("%s deleted, read back: %v %v", k, got, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", k, err)
			}
			if !reflect.DeepEqual(got, n) {
				t.Fatalf("%s read back\n %#v\nwritten\n %#v", k, got, n)
			}
		}
	})
}

// trainingNote is one of the notes of the batch that trains a store's
// word table and dictionary.
func trainingNote(i int) *Note {
	id := fmt.Sprintf("t%05dQ", i)
	n := note(id, fmt.Sprintf("Note %d sur l’économie sociale et le logement", i))
	words := []string{"participant·es", "organismes", "financement", "logement", "communautaire", "Québec", "l’expérience", "mobilisation"}
	var b strings.Builder
	for k := range 80 {
		b.WriteString(words[(i*5+k*k)%len(words)])
		b.WriteString([]string{" ", " ", ", ", ". "}[(i+k)%4])
	}
	n.Body = b.String()
	n.Authors = []string{"Émilie Tremblay", fmt.Sprintf("Auteur %d", i%29)}
	return n
}
