package index

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	bdoc "github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/numeric"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// The date filter gives the same notes sorted by title (Bleve with
// publishedRange) as by relevance and by date (the columns), equal to the
// notes' own dates, over many segments with updates and deletions, notes
// without a date, and notes indexed as before 2026-12-03 (Bleve's date
// field, sixteen terms) beside those indexed now (one term).
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
		if batch%3 == 1 {
			applyWithBleveDates(t, ix, entries)
		} else if err := ix.Apply(entries); err != nil {
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

// applyWithBleveDates indexes entries as indexes written before 2026-12-03
// hold them: the date as Bleve's date field, at sixteen precisions.
func applyWithBleveDates(t *testing.T, ix *Index, entries []store.Entry) {
	t.Helper()
	b := ix.bi.NewBatch()
	for _, e := range entries {
		if e.Note == nil {
			b.Delete(e.ID)
			continue
		}
		d := document(e.Note, nil)
		for i, f := range d.Fields {
			if f.Name() == fPublished {
				old, err := bdoc.NewDateTimeFieldWithIndexingOptions(fPublished, nil, e.Note.PublishedAt.UTC().Truncate(time.Second), time.RFC3339, bindex.IndexField|bindex.DocValues)
				if err != nil {
					t.Fatal(err)
				}
				d.Fields[i] = old
			}
		}
		if err := b.IndexAdvanced(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.bi.Batch(b); err != nil {
		t.Fatal(err)
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
	if len(terms) != 1 || numeric.PrefixCoded(terms[0]) == nil {
		t.Fatalf("published terms %q, want one", terms)
	}
	if got, err := numeric.PrefixCoded(terms[0]).Int64(); err != nil || got != want {
		t.Errorf("term = %d %v, want %d", got, err, want)
	}
	var col []int64
	for _, c := range v.cols {
		col = append(col, c.published...)
	}
	if !slices.Contains(col, want) {
		t.Errorf("date column %v, want %d", col, want)
	}
}
