package index

import (
	"context"
	"sort"
	"strings"
	"unicode/utf8"
)

// "Vouliez-vous dire…?": when a query finds nothing or little, each word the
// notes do not know is replaced by the closest real word of the notes'
// vocabulary (titles, summaries, terms, organisations, carnets of public
// notes): fewest edits in characters, accents ignored, then the word found in
// the most notes. The corrected query is proposed only when it finds more.

// Suggestion is a corrected query and what it finds.
type Suggestion struct {
	Q     string `json:"q"`
	Total uint64 `json:"total"`
}

// suggestBelow is the total under which a correction is looked for (also
// whenever the result is relaxed).
const suggestBelow = 3

// vocabulary holds the surface words of the discovery view.
type vocabulary struct {
	words map[string]vocabWord // folded → surface and document frequency
	uniq  []string             // folded words, sorted
}

type vocabWord struct {
	surface string
	df      int
}

func newVocabulary(in *interner, recs map[string]*noteRec) *vocabulary {
	table := in.wordTable()
	counts := make([]int, len(table))
	for _, r := range recs {
		for _, id := range r.words {
			if int(id) < len(counts) {
				counts[id]++
			}
		}
	}
	forms := map[string]map[string]int{}
	for id, c := range counts {
		if c == 0 {
			continue
		}
		w := table[id]
		f := Fold(w)
		m := forms[f]
		if m == nil {
			m = map[string]int{}
			forms[f] = m
		}
		m[w] += c
	}
	v := &vocabulary{words: make(map[string]vocabWord, len(forms))}
	for f, m := range forms {
		best, bc, df := "", -1, 0
		for s, c := range m {
			df += c
			if c > bc || (c == bc && s < best) {
				best, bc = s, c
			}
		}
		v.words[f] = vocabWord{best, df}
		v.uniq = append(v.uniq, f)
	}
	sort.Strings(v.uniq)
	return v
}

// closest returns the best replacement of folded word w: same first letter,
// within the typo budget (1 edit from 4 characters, 2 from 8), fewest edits
// then most frequent.
func (v *vocabulary) closest(w string) (vocabWord, bool) {
	n := utf8.RuneCountInString(w)
	if n < 4 {
		return vocabWord{}, false
	}
	budget := 1
	if n >= 8 {
		budget = 2
	}
	first, _ := utf8.DecodeRuneInString(w)
	fs := string(first)
	var best vocabWord
	bestDist := budget + 1
	for i := sort.SearchStrings(v.uniq, fs); i < len(v.uniq) && strings.HasPrefix(v.uniq[i], fs); i++ {
		u := v.uniq[i]
		if u == w {
			continue
		}
		d := budget + 1
		for k := 1; k <= budget; k++ {
			if withinDistance(w, u, k) {
				d = k
				break
			}
		}
		if d > budget {
			continue
		}
		vw := v.words[u]
		if d < bestDist || (d == bestDist && vw.df > best.df) || (d == bestDist && vw.df == best.df && vw.surface < best.surface) {
			best, bestDist = vw, d
		}
	}
	return best, bestDist <= budget
}

// knownWord reports whether the notes use the folded word: in the
// vocabulary, or as a term of the index (bodies included).
func (ix *Index) knownWord(d *discoIndex, w string) bool {
	if vw, ok := d.vocab.words[w]; ok && vw.df > 0 {
		return true
	}
	st := Stem(w)
	if st == "" {
		return true // stop word
	}
	dict := ix.dictionary()
	defer dict.close()
	for _, f := range fuzzyFields {
		terms, err := dict.Prefix(f, st, 1)
		if err == nil && len(terms) == 1 && terms[0].Term == st {
			return true
		}
	}
	return false
}

// correctQuery returns the query with its unknown words replaced, and
// whether anything changed.
func (ix *Index) correctQuery(d *discoIndex, pq ParsedQuery) (string, bool) {
	changed := false
	out := ParsedQuery{Clauses: append([]Clause(nil), pq.Clauses...)}
	for i, c := range out.Clauses {
		if c.Phrase || c.Exclude {
			continue
		}
		text := c.Text
		pre := ""
		if j := strings.LastIndexAny(text, "'’"); j >= 0 {
			_, size := utf8.DecodeRuneInString(text[j:])
			pre, text = text[:j+size], text[j+size:]
		}
		w := bareWord(Fold(text))
		if w == "" || ix.knownWord(d, w) {
			continue
		}
		if c.Prefix && d.vocab.hasPrefix(w) {
			continue // still being typed
		}
		if vw, ok := d.vocab.closest(w); ok {
			out.Clauses[i].Text = pre + vw.surface
			changed = true
		}
	}
	return out.String(), changed
}

func (v *vocabulary) hasPrefix(p string) bool {
	i := sort.SearchStrings(v.uniq, p)
	return i < len(v.uniq) && strings.HasPrefix(v.uniq[i], p)
}

// suggestion looks for a corrected query when res found little.
func (ix *Index) suggestion(ctx context.Context, r Request, pq ParsedQuery, res *Result, notes Notes) *Suggestion {
	if pq.Empty() || (res.Total >= suggestBelow && !res.Relaxed) {
		return nil
	}
	d, err := ix.discoveryNow(ctx, notes)
	if err != nil {
		return nil
	}
	q, ok := ix.correctQuery(d, pq)
	if !ok {
		return nil
	}
	cr := Request{Q: q, Filters: r.Filters, PublishedAfter: r.PublishedAfter, PublishedBefore: r.PublishedBefore,
		Facets: []string{}, PerPage: 1, NoSnippets: true, NoSynonyms: r.NoSynonyms, NoSuggestion: true}
	c, err := ix.Search(ctx, cr, notes)
	if err != nil || c.Total == 0 {
		return nil
	}
	if (res.Relaxed && !c.Relaxed) || (res.Relaxed == c.Relaxed && c.Total > res.Total) {
		return &Suggestion{Q: q, Total: c.Total}
	}
	return nil
}
