package discover

import (
	"context"
	"errors"
	"fmt"
	"html"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/index/termdict"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
	"github.com/encommun/trouvaille/store"
)

// Autocomplete: completions of what is being typed, grouped by kind, from
// in-memory tables of folded words built with the discovery view (see
// discovery.go) — binary searches, no index query — so that a keystroke
// costs well under a millisecond even at 100k notes.

// Limits of a suggestion request.
const (
	DefaultSuggestLimit = 5
	MaxSuggestLimit     = 20
	// Above wideRange entries, a query word's range is sampled: its
	// widerWords most frequent words, widerKeys best-ranked values each.
	wideRange  = 1024
	widerWords = 24
	widerKeys  = 24
)

var suggestKinds = []struct{ kind, label string }{
	{"titles", "Notes"},
	{"terms", "Termes"},
	{"organisations", "Organisations"},
	{"authors", "Auteur·trices"},
	{"carnets", "Carnets"},
}

// Suggestions is the answer of GET /v1/suggest.
type Suggestions struct {
	Query  string            `json:"query"`
	TookMS float64           `json:"took_ms"`
	Groups []SuggestionGroup `json:"groups"`
}

// SuggestionGroup holds the completions of one kind.
type SuggestionGroup struct {
	Kind  string           `json:"kind"`
	Label string           `json:"label"`
	Items []SuggestionItem `json:"items"`
}

// SuggestionItem is one completion: a note title (with its id) or a value
// with the number of public notes that have it.
type SuggestionItem struct {
	Value string `json:"value"`
	ID    string `json:"id,omitempty"`
	Count int    `json:"count,omitempty"`
	HTML  string `json:"html"`
}

// sugKind is the table of one kind: every word of every value, sorted.
// keys lists, for each distinct word in uniq's order, the items holding it,
// best ranked first; first gives each word's first key. (Keys were (word,
// item) pairs and item words strings until 2026-12-02: 24 and 16 bytes
// each where they are now 4; the tables went from 28 to 6 MiB at 100k notes.)
//
// An item is a value with the number of public notes that have it (vals,
// counts), or, in the titles' table, a note (recs: its title is the value,
// kept once, in the record). Item i's folded words, as numbers in uniq, are
// words[at[i]:at[i+1]]. (Items were structs of two strings, a count and a
// slice until 2026-12-03: 64 bytes and an allocation each.)
type sugKind struct {
	recs   []noteRec
	vals   []string
	counts []int32
	at     []uint32
	words  []int32
	keys   []int32
	uniq   []string
	first  []int32
}

func (k *sugKind) value(i int32) string {
	if k.recs != nil {
		return k.recs[i].title()
	}
	return k.vals[i]
}

func (k *sugKind) id(i int32) string {
	if k.recs != nil {
		return k.recs[i].id()
	}
	return ""
}

func (k *sugKind) count(i int32) int {
	if k.counts != nil {
		return int(k.counts[i])
	}
	return 0
}

func (k *sugKind) itemWords(i int32) []int32 { return k.words[k.at[i]:k.at[i+1]] }

// keyRange returns the keys of the words uniq[u0:u1].
func (k *sugKind) keyRange(u0, u1 int) (int, int) {
	lo, hi := len(k.keys), len(k.keys)
	if u0 < len(k.first) {
		lo = int(k.first[u0])
	}
	if u1 < len(k.first) {
		hi = int(k.first[u1])
	}
	return lo, hi
}

// newSugKind builds the table of values vals with their counts (nil: none),
// or of the notes recs whose titles are vals (kept: the table reads the
// titles from the records).
func newSugKind(vals []string, counts []int32, recs []noteRec) *sugKind {
	k := &sugKind{recs: recs, counts: counts}
	if recs == nil {
		k.vals = vals
	}
	count := func(i int32) int32 {
		if counts != nil {
			return counts[i]
		}
		return 0
	}
	// Static rank of the values: most notes first, then shortest; keys of
	// one word are kept in that order so the best values come first.
	order := make([]int32, len(vals))
	for i := range order {
		order[i] = int32(i)
	}
	sort.Slice(order, func(a, b int) bool {
		ia, ib := order[a], order[b]
		if ca, cb := count(ia), count(ib); ca != cb {
			return ca > cb
		}
		if len(vals[ia]) != len(vals[ib]) {
			return len(vals[ia]) < len(vals[ib])
		}
		return vals[ia] < vals[ib]
	})
	rank := make([]int32, len(vals))
	for r, i := range order {
		rank[i] = int32(r)
	}
	// Each value's folded words, one copy of each distinct word (they come
	// back in thousands of titles); then the keys, allocated once.
	canon := map[string]string{}
	nkeys := 0
	folded := make([][]string, len(vals))
	for i := range vals {
		words, _ := foldedWords(vals[i])
		for p, n := 0, len(words); p < n; p++ {
			// An abbreviation of « saint » is keyed in full, where
			// the words typed in full look for it, and as written
			// after the value's words (their positions kept), where
			// « ste » being typed looks for it.
			if full := sugWord(words[p]); full != words[p] {
				words = append(words, words[p])
				words[p] = full
			}
		}
		for p, w := range words {
			if c, ok := canon[w]; ok {
				words[p] = c
			} else {
				canon[w], words[p] = w, w
			}
		}
		folded[i] = words
		nkeys += len(words)
	}
	// The keys in (word, rank) order: each distinct word numbered in
	// string order, so that a key sorts as one integer (word number, then
	// rank) — at a million titles, sorting the keys as strings took most
	// of the view's build.
	uniq := make([]string, 0, len(canon))
	for w := range canon {
		uniq = append(uniq, w)
	}
	slices.Sort(uniq)
	num := make(map[string]uint64, len(uniq))
	for i, w := range uniq {
		num[w] = uint64(i)
	}
	packed := make([]uint64, 0, nkeys)
	k.at = make([]uint32, len(vals)+1)
	k.words = make([]int32, 0, nkeys)
	for i := range vals {
		for _, w := range folded[i] {
			k.words = append(k.words, int32(num[w]))
			packed = append(packed, num[w]<<32|uint64(uint32(rank[i])))
		}
		k.at[i+1] = uint32(len(k.words))
	}
	slices.Sort(packed)
	// Every word of uniq has a key: uniq is the kind's word list as is.
	k.uniq = uniq
	k.keys = make([]int32, len(packed))
	k.first = make([]int32, 0, len(uniq))
	for j, p := range packed {
		k.keys[j] = order[uint32(p)]
		if j == 0 || p>>32 != packed[j-1]>>32 {
			k.first = append(k.first, int32(j))
		}
	}
	return k
}

// widestWords returns the indexes (in uniq) of the most frequent words
// starting with p, at most widerWords of them.
func (k *sugKind) widestWords(p string) []int {
	type wc struct{ u, n int }
	var top []wc
	for u := sort.SearchStrings(k.uniq, p); u < len(k.uniq) && strings.HasPrefix(k.uniq[u], p); u++ {
		end := len(k.keys)
		if u+1 < len(k.first) {
			end = int(k.first[u+1])
		}
		c := wc{u, end - int(k.first[u])}
		if len(top) == widerWords && c.n <= top[len(top)-1].n {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return c.n > top[i].n })
		if len(top) < widerWords {
			top = append(top, wc{})
		}
		copy(top[i+1:], top[i:])
		top[i] = c
	}
	out := make([]int, len(top))
	for i, c := range top {
		out[i] = c.u
	}
	return out
}

// prefixRange returns the keys whose word starts with p.
func (k *sugKind) prefixRange(p string) (int, int) {
	u0 := sort.SearchStrings(k.uniq, p)
	u1 := u0 + sort.Search(len(k.uniq)-u0, func(i int) bool { return !strings.HasPrefix(k.uniq[u0+i], p) })
	return k.keyRange(u0, u1)
}

// fuzzyWords returns the distinct words within the typo budget of w, as a
// prefix (prefix true) or whole, with the typos each takes. The first
// letter must match, except for a misspelling of the first sounds
// (« abitation », « otonomie », « sitoyen »: analysis.FirstSounds), which
// counts as one typo, as the search counts it. When no typo reaches a
// word, the words written the way it sounds are taken, as one typo too
// (soundWords); under five letters, those first.
func (k *sugKind) fuzzyWords(w string, prefix bool, hear func(string, bool) bool) map[string]int {
	n := utf8.RuneCountInString(w)
	out := map[string]int{}
	// A word is heard only when the notes write no word that it is, or
	// that it begins while typed, as the search hears it: the tables hold
	// only the values, and « main », « faim », « pain », which the notes
	// write, completed « Ménard », « femmes », « pénurie ».
	heard := func() bool { return hear == nil || hear(w, prefix) }
	// Under five letters the search takes no typo and hears the word: so
	// do the completions, before any typo (« rezo » completes « réseau »;
	// « renouveler », one typo away, was proposed for it).
	if n < 5 && heard() {
		if k.soundWords(w, prefix, out); len(out) > 0 {
			return out
		}
	}
	budget := 1
	if n >= 8 {
		budget = 2
	}
	k.typoWords(w, prefix, budget, 0, out)
	for _, v := range analysis.FirstSounds(w) {
		k.typoWords(v, prefix, budget-1, 1, out)
	}
	if len(out) == 0 && n >= 5 && heard() {
		k.soundWords(w, prefix, out)
	}
	// The closest words only: « abitation » completes « habitation » (one
	// typo), not « animation » as well (two).
	fewest := budget
	for _, t := range out {
		fewest = min(fewest, t)
	}
	for u, t := range out {
		if t > fewest {
			delete(out, u)
		}
	}
	return out
}

// typoWords adds to out the words within budget typos of w (as a prefix or
// whole; the first letter kept), each with its typos plus extra, keeping a
// word's fewest.
func (k *sugKind) typoWords(w string, prefix bool, budget, extra int, out map[string]int) {
	add := func(u string, typos int) {
		if t, ok := out[u]; !ok || typos+extra < t {
			out[u] = typos + extra
		}
	}
	if budget == 0 {
		lo := sort.SearchStrings(k.uniq, w)
		for i := lo; i < len(k.uniq) && strings.HasPrefix(k.uniq[i], w); i++ {
			if prefix || k.uniq[i] == w {
				add(k.uniq[i], 0)
			}
		}
		return
	}
	n := utf8.RuneCountInString(w)
	first, _ := utf8.DecodeRuneInString(w)
	fs := string(first)
	lo := sort.SearchStrings(k.uniq, fs)
	// Sorted words sharing their first n+budget characters share the
	// answer: compute it once per such head.
	lastHead, lastTypos := "", -1
	for i := lo; i < len(k.uniq) && strings.HasPrefix(k.uniq[i], fs); i++ {
		u := k.uniq[i]
		if !prefix {
			if analysis.WithinDistance(w, u, budget) {
				add(u, fewestTypos(w, u, budget))
			}
			continue
		}
		head := u
		if j := runeOffset(u, n+budget); j < len(u) {
			head = u[:j]
		}
		if head != lastHead || i == lo {
			lastHead, lastTypos = head, -1
			for l := n - budget; l <= n+budget; l++ {
				if l < 1 {
					continue
				}
				j := runeOffset(head, l)
				if l > utf8.RuneCountInString(head) {
					break
				}
				if analysis.WithinDistance(w, head[:j], budget) {
					if t := fewestTypos(w, head[:j], budget); lastTypos < 0 || t < lastTypos {
						lastTypos = t
					}
				}
			}
		}
		if lastTypos >= 0 {
			add(u, lastTypos)
		}
	}
}

// maxSoundSteps bounds soundWords' walk: the automaton's steps plus the
// words read. The automaton visits only the words that begin like one of
// its spellings (a few hundred steps for a word of ten letters).
const maxSoundSteps = 1 << 16

// soundWords adds to out, each as one typo, the words of the table written
// the way w sounds (analysis.SoundsLike), or, being typed (prefix), that
// begin with a spelling of it (analysis.SoundsLikePrefix): « comunote »
// completes « communaute », « alofo » « allophone », as the search finds
// them. fuzzyWords asks only for a word that no word of the table begins
// and that the public notes do not write, and, from five letters, that no
// typo reaches, as the search does. The sorted words are walked with the
// automaton: where it dies on a word's first bytes, every word beginning
// with them is skipped.
func (k *sugKind) soundWords(w string, prefix bool, out map[string]int) {
	var a *analysis.SoundAlike
	if prefix {
		a = analysis.SoundsLikePrefix(w)
	} else {
		a = analysis.SoundsLike(w)
	}
	if a == nil {
		return
	}
	for i, steps := 0, 0; i < len(k.uniq) && steps < maxSoundSteps; steps++ {
		u, s, j := k.uniq[i], a.Start(), 0
		for ; j < len(u) && s != 0; j++ {
			s = a.Accept(s, u[j])
		}
		steps += j
		if s != 0 {
			if a.IsMatch(s) {
				out[u] = 1
			}
			i++
			continue
		}
		dead := u[:j]
		i += sort.Search(len(k.uniq)-i, func(x int) bool { return !strings.HasPrefix(k.uniq[i+x], dead) })
	}
}

// fewestTypos is the distance of a and b, known to be at most budget.
func fewestTypos(a, b string, budget int) int {
	for t := 0; t < budget; t++ {
		if analysis.WithinDistance(a, b, t) {
			return t
		}
	}
	return budget
}

// runeOffset returns the byte offset of the n-th rune of s (len(s) past the end).
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// sugWord is the word a completion keys a folded word by: an abbreviation
// of « saint » as the word in full (« St-Jérôme » and « Saint-Jérôme » are
// both completed from « saint-j »), as the search's analysis reads it
// (analysis.SaintOf); any other word as it is.
func sugWord(w string) string {
	if full := analysis.SaintOf(w); full != "" {
		return full
	}
	return w
}

// wordMatcher tells whether a folded word of a value matches a query word.
type wordMatcher struct {
	q     string
	fuzzy map[string]int // typo mode: the accepted words and their typos
}

func (m wordMatcher) match(w string) (bool, bool) { // matched, exact prefix
	if strings.HasPrefix(w, m.q) {
		return true, true
	}
	if _, ok := m.fuzzy[w]; ok {
		return true, false
	}
	return false, false
}

// Suggest returns completions of q, by kind, up to limit per kind: note
// titles, lexicon terms, organisations, authors and carnets of public notes
// having a word that starts with each word of q (accents and case ignored);
// a word matching nothing is looked up with the typo budget instead.
//
// The view holds public notes only, whatever the scope: a scope reaching
// community or private notes gets completions from public notes alone
// (never less safe). A scope with mandatory filters (a key limited to a
// carnet) keeps only the titles of notes it may see and the values counted
// under it, with those counts (one facet pass per kind of value).
func (d *Discovery) Suggest(ctx context.Context, sc query.Scope, q string, limit int) (*Suggestions, error) {
	start := time.Now()
	if err := query.CheckText("q", q); err != nil {
		return nil, err
	}
	if len(q) > query.MaxQueryBytes {
		return nil, query.BadParam("q", "query_too_long", "la requête fait %s octets, le maximum est %s : raccourcissez-la", analysis.FrenchInt(int64(len(q))), analysis.FrenchInt(query.MaxQueryBytes))
	}
	if limit == 0 {
		limit = DefaultSuggestLimit
	}
	if limit < 1 || limit > MaxSuggestLimit {
		return nil, query.BadParam("limit", "invalid_limit", "limit doit être entre 1 et %d", MaxSuggestLimit)
	}
	out := &Suggestions{Query: q, Groups: []SuggestionGroup{}}
	qwords, quoted := suggestWords(q)
	if len(qwords) > query.MaxQueryClauses {
		qwords, quoted = qwords[:query.MaxQueryClauses], quoted[:query.MaxQueryClauses]
	}
	// « st », « ste » typed whole are « saint », « sainte », as the values'
	// words are keyed (sugWord); the word being typed, the one q ends in,
	// stays a prefix (« st » may become « stage »). A word followed by
	// anything but a letter is typed whole: « St- » and « ste. » were read
	// as prefixes (« Stages Québec » proposed, « Saint-Jean » not).
	last, _ := utf8.DecodeLastRuneInString(q)
	typing := wordRune(last)
	// A word read in full keeps the typo budget of what was typed: none
	// (« st- » completed « Santé », a typo away from « saint », when no
	// carnet had a word in « saint »).
	// A word between quotes is searched as written: it takes no typo and
	// is not heard by ear either (« "comunot" » completed « Communauté »,
	// whose notes the search does not give it).
	var expanded []bool
	for i, w := range qwords {
		if quoted[i] {
			if expanded == nil {
				expanded = make([]bool, len(qwords))
			}
			expanded[i] = true
		}
		if full := sugWord(w); full != w && (i < len(qwords)-1 || !typing) {
			if expanded == nil {
				expanded = make([]bool, len(qwords))
			}
			qwords[i], expanded[i] = full, true
		}
	}
	if len(qwords) > 0 {
		v, err := d.viewNow(ctx)
		if errors.Is(err, ErrDiscoveryNotReady) {
			return out, nil // nothing to propose yet; the view is being built
		}
		if err != nil {
			return nil, err
		}
		hear, done := d.unwritten()
		defer done()
		for i, sk := range suggestKinds {
			var items []SuggestionItem
			if sc.Filtered() {
				items, err = d.scopedItems(ctx, sc, v.kinds[i], sk.kind, qwords, expanded, limit, hear)
				if err != nil {
					return nil, err
				}
			} else {
				items, err = d.currentItems(sc, v.kinds[i], sk.kind, qwords, expanded, limit, hear)
				if err != nil {
					return nil, err
				}
			}
			if len(items) > 0 {
				out.Groups = append(out.Groups, SuggestionGroup{Kind: sk.kind, Label: sk.label, Items: items})
			}
		}
	}
	out.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return out, nil
}

// unwritten returns hear, which reports whether the public notes write no
// word w (whole) or no word beginning with w (prefix, a word being typed):
// only such a word is read as it sounds (soundWords), as the search reads
// it. The completions come from public notes alone, so their words are
// asked of the public notes, whatever the caller's scope. A word's answer
// is kept for the request; done closes the dictionary, if one was opened.
func (d *Discovery) unwritten() (hear func(w string, prefix bool) bool, done func()) {
	var dict *termdict.Dict
	seen := map[string]bool{}
	hear = func(w string, prefix bool) bool {
		key := w
		if prefix {
			key = "+" + w
		}
		if v, ok := seen[key]; ok {
			return v
		}
		if dict == nil {
			dict = d.ix.DictionaryFor(query.Scope{})
		}
		// As the planner asks (query/plan.go: Word.unwritten, begun): the
		// word's stem in the weighted fields, or, being typed, a term of
		// theirs that it begins; and the words as written.
		written := false
		ask := func(field, term string) {
			if written {
				return
			}
			if prefix {
				terms, err := dict.Prefix(field, term, 1)
				written = err != nil || len(terms) > 0
			} else {
				n, err := dict.Term(field, term)
				written = err != nil || n > 0
			}
		}
		ask(schema.Words, w)
		stem := w
		if !prefix {
			stem = analysis.Stem(w)
		}
		for _, fw := range schema.Weights {
			ask(fw.Field, stem)
		}
		seen[key] = !written
		return !written
	}
	done = func() {
		if dict != nil {
			dict.Close()
		}
	}
	return hear, done
}

// suggestWords are the words of q to complete: those of its positive
// words and phrases. An excluded word (-montreal) is not completed, nor
// required of the completions; while one is being typed (q's last word
// starts with a minus sign and no space follows it), there is nothing to
// propose: choosing a completion would add a filter, or a search, for
// exactly what the person is excluding. quoted says, for each word,
// whether it stands between quotes (a phrase, searched as written).
func suggestWords(q string) (words []string, quoted []bool) {
	typing := q != "" && q == strings.TrimRightFunc(q, unicode.IsSpace)
	p, err := query.Parse(q)
	if f := strings.Fields(q); typing && (strings.TrimLeftFunc(f[len(f)-1], query.IsMinus) == "" ||
		err != nil && strings.IndexFunc(f[len(f)-1], query.IsMinus) == 0) {
		return nil, nil // an exclusion begins, or is typed after too many words to parse
	}
	if err != nil {
		words = queryWords(q) // too many words: Suggest keeps the first ones
		return words, make([]bool, len(words))
	}
	for i, c := range p.Clauses {
		if !c.Exclude {
			for _, w := range queryWords(c.Text) {
				words = append(words, w)
				quoted = append(quoted, c.Phrase)
			}
		} else if r, _ := utf8.DecodeLastRuneInString(q); i == len(p.Clauses)-1 && typing && !strings.ContainsRune(`"«»“”„`, r) {
			return nil, nil
		}
	}
	return words, quoted
}

// currentItems is suggest for a scope without filters, its candidates
// checked against the notes as they are now. The view follows writes a
// little late (seconds at a million notes): a note made private or deleted
// a moment ago is still in it, and must not be proposed, nor an
// organisation, term, author or carnet that only it held. Titles are
// checked against the store (the truth: hidden as soon as the write is
// stored), values against the index (what facets and lists show), whose
// counts replace the view's.
func (d *Discovery) currentItems(sc query.Scope, k *sugKind, kind string, qwords []string, expanded []bool, limit int, hear func(string, bool) bool) ([]SuggestionItem, error) {
	public := func(n *store.Note) bool { return n != nil && n.Public() }
	count := func(values []string) ([]int, error) { return d.ix.ValueCounts(sc, kind, values) }
	// A few more candidates than asked, to fill in for those dropped; when
	// that is not enough (many notes of one prefix hidden since the view
	// was built), more, up to what a scoped completion reads.
	for want := limit + checkSlack; ; want = min(4*want, MaxSuggestLimit*5) {
		cands := k.complete(qwords, expanded, want, hear)
		items, err := d.checkedItems(cands, kind, limit, public, count)
		if err != nil || len(items) == limit || len(cands) < want || want == MaxSuggestLimit*5 {
			return items, err
		}
	}
}

// checkedItems keeps the first limit of cands, completions of one kind,
// that are current: titles whose stored note keep accepts, values whose
// count (one per value, from count) is above 0, that count replacing the
// view's.
func (d *Discovery) checkedItems(cands []SuggestionItem, kind string, limit int, keep func(*store.Note) bool, count func(values []string) ([]int, error)) ([]SuggestionItem, error) {
	out := make([]SuggestionItem, 0, min(limit, len(cands)))
	if len(cands) == 0 {
		return out, nil
	}
	if kind == "titles" {
		ids := make([]string, len(cands))
		for i, c := range cands {
			ids[i] = c.ID
		}
		got, err := d.notes.GetMany(ids)
		if err != nil {
			return nil, fmt.Errorf("lire les notes des suggestions : %w", err)
		}
		for _, c := range cands {
			if len(out) == limit {
				break
			}
			if keep(got[c.ID]) {
				out = append(out, c)
			}
		}
		return out, nil
	}
	values := make([]string, len(cands))
	for i, c := range cands {
		values[i] = c.Value
	}
	counts, err := count(values)
	if err != nil {
		return nil, err
	}
	for i, c := range cands {
		if len(out) == limit {
			break
		}
		if counts[i] > 0 {
			c.Count = counts[i]
			out = append(out, c)
		}
	}
	return out, nil
}

// checkSlack is how many candidates beyond the limit currentItems asks the
// view for.
const checkSlack = 4

type sugCand struct {
	item   int32
	score  int
	length int
}

// complete returns up to limit items of the kind holding, for each of
// qwords, a word starting with it, or, when none does, a word within its
// typo budget or written the way it sounds (fuzzyWords; hear, nil for
// every word, says which words may be read as they sound); a word that
// expanded says (nil: none) was read in full from an abbreviation (sugWord)
// or stands between quotes, and takes neither.
func (k *sugKind) complete(qwords []string, expanded []bool, limit int, hear func(string, bool) bool) []SuggestionItem {
	if len(k.keys) == 0 {
		return nil
	}
	ms := make([]wordMatcher, len(qwords))
	ranges := make([]keySpan, len(qwords)) // each word's prefix range
	best, bestSize := -1, 0
	for i, w := range qwords {
		ms[i] = wordMatcher{q: w}
		lo, hi := k.prefixRange(w)
		ranges[i] = keySpan{lo: lo, hi: hi}
		if hi == lo && utf8.RuneCountInString(w) >= 4 && (expanded == nil || !expanded[i]) {
			ms[i].fuzzy = k.fuzzyWords(w, i == len(qwords)-1, hear)
			if len(ms[i].fuzzy) == 0 {
				return nil
			}
		} else if hi == lo {
			return nil
		}
		if ms[i].fuzzy == nil && (best < 0 || hi-lo < bestSize) {
			best, bestSize = i, hi-lo
		}
	}
	// Candidate items: from the narrowest exact-prefix word, else the typo words.
	var cands []int32
	sampled := false // the candidates are a sample of the words' items
	seen := map[int32]bool{}
	add := func(keys []int32) {
		for _, item := range keys {
			if !seen[item] {
				seen[item] = true
				cands = append(cands, item)
			}
		}
	}
	if best >= 0 {
		lo, hi := k.prefixRange(qwords[best])
		if hi-lo <= wideRange {
			add(k.keys[lo:hi])
		} else {
			for _, u := range k.widestWords(qwords[best]) {
				end := len(k.keys)
				if u+1 < len(k.first) {
					end = int(k.first[u+1])
				}
				start := int(k.first[u])
				add(k.keys[start:min(end, start+widerKeys)])
			}
			sampled = true
		}
	} else {
		// The closest, then most frequent, of the words within the typo
		// budget.
		ws := k.wordSpans(ms[0].fuzzy)
		slices.SortStableFunc(ws, func(a, b keySpan) int {
			if a.typos != b.typos {
				return a.typos - b.typos
			}
			return (b.hi - b.lo) - (a.hi - a.lo)
		})
		for i, x := range ws {
			if i == widerWords {
				break
			}
			add(k.keys[x.lo:min(x.hi, x.lo+widerKeys)])
		}
		sampled = true
	}
	var top []sugCand
	var used []bool
	consider := func(c int32) {
		words := k.itemWords(c)
		score, ok := 0, true
		used = append(used[:0], make([]bool, len(words))...)
		for qi, m := range ms {
			found := false
			for p, wn := range words {
				if used[p] {
					continue
				}
				w := k.uniq[wn]
				hit, exact := m.match(w)
				if !hit {
					continue
				}
				if full := analysis.SaintOf(w); full != "" {
					// An abbreviation as written, keyed after the value's
					// words, where it is also keyed in full (newSugKind):
					// one word of the value, taken with a word in full
					// still free (« st st » proposed « St-Jean »).
					twin := -1
					for t := range p {
						if !used[t] && k.uniq[words[t]] == full {
							twin = t
							break
						}
					}
					if twin < 0 {
						continue
					}
					used[twin] = true
				}
				used[p] = true
				found = true
				if exact {
					score += 4
					if w == m.q {
						score += 2 // whole word
					}
				} else {
					score += 1
				}
				if p == qi {
					score += 3 // in the typed order, from the start
				}
				break
			}
			if !found {
				ok = false
				break
			}
		}
		if ok {
			top = insertTop(top, sugCand{item: c, score: score, length: len(k.value(c))}, limit, k)
		}
	}
	for _, c := range cands {
		consider(c)
	}
	if sampled && len(top) < limit {
		// Several words typed, each in many items (or with a typo): the
		// sample may hold few of the items with all of them (at a million
		// titles, most completions of two common words came back empty).
		// The words' items are crossed.
		k.cross(ranges, ms, func(item int32) {
			if !seen[item] {
				seen[item] = true
				consider(item)
			}
		})
	}
	out := make([]SuggestionItem, 0, len(top))
	for _, c := range top {
		v := k.value(c.item)
		out = append(out, SuggestionItem{Value: v, ID: k.id(c.item), Count: k.count(c.item), HTML: suggestHTML(v, ms)})
	}
	return out
}

// Bounds of crossing the query words' items (cross): the keys read, and
// the items given (each is then scored: a microsecond or so).
const (
	crossKeys  = 1 << 21
	crossItems = 1 << 10
)

// keySpan is a range of keys, k.keys[lo:hi]; for a typo word's, its typos.
type keySpan struct{ lo, hi, typos int }

// wordSpans returns the keys of each of words (words of uniq), in key
// order: the same items read in the same order every time.
func (k *sugKind) wordSpans(words map[string]int) []keySpan {
	spans := make([]keySpan, 0, len(words))
	for w, typos := range words {
		u := sort.SearchStrings(k.uniq, w)
		lo, hi := k.keyRange(u, u+1)
		spans = append(spans, keySpan{lo, hi, typos})
	}
	slices.SortFunc(spans, func(a, b keySpan) int { return a.lo - b.lo })
	return spans
}

// cross gives the items holding, for each query word, a word that starts
// with it (ranges: each query word's prefix range) or, for a typo word,
// one of the words its typo budget accepts: every word's items but the
// narrowest's are marked in bitmaps and intersected, and the narrowest's
// are read against the result in their order (a word's items best ranked
// first), up to crossItems. Nothing is given for fewer than two words, or
// when their items' keys exceed crossKeys (single letters at a million
// titles).
func (k *sugKind) cross(ranges []keySpan, ms []wordMatcher, give func(int32)) {
	if len(ranges) < 2 {
		return
	}
	type wordKeys struct {
		spans []keySpan
		n     int
	}
	words := make([]wordKeys, len(ranges))
	total := 0
	for i, r := range ranges {
		w := &words[i]
		if ms[i].fuzzy == nil {
			w.spans = []keySpan{r}
		} else {
			w.spans = k.wordSpans(ms[i].fuzzy)
		}
		for _, sp := range w.spans {
			w.n += sp.hi - sp.lo
		}
		total += w.n
	}
	if total > crossKeys {
		return
	}
	slices.SortStableFunc(words, func(a, b wordKeys) int { return a.n - b.n })
	size := (len(k.at) - 1 + 63) / 64
	mark := func(marks []uint64, w wordKeys) {
		for _, sp := range w.spans {
			for _, item := range k.keys[sp.lo:sp.hi] {
				marks[item>>6] |= 1 << (item & 63)
			}
		}
	}
	have := make([]uint64, size) // the items holding every word so far
	mark(have, words[1])
	var next []uint64
	for _, w := range words[2:] {
		if next == nil {
			next = make([]uint64, size)
		} else {
			clear(next)
		}
		mark(next, w)
		for j := range have {
			have[j] &= next[j]
		}
	}
	kept := 0
	for _, sp := range words[0].spans {
		for _, item := range k.keys[sp.lo:sp.hi] {
			if bit := uint64(1) << (item & 63); have[item>>6]&bit != 0 {
				have[item>>6] &^= bit // once, if it has several of the words
				give(item)
				if kept++; kept == crossItems {
					return
				}
			}
		}
	}
}

// better orders candidates: score, then notes count, then shorter, then alphabetical.
func (k *sugKind) better(a, b sugCand) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if ca, cb := k.count(a.item), k.count(b.item); ca != cb {
		return ca > cb
	}
	if a.length != b.length {
		return a.length < b.length
	}
	return k.value(a.item) < k.value(b.item)
}

func insertTop(top []sugCand, c sugCand, limit int, k *sugKind) []sugCand {
	if len(top) == limit && !k.better(c, top[len(top)-1]) {
		return top
	}
	i := sort.Search(len(top), func(i int) bool { return k.better(c, top[i]) })
	if len(top) < limit {
		top = append(top, sugCand{})
	}
	copy(top[i+1:], top[i:])
	top[i] = c
	return top
}

// suggestHTML escapes a value and marks the parts matching the query words:
// the typed prefix of a word, or the whole word matched despite a typo.
func suggestHTML(v string, ms []wordMatcher) string {
	words, spans := foldedWords(v)
	var b strings.Builder
	at := 0
	for i, w := range words {
		for _, m := range ms {
			hit, exact := m.match(w)
			if full := sugWord(w); !hit && full != w {
				hit, exact = m.match(full)
				w = full
			}
			if !hit {
				continue
			}
			s, e := spans[i][0], spans[i][1]
			orig := v[s:e]
			if exact && utf8.RuneCountInString(orig) == utf8.RuneCountInString(w) {
				n := utf8.RuneCountInString(m.q)
				e = s + len(string([]rune(orig)[:n]))
			}
			b.WriteString(html.EscapeString(v[at:s]))
			b.WriteString("<mark>")
			b.WriteString(html.EscapeString(v[s:e]))
			b.WriteString("</mark>")
			at = e
			break
		}
	}
	b.WriteString(html.EscapeString(v[at:]))
	return b.String()
}

// scopedItems are the completions of one kind under a scope with mandatory
// filters: candidates from the public view (more than limit), kept when the
// scope sees them, values recounted under the scope.
func (d *Discovery) scopedItems(ctx context.Context, sc query.Scope, k *sugKind, kind string, qwords []string, expanded []bool, limit int, hear func(string, bool) bool) ([]SuggestionItem, error) {
	cands := k.complete(qwords, expanded, MaxSuggestLimit*5, hear)
	return d.checkedItems(cands, kind, limit, sc.Allows, func(values []string) ([]int, error) {
		counts, err := d.ix.FacetCounts(ctx, kind, query.Request{Scope: sc}, nil)
		if err != nil {
			return nil, err
		}
		byValue := make(map[string]int, len(counts))
		for _, fv := range counts {
			byValue[fv.Value] = fv.Count
		}
		out := make([]int, len(values))
		for i, v := range values {
			out[i] = byValue[v]
		}
		return out, nil
	})
}
