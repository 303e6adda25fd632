package index

import (
	"context"

	bdoc "github.com/blevesearch/bleve/v2/document"
	"github.com/encommun/trouvaille/query"
)

// textScorer scores notes from their own text, analysed again as it was
// indexed (document), instead of from the postings of the query's terms.
// zap reads a term's frequencies stepping through its postings list from
// the start, whatever the notes asked: scoring a few dozen notes for a query
// of thirty common words steps through tens of millions of postings at a
// million notes, where analysing those notes again takes milliseconds. The
// frequencies and norms are those the postings give: a term's frequency
// summed over the field's values, the norm of the length the field's length
// code stands for (norm.go; TestTextPostingsMatchZap). A note changed in the store since the
// snapshot is scored on its new text, and on the synonym phrases of the
// current list; a note deleted since scores 0 (the page leaves it out).
type textScorer struct {
	notes  Notes
	v      *view
	marker *query.PhraseMarker // the synonyms' phrases the notes are marked with
}

// Costs compared to choose, in nanoseconds: a posting stepped through in
// zap, a note looked up in a list of the decoded cache, a note read and
// analysed. (Variables for tests.)
var (
	walkStepNs   = 8.0
	cachedStepNs = 60.0
	textNoteNs   = 250_000.0
)

// scoreByText gives hits the scores byText computes for segs, their notes,
// when it does; false: nothing scored.
func (sc *scorer) scoreByText(ctx context.Context, hits []hitRef, segs []*segNotes) (bool, error) {
	done, err := sc.byText(ctx, segs)
	if done && err == nil {
		setScores(hits, segs)
	}
	return done, err
}

// byText scores every note of segs from its text, the terms in the
// scorer's order, when that costs less than reading the postings; false
// when it does not (nothing scored).
func (sc *scorer) byText(ctx context.Context, segs []*segNotes) (bool, error) {
	if sc.text == nil || sc.text.notes == nil {
		return false, nil
	}
	notes, walk := 0, 0.0
	for _, sn := range segs {
		notes += len(sn.locals)
		sb := sc.plans[sn.si].sb
		for i, k := range sc.keys {
			if sc.idf[i] == 0 {
				continue
			}
			b, err := sb.term(k[0], k[1])
			if err != nil {
				return false, err
			}
			if !b.Intersects(sn.want) {
				continue // not read at all (scorer.add)
			}
			if sb.postings != nil && sb.postings.has(postingsKey{sb.id, k[0], k[1]}) {
				walk += cachedStepNs * float64(len(sn.locals))
			} else {
				walk += walkStepNs * float64(b.GetCardinality())
			}
		}
	}
	if float64(notes)*textNoteNs >= walk {
		return false, nil
	}
	fields := map[string]bool{}
	for _, k := range sc.keys {
		fields[k[0]] = true
	}
	type ref struct {
		sn *segNotes
		x  int
	}
	refs := make([]ref, 0, notes)
	ids := make([]string, 0, notes)
	for _, sn := range segs {
		for x, local := range sn.locals {
			id, err := sc.text.v.externalID(hitRef{seg: sn.si, local: uint64(local)})
			if err != nil {
				return false, err
			}
			refs, ids = append(refs, ref{sn, x}), append(ids, id)
		}
	}
	got, err := sc.text.notes.GetMany(ids)
	if err != nil {
		return false, err
	}
	// The notes in parts, on every core; each score is written once.
	parts := parallelWorkers(len(refs) / minTextPart)
	err = parallelEach(ctx, parts, func(_, part int) error {
		for j := part * len(refs) / parts; j < (part+1)*len(refs)/parts; j++ {
			n := got[ids[j]]
			if n == nil {
				continue // deleted since the snapshot: 0
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			tf := textPostings(documentOf(n, sc.text.marker, fields), fields)
			s := 0.0
			for i, k := range sc.keys {
				if sc.idf[i] == 0 {
					continue
				}
				if p, ok := tf.freq[k]; ok {
					s += termScore(k[0], sc.boost[i], sc.idf[i], p, tf.norm(k[0]))
				}
			}
			refs[j].sn.score[refs[j].x] = s
		}
		return nil
	})
	return err == nil, err
}

// minTextPart is the fewest notes worth a goroutine of their own.
const minTextPart = 8

// notePostings are a document's terms as its postings hold them.
type notePostings struct {
	freq map[[2]string]uint64 // (field, term) → frequency
	lens map[string]int       // field → analysed length, all values
}

// textPostings reads a document's postings for the fields named in want:
// analysed ones as they are, the others (keywords) analysed here.
func textPostings(d *bdoc.Document, want map[string]bool) notePostings {
	np := notePostings{freq: map[[2]string]uint64{}, lens: map[string]int{}}
	for _, f := range d.Fields {
		if !want[f.Name()] {
			continue
		}
		if _, ok := f.(*analysedField); !ok {
			f.Analyze()
		}
		np.lens[f.Name()] += f.AnalyzedLength()
		single := uint64(0) // what a posting without frequency stands for
		if lengthField(f.Name()) >= 0 {
			single = 1 // one occurrence (lengths.go)
		}
		for term, tf := range f.AnalyzedTokenFrequencies() {
			np.freq[[2]string{f.Name(), term}] += max(single, uint64(tf.Frequency()))
		}
	}
	return np
}

// norm is the norm of the field's length, as fieldNorm reads it from zap
// (lens holds the fields' length codes, as zap stores them).
func (np notePostings) norm(field string) float64 { return codeNorm(np.lens[field]) }
