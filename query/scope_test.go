package query

import (
	"testing"

	"github.com/encommun/trouvaille/schema"
	"github.com/encommun/trouvaille/store"
)

// Every filter of schema.Dimensions has its note values in NoteValues: a
// key or token filter on a new dimension must not silently match nothing.
func TestNoteValuesCoversDimensions(t *testing.T) {
	n := &store.Note{ID: "a", Type: "note", Title: "t", Authors: []string{"x"}, Organisations: []string{"o"},
		Carnets: []store.Carnet{{Title: "c", Bloc: "b"}}, Terms: []string{"t"}, Community: "q", Visibility: "public"}
	for _, d := range schema.Dimensions {
		if len(NoteValues(n, d.Filter)) == 0 {
			t.Errorf("NoteValues(%s) is empty", d.Filter)
		}
	}
}

func TestScopeAllows(t *testing.T) {
	pub := &store.Note{ID: "p", Type: "note", Visibility: "public", Carnets: []store.Carnet{{Title: "A"}}}
	com := &store.Note{ID: "c", Type: "note", Visibility: "community", Community: "Q"}
	priv := &store.Note{ID: "v", Type: "note", Visibility: "private", Readers: []string{"u1"}}
	odd := &store.Note{ID: "o", Type: "note", Visibility: "secret"}
	for _, tc := range []struct {
		name string
		s    Scope
		want [4]bool // pub, com, priv, odd
	}{
		{"zero scope", Scope{}, [4]bool{true, false, false, false}},
		{"admin", Scope{Admin: true}, [4]bool{true, true, true, true}},
		{"communities without the level", Scope{Communities: []string{"Q"}, User: "u1"}, [4]bool{true, false, false, false}},
		{"community level", Scope{Level: LevelCommunity, Communities: []string{"Q"}, User: "u1"}, [4]bool{true, true, false, false}},
		{"private level", Scope{Level: LevelPrivate, User: "u1"}, [4]bool{true, false, true, false}},
		{"private level, other user", Scope{Level: LevelPrivate, User: "u2"}, [4]bool{true, false, false, false}},
		{"filter", Scope{Admin: true, Filters: []map[string][]string{{"carnet": {"A"}}}}, [4]bool{true, false, false, false}},
		{"filters ANDed", Scope{Filters: []map[string][]string{{"carnet": {"A"}}, {"carnet": {"B"}}}}, [4]bool{false, false, false, false}},
	} {
		for i, n := range []*store.Note{pub, com, priv, odd} {
			if got := tc.s.Allows(n); got != tc.want[i] {
				t.Errorf("%s: Allows(%s) = %v", tc.name, n.ID, got)
			}
		}
	}
	if (Scope{}).Allows(nil) {
		t.Error("Allows(nil)")
	}
}

// A key's bloc beside its carnet is the bloc in that carnet: the note whose
// bloc is in its other carnet is not in the scope, by id (Allows) as in
// the search (the review found Allows reading them apart).
func TestScopeAllowsBlocOfItsCarnet(t *testing.T) {
	both := &store.Note{ID: "n1", Type: "note", Visibility: "public", Carnets: []store.Carnet{{Title: "A", Bloc: "Bloc 1"}, {Title: "B", Bloc: "Bloc 3"}}}
	inA := &store.Note{ID: "n2", Type: "note", Visibility: "public", Carnets: []store.Carnet{{Title: "A", Bloc: "Bloc 3"}}}
	for _, tc := range []struct {
		set  map[string][]string
		want [2]bool
	}{
		{map[string][]string{"carnet": {"A"}, "bloc": {"Bloc 3"}}, [2]bool{false, true}},
		{map[string][]string{"carnet": {"A"}, "bloc": {"Bloc 1"}}, [2]bool{true, false}},
		{map[string][]string{"carnet": {"A", "B"}, "bloc": {"Bloc 3"}}, [2]bool{true, true}},
		{map[string][]string{"bloc": {"Bloc 3"}}, [2]bool{true, true}},
		{map[string][]string{"carnet": {"A"}}, [2]bool{true, true}},
	} {
		s := Scope{Filters: []map[string][]string{tc.set}}
		for i, n := range []*store.Note{both, inA} {
			if got := s.Allows(n); got != tc.want[i] {
				t.Errorf("%v: Allows(%s) = %v, want %v", tc.set, n.ID, got, tc.want[i])
			}
		}
	}
}
