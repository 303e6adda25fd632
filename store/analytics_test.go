package store

import (
	"bytes"
	"path/filepath"
	"testing"
)

// TestAnalyticsCounters: counters add up, scan by range, delete, are not
// notes (Count, LastSeq, Changes), and travel with a backup.
func TestAnalyticsCounters(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(filepath.Join(dir, "a"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < 2; i++ {
		if err := s.AddAnalytics(map[string]int64{"2026-01-01/n": 2, "2026-01-02/q/x": 1, "2026-01-03/n": 5}); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]int64{}
	scan := func(st *Store, from, to string) {
		t.Helper()
		clear(got)
		if err := st.ScanAnalytics(from, to, func(k string, n int64) error { got[k] = n; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	scan(s, "2026-01-01", "2026-01-03")
	if len(got) != 2 || got["2026-01-01/n"] != 4 || got["2026-01-02/q/x"] != 2 {
		t.Fatalf("scan: %v", got)
	}
	if n, _ := s.Count(); n != 0 || s.LastSeq() != 0 {
		t.Errorf("counters seen as notes: Count %d, LastSeq %d", n, s.LastSeq())
	}
	if err := s.Changes(0, func(e Entry) error { t.Errorf("change %v", e); return nil }); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := s.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	r, err := Restore(filepath.Join(dir, "b"), bytes.NewReader(buf.Bytes()), int64(buf.Len()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	scan(r, "", "~")
	if len(got) != 3 || got["2026-01-03/n"] != 10 {
		t.Errorf("after restore: %v", got)
	}
	if err := s.DeleteAnalytics([]string{"2026-01-01/n", "2026-01-02/q/x"}); err != nil {
		t.Fatal(err)
	}
	scan(s, "", "~")
	if len(got) != 1 {
		t.Errorf("after delete: %v", got)
	}
}
