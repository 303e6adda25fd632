package index

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

func TestCompactOptions(t *testing.T) {
	const single = int64(1 << 30) // mergeplan.SingleSegmentMergePlanOptions
	cases := []struct {
		docs     uint64
		parts    int
		minPart  int
		wantSize int64
	}{
		{0, 2, 20_000, single},
		{338, 2, 20_000, single},
		{30_000, 2, 20_000, single},         // 15k a part: one segment
		{40_000, 2, 20_000, 30_000},         // 20k a part
		{100_000, 2, 20_000, 75_000},        // two segments of 37.5k to 75k
		{1_000_000, 2, 20_000, 750_000},     //
		{1_000_000, 8, 20_000, 187_500},     // more cores, more segments
		{100_000, 1, 20_000, single},        // one core: one segment
		{100_000, 0, 20_000, single},        // no count: one segment
		{100_000, 16, 20_000, single},       // 6.25k a part: too small
		{10_000_000, 2, 20_000, 7_500_000},  //
		{100_000, 2, 1, 75_000},             //
		{3, 4, 1, single},                   // 0 a part
		{100_001, 2, 50_000, int64(75_000)}, // 50,000 a part (integer division)
	}
	for _, c := range cases {
		o := compactOptions(c.docs, c.parts, c.minPart)
		if o.MaxSegmentSize != c.wantSize {
			t.Errorf("compactOptions(%d, %d, %d).MaxSegmentSize = %d, want %d", c.docs, c.parts, c.minPart, o.MaxSegmentSize, c.wantSize)
		}
		if o.MaxSegmentsPerTier != 1 || o.FloorSegmentSize < o.MaxSegmentSize {
			t.Errorf("compactOptions(%d, %d, %d) = %+v: want one segment per tier and every segment on the floor tier", c.docs, c.parts, c.minPart, o)
		}
	}
}

// Compact leaves one segment where batches left many, every search finds
// the same notes in the same order, and a reopened index has the same
// totals and facets.
func TestCompactKeepsResults(t *testing.T) {
	// Bleve's merger left to itself merges the batches' segments as they
	// come: here its policy merges none, so that Compact has work left.
	testMergePolicy = map[string]any{"MaxSegmentsPerTier": 1 << 20}
	t.Cleanup(func() { testMergePolicy = nil })
	dir := t.TempDir() + "/index"
	ix, err := Open(dir, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	open := true
	t.Cleanup(func() {
		if open {
			ix.Close()
		}
	})
	m := memNotes{}
	words := []string{"jardin", "potager", "serre", "économie", "sociale", "logement", "coopérative", "quartier"}
	seq := uint64(0)
	for b := range 30 {
		var entries []store.Entry
		for i := range 20 {
			n := b*20 + i
			note := &store.Note{
				ID: fmt.Sprintf("n%03d", n), Type: "note", Visibility: "public",
				Title: fmt.Sprintf("%s %s numéro %d%s", words[n%8], words[(n/8)%8], n, strings.Repeat(" bis", n/8)),
				// Every body a length of its own, and titles of a word's
				// notes too: no two notes tie, so the order does not hang
				// on how the segments are laid out.
				Body:          fmt.Sprintf("Le %s du %s, avec %s et %s.%s", words[(n*3)%8], words[(n*5)%8], words[n%7], words[(n/3)%8], strings.Repeat(" texte", n)),
				Organisations: []string{fmt.Sprintf("Org %d", n%5)},
			}
			if n%9 == 0 {
				note.Visibility = "private"
			}
			m[note.ID] = note
			seq++
			entries = append(entries, store.Entry{Seq: seq, ID: note.ID, Note: note})
		}
		if err := ix.Apply(entries); err != nil {
			t.Fatal(err)
		}
	}
	requests := []query.Request{
		{Q: "jardin"},
		{Q: "jardin potager serre"},
		{Q: `"économie sociale"`},
		{Q: "logement -quartier"},
		{Q: "coopé"},
		{Q: "jardni sociale"},
		{Q: "", Sort: "-published_at"},
		{Q: "serre", Page: 3, PerPage: 5},
		{Q: "potager", Filters: map[string][]string{"organisation": {"Org 2"}}},
	}
	search := func(ix *Index) []*Result {
		var out []*Result
		for _, r := range requests {
			if err := r.Normalize(); err != nil {
				t.Fatal(err)
			}
			res, err := ix.Search(context.Background(), r, m)
			if err != nil {
				t.Fatalf("%q: %v", r.Q, err)
			}
			res.TookMS = 0
			out = append(out, res)
		}
		return out
	}
	before := search(ix)
	// Usually several segments here (2 to 6 on an idle host), but Bleve's
	// persister merges the batches it finds in memory, and on a loaded host
	// it found all 30 at once (one segment, seen in CI): not asserted.
	// TestIngestCompactsIndex sees the files a load leaves without Compact.
	n, _ := ix.Segments()
	t.Logf("%d segment(s) before Compact", n)
	if err := ix.Compact(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Segments(); n != 1 {
		t.Fatalf("%d segments after Compact, want 1", n)
	}
	compare := func(when string, got []*Result) {
		t.Helper()
		for i := range requests {
			if !reflect.DeepEqual(before[i], got[i]) {
				t.Errorf("%s, %q: results differ\nbefore: total %d %v\nafter:  total %d %v", when, requests[i].Q, before[i].Total, ids(before[i]), got[i].Total, ids(got[i]))
			}
		}
	}
	compare("after Compact", search(ix))
	open = false
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if ix, err = Open(dir, t.Logf); err != nil {
		t.Fatal(err)
	}
	open = true
	if n, _ := ix.Segments(); n != 1 {
		t.Fatalf("%d segments after reopening, want 1", n)
	}
	if got := ix.LastSeq(); got != seq {
		t.Fatalf("last sequence %d after reopening, want %d", got, seq)
	}
	// After a reopen, only what does not hang on ties: the deleted
	// documents a merge dropped no longer count in the scores' note count,
	// and notes of equal rank come in the order of the reopened snapshot.
	for i, got := range search(ix) {
		if got.Total != before[i].Total || !reflect.DeepEqual(got.Facets, before[i].Facets) {
			t.Errorf("after reopening, %q: total %d, facets %v; want %d, %v", requests[i].Q, got.Total, got.Facets, before[i].Total, before[i].Facets)
		}
	}
}
