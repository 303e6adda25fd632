package store

import (
	"errors"
	"testing"
	"time"
)

// Keys survive a reopen, list in id order, are replaced by PutKey and go
// with DeleteKey; notes do not see them (Count, Changes).
func TestKeysPersist(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	a := &Key{ID: "a1", Name: "Site A", Secret: "trv_a1_x", Filters: map[string][]string{"carnet": {"C"}}, Origins: []string{"https://a.org"}, Visibility: "public", RatePerMinute: 60, ExpiresAt: &exp}
	b := &Key{ID: "b2", Name: "Site B", Secret: "trv_b2_y", Visibility: "community"}
	for _, k := range []*Key{b, a} {
		if err := s.PutKey(k); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := s.Count(); n != 0 {
		t.Fatalf("Count = %d with keys only", n)
	}
	s.Close()
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ks, err := s.Keys()
	if err != nil || len(ks) != 2 || ks[0].ID != "a1" || ks[1].ID != "b2" {
		t.Fatalf("Keys = %v, %v", ks, err)
	}
	got, err := s.Key("a1")
	if err != nil || got.Secret != "trv_a1_x" || got.Filters["carnet"][0] != "C" || !got.ExpiresAt.Equal(exp) {
		t.Fatalf("Key = %+v, %v", got, err)
	}
	if !got.Expired(exp) || got.Expired(exp.Add(-time.Second)) {
		t.Fatal("Expired is wrong at the boundary")
	}
	if err := s.DeleteKey("a1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Key("a1"); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("deleted key: %v", err)
	}
	if err := s.DeleteKey("a1"); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}
