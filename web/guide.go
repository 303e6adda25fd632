package web

import (
	"context"
	_ "embed"
	"fmt"
	"html"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
)

// typeOrder is the order of the kinds of results in a count.
var typeOrder = []string{"note", "terme", "organisation"}

// countText says how many results there are and of which kinds: « 111
// résultats : 102 notes, 7 termes et 2 organisations », or « 23 notes »
// when they are all of one kind. The kinds come from the type facet.
func countText(t map[string]string, lang string, res *trouvaille.Result) string {
	if res.Total == 0 {
		return t["count_zero"]
	}
	kinds, n := kindsText(t, lang, res)
	if n == 1 {
		return kinds
	}
	head := t["count_one"]
	if res.Total > 1 {
		head = fmt.Sprintf(t["count_many"], formatCount(int(res.Total), lang))
	}
	if kinds == "" {
		return head
	}
	return head + t["colon"] + " " + kinds
}

// kindsText says the results by kind (« 102 notes, 7 termes et 2
// organisations ») and how many kinds; "" when the type facet does not
// account for every result.
func kindsText(t map[string]string, lang string, res *trouvaille.Result) (string, int) {
	var parts []string
	byType := map[string]int{}
	for _, fv := range res.Facets["type"] {
		byType[fv.Value] = fv.Count
	}
	sum := 0
	for _, typ := range typeOrder {
		if n := byType[typ]; n > 0 {
			parts = append(parts, kindCount(t, lang, typ, n))
			sum += n
		}
	}
	if len(parts) == 0 || sum != int(res.Total) {
		return "", 0
	}
	return joinList(t, parts), len(parts)
}

// kindCount says « 7 termes », « 1 organisation ».
func kindCount(t map[string]string, lang, typ string, n int) string {
	if n == 1 {
		return t["kind1_"+typ]
	}
	return fmt.Sprintf(t["kinds_"+typ], formatCount(n, lang))
}

// joinList joins « a, b et c ».
func joinList(t map[string]string, parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " " + t["and"] + " " + parts[len(parts)-1]
}

// seeAll is the filter sheet's button: « Voir les 111 résultats ».
func seeAll(t map[string]string, lang string, total int) string {
	switch total {
	case 0:
		return t["see_none"]
	case 1:
		return t["see_one"]
	}
	return fmt.Sprintf(t["see_many"], formatCount(total, lang))
}

var quoted = regexp.MustCompile(`"[^"]*"?`)

// positiveWords are the words of a query a note should contain: not the
// excluded ones (-mot), not the phrases in quotes, not the operators.
func positiveWords(q string) []string {
	q = quoted.ReplaceAllString(q, " ")
	var out []string
	for _, w := range strings.Fields(q) {
		if strings.HasPrefix(w, "-") || w == "OR" || w == "OU" {
			continue
		}
		w = strings.Trim(w, "+.,;:!?()«»“”")
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

var markRe = regexp.MustCompile(`<mark>(.*?)</mark>`)

// detectCorrection tells whether the engine read a typed word as another
// one (it tolerates typos silently): a word none of the highlighted words
// of the results starts with or shares its stem with, while some
// highlighted word is a couple of letters away from it. The words looked
// at are those the engine searched for (Result.Words): never a stop word or
// a question's word, which no highlight can show.
func detectCorrection(st state, searched []string, hits []trouvaille.Hit) *correction {
	var words []string
	for _, w := range searched {
		words = append(words, strings.Fields(w)...)
	}
	if len(words) == 0 {
		return nil
	}
	marks := map[string]int{} // highlighted word, lower-cased, with accents → occurrences
	for _, h := range hits {
		for _, m := range markRe.FindAllStringSubmatch(h.TitleHTML+" "+h.SnippetHTML, -1) {
			marks[strings.ToLower(html.UnescapeString(m[1]))]++
		}
	}
	read := st.Q
	var typed []string
	for _, w := range words {
		fw := analysis.Fold(w)
		if len([]rune(fw)) < 4 {
			continue
		}
		stems := map[string]bool{}
		for _, tok := range analysis.Analyze(w) {
			stems[tok.Term] = true
		}
		seen := false
		type cand struct {
			word  string
			n, dd int
		}
		var cands []cand
		for m, n := range marks {
			fm := analysis.Fold(m)
			if strings.HasPrefix(fm, fw) || strings.HasPrefix(fw, fm) {
				seen = true
				break
			}
			for _, tok := range analysis.Analyze(m) {
				if stems[tok.Term] {
					seen = true
				}
			}
			if seen {
				break
			}
			if d := analysis.EditDistance(fw, fm); d <= 2 && strings.Count(m, " ") == 0 {
				cands = append(cands, cand{m, n, d})
			}
		}
		if seen || len(cands) == 0 {
			continue
		}
		sort.Slice(cands, func(i, j int) bool {
			if cands[i].n != cands[j].n {
				return cands[i].n > cands[j].n
			}
			if cands[i].dd != cands[j].dd {
				return cands[i].dd < cands[j].dd
			}
			return cands[i].word < cands[j].word
		})
		read = replaceWord(read, w, cands[0].word)
		typed = append(typed, w)
	}
	if len(typed) == 0 {
		return nil
	}
	exact := st.Q
	for _, w := range typed {
		exact = replaceWord(exact, w, `"`+w+`"`)
	}
	es := st.clone()
	es.Q, es.Page = exact, 1
	return &correction{Read: read, Typed: st.Q, URL: es.URL()}
}

// replaceWord replaces the first whole-word occurrence of w in q. A
// hyphenated word the engine read as its parts (query.SplitHyphens: the
// result's words are its parts) is written as its parts, w replaced:
// « logemnt-social » read as « logement social », typed exactly as
// « "logemnt" social » (« "logemnt"-social » would exclude « social »).
func replaceWord(q, w, by string) string {
	f := strings.Fields(q)
	for i, x := range f {
		if strings.Trim(x, "+.,;:!?()«»“”") == w {
			f[i] = strings.Replace(x, w, by, 1)
			return strings.Join(f, " ")
		}
	}
	for i, x := range f {
		if r, _ := utf8.DecodeRuneInString(x); query.IsMinus(r) || strings.ContainsAny(x, `"«»“”„`) {
			continue // an excluded word, a phrase: never read apart
		}
		parts := strings.FieldsFunc(strings.Trim(x, "+.,;:!?()"), query.IsMinus)
		if j := slices.Index(parts, w); j >= 0 && len(parts) > 1 {
			parts[j] = by
			f[i] = strings.Join(parts, " ")
			return strings.Join(f, " ")
		}
	}
	return q
}

// guideSize is how many organisations and terms the home page offers.
const guideSize = 8

// newGuide builds the home page's starting points: example searches and
// the organisations and terms with the most notes.
func newGuide(t map[string]string, st state, res *trouvaille.Result) *guide {
	g := &guide{}
	for _, ex := range strings.Split(t["examples"], "|") {
		es := state{Q: ex, Page: 1, Lang: st.Lang}
		g.Examples = append(g.Examples, chip{Label: ex, URL: es.URL()})
	}
	for _, fv := range res.Facets["organisations"] {
		if len(g.Orgs) < guideSize {
			g.Orgs = append(g.Orgs, chip{Label: fv.Value, URL: st.with("organisation", fv.Value).URL()})
		}
	}
	for _, fv := range res.Facets["terms"] {
		if len(g.Terms) < guideSize {
			g.Terms = append(g.Terms, chip{Label: fv.Value, URL: st.with("term", fv.Value).URL()})
		}
	}
	return g
}

// entity finds the lexicon term or organisation the query names (one of
// its names, see entityNames, is the query or a run of the query's words),
// for the card above the results.
func (s *Site) entity(ctx context.Context, st state, p *page) *entityView {
	if len(nameWords(st.Q)) == 0 || st.Page > 1 {
		return nil
	}
	res, err := s.eng.Search(ctx, trouvaille.Scope{}, trouvaille.Request{Q: st.Q, Filters: map[string][]string{"type": {"terme", "organisation"}},
		PerPage: 10, NoSnippets: true, NoSuggestion: true, Facets: []string{}})
	if err != nil {
		return nil
	}
	for _, h := range res.Hits {
		if !namesEntity(st.Q, h.Title, false) {
			continue
		}
		n, err := s.eng.Note(trouvaille.Scope{}, h.ID)
		if err != nil {
			continue
		}
		e := &entityView{Kind: h.Type, KindLabel: typeLabel(p.T, h.Type), Title: n.Title, Text: plainSummary(n), URL: langURL("/n/"+h.ID, p.Explicit)}
		param := "term"
		if h.Type == "organisation" {
			param = "organisation"
		}
		e.NotesURL = filterURL(param, n.Title, p.Explicit)
		e.NotesLabel = p.T["entity_notes_"+h.Type]
		return e
	}
	return nil
}

// facetEntity is the card of an organisation or term the query names that
// has no entry of its own: found among the result's facet values (one of
// the value's names is the whole query), it offers its notes.
func facetEntity(st state, p *page, res *trouvaille.Result) *entityView {
	for _, f := range []struct{ facet, param, kind string }{{"organisations", "organisation", "organisation"}, {"terms", "term", "terme"}} {
		for _, fv := range res.Facets[f.facet] {
			if !namesEntity(st.Q, fv.Value, true) || contains(st.Filters[f.param], fv.Value) {
				continue
			}
			return &entityView{Kind: f.kind, KindLabel: typeLabel(p.T, f.kind), Title: fv.Value,
				NotesURL: filterURL(f.param, fv.Value, p.Explicit), NotesLabel: p.T["entity_notes_"+f.kind] + " (" + notesCount(fv.Count, p.Lang) + ")"}
		}
	}
	return nil
}

// nameWords are the folded words of s, without punctuation: « Conseil
// d’administration (CA) » gives conseil, d, administration, ca.
func nameWords(s string) []string {
	return strings.FieldsFunc(analysis.Fold(s), notWordRune)
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// titleAcronym splits a title that ends with an acronym in parentheses,
// « Communauté de pratique (CdP) », into the name before it and the
// acronym as written. The acronym is one word of 2 to 10 letters or digits
// with at least two capitals, so that « Fiducie (Québec) » is no acronym.
// ok is false when the title has none.
func titleAcronym(title string) (name, acronym string, ok bool) {
	t := strings.TrimSpace(title)
	if !strings.HasSuffix(t, ")") {
		return "", "", false
	}
	i := strings.LastIndex(t, "(")
	if i <= 0 {
		return "", "", false
	}
	acronym, name = t[i+1:len(t)-1], strings.TrimSpace(t[:i])
	n, caps := 0, 0
	for _, r := range acronym {
		if notWordRune(r) {
			return "", "", false
		}
		if unicode.IsUpper(r) {
			caps++
		}
		n++
	}
	if n < 2 || n > 10 || caps < 2 || len(nameWords(name)) == 0 {
		return "", "", false
	}
	return name, acronym, true
}

// namesEntity reports whether the query q names the term or organisation
// titled title: its whole title, or, for « Communauté de pratique (CdP) »,
// the name without the acronym (« communauté de pratique ») or the acronym
// alone (« CdP », « cdp »), is the whole query (whole) or a run of the
// query's words. Names compare by folded words, punctuation aside; an
// acronym compares without folding accents, so that « ça » does not name
// « Conseil d’administration (CA) », and a two-letter acronym inside a
// longer query must be written as in the title (« le CA », not « le ca »).
func namesEntity(q, title string, whole bool) bool {
	qw := nameWords(q)
	if len(qw) == 0 {
		return false
	}
	names := [][]string{nameWords(title)}
	name, acronym, ok := titleAcronym(title)
	if ok {
		names = append(names, nameWords(name))
	}
	for _, n := range names {
		if len(n) > 0 && hasRun(qw, n, whole) {
			return true
		}
	}
	if !ok {
		return false
	}
	raw := strings.FieldsFunc(q, notWordRune)
	if whole && len(raw) != 1 {
		return false
	}
	for _, w := range raw {
		if w == acronym || strings.EqualFold(w, acronym) && (len(raw) == 1 || utf8.RuneCountInString(acronym) > 2) {
			return true
		}
	}
	return false
}

// hasRun reports whether run is a run of consecutive words of words (all
// of them when whole).
func hasRun(words, run []string, whole bool) bool {
	if whole && len(words) != len(run) {
		return false
	}
	for i := 0; i+len(run) <= len(words); i++ {
		if slices.Equal(words[i:i+len(run)], run) {
			return true
		}
	}
	return false
}

var mdNoise = regexp.MustCompile(`[#*_>\[\]` + "`" + `]|\]\([^)]*\)`)

// plainSummary is a note's summary, or the start of its body without
// Markdown, cut at about 280 characters.
func plainSummary(n *trouvaille.Note) string {
	text := n.Summary
	if text == "" {
		for _, para := range strings.Split(n.Body, "\n\n") {
			para = strings.TrimSpace(mdNoise.ReplaceAllString(para, ""))
			if para != "" {
				text = para
				break
			}
		}
	}
	text = strings.Join(strings.Fields(text), " ")
	if r := []rune(text); len(r) > 280 {
		cut := string(r[:280])
		if i := strings.LastIndex(cut, " "); i > 200 {
			cut = cut[:i]
		}
		text = cut + "…"
	}
	return text
}

//go:embed en-fr.txt
var glossaryText string

// glossary maps English words to the French words of the notes, in the
// synonyms format; the English interface offers them when an English
// search finds nothing. The engine's own synonym list is looked up too.
var glossary = func() *analysis.Synonyms {
	g, err := analysis.ParseSynonyms(glossaryText, "en-fr.txt")
	if err != nil {
		panic(err)
	}
	return g
}()

// frenchWords returns French words for an English query, from the
// glossary and the engine's synonyms.
func frenchWords(q string, lists ...*analysis.Synonyms) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range positiveWords(q) {
		key, _ := analysis.WordKey(w)
		if key == "" {
			continue
		}
		for _, l := range lists {
			for _, alt := range l.Rule(key) {
				if k := analysis.Fold(alt); !seen[k] && k != analysis.Fold(w) {
					seen[k] = true
					out = append(out, alt)
				}
			}
		}
	}
	return out
}
