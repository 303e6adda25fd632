package discover

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// A record gives back what it was made of, words sorted and distinct.
func TestNoteRecRoundTrip(t *testing.T) {
	in := newInterner()
	lists := [recLists][]string{{"Émilie Tremblay", "Émilie Tremblay"}, nil, {"Économie sociale", "Logement"}, {"Carnet d’été"}}
	r := in.rec("n1", "Logement coopératif à Rimouski", "note", lists, nil, "L’épicerie solidaire du logement")
	var f recFields
	f.decode(r)
	names, words := in.nameTable(), in.wordTable()
	if f.id != "n1" || f.title != "Logement coopératif à Rimouski" || names[f.typ] != "note" {
		t.Fatalf("decoded %q %q %q", f.id, f.title, names[f.typ])
	}
	for k, l := range lists {
		var got []string
		for _, id := range f.lists[k] {
			got = append(got, names[id])
		}
		if !slices.Equal(got, l) {
			t.Errorf("list %d: %q, want %q", k, got, l)
		}
	}
	var got []string
	for _, id := range f.words {
		got = append(got, words[id])
	}
	if !slices.IsSorted(f.words) || len(slices.Compact(slices.Clone(f.words))) != len(f.words) {
		t.Errorf("words not sorted and distinct: %v", f.words)
	}
	// Title, summary, terms, carnets (not authors); "logement" once.
	for _, w := range []string{"logement", "coopératif", "rimouski", "épicerie", "solidaire", "sociale", "économie", "carnet"} {
		if !slices.Contains(got, w) {
			t.Errorf("word %q missing from %q", w, got)
		}
	}
	if slices.Contains(got, "tremblay") {
		t.Errorf("an author's word among the note's words: %q", got)
	}
	// Words given (a record read back from the file) are kept as a set.
	r2 := in.rec("n2", "", "", [recLists][]string{}, []uint32{300, 2, 70000, 2, 0}, "")
	f.decode(r2)
	if !slices.Equal(f.words, []uint32{0, 2, 300, 70000}) || f.title != "" || f.id != "n2" {
		t.Errorf("given words: %v, title %q", f.words, f.title)
	}
	if r2.id() != "n2" || r.title() != "Logement coopératif à Rimouski" {
		t.Errorf("id %q, title %q", r2.id(), r.title())
	}
}

// The record store answers as a map through any mix of writes, removals
// and compactions, and its sorted slice is never written in place.
func TestRecStore(t *testing.T) {
	defer func(n int) { compactAbove = n }(compactAbove)
	compactAbove = 8
	rng := rand.New(rand.NewSource(3))
	s := &recStore{}
	model := map[string]noteRec{}
	var kept [][]noteRec // slices handed out, and a copy of them
	var copies [][]noteRec
	for i := 0; i < 20000; i++ {
		id := fmt.Sprintf("n%03d", rng.Intn(600))
		switch rng.Intn(10) {
		case 0, 1, 2:
			s.remove(id)
			delete(model, id)
		case 3:
			got := s.sorted()
			kept = append(kept, got)
			copies = append(copies, slices.Clone(got))
		default:
			r, _ := packRec(nil, id, fmt.Sprint("titre ", i), 1, [recLists][]uint32{}, []uint32{uint32(i)})
			s.set(r)
			model[id] = r
		}
		if s.len() != len(model) {
			t.Fatalf("step %d: %d records, want %d", i, s.len(), len(model))
		}
		if s.has(id) != (model[id] != "") {
			t.Fatalf("step %d: has(%s) = %v", i, id, s.has(id))
		}
	}
	got := s.sorted()
	if len(got) != len(model) || !slices.IsSortedFunc(got, byID) {
		t.Fatalf("sorted: %d records, want %d, sorted %v", len(got), len(model), slices.IsSortedFunc(got, byID))
	}
	for _, r := range got {
		if model[r.id()] != r {
			t.Errorf("%s: %q, want %q", r.id(), r, model[r.id()])
		}
	}
	for i := range kept {
		if !slices.Equal(kept[i], copies[i]) {
			t.Fatalf("a sorted slice handed out was written to")
		}
	}
	// Read back from a file: any order, duplicates dropped.
	var all []noteRec
	for _, r := range got {
		all = append(all, r, r)
	}
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	if s2 := newRecStore(all); s2.len() != len(got) || !slices.Equal(s2.sorted(), got) {
		t.Errorf("newRecStore: %d records, want %d", s2.len(), len(got))
	}
}

func byID(a, b noteRec) int { return strings.Compare(a.id(), b.id()) }

// A view that followed the changes batch by batch, rebuilt between them,
// answers as one built once from the same changes.
func TestViewFollowsChanges(t *testing.T) {
	defer func(n int) { compactAbove = n }(compactAbove)
	compactAbove = 16
	entries := generatedNotes(3000)
	_, _, ix := openStoreIndex(t)
	once := New(ix, emptyLog{})
	defer once.Close()
	once.Observe(0, uint64(len(entries)), entries)
	steps := New(ix, emptyLog{})
	defer steps.Close()
	for at := 0; at < len(entries); at += 250 {
		end := min(len(entries), at+250)
		steps.Observe(uint64(at), uint64(end), entries[at:end])
		steps.mu.Lock()
		steps.indexSeq = ^uint64(0) // the index moved: build again
		steps.mu.Unlock()
		if _, err := steps.view(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := steps.builds.Load(); n < 12 {
		t.Fatalf("%d builds, want one a batch", n)
	}
	queries := digestQueries(entries)
	if got, want := viewDigest(t, steps, queries), viewDigest(t, once, queries); got != want {
		t.Errorf("view followed the changes: digest %s, built once: %s", got, want)
	}
	if steps.built.notes != once.built.notes || steps.recs.len() != once.recs.len() {
		t.Errorf("%d notes, want %d", steps.built.notes, once.built.notes)
	}
}
