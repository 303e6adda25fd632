package index

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/encommun/trouvaille/query"
)

// Every posting of every field of the demo index, as zap holds it, is what
// the note's text analysed again gives, in a document of that field alone:
// the same frequency and norm.
func TestTextPostingsMatchZap(t *testing.T) {
	ix, notes := openDemoIndex(t)
	v := snapshotView(t, ix)
	checked := 0
	for si, ss := range v.segs {
		seg := ss.Segment()
		// Each field from a document of that field alone (documentOf, as
		// the text scorer builds them): no field depends on another.
		type docField struct {
			local uint64
			field string
		}
		byDoc := map[docField]notePostings{}
		postingsOf := func(local uint64, field string) notePostings {
			np, ok := byDoc[docField{local, field}]
			if !ok {
				id, err := v.externalID(hitRef{seg: si, local: local})
				if err != nil {
					t.Fatal(err)
				}
				got, err := notes.GetMany([]string{id})
				if err != nil || got[id] == nil {
					t.Fatalf("note %s: %v", id, err)
				}
				only := map[string]bool{field: true}
				np = textPostings(documentOf(got[id], ix.marker.Load(), only), only)
				byDoc[docField{local, field}] = np
			}
			return np
		}
		fields := map[string]bool{}
		for _, f := range seg.Fields() {
			fields[f] = true
		}
		delete(fields, fPublished) // numeric terms, never scored
		delete(fields, "_id")
		delete(fields, fLens) // read into the length columns, checked below
		for field := range fields {
			dict, err := seg.Dictionary(field)
			if err != nil {
				t.Fatal(err)
			}
			it := dict.AutomatonIterator(nil, nil, nil)
			for e, err := it.Next(); err == nil && e != nil; e, err = it.Next() {
				pl, err := dict.PostingsList([]byte(e.Term), nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				pi := pl.Iterator(true, true, false, nil)
				for p, err := pi.Next(); err == nil && p != nil; p, err = pi.Next() {
					np := postingsOf(p.Number(), field)
					k := [2]string{field, e.Term}
					// The words as written have no frequencies, hence no norms;
					// the single occurrences of the fields of lengthFields
					// neither, their norms are in the length columns; the
					// others' norms are read as the scores read them.
					freq, norm := p.Frequency(), fieldNorm(p.Norm())
					if lf := lengthField(field); lf >= 0 {
						if freq == 1 {
							t.Fatalf("%s:%q note %d: a single occurrence indexed with its frequency", field, e.Term, p.Number())
						}
						if freq == 0 {
							freq, norm = 1, lengthNorm(v.cols[si].lens[lf], p.Number())
						}
						if got := lengthNorm(v.cols[si].lens[lf], p.Number()); got != np.norm(field) {
							t.Fatalf("%s note %d: length column gives %v, the text %v", field, p.Number(), got, np.norm(field))
						}
					}
					if np.freq[k] != freq || (field != fWords && np.norm(field) != norm) || (field == fWords && freq != 0) {
						t.Fatalf("%s:%q note %d: text gives %d, %v; zap %d, %v", field, e.Term, p.Number(), np.freq[k], np.norm(field), freq, norm)
					}
					checked++
				}
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d postings checked", checked)
	}
}

// Scores from the notes' text are the scores from the postings, to the bit,
// whole or pruned.
func TestTextScoresMatchPostings(t *testing.T) {
	defer func(v float64) { textNoteNs = v }(textNoteNs)
	textNoteNs = 0 // always from the text
	ix, notes := openDemoIndex(t)
	for _, q := range []string{"logement", "logement social", "financement communautaire", "cuisine collective quartier", "participation citoyenne", "numerique", "benevolat"} {
		plans, rk, hits := tieHits(t, ix, notes, q)
		want := slices.Clone(hits)
		if _, err := ix.scoreHits(context.Background(), plans, rk, nil, want, 0, len(want), "relevance"); err != nil {
			t.Fatal(err)
		}
		text := ix.textScorer(&execPlan{notes: notes}, snapshotView(t, ix))
		got := slices.Clone(hits)
		if _, err := ix.scoreHits(context.Background(), plans, rk, text, got, 0, len(got), "relevance"); err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if got[i].score != want[i].score || want[i].score == 0 {
				t.Fatalf("%q note %d: %v from the text, %v from the postings", q, want[i].global, got[i].score, want[i].score)
			}
		}
		slices.SortFunc(want, func(a, b hitRef) int { return compareHits(&a, &b, "relevance") })
		for _, shown := range []int{1, 3, 10} {
			page := slices.Clone(hits)
			if _, err := ix.scoreHits(context.Background(), plans, rk, text, page, 0, shown, "relevance"); err != nil {
				t.Fatal(err)
			}
			slices.SortFunc(page, func(a, b hitRef) int { return compareHits(&a, &b, "relevance") })
			for i := 0; i < shown && i < len(page); i++ {
				if page[i].global != want[i].global || page[i].score != want[i].score {
					t.Fatalf("%q shown %d: place %d is %d, want %d", q, shown, i, page[i].global, want[i].global)
				}
			}
		}
	}
}

// Searches give the same pages whether notes are scored from their text or
// from the postings: typos, prefixes, synonyms, phrases, relaxed queries.
func TestSearchSameWithTextScores(t *testing.T) {
	defer func(v float64) { textNoteNs = v }(textNoteNs)
	ix, notes := openDemoIndex(t)
	defer ix.cache.clear()
	queries := []string{"logement", "logemnt abordable", "économie sociale", "coop", "proches aidants", "\"sécurité alimentaire\" quartier", "financement organisme communautaire jeunesse", "alimentation quartier -cuisine"}
	run := func() []string { return searchPages(t, ix, notes, queries, 2) }
	textNoteNs = math.Inf(1) // never from the text
	want := run()
	textNoteNs = 0
	got := run()
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("from the text: %s\n  from the postings: %s", got[i], want[i])
		}
	}
	// Every tie at the page's end cut by score before it is collected
	// (scorer.mayReach), its notes scored from their text.
	cutEveryTie(t)
	ix.cache.clear()
	got = run()
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ties cut, from the text: %s\n  from the postings: %s", got[i], want[i])
		}
	}
}

// A note deleted from the store after the snapshot: scored 0 from its text,
// left out of the page, and the search does not fail.
func TestTextScoresDeletedNote(t *testing.T) {
	defer func(v float64) { textNoteNs = v }(textNoteNs)
	textNoteNs = 0
	ix, notes := openDemoIndex(t)
	defer ix.cache.clear()
	ix.cache.clear()
	r := query.Request{Q: "logement social", Page: 1, PerPage: 5, NoSuggestion: true}
	res, err := ix.Search(context.Background(), r, notes)
	if err != nil || len(res.Hits) == 0 {
		t.Fatalf("%v, %d hits", err, len(res.Hits))
	}
	gone := res.Hits[0].ID
	fewer := memNotes{}
	for id, n := range notes {
		if id != gone {
			fewer[id] = n
		}
	}
	ix.cache.clear()
	res, err = ix.Search(context.Background(), r, fewer)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.ID == gone {
			t.Fatalf("%s, deleted, still on the page", gone)
		}
	}
}

// BenchmarkTextScores scores a tie from the notes' text (textScorer), the
// notes analysed again for the scored fields only (documentOf).
func BenchmarkTextScores(b *testing.B) {
	defer func(v float64) { textNoteNs = v }(textNoteNs)
	textNoteNs = 0 // always from the text
	ix, notes := openDemoIndex(b)
	plans, rk, hits := tieHits(b, ix, notes, "financement communautaire")
	text := ix.textScorer(&execPlan{notes: notes}, snapshotView(b, ix))
	got := make([]hitRef, len(hits))
	b.ResetTimer()
	for b.Loop() {
		copy(got, hits)
		if _, err := ix.scoreHits(context.Background(), plans, rk, text, got, 0, len(got), "relevance"); err != nil {
			b.Fatal(err)
		}
	}
}
