package ingest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/encommun/trouvaille/store"
)

// The field table and store.Note's JSON name the same fields, in the same
// order: Export writes store.Note as JSON, Decode reads the table.
func TestFieldTableMatchesNoteJSON(t *testing.T) {
	ts := time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)
	full := &store.Note{ID: "a", Type: "note", Title: "t", Summary: "s", Body: "b", Authors: []string{"x"},
		Curator: "c", Organisations: []string{"o"}, Terms: []string{"t"}, Carnets: []store.Carnet{{Title: "c"}},
		Community: "q", Links: []string{"l"}, PublishedAt: &ts, UpdatedAt: &ts, Visibility: "public", URL: "https://e.org", Readers: []string{"u1"}}
	js, err := json.Marshal(full)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.Token()
	var keys []string
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	want := fieldNames()
	want = want[:len(want)-1] // "deleted" is not part of a note
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("store.Note JSON keys %v\nfield table          %v", keys, want)
	}
}
