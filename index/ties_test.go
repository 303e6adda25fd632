package index

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// Notes tied on everything the order looks at (dates given to the day, as
// Praxis gives them; the same text, so the same score) come in the order of
// their ids, whatever the order they were written in and however the
// segments were merged: page after page, none repeated, none skipped.
func TestTiesOrderedByID(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	ix, err := Open(t.TempDir()+"/ix", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	days := []time.Time{
		time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC),
		time.Date(2023, 11, 20, 0, 0, 0, 0, time.UTC),
		time.Date(2022, 1, 5, 0, 0, 0, 0, time.UTC),
	}
	live := memNotes{}
	ids := rng.Perm(90)
	seq := uint64(0)
	for batch := 0; batch < 6; batch++ {
		var entries []store.Entry
		for _, k := range ids[batch*15 : (batch+1)*15] {
			seq++
			id := fmt.Sprintf("note-%03d", k)
			n := &store.Note{ID: id, Type: "note", Title: "Logement communautaire", Visibility: "public"}
			if k%10 != 0 { // some without a date
				d := days[k%len(days)]
				n.PublishedAt = &d
			}
			live[id] = n
			entries = append(entries, store.Entry{Seq: seq, ID: id, Note: n})
		}
		if err := ix.Apply(entries); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(snapshotView(t, ix).segs); n < 2 {
		t.Fatalf("%d segment(s), want several", n)
	}
	notes := make([]*store.Note, 0, len(live))
	for _, n := range live {
		notes = append(notes, n)
	}
	byID := func(a, b *store.Note) int {
		if a.ID < b.ID {
			return -1
		}
		return 1
	}
	date := func(n *store.Note) int64 {
		if n.PublishedAt == nil {
			return noDate
		}
		return n.PublishedAt.UnixNano()
	}
	orders := map[string]func(a, b *store.Note) int{
		// Relevance: the same score; newest first, then the id.
		"relevance": func(a, b *store.Note) int {
			if date(a) != date(b) {
				return cmpInt(date(a) < date(b))
			}
			return byID(a, b)
		},
		"-published_at": func(a, b *store.Note) int {
			if date(a) != date(b) {
				return cmpInt(date(a) < date(b))
			}
			return byID(a, b)
		},
		"published_at": func(a, b *store.Note) int {
			switch {
			case date(a) == date(b):
				return byID(a, b)
			case date(a) == noDate:
				return 1
			case date(b) == noDate:
				return -1
			}
			return cmpInt(date(a) > date(b))
		},
	}
	check := func(when string) {
		for order, less := range orders {
			slices.SortFunc(notes, less)
			var want []string
			for _, n := range notes {
				want = append(want, n.ID)
			}
			for _, q := range []string{"", "logement"} {
				var got []string
				for page := 1; page <= 9; page++ {
					r := query.Request{Q: q, Sort: order, Page: page, PerPage: 10}
					if err := r.Normalize(); err != nil {
						t.Fatal(err)
					}
					res, err := ix.Search(context.Background(), r, live)
					if err != nil {
						t.Fatal(err)
					}
					for _, h := range res.Hits {
						got = append(got, h.ID)
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s, q=%q, %s:\n got %v\nwant %v", when, q, order, got, want)
				}
			}
		}
	}
	check("segments as written")
	if err := ix.Compact(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	check("compacted")
}
