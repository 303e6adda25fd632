package index

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// The date filter gives the same notes sorted by title (Bleve with
// publishedRange) as by relevance and by date (the columns), equal to the
// notes' own dates, over many segments with updates and deletions, and
// notes without a date. (An index of an earlier date term, Bleve's sixteen
// until 2026-12-03, its nanoseconds prefix-coded until 2026-12-05, has an
// older mapping version: it is rebuilt when opened.)
func TestDateFilterEveryOrder(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	ix, err := Open(t.TempDir()+"/ix", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	live := memNotes{}
	seq := uint64(0)
	for batch := 0; batch < 10; batch++ {
		var entries []store.Entry
		for i := 0; i < 30; i++ {
			id := fmt.Sprintf("n%03d", rng.Intn(100))
			seq++
			if rng.Intn(8) == 0 {
				delete(live, id)
				entries = append(entries, store.Entry{Seq: seq, ID: id})
				continue
			}
			n := &store.Note{ID: id, Type: "note", Title: fmt.Sprintf("Logement %c %s", 'a'+rng.Intn(26), id), Visibility: "public"}
			if rng.Intn(6) != 0 {
				d := base.Add(time.Duration(rng.Intn(4*365*24)) * time.Hour).Add(time.Duration(rng.Intn(3600)) * time.Second)
				n.PublishedAt = &d
			}
			live[id] = n
			entries = append(entries, store.Entry{Seq: seq, ID: id, Note: n})
		}
		entries = lastEntries(entries)
		if err := ix.Apply(entries); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(snapshotView(t, ix).segs); n < 2 {
		t.Fatalf("%d segment(s), want several", n)
	}
	// Bounds on notes' own dates (inclusive after, exclusive before), and
	// others.
	var dates []time.Time
	for _, n := range live {
		if n.PublishedAt != nil {
			dates = append(dates, *n.PublishedAt)
		}
	}
	slices.SortFunc(dates, func(a, b time.Time) int { return a.Compare(b) })
	at := func(i int) *time.Time { d := dates[i]; return &d }
	cases := []struct{ after, before *time.Time }{
		{nil, nil},
		{at(10), nil},
		{nil, at(10)},
		{at(5), at(len(dates) / 2)},
		{at(7), at(8)},
		{day("2021-03-01"), day("2022-03-01")},
		{day("1500-01-01"), day("9999-12-31")},
		{day("2030-01-01"), nil},
	}
	for _, c := range cases {
		var want []*store.Note
		for _, n := range live {
			if (c.after == nil && c.before == nil) || n.PublishedAt != nil &&
				(c.after == nil || !n.PublishedAt.Before(*c.after)) && (c.before == nil || n.PublishedAt.Before(*c.before)) {
				want = append(want, n)
			}
		}
		slices.SortFunc(want, func(a, b *store.Note) int {
			if c := strings.Compare(analysis.Fold(a.Title), analysis.Fold(b.Title)); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		var wantIDs []string
		for _, n := range want {
			wantIDs = append(wantIDs, n.ID)
		}
		name := fmt.Sprintf("after %v before %v", c.after, c.before)
		for _, order := range []string{"title", "relevance", "-published_at", "published_at"} {
			// One page (at most 100 notes): the ties of two pages are broken
			// by the notes' numbers in the snapshot, which a merge between
			// the pages may change.
			r := query.Request{PublishedAfter: c.after, PublishedBefore: c.before, Sort: order, PerPage: 100}
			if err := r.Normalize(); err != nil {
				t.Fatal(err)
			}
			res, err := ix.Search(context.Background(), r, live)
			if err != nil {
				t.Fatalf("%s, %s: %v", name, order, err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if res.Total != uint64(len(wantIDs)) {
				t.Errorf("%s, %s: total %d, want %d", name, order, res.Total, len(wantIDs))
			}
			if order != "title" {
				slices.SortFunc(got, func(a, b string) int {
					return slices.Index(wantIDs, a) - slices.Index(wantIDs, b)
				})
			}
			if !slices.Equal(got, wantIDs) {
				t.Errorf("%s, %s:\n got %v\nwant %v", name, order, got, wantIDs)
			}
		}
	}
}

// A note's date is one term in the index, at the finest precision, and the
// date column reads it to the second.
func TestPublishedOneTerm(t *testing.T) {
	when := time.Date(2024, 5, 2, 13, 45, 12, 987654321, time.FixedZone("EDT", -4*3600))
	ix, _ := openTestIndex(t, []*store.Note{{ID: "a", Type: "note", Title: "Logement", Visibility: "public", PublishedAt: &when}})
	v := snapshotView(t, ix)
	var terms []string
	for _, s := range v.segs {
		dict, err := s.Segment().Dictionary(fPublished)
		if err != nil {
			t.Fatal(err)
		}
		ts, err := segmentTerms(dict)
		if err != nil {
			t.Fatal(err)
		}
		terms = append(terms, ts...)
	}
	want := when.UTC().Truncate(time.Second).UnixNano()
	if len(terms) != 1 || len(terms[0]) != 5 {
		t.Fatalf("published terms %q, want one of five bytes", terms)
	}
	if got, ok := dateOfTerm([]byte(terms[0])); !ok || got != want {
		t.Errorf("term = %d %v, want %d", got, ok, want)
	}
	var col []int64
	for _, c := range v.cols {
		col = append(col, c.published...)
	}
	if !slices.Contains(col, want) {
		t.Errorf("date column %v, want %d", col, want)
	}
}

// Date terms sort as their dates, never hold the byte that separates doc
// values, and read back to the second over the whole range ingest accepts;
// other terms are refused.
func TestDateTerm(t *testing.T) {
	dates := []time.Time{store.MinDate(), time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC), time.Unix(0, 0).UTC(),
		time.Date(2024, 5, 2, 13, 45, 12, 0, time.UTC), time.Date(2024, 5, 2, 13, 45, 13, 0, time.UTC),
		time.Date(2199, 6, 30, 12, 0, 0, 0, time.UTC), store.MaxDate().Truncate(time.Second)}
	rng := rand.New(rand.NewSource(3))
	span := store.MaxDate().Unix() - store.MinDate().Unix()
	for range 500 {
		dates = append(dates, time.Unix(store.MinDate().Unix()+rng.Int63n(span), 0).UTC())
	}
	for i, d := range dates {
		term := dateTerm(d)
		if len(term) != 5 || bytes.IndexByte(term, 0xff) >= 0 {
			t.Fatalf("%v: term %x", d, term)
		}
		if got, ok := dateOfTerm(term); !ok || got != d.UnixNano() {
			t.Fatalf("%v: read back %v %v", d, time.Unix(0, got).UTC(), ok)
		}
		for _, e := range dates[:i] {
			if (bytes.Compare(dateTerm(e), term) < 0) != e.Before(d) && !e.Equal(d) {
				t.Fatalf("%v and %v: terms out of order", e, d)
			}
		}
	}
	for _, bad := range [][]byte{nil, {1, 2, 3, 4}, {1, 2, 3, 4, 5, 6}, {0x80, 0, 0, 0, 0}, {0x7f, 0x7f, 0x7f, 0x7f, 0x7f}} {
		if _, ok := dateOfTerm(bad); ok {
			t.Errorf("term %x read as a date", bad)
		}
	}
}
