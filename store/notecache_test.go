package store

import (
	"testing"
)

// A note read once is served from the cache; a write or a deletion of it
// is seen by the next read, never the cached copy.
func TestGetManyAfterWrites(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	put := func(title string) {
		t.Helper()
		if _, _, err := s.Apply([]Change{{Note: &Note{ID: "a", Type: "note", Title: title, Visibility: "public"}}}); err != nil {
			t.Fatal(err)
		}
	}
	title := func() string {
		t.Helper()
		got, err := s.GetMany([]string{"a", "absente"})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := got["absente"]; ok {
			t.Fatal("an unknown id was returned")
		}
		if n := got["a"]; n != nil {
			return n.Title
		}
		return ""
	}
	put("Logement")
	for range 2 { // the second read comes from the cache
		if got := title(); got != "Logement" {
			t.Fatalf("title %q, want Logement", got)
		}
	}
	put("Logement social")
	if got := title(); got != "Logement social" {
		t.Fatalf("after an update: title %q, want « Logement social » (stale cached copy)", got)
	}
	if _, _, err := s.Apply([]Change{{Delete: "a"}}); err != nil {
		t.Fatal(err)
	}
	if got := title(); got != "" {
		t.Fatalf("after a deletion: still found %q", got)
	}
}

// A reader that read before a write ended must not cache what it read.
func TestNoteCacheSkipsReadsOlderThanAWrite(t *testing.T) {
	c := newNoteCache(8)
	out := map[string]*Note{}
	missing, epoch := c.lookup([]string{"a"}, out)
	if len(missing) != 1 {
		t.Fatalf("missing %v", missing)
	}
	old := map[string]*Note{"a": {ID: "a", Title: "ancienne"}}
	c.forget([]string{"a"}) // a write of a ends while the reader reads
	c.add(epoch, old, missing)
	if missing, _ := c.lookup([]string{"a"}, map[string]*Note{}); len(missing) != 1 {
		t.Fatal("the copy read before the write was cached")
	}
	_, epoch = c.lookup([]string{"a"}, out)
	c.add(epoch, map[string]*Note{"a": {ID: "a", Title: "nouvelle"}}, []string{"a"})
	got := map[string]*Note{}
	if missing, _ := c.lookup([]string{"a"}, got); len(missing) != 0 || got["a"].Title != "nouvelle" {
		t.Fatalf("a read with no write in between was not cached: %v %v", missing, got)
	}
}
