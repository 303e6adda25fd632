package query

import (
	"slices"
	"strconv"
	"strings"

	bleveanalysis "github.com/blevesearch/bleve/v2/analysis"
	"github.com/encommun/trouvaille/analysis"
)

// PhraseMarker finds the synonyms of several words of a list in analysed
// text, as Word.InAnalyzed would, so that the index can mark at indexing
// time the notes that hold each one as a phrase: a search for « capacité »
// then finds the notes saying « pouvoir d’agir » through one term, instead
// of reading and analysing thousands of candidate notes.
type PhraseMarker struct {
	words []*Word
	keys  []string
	has   map[string]bool
	// first maps each term of a phrase's first position to the phrases
	// (indexes in words) starting with it.
	first map[string][]int
	// starts holds a bit per startKey of first's terms: most of a note's
	// terms start no phrase, and one bit read costs a fraction of a map
	// look-up (which was two thirds of the marking's time).
	starts [startBits / 64]uint64
}

// startBits is the size of PhraseMarker.starts: a few hundred first terms
// set a few per cent of its bits.
const startBits = 1 << 14

// startKey is a term's bit in PhraseMarker.starts: its length and first,
// second and last bytes, mixed.
func startKey(t string) uint32 {
	n := len(t)
	if n == 0 {
		return 0
	}
	h := uint32(n)*0x9e3779b1 ^ uint32(t[0])*0x85ebca6b ^ uint32(t[n-1])*0xc2b2ae35
	if n > 1 {
		h ^= uint32(t[1]) * 0x27d4eb2f
	}
	return (h ^ h>>15) % startBits
}

// NewPhraseMarker returns the marker of the phrases of s (nil: none).
func NewPhraseMarker(s *analysis.Synonyms) *PhraseMarker {
	m := &PhraseMarker{first: map[string][]int{}, has: map[string]bool{}}
	for _, a := range s.Alternatives() {
		w := synonymPhrase(a)
		if w == nil {
			continue
		}
		k := PhraseKey(w)
		if m.has[k] {
			continue
		}
		m.has[k] = true
		i := len(m.words)
		m.words = append(m.words, w)
		m.keys = append(m.keys, k)
		for _, t := range w.positions[0] {
			m.first[t] = append(m.first[t], i)
			k := startKey(t)
			m.starts[k/64] |= 1 << (k % 64)
		}
	}
	return m
}

// Keys returns the keys of the phrases the marker finds, sorted.
func (m *PhraseMarker) Keys() []string {
	if m == nil {
		return nil
	}
	return slices.Sorted(slices.Values(m.keys))
}

// Has reports whether the marker finds the phrase of key.
func (m *PhraseMarker) Has(key string) bool { return m != nil && m.has[key] }

// PhraseKey names a phrase by what it matches, whatever its spelling in a
// synonyms file: each position's distance from the first and its terms
// (« pouvoir d’agir » and « pouvoirs d'agir » have the same key).
func PhraseKey(w *Word) string {
	var b strings.Builder
	for i, alts := range w.positions {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(w.offsets[i]))
		b.WriteByte(':')
		sorted := slices.Sorted(slices.Values(alts))
		b.WriteString(strings.Join(sorted, "|"))
	}
	return b.String()
}

// Mark calls found with the key of each phrase toks holds (tokens in
// position order, as the analyzer gives them; a key may come more than once).
func (m *PhraseMarker) Mark(toks bleveanalysis.TokenStream, found func(key string)) {
	if m == nil || len(m.words) == 0 {
		return
	}
	for i, t := range toks {
		if k := startKey(string(t.Term)); m.starts[k/64]&(1<<(k%64)) == 0 {
			continue
		}
		for _, wi := range m.first[string(t.Term)] {
			w := m.words[wi]
			if phraseAt(toks, i, w) {
				found(m.keys[wi])
			}
		}
	}
}

// phraseAt reports whether w's later positions follow toks[i] (which holds
// a term of its first one) at their offsets.
func phraseAt(toks bleveanalysis.TokenStream, i int, w *Word) bool {
	return phraseFollows(len(toks), func(j int) int { return toks[j].Position },
		func(j int, alts []string) bool { return slices.Contains(alts, string(toks[j].Term)) }, i, w)
}

// phraseFollows reports whether, in a list of n tokens in position order
// (posOf gives a token's position, termIn whether its term is among alts),
// w's later positions follow token i at their offsets.
func phraseFollows(n int, posOf func(int) int, termIn func(int, []string) bool, i int, w *Word) bool {
	start := posOf(i)
	j := i
	for k := 1; k < len(w.positions); k++ {
		want := start + w.offsets[k]
		ok := false
		for ; j < n && posOf(j) <= want; j++ {
			if posOf(j) == want && termIn(j, w.positions[k]) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
		// Tokens at the same position may hold other alternatives: the
		// next position's search starts at the first token of this one.
		for j > i && posOf(j-1) == want {
			j--
		}
	}
	return true
}
