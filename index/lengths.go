package index

import (
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/encommun/trouvaille/index/termdict"
)

// A posting of a field indexed with frequencies carries two bytes in zap:
// the term's frequency and the field's length code (norm.go). Most terms
// of a body, a summary or a list of names occur once, and every posting of
// a note's field repeats the same length. So the postings of these fields that occur once
// are indexed without frequency (zap then writes one byte and no length),
// and each note keeps its fields' length codes once, as terms of fLens
// (lengthTerm), read into a column per segment (segColumns.lens). A
// posting without frequency stands for one occurrence; its norm is read
// from the column (scorePostings, lengthNorm). The scores are the same as
// with the frequencies and lengths in every posting (TestTextPostingsMatchZap
// reads every posting of the demo index against the note's text and the
// column; TestTextScoresMatchPostings).
// Bleve's own scorer reads such a posting's norm as +Inf: the searches it
// still scores leave these fields unscored (bleveScored).

// fLens holds, per note, one term per field of lengthFields it has.
const fLens = "lens"

// lengthFields are the fields whose single occurrences are indexed without
// frequency: the body, the summary, the people and the carnets (−9.6 bytes
// a note for the last two). The title, the terms and the organisations keep
// theirs: Bleve's scorer, which chooses a phrase's candidates past
// MaxPhraseCandidates, still reads them (with them too, another −13 bytes).
var lengthFields = [...]string{fBody, fSummary, fPeopleT, fCarnetsT}

const numLenFields = len(lengthFields)

// lengthField returns field's place in lengthFields, or -1.
func lengthField(field string) int {
	for i, f := range lengthFields {
		if f == field {
			return i
		}
	}
	return -1
}

// lengthTerm is the term of fLens saying that the field of lengthFields at
// k has the length code code.
func lengthTerm(k, code int) string { return string([]byte{byte(k), byte(code)}) }

// lengthNorm is the norm of the length code col holds for a note: that of
// an average field when the column has none (a note indexed before the
// column, or a segment's column not at hand).
func lengthNorm(col []uint8, local uint64) float64 {
	if local < uint64(len(col)) && col[local] > 0 {
		return codeNorm(int(col[local]))
	}
	return bm25AvgNorm
}

// withLengths returns fn for field's postings in sb: a posting without
// frequency (a single occurrence of a field of lengthFields) is given to
// fn as one occurrence with the note's length from the column.
func withLengths(sb *segBits, field string, fn func(local, freq uint64, norm float64)) func(local, freq uint64, norm float64) {
	k := lengthField(field)
	if k < 0 {
		return fn
	}
	col := sb.lens[k]
	return func(local, freq uint64, norm float64) {
		if freq == 0 {
			freq, norm = 1, lengthNorm(col, local)
		}
		fn(local, freq, norm)
	}
}

// readLengths fills the length columns from the segment's fLens terms.
func (c *segColumns) readLengths(seg segment.Segment, forTerm func(segment.TermDictionary, string, func(uint64)) error) error {
	dict, err := seg.Dictionary(fLens)
	if err != nil {
		return err
	}
	var terms []string
	it := termdict.TermsOnly(dict, nil, nil, nil)
	for {
		e, err := it.Next()
		if err != nil {
			return err
		}
		if e == nil {
			break
		}
		terms = append(terms, e.Term)
	}
	for _, t := range terms {
		if len(t) != 2 || int(t[0]) >= numLenFields {
			continue // not a term lengthTerm makes
		}
		col := &c.lens[t[0]]
		if *col == nil {
			*col = make([]uint8, c.n)
		}
		code := t[1]
		if err := forTerm(dict, t, func(doc uint64) {
			if doc < c.n {
				(*col)[doc] = code
			}
		}); err != nil {
			return err
		}
	}
	return nil
}
