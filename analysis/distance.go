package analysis

import (
	"slices"
	"strings"
)

// EditDistance is the Levenshtein distance between a and b, in characters.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Closest returns the name nearest to s within maxDist edits (ties:
// alphabetical), or "" — for « vouliez-vous dire » on parameter and field names.
func Closest(s string, names []string, maxDist int) string {
	best, bestD := "", maxDist+1
	for _, n := range names {
		if d := EditDistance(s, n); d < bestD || (d == bestD && n < best) {
			best, bestD = n, d
		}
	}
	return best
}

// WithinDistance reports whether the Levenshtein distance between a and b,
// counted in characters, is at most k.
func WithinDistance(a, b string, k int) bool {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > k || -d > k {
		return false
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > k {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)] <= k
}

// FirstSounds returns rewrites of the start of folded word w that sound the
// same in French, the misspellings of the first letter a person writing by
// ear makes: a missing or extra h (« abitation », « hobjectif »), f for ph
// (« filanthropie »), s for c and j for g before e, i, y (« sitoyen »,
// « jentrification »), k for c or qu (« kartier »), o for au (« otonomie »),
// a for e before n or m (« anfant »), and the other way round. Each counts
// as one typo. Words under four letters get none.
func FirstSounds(w string) []string {
	if len(w) < 4 {
		return nil
	}
	var out []string
	add := func(v string) {
		if v != w && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	soft := func(c byte) bool { return c == 'e' || c == 'i' || c == 'y' }
	hard := func(c byte) bool { return c == 'a' || c == 'o' || c == 'u' }
	vowel := func(c byte) bool { return strings.IndexByte("aeiouy", c) >= 0 }
	switch c, next := w[0], w[1]; {
	case vowel(c):
		add("h" + w)
	case c == 'h' && vowel(next):
		add(w[1:])
	}
	switch {
	case strings.HasPrefix(w, "ph"):
		add("f" + w[2:])
	case w[0] == 'f':
		add("ph" + w[1:])
	case w[0] == 's' && soft(w[1]):
		add("c" + w[1:])
	case w[0] == 'c' && soft(w[1]):
		add("s" + w[1:])
	case w[0] == 'j' && soft(w[1]):
		add("g" + w[1:])
	case w[0] == 'g' && soft(w[1]):
		add("j" + w[1:])
	case strings.HasPrefix(w, "qu"):
		add("k" + w[2:])
	case w[0] == 'k':
		if hard(w[1]) {
			add("c" + w[1:])
		}
		add("qu" + w[1:])
	case w[0] == 'c' && hard(w[1]):
		add("k" + w[1:])
	}
	switch {
	case strings.HasPrefix(w, "au"):
		add("o" + w[2:])
	case strings.HasPrefix(w, "eau"):
		add("o" + w[3:])
	case w[0] == 'o':
		add("au" + w[1:])
	case w[0] == 'a' && (w[1] == 'n' || w[1] == 'm'):
		add("e" + w[1:])
	case w[0] == 'e' && (w[1] == 'n' || w[1] == 'm'):
		add("a" + w[1:])
	}
	return out
}

// WithinTypos reports whether a and b are at most k typos apart, a typo
// being a letter added, removed, replaced, or two adjacent letters swapped
// (the optimal string alignment distance, as the dictionary look-ups
// count), in characters.
func WithinTypos(a, b string, k int) bool {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > k || -d > k {
		return false
	}
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)] <= k
}
