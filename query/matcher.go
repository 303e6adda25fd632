package query

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/encommun/trouvaille/analysis"
)

// Matcher tells which analyzed terms of a text match the query, mirroring how
// the search matched them: exact terms, terms within the typo budget, and
// terms the word being typed is a prefix of (or extends).
type Matcher struct {
	words    int // positive words and phrases of the query
	exact    map[string]bool
	prefixes []string
	// grouped: a word of the plan is several words of the query (a phrase,
	// or words a synonym group took together), highlighted one by one.
	grouped bool
	// phrases are the synonyms of several words the search matched
	// (« organisme à but non lucratif » for OBNL), analyzed: highlighted
	// only where their words follow each other as in the synonym
	// (MarkPhrases), never one by one.
	phrases []*Word
}

// NewMatcher returns the matcher of a raw query string (used by callers
// that highlight outside Search, such as the note page).
func NewMatcher(q string) *Matcher {
	pq, err := Parse(q)
	if err != nil {
		return &Matcher{exact: map[string]bool{}}
	}
	p, err := NewPlan(pq, nil)
	if err != nil {
		return &Matcher{exact: map[string]bool{}}
	}
	return p.Matcher()
}

// Match reports whether an analyzed term matches the query.
func (m *Matcher) Match(term string) bool {
	if m == nil {
		return false
	}
	if m.exact[term] {
		return true
	}
	for _, p := range m.prefixes {
		if strings.HasPrefix(term, p) {
			return true
		}
		if n := utf8.RuneCountInString(term); n >= 4 && n >= utf8.RuneCountInString(p)-3 && strings.HasPrefix(p, term) {
			return true
		}
	}
	return false
}

// Words is the number of positive words and phrases of the query.
func (m *Matcher) Words() int {
	if m == nil {
		return 0
	}
	return m.words
}

// HasPrefixes reports whether m matches terms by prefix (a word being
// completed): it then matches more than the index counted for the word.
func (m *Matcher) HasPrefixes() bool { return m != nil && len(m.prefixes) > 0 }

// Grouped reports whether a word of the plan is several words of the query
// (a phrase, or words a synonym group took together: « centre d’action
// bénévole »). The index counts such a word in a field only when all its
// words are there, but m highlights each of them wherever it is: it then
// matches in texts where the index counted nothing.
func (m *Matcher) Grouped() bool { return m != nil && m.grouped }

// Empty reports whether nothing can match (browse mode).
func (m *Matcher) Empty() bool {
	return m == nil || (len(m.exact) == 0 && len(m.prefixes) == 0 && len(m.phrases) == 0)
}

// HasPhrases reports whether m highlights synonyms of several words
// (MarkPhrases).
func (m *Matcher) HasPhrases() bool { return m != nil && len(m.phrases) > 0 }

// MarkPhrases sets matched[i] for the tokens of every place in toks (the
// analysis of one text, in order) where one of m's phrases occurs, as the
// search verifies a phrase (phraseFollows). It looks at occurrences
// starting at token from or later, and reports whether it marked any.
func (m *Matcher) MarkPhrases(toks []analysis.Token, matched []bool, from int) bool {
	if m == nil || len(m.phrases) == 0 {
		return false
	}
	posOf := func(j int) int { return toks[j].Position }
	termIn := func(j int, alts []string) bool { return slices.Contains(alts, toks[j].Term) }
	marked := false
	for i := max(from, 0); i < len(toks); i++ {
		for _, w := range m.phrases {
			if !termIn(i, w.positions[0]) || !phraseFollows(len(toks), posOf, termIn, i, w) {
				continue
			}
			start := posOf(i)
			for k := range w.positions {
				want := start + w.offsets[k]
				for j := i; j < len(toks) && posOf(j) <= want; j++ {
					if posOf(j) == want && termIn(j, w.positions[k]) {
						matched[j] = true
					}
				}
			}
			marked = true
		}
	}
	return marked
}

// addPhrase adds a synonym of several words to highlight, once.
func (m *Matcher) addPhrase(text string) {
	for _, w := range m.phrases {
		if w.clause.Text == text {
			return
		}
	}
	if w := synonymPhrase(text); w != nil && len(w.positions) > 1 {
		m.phrases = append(m.phrases, w)
	}
}
