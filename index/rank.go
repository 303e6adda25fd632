package index

import (
	"math"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
)

// Ranking rules, Meilisearch-style (docs/relevance.md): notes are ordered by
// each rule in turn, the next rule breaking the ties of the previous one, and
// the BM25-style score of the index last. Every rule is a pure function of
// how a note matches the query (noteMatch), so each is tested on its own
// (rank_test.go); the matches come from the per-word bitmaps of the
// segments' postings (bitmaps.go).

// maxRankWords is how many query words the rules look at (a query has at
// most query.MaxQueryClauses words; a synonym group counts as one).
const maxRankWords = 64

// numTiers is the number of field tiers (schema.FieldTiers).
const numTiers = len(schema.FieldTiers)

// shortTiers are the tiers whose fields are short enough that words found
// together in one of them are close: title, terms and organisations, summary.
const shortTiers = 3

// wordMatch is how a note matches one query word.
type wordMatch struct {
	any      bool  // the note matches the word, in any way
	exact    bool  // through the word's own terms (no typo, prefix, close form or synonym)
	typoOnly bool  // only through terms the word reaches as a misspelling (or a short word's completions)
	farTypo  bool  // only through terms two typos away (implies typoOnly)
	tiers    uint8 // bit t: the word is in a field of tier t (schema.FieldTiers)
}

// noteMatch is how a note matches the query.
type noteMatch struct {
	words []wordMatch
	// weights are the words' weights in the field rule (weighWords); nil:
	// every word weighs 1.
	weights    []int32
	exactTitle bool // the note's whole title is the query
}

// weight returns word i's weight in the field rule.
func (m *noteMatch) weight(i int) int32 {
	if m.weights == nil {
		return 1
	}
	return m.weights[i]
}

// fieldTiers returns the tiers (schema.FieldTiers) of the fields in which the
// note matches some word: bit t for tier t.
func (m *noteMatch) fieldTiers() uint8 {
	var t uint8
	for _, w := range m.words {
		t |= w.tiers
	}
	return t
}

// rankRule computes one rule's value of a note; higher ranks first.
type rankRule struct {
	name string
	fn   func(m *noteMatch) int32
}

// rankingRules are applied in this order (docs/relevance.md).
var rankingRules = [...]rankRule{
	{"words", ruleWords},
	{"typo", ruleTypo},
	{"proximity", ruleProximity},
	{"rarity", ruleRarity},
	{"attribute", ruleAttribute},
	{"twoTypos", ruleTwoTypos},
	{"exactness", ruleExactness},
}

const numRules = len(rankingRules)

// rankKey holds a note's rule values, in rule order.
type rankKey [numRules]int32

// ruleWords: notes matching more of the query's words first.
func ruleWords(m *noteMatch) int32 {
	var n int32
	for _, w := range m.words {
		if w.any {
			n++
		}
	}
	return n
}

// ruleRarity: among notes matching as many words, those whose matched words
// are rarer first: the sum of the matched words' weights (wordWeight, from
// how many notes hold each word). When a note lacks one word of the query,
// missing a common one (« petits » in « cybersécurité petits organismes »)
// leaves more of the subject than missing the rare one, as Meilisearch's
// frequency matching strategy drops the most frequent words first. Notes
// matching every word tie here.
func ruleRarity(m *noteMatch) int32 {
	var s int32
	for i, w := range m.words {
		if w.any {
			s += m.weight(i)
		}
	}
	return s
}

// ruleTypo: fewer words matched only loosely first: through a misspelling,
// or through the completions of a word of two or three letters being typed
// that is a word itself (« ca » being typed, the CA and its synonym « conseil
// d'administration », before « café » and « caisse »: query.Word.ShortCompletions).
func ruleTypo(m *noteMatch) int32 {
	var n int32
	for _, w := range m.words {
		if w.any && w.typoOnly {
			n--
		}
	}
	return n
}

// ruleTwoTypos: among notes with as many misspelled words, fewer words
// matched only through terms two typos away first (« abitation »:
// « habitation », one typo of the first sound, before « animation », two
// letters). After proximity: a stem reaches every form of a word, so a term
// one typo away may stand for forms that are not (« alimentere » reaches the
// stem of « alimenter » and with it « aliments »), and the words found
// together (« sécurité alimentaire ») say more.
func ruleTwoTypos(m *noteMatch) int32 {
	var n int32
	for _, w := range m.words {
		if w.any && w.farTypo {
			n--
		}
	}
	return n
}

// ruleProximity: the index keeps no word positions, so closeness is read at
// the level of fields: the most matched words found together in one short
// field (title, lexicon terms and organisations, summary). Words that share
// a title are next to each other; words spread over a long body are not.
// One word alone is never "close": queries of one word tie here.
func ruleProximity(m *noteMatch) int32 {
	best := int32(0)
	for t := 0; t < shortTiers; t++ {
		var n int32
		for _, w := range m.words {
			if w.any && w.tiers&(1<<t) != 0 {
				n++
			}
		}
		best = max(best, n)
	}
	if best < 2 {
		return 0
	}
	return best
}

// ruleAttribute: words found in better fields first. Each matched word
// scores the tier of the best field it is in (title 4 … body 0), summed.
func ruleAttribute(m *noteMatch) int32 {
	var s int32
	for i, w := range m.words {
		if !w.any || w.tiers == 0 {
			continue
		}
		for t := 0; t < numTiers; t++ {
			if w.tiers&(1<<t) != 0 {
				s += int32(numTiers-1-t) * m.weight(i)
				break
			}
		}
	}
	return s
}

// wordWeight is a query word's weight in the field rule: 2·√(log2(N/df)),
// rounded, at least 1, for a word df of the N notes hold. A word in the
// title then counts for more when few notes hold it (a place, a rare
// term) than when most do: « projets culturels la pocatiere » put first the
// note with the common « culturels » in its title over those about La
// Pocatière. The square root keeps the spread small (1 to 9 from the most
// common word to one note in a million), so that the field a word is in
// still matters more than its rarity. Chosen on the three judged sets
// (docs/relevance.md): against the unweighted rule, nDCG@10 0.9274 →
// 0.9273, 0.8604 → 0.8666, 0.7882 → 0.7917; log2 itself, or a bonus for
// the rarest words only, gained less.
func wordWeight(docs, df uint64) int32 {
	if docs == 0 {
		return 1
	}
	idf := math.Log2(float64(docs) / float64(max(df, 1)))
	return max(1, int32(math.Round(2*math.Sqrt(max(idf, 0)))))
}

// weighWords sets the words' field-rule weights of every segment's ranking
// (wordWeight), counted over the public notes of all the segments (public
// gives a segment's, deleted ones left out, as for the score's
// frequencies), for every caller: the order of the notes a caller sees
// never depends on notes it may not see.
func weighWords(srs []*segRank, public func(si int) *roaring.Bitmap) {
	var n int
	for _, sr := range srs {
		if sr != nil {
			n = len(sr.words)
			break
		}
	}
	if n == 0 {
		return
	}
	var docs uint64
	df := make([]uint64, n)
	for si, sr := range srs {
		if sr == nil {
			continue
		}
		pub := public(si)
		if pub == nil {
			continue
		}
		docs += pub.GetCardinality()
		for i := range sr.words {
			df[i] += sr.words[i].any.AndCardinality(pub)
		}
	}
	weights := make([]int32, n)
	for i := range weights {
		weights[i] = wordWeight(docs, df[i])
	}
	for _, sr := range srs {
		if sr != nil {
			sr.match.weights = weights
		}
	}
}

// ruleExactness: a note whose whole title is the query first (the lexicon
// entry or organisation the query names), then notes matching more words as
// typed (not through a typo, a prefix, a close form or a synonym).
func ruleExactness(m *noteMatch) int32 {
	var n int32
	for _, w := range m.words {
		if w.any && w.exact {
			n++
		}
	}
	if m.exactTitle {
		n += maxRankWords + 1
	}
	return n
}

// key computes a note's rule values.
func (m *noteMatch) key() rankKey {
	var k rankKey
	for i, r := range rankingRules {
		k[i] = r.fn(m)
	}
	return k
}

// compareKeys returns >0 when a ranks before b, <0 after, 0 on a tie.
func compareKeys(a, b *rankKey) int32 {
	for i := range a {
		if a[i] != b[i] {
			return a[i] - b[i]
		}
	}
	return 0
}

// wordBits are one word's matches in one segment.
type wordBits struct {
	any, exact, noTypo *roaring.Bitmap
	// noFar: the notes matching the word through a term that is not two
	// typos away (its own terms, close forms, one-typo terms…).
	noFar *roaring.Bitmap
	tiers [numTiers]*roaring.Bitmap
}

// segRank holds a segment's bitmaps for the ranking rules.
type segRank struct {
	words []wordBits
	title *roaring.Bitmap // exact-title notes
	match noteMatch       // scratch, reused per note
}

// ranker computes the rule values of the notes of a plan.
type ranker struct {
	words    []*query.Word
	titleKey string
	exact    []map[string]bool
	typo     []map[string]bool
	far      []map[string]bool
}

func newRanker(plan *query.Plan) *ranker {
	if plan == nil || len(plan.Words()) == 0 {
		return nil
	}
	r := &ranker{words: plan.Words(), titleKey: plan.TitleKey()}
	if len(r.words) > maxRankWords {
		r.words = r.words[:maxRankWords]
	}
	for _, w := range r.words {
		ex, ty, far := map[string]bool{}, map[string]bool{}, map[string]bool{}
		for _, t := range w.ExactTerms() {
			ex[t] = true
		}
		for _, t := range w.TypoTerms() {
			ty[t] = true
		}
		for t := range w.ShortCompletions() {
			ty[t] = true
		}
		for _, t := range w.LooseTerms() {
			ty[t] = true
		}
		for _, t := range w.FarTypoTerms() {
			far[t] = true
		}
		r.exact = append(r.exact, ex)
		r.typo = append(r.typo, ty)
		r.far = append(r.far, far)
	}
	return r
}

// forSegment evaluates every word's bitmaps over one segment.
func (r *ranker) forSegment(sb *segBits) (*segRank, error) {
	sr := &segRank{words: make([]wordBits, len(r.words))}
	sr.match.words = make([]wordMatch, len(r.words))
	for i, w := range r.words {
		q := w.Query()
		wb := &sr.words[i]
		var err error
		if wb.any, err = sb.eval(q, nil); err != nil {
			return nil, err
		}
		ex := r.exact[i]
		if wb.exact, err = sb.eval(q, func(_, term string) bool { return ex[term] }); err != nil {
			return nil, err
		}
		if ty := r.typo[i]; len(ty) > 0 {
			if wb.noTypo, err = sb.eval(q, func(_, term string) bool { return !ty[term] }); err != nil {
				return nil, err
			}
		} else {
			wb.noTypo = wb.any
		}
		if far := r.far[i]; len(far) > 0 {
			if wb.noFar, err = sb.eval(q, func(_, term string) bool { return !far[term] }); err != nil {
				return nil, err
			}
		} else {
			wb.noFar = wb.any
		}
		for t := range wb.tiers {
			tier := t
			if wb.tiers[t], err = sb.eval(q, func(field, _ string) bool { return schema.TierOf(field) == tier }); err != nil {
				return nil, err
			}
		}
		if ty := r.typo[i]; len(ty) > 0 {
			// A note holding the word itself is in the fields that hold
			// it, not in those where only a misspelling or a short
			// word's completion is: « café » in a title does not put
			// « ca », the CA of the note's summary, in the title.
			for t := range wb.tiers {
				tier := t
				own, err := sb.eval(q, func(field, term string) bool { return !ty[term] && schema.TierOf(field) == tier })
				if err != nil {
					return nil, err
				}
				wb.tiers[t] = roaring.Or(own, roaring.AndNot(wb.tiers[t], wb.noTypo))
			}
		}
	}
	sr.title = emptyBitmap
	if r.titleKey != "" {
		b, err := sb.term(schema.TitleKey, r.titleKey)
		if err != nil {
			return nil, err
		}
		sr.title = b
	}
	return sr, nil
}

// matchOf fills the segment's scratch match for a note and returns its key
// and the mask of the words it matches.
func (sr *segRank) matchOf(local uint32) (rankKey, uint64) {
	m := &sr.match
	var mask uint64
	for i := range sr.words {
		wb := &sr.words[i]
		wm := wordMatch{any: wb.any.Contains(local)}
		if wm.any {
			mask |= 1 << i
			wm.exact = wb.exact.Contains(local)
			wm.typoOnly = !wb.noTypo.Contains(local)
			wm.farTypo = !wb.noFar.Contains(local)
			for t := range wb.tiers {
				if wb.tiers[t].Contains(local) {
					wm.tiers |= 1 << t
				}
			}
		}
		m.words[i] = wm
	}
	m.exactTitle = sr.title.Contains(local)
	return m.key(), mask
}

// Feature bits of one word for one note (fillKeys).
const (
	featAny    = 1 << 0
	featExact  = 1 << 1
	featNoTypo = 1 << 2
	featNoFar  = 1 << 3
	featTier0  = 1 << 4 // then one bit per tier
)

// fillKeys sets the rule values and word masks of cs, notes of this
// segment in increasing local order (all holds every word when all is set).
// Instead of asking every bitmap about every note, it intersects the notes
// with each bitmap once and walks the intersections (a few nanoseconds a
// note instead of a few dozen).
func (sr *segRank) fillKeys(cs []cand, all bool) {
	if len(cs) == 0 {
		return
	}
	n := len(sr.words)
	locals := make([]uint32, len(cs))
	for i := range cs {
		locals[i] = cs[i].local
	}
	k := roaring.New()
	k.AddMany(locals)
	feats := make([]uint16, len(cs)*n)
	mark := func(b *roaring.Bitmap, w int, bit uint16) {
		it := roaring.And(k, b).Iterator()
		j := 0
		for it.HasNext() {
			x := it.Next()
			for locals[j] != x {
				j++
			}
			feats[j*n+w] |= bit
		}
	}
	for w := range sr.words {
		wb := &sr.words[w]
		if all {
			for j := range cs {
				feats[j*n+w] |= featAny
			}
		} else {
			mark(wb.any, w, featAny)
		}
		mark(wb.exact, w, featExact)
		if wb.noTypo == wb.any {
			for j := range cs {
				feats[j*n+w] |= featNoTypo
			}
		} else {
			mark(wb.noTypo, w, featNoTypo)
		}
		if wb.noFar == wb.any {
			for j := range cs {
				feats[j*n+w] |= featNoFar
			}
		} else {
			mark(wb.noFar, w, featNoFar)
		}
		for t := range wb.tiers {
			mark(wb.tiers[t], w, featTier0<<t)
		}
	}
	title := roaring.And(k, sr.title)
	// A scratch match of its own: the runs of one segment are filled side
	// by side (selector.collectInto).
	m := &noteMatch{words: make([]wordMatch, n), weights: sr.match.weights}
	for j := range cs {
		var mask uint64
		for w := 0; w < n; w++ {
			f := feats[j*n+w]
			wm := wordMatch{any: f&featAny != 0}
			if wm.any {
				mask |= 1 << w
				wm.exact = f&featExact != 0
				wm.typoOnly = f&featNoTypo == 0
				wm.farTypo = f&featNoFar == 0
				wm.tiers = uint8(f >> 4)
			}
			m.words[w] = wm
		}
		m.exactTitle = title.Contains(locals[j])
		cs[j].key, cs[j].mask, cs[j].tiers = m.key(), mask, m.fieldTiers()
	}
}

// matchedWords returns the texts of the words in mask, in query order.
// wordTexts returns the texts of the words the ranker holds, as
// matchedWords names them; nil without a ranker.
func (r *ranker) wordTexts() []string {
	if r == nil {
		return nil
	}
	return r.matchedWords(1<<len(r.words) - 1)
}

func (r *ranker) matchedWords(mask uint64) []string {
	if r == nil {
		return nil
	}
	out := []string{}
	for i, w := range r.words {
		if mask&(1<<i) != 0 {
			out = append(out, w.Text())
		}
	}
	return out
}
