package discover

import (
	"context"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/index"
	"github.com/encommun/trouvaille/query"
)

// "Vouliez-vous dire…?": when a query finds nothing or little, each word the
// notes do not know is replaced by the closest real word of the notes'
// vocabulary (titles, summaries, terms, organisations, carnets of public
// notes): fewest edits in characters, accents ignored, then the word found in
// the most notes. The corrected query is proposed only when it finds more.
// When no note has every word and none is unknown, a typo that is a word of
// the bodies is corrected too (correctQuery).

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

func newVocabulary(recs []noteRec, table []string) *vocabulary {
	counts := make([]int, len(table))
	var f recFields
	for _, r := range recs {
		f.decode(r)
		for _, id := range f.words {
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
		f := analysis.Fold(w)
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
// then most frequent; skip (nil: none) leaves words out.
func (v *vocabulary) closest(w string, skip func(folded string) bool) (vocabWord, bool) {
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
			if analysis.WithinDistance(w, u, k) {
				d = k
				break
			}
		}
		if d > budget || (skip != nil && skip(u)) {
			continue // skip only for the few close enough: it may cost
		}
		vw := v.words[u]
		if d < bestDist || (d == bestDist && vw.df > best.df) || (d == bestDist && vw.df == best.df && vw.surface < best.surface) {
			best, bestDist = vw, d
		}
	}
	return best, bestDist <= budget
}

// knows reports whether folded word w is a word of the vocabulary (a
// title, summary or label of a public note has it as typed) or a stop word.
func (v *vocabulary) knows(w string) bool {
	if vw, ok := v.words[w]; ok && vw.df > 0 {
		return true
	}
	return analysis.Stem(w) == ""
}

// knownWord reports whether the notes use the folded word: in the
// vocabulary, or as a term of the index (bodies included).
//
// A word only counts when a note the scope sees has it, so that the absence
// of a correction never tells that a hidden note uses a word: the
// dictionary counts the notes the scope sees (their visibility), and a
// search under the whole scope (its mandatory filters too) confirms.
func (d *Discovery) knownWord(ctx context.Context, v *discoIndex, w string, sc query.Scope) bool {
	if v.vocab.knows(w) {
		return true
	}
	st := analysis.Stem(w)
	dict := d.ix.DictionaryFor(sc)
	has := query.HasTerm(dict, st)
	dict.Close()
	if !has {
		return false
	}
	b := bq.NewBooleanQuery(nil, nil, nil)
	b.AddMust(bq.NewDisjunctionQuery(query.TermInFields(st, 1)))
	b.AddFilter(index.ScopeQuery(sc))
	req := bleve.NewSearchRequestOptions(b, 1, 0, false)
	req.Score = "none"
	ids, err := d.ix.SearchIDs(ctx, req)
	return err == nil && len(ids) > 0
}

// correctQuery returns the query with its unknown words replaced, and
// whether anything changed. When nothing is unknown and the result was
// relaxed (no note the scope sees has every word), the words known only
// through their stem (no title, summary or label of a public note has them
// as typed: "donnes" typed for "données", a typo that happens to be a word
// of the bodies) are replaced the same way; Suggestion offers that
// correction only when it finds notes with every word, which strict
// reports.
func (d *Discovery) correctQuery(ctx context.Context, v *discoIndex, pq query.ParsedQuery, sc query.Scope, relaxed bool) (q string, changed, strict bool) {
	q, changed = d.correctWords(v, pq, func(w string) bool { return d.knownWord(ctx, v, w, sc) }, false)
	if changed || !relaxed {
		return q, changed, false
	}
	q, changed = d.correctWords(v, pq, v.vocab.knows, true)
	return q, changed, true
}

// correctWords replaces the words of pq that known reports false for by
// their closest word of the vocabulary (otherStem: one of another stem, since
// a word of the same stem matches the same notes).
func (d *Discovery) correctWords(v *discoIndex, pq query.ParsedQuery, known func(w string) bool, otherStem bool) (string, bool) {
	changed := false
	out := query.ParsedQuery{Clauses: append([]query.Clause(nil), pq.Clauses...)}
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
		w := analysis.BareWord(analysis.Fold(text))
		if w == "" || known(w) {
			continue
		}
		if c.Prefix && v.vocab.hasPrefix(w) {
			continue // still being typed
		}
		var skip func(string) bool
		if otherStem {
			st := analysis.Stem(w)
			skip = func(u string) bool { return analysis.Stem(u) == st }
		}
		if vw, ok := v.vocab.closest(w, skip); ok {
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

// Suggestion looks for a corrected query when res, the result of r, found
// little: nil when there is none, or when it finds no more.
func (d *Discovery) Suggestion(ctx context.Context, r query.Request, res *index.Result) *index.Suggestion {
	if res.Total >= suggestBelow && !res.Relaxed {
		return nil
	}
	pq, err := query.Parse(r.Q)
	if err != nil || pq.Empty() {
		return nil
	}
	v, err := d.viewNow(ctx)
	if err != nil {
		return nil
	}
	q, ok, strict := d.correctQuery(ctx, v, pq, r.Scope, res.Relaxed)
	if !ok {
		return nil
	}
	cr := query.Request{Q: q, Filters: r.Filters, PublishedAfter: r.PublishedAfter, PublishedBefore: r.PublishedBefore,
		Facets: []string{}, PerPage: 1, NoSnippets: true, NoSynonyms: r.NoSynonyms, NoSuggestion: true, Scope: r.Scope}
	c, err := d.ix.Search(ctx, cr, d.notes)
	if err != nil || c.Total == 0 {
		return nil
	}
	if (res.Relaxed && !c.Relaxed) || (!strict && res.Relaxed == c.Relaxed && c.Total > res.Total) {
		return &index.Suggestion{Q: q, Total: c.Total}
	}
	return nil
}
