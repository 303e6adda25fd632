package query

import (
	"strings"
	"unicode/utf8"
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
	return m == nil || (len(m.exact) == 0 && len(m.prefixes) == 0)
}
