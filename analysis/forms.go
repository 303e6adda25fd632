package analysis

import "unicode/utf8"

// The words of a body that StemReaches leaves out of the index as written
// (a stem and up to three letters) can only be found from their stem. The
// query planner reaches such a stem from a word being typed, or from a typo
// in the ending; these tell whether some form of the stem could be the word
// meant, so that a stem that merely starts the word (« petit » for
// « pétition », « cour » for « courriel ») is not taken for it.

// endingLetters are the letters of the endings (three letters at most) the
// stemmer cuts past a stem: Snowball's French suffixes, their undoubled
// consonants, the plural and the feminine.
const endingLetters = "aefilnorstuvxz"

// Completes reports whether typed, a word being typed that extends stem by
// at most three letters, may be the start of a form of stem that
// StemReaches leaves out of the words indexed as written: typed itself, or
// typed and the rest of an ending. « petite » completes « petit »,
// « petition » does not (no ending makes it a form of « petit »).
func Completes(typed, stem string) bool {
	if !StemReaches(typed, stem) {
		return false
	}
	var try func(w string, left int) bool
	try = func(w string, left int) bool {
		if stemUncached(w) == stem {
			return true
		}
		if left == 0 {
			return false
		}
		for i := 0; i < len(endingLetters); i++ {
			if try(w+endingLetters[i:i+1], left-1) {
				return true
			}
		}
		return false
	}
	return try(typed, 3-(utf8.RuneCountInString(typed)-utf8.RuneCountInString(stem)))
}

// FormNear reports whether a form of stem that StemReaches leaves out of
// the words indexed as written (the stem and an ending of up to three
// letters) is within typos edits of typed (insertions, deletions,
// substitutions, transpositions: as WithinTypos): « economei » is one typo
// from « economie », a form of « econom »; « courriel » is no typo from a
// form of « cour » or « court ». The endings are walked letter by letter
// with the edit distance's rows, a branch cut as soon as no longer form can
// come within the typos.
func FormNear(typed, stem string, typos int) bool {
	if !utf8.ValidString(typed) || !utf8.ValidString(stem) {
		return false // no term nor query word is
	}
	t := []rune(typed)
	s := []rune(stem)
	const maxEnding = 3
	if len(s) < 4 || len(s)+maxEnding < len(t)-typos || len(s) > len(t)+typos {
		return false
	}
	// rows[i][j] is the distance between the form's first i letters and
	// t[:j] (optimal string alignment, as WithinTypos).
	n := len(t)
	rows := make([][]int, len(s)+maxEnding+1)
	for i := range rows {
		rows[i] = make([]int, n+1)
	}
	form := make([]rune, 0, len(s)+maxEnding)
	for j := range rows[0] {
		rows[0][j] = j
	}
	step := func(c rune) {
		form = append(form, c)
		i := len(form)
		r, prev := rows[i], rows[i-1]
		r[0] = i
		for j := 1; j <= n; j++ {
			cost := 1
			if t[j-1] == c {
				cost = 0
			}
			r[j] = min(prev[j]+1, r[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && c == t[j-2] && form[i-2] == t[j-1] {
				r[j] = min(r[j], rows[i-2][j-2]+1)
			}
		}
	}
	for _, c := range s {
		step(c)
	}
	// A lower bound of the distance of any longer form, left letters at
	// most added: each added letter matches at most one letter of t, and
	// a transposition reaches back one row.
	bound := func(left int) int {
		i := len(form)
		b := n + left
		for j := 0; j <= n; j++ {
			b = min(b, rows[i][j]+max(0, n-j-left), rows[i-1][j]+1+max(0, n-j-left-1))
		}
		return b
	}
	var walk func(left int) bool
	walk = func(left int) bool {
		if rows[len(form)][n] <= typos && stemUncached(string(form)) == stem {
			return true
		}
		if left == 0 || bound(left) > typos {
			return false
		}
		for i := 0; i < len(endingLetters); i++ {
			step(rune(endingLetters[i]))
			ok := walk(left - 1)
			form = form[:len(form)-1]
			if ok {
				return true
			}
		}
		return false
	}
	return walk(maxEnding)
}
