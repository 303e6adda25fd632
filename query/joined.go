package query

import (
	"strings"
	"unicode/utf8"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/schema"
)

// JoinWritten marks the pairs of words typed apart that the notes write as
// one word (« eco anxiete » for « écoanxiété », « auto partage », « co
// voiturage »): French closes many compounds, and people type their parts
// apart, where a note writing the word joined held neither part. Each word
// of such a pair then also matches the word joined, loosely, as a typo
// (Clause.JoinNext, read by the synonym matching after the synonym groups;
// Word.LooseTerms): the notes holding the words as typed come first. Only
// a word the notes write (dict, in the caller's scope), as written or as
// its stem held with the word one of its forms (stemHeld), of two parts of
// two letters or more that are not stop words, outside phrases and
// exclusions; the second may be being typed (the word joined is then
// looked up whole, or, from three letters typed, completed among the words
// as written: joinedCompletion). A pair typed twice is joined once. ok is
// false when nothing was marked.
func (p ParsedQuery) JoinWritten(dict Dictionary) (ParsedQuery, bool) {
	if dict == nil || len(p.Clauses) < 2 {
		return p, false
	}
	var out ParsedQuery
	seen := map[string]bool{}
	for i := 0; i+1 < len(p.Clauses); i++ {
		w := joinedWord(p.Clauses[i], p.Clauses[i+1])
		if w == "" || seen[w] {
			continue // a pair typed twice is joined once, as a word typed twice counts once
		}
		seen[w] = true
		if !(holds(dict, schema.Words, w) || stemHeld(dict, w)) {
			if w = joinedCompletion(dict, p.Clauses[i+1], w); w == "" {
				continue
			}
		}
		if out.Clauses == nil {
			out.Clauses = append([]Clause(nil), p.Clauses...)
		}
		out.Clauses[i].JoinNext = w
		i++ // a word joins one other at most
	}
	if out.Clauses == nil {
		return p, false
	}
	return out, true
}

// stemHeld reports whether the notes hold the word's stem, whole, and the
// word is one of the stem's forms that the words as written leave out of a
// body (analysis.StemReaches: the stem and an ending of three letters at
// most): « ecoanxiete » (« ecoanxiet »), not « ecologement », whose stem
// « ecolog » is « écologique »'s.
func stemHeld(dict Dictionary, w string) bool {
	toks := analysis.Analyze(w)
	if len(toks) != 1 || !analysis.StemReaches(w, toks[0].Term) {
		return false
	}
	for _, f := range fuzzyFields {
		if holds(dict, f, toks[0].Term) {
			return true
		}
	}
	return false
}

// minJoinedTyped is the number of letters of the second word being typed
// from which JoinWritten completes the word joined (« eco anx »: « eco a »
// begins too many).
const minJoinedTyped = 3

// joinedCompletion returns, for a second word still being typed, the word
// as written that the two words joined begin, the most frequent (« eco
// anx »: « ecoanxiete »), "" when none does or the word is typed whole.
// The words as written hold a title's words, and those of a body that
// their stem does not reach: a word only a body writes, whole, is found
// once typed whole.
func joinedCompletion(dict Dictionary, b Clause, w string) string {
	if !b.Prefix || utf8.RuneCountInString(b.Text) < minJoinedTyped {
		return ""
	}
	words, err := dict.Prefix(schema.Words, w, 16)
	if err != nil {
		return ""
	}
	best := DictTerm{}
	for _, t := range words {
		if t.Count > best.Count && isLetters(t.Term) {
			best = t
		}
	}
	return best.Term
}

// joinedWord returns the two clauses' words joined, folded (« ecoanxiete »),
// or "" when they may not be joined (JoinWritten).
func joinedWord(a, b Clause) string {
	if a.Phrase || b.Phrase || a.Exclude || b.Exclude || a.Prefix {
		return ""
	}
	var parts [2]string
	for i, c := range [2]Clause{a, b} {
		f := analysis.Fold(c.Text)
		if utf8.RuneCountInString(f) < 2 || !isLetters(f) {
			return ""
		}
		if _, stop := analysis.WordKey(c.Text); stop {
			return ""
		}
		parts[i] = f
	}
	return parts[0] + parts[1]
}

// isLetters reports whether s holds letters only (no digit, hyphen,
// apostrophe or other sign).
func isLetters(s string) bool {
	for _, r := range s {
		if !('a' <= r && r <= 'z') && !('A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}

// joinedMatch returns the clause's word joined with the next (JoinNext)
// when the next clause is still the one it was joined with: a rewrite after
// JoinWritten may have dropped or changed it. "" otherwise.
func joinedMatch(pq ParsedQuery, ci int) string {
	c := pq.Clauses[ci]
	if c.JoinNext == "" || ci+1 >= len(pq.Clauses) {
		return ""
	}
	next := pq.Clauses[ci+1]
	w := joinedWord(c, next)
	if w == "" || (w != c.JoinNext && !(next.Prefix && strings.HasPrefix(c.JoinNext, w))) {
		return ""
	}
	return c.JoinNext
}
