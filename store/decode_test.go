package store

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// decodeNote (goccy/go-json, pooled buffers) reads back exactly what
// encoding/json reads from the same records: the demo corpus and notes
// with every field, escapes and non-Latin text.
func TestDecodeNoteMatchesEncodingJSON(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var changes []Change
	f, err := os.Open("../testdata/demo/notes.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var n Note
		if err := json.Unmarshal(sc.Bytes(), &n); err != nil {
			t.Fatal(err)
		}
		changes = append(changes, Change{Note: &n})
	}
	when := time.Date(2024, 5, 2, 13, 4, 5, 6, time.FixedZone("EDT", -4*3600))
	for i := range 40 {
		changes = append(changes, Change{Note: &Note{
			ID: fmt.Sprintf("full-%02d", i), Type: "note", Visibility: "private",
			Title:   "L’économie « sociale » \"citée\" \\ participant·es 🚀 " + strings.Repeat("é", i),
			Summary: "Ligne 1\nLigne 2\t<b>&</b> \u2028 \u00a0",
			Body:    strings.Repeat("Un long texte de note, assez long pour être compressé. ", 10*i+1),
			Authors: []string{"Émilie Tremblay", "Jean Gagnon"}, Curator: "Zoé",
			Organisations: []string{"TIESS"}, Terms: []string{"économie sociale"},
			Carnets:   []Carnet{{Title: "Carnet A", Bloc: "Bloc 1"}, {Title: "Carnet B"}},
			Community: "praxis", Links: []string{"https://example.org/a?b=c&d"},
			PublishedAt: &when, UpdatedAt: &when, URL: "https://example.org/n",
			Readers: []string{"u1", "u2"},
		}})
	}
	if _, _, err := s.Apply(changes); err != nil {
		t.Fatal(err)
	}
	checked := 0
	err = s.db.View(func(txn *badger.Txn) error {
		for _, c := range changes {
			item, err := txn.Get(noteKey(c.ID()))
			if err != nil {
				return err
			}
			err = item.Value(func(v []byte) error {
				_, _, body, err := decodeRecord(v)
				if err != nil {
					return err
				}
				js, err := s.noteJSON(body, c.ID(), nil)
				if err != nil {
					return err
				}
				var want, got Note
				if err := json.Unmarshal(js, &want); err != nil {
					return err
				}
				for range 2 { // the second time with a buffer from the pool
					got = Note{}
					if err := s.decodeNote(body, c.ID(), &got); err != nil {
						return err
					}
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: decodeNote gives\n%+v\nencoding/json gives\n%+v", c.ID(), got, want)
				}
				checked++
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 300 {
		t.Fatalf("%d notes checked", checked)
	}
}

// BenchmarkDecodeNote reads a stored note's record into a Note: the part
// of a search's page that decodes the notes it shows.
func BenchmarkDecodeNote(b *testing.B) {
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	n := &Note{ID: "n", Type: "note", Visibility: "public", Title: "L’économie sociale au Québec",
		Summary: "Un résumé de deux phrases. Il parle des organismes.",
		Body:    strings.Repeat("Les participant·es ont parlé du financement des organismes communautaires. ", 40),
		Authors: []string{"Émilie Tremblay"}, Organisations: []string{"TIESS", "Moisson"},
		Terms: []string{"économie sociale"}, Carnets: []Carnet{{Title: "Carnet A", Bloc: "Bloc 1"}}}
	if _, _, err := s.Apply([]Change{{Note: n}}); err != nil {
		b.Fatal(err)
	}
	body := rawBody(b, s, "n")
	for _, c := range []struct {
		name      string
		unmarshal func([]byte, *Note) error
	}{
		{"go-json", unmarshalNote},
		{"encoding-json", func(js []byte, n *Note) error { return json.Unmarshal(js, n) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			defer func(u func([]byte, *Note) error) { unmarshalNote = u }(unmarshalNote)
			unmarshalNote = c.unmarshal
			b.ReportAllocs()
			for b.Loop() {
				var got Note
				if err := s.decodeNote(body, "n", &got); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
