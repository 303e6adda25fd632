package analytics_test

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/encommun/trouvaille/analytics"
	"github.com/encommun/trouvaille/store"
)

// clock is an injected clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func open(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "store"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func keys(t *testing.T, st *store.Store) []string {
	t.Helper()
	var out []string
	if err := st.ScanAnalytics("", "~", func(k string, n int64) error { out = append(out, k); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"  Économie   SOCIALE ":    "economie sociale",
		"economie sociale":         "economie sociale",
		"L’OBNL\tà Trois-Rivières": "l'obnl a trois-rivieres",
		"":                         "",
		"   ":                      "",
	} {
		if got := analytics.Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
	long := analytics.Normalize(strings.Repeat("é", 300))
	if len(long) > analytics.MaxQueryBytes || !strings.HasPrefix(long, "eee") {
		t.Errorf("long query: %d bytes", len(long))
	}
}

// TestReport: top queries list only those seen at least 3 times in a day;
// every search counts in the totals; click-through by position.
func TestReport(t *testing.T) {
	st := open(t)
	c := &clock{time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)}
	r := analytics.New(st, analytics.Options{Now: c.now, Location: time.UTC})
	for _, q := range []string{"Économie sociale", "economie  sociale", "ECONOMIE SOCIALE", "logement", "logement"} {
		r.Search(q, 12)
	}
	for i := 0; i < 3; i++ {
		r.Search("subvention vélo", 0)
	}
	r.Search("nom de famille rare", 0)
	r.Search("", 40) // browsing: not a search
	if err := r.Click(1); err != nil {
		t.Fatal(err)
	}
	r.Click(1)
	r.Click(3)
	if err := r.Click(0); err == nil {
		t.Error("position 0 accepted")
	}
	// The next day: "logement" twice more does not make it listed (per day).
	c.t = c.t.AddDate(0, 0, 1)
	r.Search("logement", 3)
	r.Search("logement", 3)
	day, _ := r.ParseDay("2026-03-10")
	rep, err := r.Report(day, day.AddDate(0, 0, 1), 10)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Searches != 11 || rep.ZeroResults != 4 || rep.Clicks != 3 || len(rep.Days) != 2 || rep.Days[0].Searches != 9 || rep.Days[1].Searches != 2 {
		t.Errorf("totals: %+v", rep)
	}
	if len(rep.TopQueries) != 2 || rep.TopQueries[0] != (analytics.QueryCount{Query: "economie sociale", Count: 3}) || rep.TopQueries[1].Query != "subvention velo" {
		t.Errorf("top queries: %+v", rep.TopQueries)
	}
	if len(rep.TopZeroResults) != 1 || rep.TopZeroResults[0].Query != "subvention velo" {
		t.Errorf("top zero results: %+v", rep.TopZeroResults)
	}
	if len(rep.ClickThrough) != 2 || rep.ClickThrough[0].Position != 1 || rep.ClickThrough[0].Clicks != 2 || rep.ClickThrough[1].Position != 3 {
		t.Errorf("click-through: %+v", rep.ClickThrough)
	}
	if want := 2.0 / 7.0; rep.ClickThrough[0].Rate != want {
		t.Errorf("rate at 1: %v, want %v", rep.ClickThrough[0].Rate, want)
	}
	for _, k := range keys(t, st) {
		if strings.Contains(k, "rare") && !strings.HasPrefix(k, "2026-03-10") {
			t.Errorf("unexpected key %q", k)
		}
	}
}

// TestRetention: once a day is over, the counters of queries seen fewer
// than 3 times are erased (the totals stay); after 90 days everything of
// that day is erased.
func TestRetention(t *testing.T) {
	st := open(t)
	c := &clock{time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	r := analytics.New(st, analytics.Options{Now: c.now, Location: time.UTC})
	for i := 0; i < 3; i++ {
		r.Search("frequente", 1)
	}
	r.Search("nom propre rare", 1)
	r.Click(2)
	if _, err := r.Maintain(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(keys(t, st), " "); !strings.Contains(got, "rare") {
		t.Fatalf("today's rare query erased before the day is over: %s", got)
	}
	c.t = c.t.AddDate(0, 0, 1)
	n, err := r.Maintain()
	if err != nil || n != 1 {
		t.Fatalf("Maintain the next day: %d %v", n, err)
	}
	got := strings.Join(keys(t, st), " ")
	if strings.Contains(got, "rare") || !strings.Contains(got, "2026-01-01/q/frequente") || !strings.Contains(got, "2026-01-01/n") {
		t.Fatalf("after the day: %s", got)
	}
	day, _ := r.ParseDay("2026-01-01")
	rep, _ := r.Report(day, day, 10)
	if rep.Searches != 4 {
		t.Errorf("the rare query left the totals: %+v", rep)
	}
	c.t = time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC) // 90 days later
	if _, err := r.Maintain(); err != nil {
		t.Fatal(err)
	}
	if got := keys(t, st); len(got) != 3 {
		t.Fatalf("day 90 still kept: %v", got)
	}
	c.t = c.t.AddDate(0, 0, 1) // 91 days
	if _, err := r.Maintain(); err != nil {
		t.Fatal(err)
	}
	if got := keys(t, st); len(got) != 0 {
		t.Errorf("past the retention: %v", got)
	}
}

// TestNoteStoreUntouched: the analytics counters are not notes.
func TestNoteStoreUntouched(t *testing.T) {
	st := open(t)
	r := analytics.New(st, analytics.Options{})
	r.Search("quelque chose", 1)
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.Count(); n != 0 {
		t.Errorf("Count = %d", n)
	}
	if st.LastSeq() != 0 {
		t.Errorf("LastSeq = %d", st.LastSeq())
	}
}

// failing is a store that refuses every write (a full disk).
type failing struct{ *store.Store }

func (failing) AddAnalytics(map[string]int64) error { return store.ErrDiskFull }

// TestPendingBounded: while the store refuses writes, the counts wait in
// memory, bounded: past MaxPending distinct counters, searches still count
// in the totals; once the store takes writes again, nothing counted is lost.
func TestPendingBounded(t *testing.T) {
	st := open(t)
	f := &failing{st}
	c := &clock{time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)}
	var cur analytics.Store = f
	r := analytics.New(storeFunc{func() analytics.Store { return cur }}, analytics.Options{Now: c.now, Location: time.UTC})
	n := analytics.MaxPending + 1000
	for i := 0; i < n; i++ {
		r.Search("requete "+strings.Repeat("x", i%50)+string(rune('a'+i%26))+strconvItoa(i), 1)
	}
	if err := r.Flush(); err == nil {
		t.Fatal("Flush on a full disk succeeded")
	}
	cur = st
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	day, _ := r.ParseDay("2026-02-01")
	rep, err := r.Report(day, day, 1)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Searches != int64(n) {
		t.Errorf("searches %d, want %d", rep.Searches, n)
	}
	if k := len(keys(t, st)); k > analytics.MaxPending+2 {
		t.Errorf("%d counters kept, want at most %d", k, analytics.MaxPending+2)
	}
}

// storeFunc forwards to the store in force.
type storeFunc struct{ cur func() analytics.Store }

func (s storeFunc) AddAnalytics(d map[string]int64) error { return s.cur().AddAnalytics(d) }
func (s storeFunc) ScanAnalytics(from, to string, fn func(string, int64) error) error {
	return s.cur().ScanAnalytics(from, to, fn)
}
func (s storeFunc) DeleteAnalytics(k []string) error { return s.cur().DeleteAnalytics(k) }

func strconvItoa(i int) string { return strconv.Itoa(i) }
