// Package termdict reads the term dictionaries of one snapshot of a Bleve
// index: the terms of a field within an edit distance of a term, or starting
// with a prefix, with their document frequencies. It implements
// query.Dictionary for the query planner, so that planning reads the index
// without calling back into package index.
package termdict

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum"
	"github.com/blevesearch/vellum/levenshtein"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
)

// Look-ups read each segment's dictionary in turn, on the caller's
// goroutine, and merge the answers. Bleve's own snapshot dictionaries start a
// goroutine per segment and merge through a heap for every look-up, and a
// query plans dozens of look-ups (a word's known forms in five fields, its
// completions, its typos): on a 100k-note index that was a quarter of the
// CPU of a plain search. A segment never changes once written, only its
// deleted notes grow, so each segment's answer is cached under the segment's
// id and its number of deleted notes: a write adds a small segment to read,
// and the large ones stay cached across it unless it replaced or removed
// one of their notes.

// Dict reads term dictionaries from one snapshot of the live index,
// opened on first use; Close releases it. It implements query.Dictionary.
type Dict struct {
	bi    bleve.Index
	cache Cache
	r     bindex.IndexReader
	segs  []*scorch.SegmentSnapshot
	// dfas are the Levenshtein automata built, by term and distance: the
	// planner looks a typo up in five fields, and building the automaton
	// once for all five saved a sixth of the bytes a search allocated.
	dfas map[string]vellum.Automaton
	// only, when set, restricts every frequency to the notes it names
	// (CountOnly), and leaves out the terms none of those notes hold.
	only Notes
	// onlyKey names only in the cache.
	onlyKey string
	// counted holds, per segment id, the notes of only in it (read once per
	// reader: the look-ups of one search share it).
	counted map[uint64]*roaring.Bitmap
}

// Notes names a set of notes by their terms: those holding every term of
// one of its groups (a group lists field and term pairs). Nil: every note.
type Notes [][][2]string

func (n Notes) key() string {
	var b bytes.Buffer
	for _, g := range n {
		b.WriteString("(")
		for _, ft := range g {
			b.WriteString(strconv.Quote(ft[0]) + "=" + strconv.Quote(ft[1]) + ",")
		}
		b.WriteString(")")
	}
	return b.String()
}

// Cache remembers each segment's look-ups. Its keys name the segment, so
// the owner need not empty it when the index changes, only when the index
// itself is replaced (segment ids start again).
type Cache interface {
	Get(key string) (any, bool)
	Put(key string, value any)
}

// New returns a dictionary reader of bi whose look-ups go through cache.
func New(bi bleve.Index, cache Cache) *Dict { return &Dict{bi: bi, cache: cache} }

// CountOnly returns a reader of bi whose frequencies count only the notes
// of only, and which knows only the terms of those notes (nil: every note,
// as New). The index counts so the notes a caller may see: what its search
// plans with (whether a word is spelled right, which completions and typos
// are kept) then never depends on notes it may not see.
func CountOnly(bi bleve.Index, cache Cache, only Notes) *Dict {
	if only == nil {
		return New(bi, cache)
	}
	return &Dict{bi: bi, cache: cache, only: only, onlyKey: only.key()}
}

// PostingsBitmap reads the postings list of term in d as a bitmap of note
// numbers: zap's own bitmap when the iterator exposes it (shared: callers
// must not modify it), the single hit of a one-posting list, or a walk.
func PostingsBitmap(d segment.TermDictionary, term string) (*roaring.Bitmap, error) {
	if d == nil {
		return emptyBitmap, nil
	}
	pl, err := d.PostingsList([]byte(term), nil, nil)
	if err != nil {
		return nil, err
	}
	if pl == nil || pl.Count() == 0 {
		return emptyBitmap, nil
	}
	it := pl.Iterator(false, false, false, nil)
	if o, ok := it.(segment.OptimizablePostingsIterator); ok {
		if bm := o.ActualBitmap(); bm != nil {
			return bm, nil
		}
	}
	if h, ok := it.(interface{ DocNum1Hit() (uint64, bool) }); ok {
		if n, ok := h.DocNum1Hit(); ok {
			return roaring.BitmapOf(uint32(n)), nil
		}
	}
	out := roaring.New()
	for {
		p, err := it.Next()
		if err != nil {
			return nil, err
		}
		if p == nil {
			return out, nil
		}
		out.Add(uint32(p.Number()))
	}
}

var emptyBitmap = roaring.New()

// counter returns how to count a term's notes in one segment, deleted notes
// (replaced or removed, until a merge drops them) left out: its dictionary's
// frequency when the segment has none and every note is counted, otherwise
// the notes among those counted (CountOnly's, or all) that are not deleted.
// A term no counted note holds counts 0, and look-ups leave it out: a word
// only a deleted note held is no longer known, completed or corrected to.
//
// exact reports that the count is the third argument given (the term's
// number of notes in the segment, deleted ones included), which the caller
// must then read exactly (Terms); otherwise the argument is not read.
func (d *Dict) counter(ss *scorch.SegmentSnapshot) (count func(td segment.TermDictionary, term string, all uint64) (uint64, error), exact bool, _ error) {
	all := func(_ segment.TermDictionary, _ string, all uint64) (uint64, error) { return all, nil }
	deleted := ss.Deleted()
	if deleted != nil && deleted.IsEmpty() {
		deleted = nil
	}
	if d.only == nil && deleted == nil {
		return all, true, nil
	}
	counted, ok := d.counted[ss.Id()]
	if !ok {
		if d.only != nil {
			var err error
			if counted, err = notesOf(ss.Segment(), d.only); err != nil {
				return nil, false, err
			}
		} else {
			counted = roaring.New()
			counted.AddRange(0, ss.Segment().Count())
		}
		if deleted != nil {
			counted = roaring.AndNot(counted, deleted) // never zap's own bitmap, which callers must not modify
		}
		if d.counted == nil {
			d.counted = map[uint64]*roaring.Bitmap{}
		}
		d.counted[ss.Id()] = counted
	}
	if counted.GetCardinality() == ss.Segment().Count() {
		// Every note of the segment is counted: the dictionary's own
		// frequencies are the answer.
		return all, true, nil
	}
	return func(td segment.TermDictionary, term string, _ uint64) (uint64, error) {
		if counted.IsEmpty() {
			return 0, nil
		}
		b, err := PostingsBitmap(td, term)
		if err != nil {
			return 0, err
		}
		return b.AndCardinality(counted), nil
	}, false, nil
}

// segKey names a segment's answers in the cache: its id, and how many of
// its notes are deleted (a segment's deletions only grow, and change its
// answers).
func segKey(ss *scorch.SegmentSnapshot) string {
	k := strconv.FormatUint(ss.Id(), 10)
	if del := ss.Deleted(); del != nil && !del.IsEmpty() {
		k += "-" + strconv.FormatUint(del.GetCardinality(), 10)
	}
	return k + "|"
}

// NotesOf returns the notes of seg that only names, deleted ones included
// (read-only: it may be zap's own bitmap, for a single term).
func NotesOf(seg segment.Segment, only Notes) (*roaring.Bitmap, error) { return notesOf(seg, only) }

// notesOf returns the notes of seg that only names (read-only: it may be
// zap's own bitmap, for a single term).
func notesOf(seg segment.Segment, only Notes) (*roaring.Bitmap, error) {
	if len(only) == 1 && len(only[0]) == 1 {
		// One term (the anonymous caller's public notes): its postings.
		td, err := seg.Dictionary(only[0][0][0])
		if err != nil {
			return nil, fmt.Errorf("dictionnaire du champ %s : %w", only[0][0][0], err)
		}
		return PostingsBitmap(td, only[0][0][1])
	}
	out := roaring.New()
	for _, g := range only {
		var in *roaring.Bitmap
		for _, ft := range g {
			td, err := seg.Dictionary(ft[0])
			if err != nil {
				return nil, fmt.Errorf("dictionnaire du champ %s : %w", ft[0], err)
			}
			b, err := PostingsBitmap(td, ft[1])
			if err != nil {
				return nil, fmt.Errorf("dictionnaire du champ %s : %w", ft[0], err)
			}
			if in == nil {
				in = b.Clone()
			} else {
				in.And(b)
			}
		}
		if in != nil {
			out.Or(in)
		}
	}
	return out, nil
}

// keyPrefix sets apart in the cache the answers of a CountOnly reader.
func (d *Dict) keyPrefix() string {
	if d.only == nil {
		return ""
	}
	return "only|" + d.onlyKey + "|"
}

// segments returns the snapshot's segments, opening the snapshot on first use.
func (d *Dict) segments() ([]*scorch.SegmentSnapshot, error) {
	if d.r != nil {
		return d.segs, nil
	}
	adv, err := d.bi.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		r.Close()
		return nil, fmt.Errorf("index inattendu (%T) : seul scorch est pris en charge", r)
	}
	d.r, d.segs = r, snap.Segments()
	return d.segs, nil
}

// Close releases the snapshot.
func (d *Dict) Close() {
	if d.r != nil {
		d.r.Close()
		d.r, d.segs = nil, nil
	}
	d.counted = nil // may be the segments' own bitmaps
}

// Collect reads up to limit terms of a field dictionary (0: all) and closes it.
func Collect(fd bindex.FieldDict, limit int) ([]query.DictTerm, error) {
	defer fd.Close()
	var out []query.DictTerm
	for {
		e, err := fd.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			return out, nil
		}
		if n := len(out); len(e.Term) > maxTermBytes || n > 0 && e.Term <= out[n-1].Term {
			return nil, fmt.Errorf("%w : terme de %d octets hors d’ordre", ErrCorrupt, len(e.Term))
		}
		out = append(out, query.DictTerm{Term: e.Term, Count: e.Count})
		if limit > 0 && len(out) >= limit {
			return out, nil
		}
	}
}

// The Levenshtein automaton builders (one per distance) are costly to make
// and safe to share.
var levBuilders [3]*levenshtein.LevenshteinAutomatonBuilder

func init() {
	for n := 1; n <= 2; n++ {
		b, err := levenshtein.NewLevenshteinAutomatonBuilder(uint8(n), true)
		if err != nil {
			panic(fmt.Sprintf("termdict: automate de Levenshtein %d : %v", n, err))
		}
		levBuilders[n] = b
	}
}

// Fuzzy returns the terms of field within fuzziness edits of term (first
// character fixed: typos rarely hit it, and it keeps the automaton small),
// in term order, with their document frequencies.
func (d *Dict) Fuzzy(field, term string, fuzziness int) ([]query.DictTerm, error) {
	return d.fuzzy(field, term, fuzziness, false)
}

// FuzzyInflected returns the terms of field that are a string within
// fuzziness edits of term (first character fixed, as Fuzzy), or such a
// string with a plural's or a feminine's ending (s, x, e, es): « aidayt »
// reaches « aidants » and « aidantes », which a typo of a word the notes
// only write in the plural or the feminine is otherwise too far from.
func (d *Dict) FuzzyInflected(field, term string, fuzziness int) ([]query.DictTerm, error) {
	return d.fuzzy(field, term, fuzziness, true)
}

func (d *Dict) fuzzy(field, term string, fuzziness int, inflect bool) ([]query.DictTerm, error) {
	if fuzziness < 1 || fuzziness > 2 {
		return nil, fmt.Errorf("termdict: distance %d hors de 1 à 2", fuzziness)
	}
	beg, end := firstCharRange(term)
	key := d.keyPrefix() + "f|" + field + "|" + term + "|" + strconv.Itoa(fuzziness)
	if inflect {
		key += "|+"
	}
	return d.lookup(key, field, 0, func() (vellum.Automaton, error) {
		a, err := d.dfa(term, fuzziness)
		if err != nil || !inflect {
			return a, err
		}
		return inflected{inner: a}, nil
	}, beg, end)
}

// firstCharRange is the range of the terms that begin with term's first
// character (the typo look-ups keep it: typos rarely hit it).
func firstCharRange(term string) (beg, end []byte) {
	for _, c := range term {
		beg = []byte(string(c))
		return beg, exclusiveEnd(beg)
	}
	return nil, nil
}

// dfa returns the Levenshtein automaton of term at distance fuzziness,
// built once per dictionary.
func (d *Dict) dfa(term string, fuzziness int) (vellum.Automaton, error) {
	key := term + "|" + strconv.Itoa(fuzziness)
	if a, ok := d.dfas[key]; ok {
		return a, nil
	}
	a, err := levBuilders[fuzziness].BuildDfa(term, uint8(fuzziness))
	if err != nil {
		return nil, err
	}
	if d.dfas == nil {
		d.dfas = make(map[string]vellum.Automaton)
	}
	d.dfas[key] = a
	return a, nil
}

// inflected accepts what inner accepts, alone or followed by s, x, e or es.
// Its state packs inner's state s and where the ending stands, k:
// s·4 + k, k being 0 (no match of inner to end on), 1 (inner matches
// here), 2 (after the e of an ending) or 3 (after a whole ending); inner's
// dead state 0 with k = 0 is the dead state 0.
type inflected struct{ inner vellum.Automaton }

func (x inflected) Start() int {
	s := x.inner.Start()
	if x.inner.IsMatch(s) {
		return s*4 + 1
	}
	return s * 4
}

func (x inflected) IsMatch(st int) bool { return st%4 != 0 }

func (x inflected) CanMatch(st int) bool { return st%4 != 0 || x.inner.CanMatch(st/4) }

func (x inflected) WillAlwaysMatch(int) bool { return false }

func (x inflected) Accept(st int, b byte) int {
	s, k := st/4, st%4
	if s != 0 {
		s = x.inner.Accept(s, b)
	}
	switch {
	case s != 0 && x.inner.IsMatch(s):
		k = 1
	case k == 1 && (b == 's' || b == 'x'), k == 2 && b == 's':
		k = 3
	case k == 1 && b == 'e':
		k = 2
	default:
		k = 0
	}
	return s*4 + k
}

// FuzzyPrefix returns up to limit terms of field (0: all), in term order,
// that begin with a string within fuzziness edits of prefix (first
// character fixed, as Fuzzy): the completions of a word being typed with a
// typo (« finacem » reaches « financement », « sentinn » « sentinelle »).
func (d *Dict) FuzzyPrefix(field, prefix string, fuzziness, limit int) ([]query.DictTerm, error) {
	if fuzziness < 1 || fuzziness > 2 {
		return nil, fmt.Errorf("termdict: distance %d hors de 1 à 2", fuzziness)
	}
	beg, end := firstCharRange(prefix)
	key := d.keyPrefix() + "fp|" + field + "|" + prefix + "|" + strconv.Itoa(fuzziness) + "|" + strconv.Itoa(limit)
	return d.lookup(key, field, limit, func() (vellum.Automaton, error) {
		a, err := d.dfa(prefix, fuzziness)
		if err != nil {
			return nil, err
		}
		return depthBounded{prefixed{inner: a}}, nil
	}, beg, end)
}

// prefixed accepts the strings that begin with one inner accepts. Its
// state packs inner's state s and whether such a beginning was read, m:
// s·2 + m; once read, the state is 1 for good (inner's dead state with
// m = 1), and 0 is the dead state.
type prefixed struct{ inner vellum.Automaton }

func (x prefixed) Start() int {
	s := x.inner.Start()
	if x.inner.IsMatch(s) {
		return 1
	}
	return s * 2
}

func (x prefixed) IsMatch(st int) bool { return st%2 == 1 }

func (x prefixed) CanMatch(st int) bool { return st%2 == 1 || x.inner.CanMatch(st/2) }

// WillAlwaysMatch is false, as budgeted's: the walk stays counted.
func (x prefixed) WillAlwaysMatch(int) bool { return false }

func (x prefixed) Accept(st int, b byte) int {
	if st%2 == 1 {
		return 1
	}
	s := st / 2
	if s != 0 {
		s = x.inner.Accept(s, b)
	}
	if s != 0 && x.inner.IsMatch(s) {
		return 1
	}
	return s * 2
}

// SoundsLike returns the terms of field, in term order, written the way
// folded word sounds (analysis.SoundsLike): « comunote » reaches
// « communaute ». With stems, a term may also spell only the word's first
// sounds, up to what sounds like an ending (the stem « associ » for
// « asociassion »). The walk starts at no fixed first letter: the
// automaton's spellings of the first sound bound it.
func (d *Dict) SoundsLike(field, word string, stems bool) ([]query.DictTerm, error) {
	a := analysis.SoundsLike(word)
	if a == nil {
		return nil, nil
	}
	key := d.keyPrefix() + "s|" + field + "|" + word
	if stems {
		key += "|stems"
	}
	return d.lookup(key, field, 0, func() (vellum.Automaton, error) {
		if stems {
			return a.Stems(), nil
		}
		return a, nil
	}, nil, nil)
}

// SoundsLikePrefix returns up to limit terms of field (0: all), in term
// order, that begin with a spelling of folded word prefix, being typed, as
// it sounds (analysis.SoundsLikePrefix): « alofo » reaches « allophone ».
func (d *Dict) SoundsLikePrefix(field, prefix string, limit int) ([]query.DictTerm, error) {
	a := analysis.SoundsLikePrefix(prefix)
	if a == nil {
		return nil, nil
	}
	key := d.keyPrefix() + "sp|" + field + "|" + prefix + "|" + strconv.Itoa(limit)
	return d.lookup(key, field, limit, func() (vellum.Automaton, error) { return depthBounded{a}, nil }, nil, nil)
}

// depthBounded accepts what inner accepts, but no term longer than any the
// analysis makes (analysis.MaxWordBytes): a completion automaton accepts
// every continuation once it has read a beginning, so on a damaged
// dictionary whose automaton cycles without giving a term (see
// maxWalkSteps) only the walk's budget would stop it, after seconds; cut
// at the longest term's depth, such a walk ends at once. Its state packs
// inner's state s and the depth d read: s·256 + d (0: dead).
type depthBounded struct{ inner vellum.Automaton }

func (x depthBounded) Start() int { return x.inner.Start() * 256 }

func (x depthBounded) IsMatch(st int) bool { return x.inner.IsMatch(st / 256) }

func (x depthBounded) CanMatch(st int) bool { return st/256 != 0 && x.inner.CanMatch(st/256) }

func (x depthBounded) WillAlwaysMatch(int) bool { return false }

func (x depthBounded) Accept(st int, b byte) int {
	s, d := st/256, st%256
	if s == 0 || d >= analysis.MaxWordBytes {
		return 0
	}
	s = x.inner.Accept(s, b)
	if s == 0 {
		return 0
	}
	return s*256 + d + 1
}

// Prefix returns up to limit terms of field starting with prefix (0: all),
// in term order, with their document frequencies.
func (d *Dict) Prefix(field, prefix string, limit int) ([]query.DictTerm, error) {
	key := d.keyPrefix() + "p|" + field + "|" + prefix + "|" + strconv.Itoa(limit)
	beg := []byte(prefix)
	return d.lookup(key, field, limit, nil, beg, exclusiveEnd(beg))
}

// Term returns the document frequency of term in field: a direct look-up in
// each segment's dictionary, no iterator (the planner asks this of most
// words in several fields; an iterator per segment cost more than the rest
// of planning).
func (d *Dict) Term(field, term string) (uint64, error) {
	segs, err := d.segments()
	if err != nil {
		return 0, err
	}
	key := d.keyPrefix() + "t|" + field + "|" + term
	var total uint64
	for _, ss := range segs {
		k := segKey(ss) + key
		if v, ok := d.cache.Get(k); ok {
			if terms := v.([]query.DictTerm); len(terms) > 0 {
				total += terms[0].Count
			}
			continue
		}
		td, err := ss.Segment().Dictionary(field)
		if err != nil {
			return 0, fmt.Errorf("dictionnaire du champ %s : %w", field, err)
		}
		var terms []query.DictTerm
		if td != nil {
			pl, err := td.PostingsList([]byte(term), nil, nil)
			if err != nil {
				return 0, fmt.Errorf("dictionnaire du champ %s : %w", field, err)
			}
			n := pl.Count()
			if n > 0 {
				count, _, err := d.counter(ss)
				if err != nil {
					return 0, err
				}
				if n, err = count(td, term, n); err != nil {
					return 0, fmt.Errorf("dictionnaire du champ %s : %w", field, err)
				}
			}
			if n > 0 {
				terms = []query.DictTerm{{Term: term, Count: n}}
				total += n
			}
		}
		d.cache.Put(k, terms)
	}
	return total, nil
}

// Has reports whether some note the dictionary counts holds term in field.
// Unlike Term it keeps nothing in the cache: a check run on most words of
// every query (query.RestoreElisions) would fill it with answers of one bit.
func (d *Dict) Has(field, term string) (bool, error) {
	segs, err := d.segments()
	if err != nil {
		return false, err
	}
	for _, ss := range segs {
		td, err := ss.Segment().Dictionary(field)
		if err != nil {
			return false, fmt.Errorf("dictionnaire du champ %s : %w", field, err)
		}
		if td == nil {
			continue
		}
		pl, err := td.PostingsList([]byte(term), nil, nil)
		if err != nil {
			return false, fmt.Errorf("dictionnaire du champ %s : %w", field, err)
		}
		if pl == nil || pl.Count() == 0 {
			continue
		}
		count, exact, err := d.counter(ss)
		if err != nil {
			return false, err
		}
		if exact {
			return true, nil
		}
		if n, err := count(td, term, pl.Count()); err != nil || n > 0 {
			return n > 0, err
		}
	}
	return false, nil
}

// lookup runs one look-up on every segment (each answer cached under the
// segment's id) and merges them: a term's frequencies add up, and the first
// limit terms of the merge are among the first limit of each segment.
// automaton, when not nil, gives the automaton the terms must match.
func (d *Dict) lookup(key, field string, limit int, automaton func() (vellum.Automaton, error), beg, end []byte) ([]query.DictTerm, error) {
	segs, err := d.segments()
	if err != nil {
		return nil, err
	}
	var parts [][]query.DictTerm
	total := 0
	for _, ss := range segs {
		k := segKey(ss) + key
		var terms []query.DictTerm
		if v, ok := d.cache.Get(k); ok {
			terms = v.([]query.DictTerm)
		} else {
			var a vellum.Automaton
			if automaton != nil {
				if a, err = automaton(); err != nil {
					return nil, err
				}
			}
			count, exact, err := d.counter(ss)
			if err != nil {
				return nil, err
			}
			terms, err = segmentTerms(ss.Segment(), field, a, beg, end, limit, count, exact)
			if err != nil {
				return nil, err
			}
			d.cache.Put(k, terms)
		}
		if len(terms) > 0 {
			parts = append(parts, terms)
			total += len(terms)
		}
	}
	return merge(parts, total, limit), nil
}

// segmentTerms reads one segment's terms of field between beg (inclusive)
// and end (exclusive; nil: no end) matching a (nil: all), up to limit (0: all).
// count gives a term's frequency (0: the term is left out); exact: from the
// term's number of notes in the segment (counter).
func segmentTerms(seg segment.Segment, field string, a vellum.Automaton, beg, end []byte, limit int, count func(segment.TermDictionary, string, uint64) (uint64, error), exact bool) ([]query.DictTerm, error) {
	td, err := seg.Dictionary(field)
	if err != nil {
		return nil, fmt.Errorf("dictionnaire du champ %s : %w", field, err)
	}
	if td == nil {
		return nil, nil
	}
	var out []query.DictTerm
	err = Terms(td, a, beg, end, exact, func(term string, all uint64) (bool, error) {
		n, err := count(td, term, all)
		if err != nil || n == 0 {
			return true, err
		}
		out = append(out, query.DictTerm{Term: term, Count: n})
		return limit == 0 || len(out) < limit, nil
	})
	if err != nil {
		return nil, fmt.Errorf("dictionnaire du champ %s : %w", field, err)
	}
	return out, nil
}

// TermsOnly returns an iterator over the terms of d between beg and end
// matching a (see Terms) whose entries carry no count: zap's then reads no
// postings list (a caller that reads the lists itself would read each one
// twice otherwise).
func TermsOnly(d segment.TermDictionary, a segment.Automaton, beg, end []byte) segment.DictionaryIterator {
	return termsOnly(d, guard(a), beg, end)
}

func termsOnly(d segment.TermDictionary, g *budgeted, beg, end []byte) segment.DictionaryIterator {
	if o, ok := d.(interface {
		AutomatonIteratorOmitCount(segment.Automaton, []byte, []byte) segment.DictionaryIterator
	}); ok {
		return &ordered{it: o.AutomatonIteratorOmitCount(g, beg, end), guard: g}
	}
	return &ordered{it: d.AutomatonIterator(g, beg, end), guard: g}
}

// ErrCorrupt says that a term dictionary gave its terms out of order or
// too long: its bytes are damaged (or changed under the mapping).
var ErrCorrupt = errors.New("dictionnaire de termes endommagé")

// maxTermBytes is longer than any term the analysis makes; a damaged
// dictionary's automaton can cycle and give ever longer terms.
const maxTermBytes = 4096

// ordered checks that a dictionary iterator gives its terms in strictly
// increasing order, as a sound one does: a damaged dictionary (its bytes
// overwritten while mapped) made vellum's iterator cycle without end, and
// the index's warm-up, which held the engine's lock for reading, kept the
// rebuild and then every search waiting.
type ordered struct {
	it      segment.DictionaryIterator
	guard   *budgeted
	prev    string // a term is a string of its own: kept without a copy
	started bool
}

func (o *ordered) Next() (*bindex.DictEntry, error) {
	e, err := o.it.Next()
	if err == nil && o.guard != nil && o.guard.stopped {
		return nil, ErrStopped
	}
	if err == nil && o.guard != nil && o.guard.left < 0 {
		return nil, fmt.Errorf("%w : plus de %d pas dans l’automate après %.40q", ErrCorrupt, maxWalkSteps, o.prev)
	}
	if err != nil || e == nil {
		return e, err
	}
	if len(e.Term) > maxTermBytes || o.started && e.Term <= o.prev {
		return nil, fmt.Errorf("%w : terme de %d octets après %.40q", ErrCorrupt, len(e.Term), o.prev)
	}
	o.prev, o.started = e.Term, true
	return e, nil
}

// maxWalkSteps bounds the transitions one walk of a dictionary may take:
// a damaged dictionary's automaton can cycle without ever reaching a term,
// inside vellum's Next, where no check of the terms given can stop it
// (TestDamagedSegmentWhileServing hung so once in 10 to 20 runs, the
// index's warm-up holding the engine's lock). A sound walk takes at most
// one step per byte of the terms it visits and the edges it tries: a full
// walk of the body's dictionary at a million notes, some tens of millions.
var maxWalkSteps = 1 << 30 // a variable for the tests

// budgeted is an automaton (nil: every term) that dies after maxWalkSteps
// transitions: the walk then ends, and ordered reports the damage.
type budgeted struct {
	a    segment.Automaton
	left int
	// stop, when set, is asked every stopEvery transitions whether the
	// walk must end (TermsUntil); stopped says it ended so.
	stop    func() bool
	stopped bool
}

// stopEvery is how many transitions a walk takes between two questions to
// its stop function (a few microseconds of walk).
const stopEvery = 4096

// ErrStopped is the error of a walk its stop function ended (TermsUntil).
var ErrStopped = errors.New("parcours du dictionnaire interrompu")

// deadState is a state no automaton's numbering reaches (the smallest int;
// a constant that also fits a 32-bit int, where -1 << 40 did not).
const deadState = math.MinInt

func guard(a segment.Automaton) *budgeted { return &budgeted{a: a, left: maxWalkSteps} }

func (b *budgeted) Start() int {
	if b.a == nil {
		return 0
	}
	return b.a.Start()
}

func (b *budgeted) IsMatch(s int) bool {
	return s != deadState && (b.a == nil || b.a.IsMatch(s))
}

func (b *budgeted) CanMatch(s int) bool {
	return s != deadState && (b.a == nil || b.a.CanMatch(s))
}

// WillAlwaysMatch is false: vellum would stop asking Accept below such a
// state, and so stop counting.
func (b *budgeted) WillAlwaysMatch(int) bool { return false }

func (b *budgeted) Accept(s int, c byte) int {
	if s == deadState {
		return deadState
	}
	if b.left--; b.left < 0 {
		return deadState
	}
	if b.stop != nil && b.left%stopEvery == 0 && b.stop() {
		b.left, b.stopped = -1, true
		return deadState
	}
	if b.a == nil {
		return 0
	}
	return b.a.Accept(s, c)
}

// Terms calls fn with each term of d between beg (inclusive) and end
// (exclusive; nil: no end) matching a (nil: all), in order, and, when
// counted, its number of notes (deleted ones included; 0 otherwise), until
// fn returns false. zap's dictionary iterator counts through one postings
// list it reuses, and a list of a single note leaves a mark on it that the
// next lists read do not clear: past such a term, a term of several notes
// is counted 1 (zapx v17.2.5, DictionaryIterator.Next and
// PostingsList.read; merged segments hold such lists in their titles,
// organisations, links and blocs). A count of 1 is therefore read again
// from the term's own list (about a quarter more time for an uncached
// look-up than trusting it, `go test ./index -bench DictionaryPrefix`;
// reading every count so took half as much more). Without counts, the
// iterator reads no list. TestZapDictionaryCountsAfterOneHitTerm reproduces
// the miscount with zapx alone, and fails once an upgrade fixes it.
func Terms(d segment.TermDictionary, a segment.Automaton, beg, end []byte, counted bool, fn func(term string, count uint64) (bool, error)) error {
	return TermsUntil(nil, d, a, beg, end, counted, fn)
}

// TermsUntil is Terms for a walk that may have to end early: stop (nil:
// never) is asked as the walk goes, even inside a damaged dictionary's
// cycle where no term comes out, and true ends it with ErrStopped. The
// index's warm-up walks so, holding the engine's lock for reading: a
// rebuild decided meanwhile (a damaged segment) waited for the walk's
// whole budget, over 60 s on a busy host, every search answering 503.
func TermsUntil(stop func() bool, d segment.TermDictionary, a segment.Automaton, beg, end []byte, counted bool, fn func(term string, count uint64) (bool, error)) error {
	g := guard(a)
	g.stop = stop // before the iterator: it walks to its first term at once
	var it segment.DictionaryIterator
	if counted {
		it = &ordered{it: d.AutomatonIterator(g, beg, end), guard: g}
	} else {
		it = termsOnly(d, g, beg, end)
	}
	var pl segment.PostingsList
	for {
		e, err := it.Next()
		if err != nil || e == nil {
			return err
		}
		var n uint64
		if counted {
			n = e.Count
			if n == 1 {
				if pl, err = d.PostingsList([]byte(e.Term), nil, pl); err != nil {
					return err
				}
				n = pl.Count()
			}
		}
		more, err := fn(e.Term, n)
		if err != nil || !more {
			return err
		}
	}
}

// merge joins segments' sorted answers: one entry per term, frequencies
// added, in term order, at most limit (0: all). parts are never modified
// (they are cached).
func merge(parts [][]query.DictTerm, total, limit int) []query.DictTerm {
	switch len(parts) {
	case 0:
		return nil
	case 1:
		return append([]query.DictTerm(nil), parts[0]...)
	}
	all := make([]query.DictTerm, 0, total)
	for _, p := range parts {
		all = append(all, p...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Term < all[j].Term })
	out := all[:0]
	for _, t := range all {
		if n := len(out); n > 0 && out[n-1].Term == t.Term {
			out[n-1].Count += t.Count
			continue
		}
		if limit > 0 && len(out) == limit {
			break
		}
		out = append(out, t)
	}
	return out
}

// exclusiveEnd returns the first key after every key starting with prefix
// (nil when there is none: the prefix is all 0xff bytes, or empty).
func exclusiveEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
