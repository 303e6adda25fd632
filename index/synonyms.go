package index

import (
	"bufio"
	"context"
	_ "embed"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"
)

// Synonyms and acronyms, applied at query time.
//
// File format (UTF-8 text, one group per line):
//
//	# a comment runs from # to the end of the line
//	OBNL, OSBL, organisme à but non lucratif, organisme sans but lucratif
//	garderie => CPE, centre de la petite enfance
//
// A line "a, b, c" is a two-way group: a query holding any member also finds
// the notes holding any other member. A line "a, b => c, d" is one-way: a
// query holding a or b also finds c and d, but c and d do not find a or b.
// Members are words or several words; matching is accent- and
// case-insensitive and ignores plurals (it compares analyzed stems), and a
// multi-word member is matched on consecutive query words (stop words in
// between are skipped). A member made only of stop words (CA, ÉS) matches a
// query word equal to it lower-cased, accents kept, so that "ça" never means
// conseil d'administration. Blank lines are ignored.
//
// Expansion never replaces what was typed: a matched word or sequence of
// words matches its own terms OR, for each synonym, all of the synonym's
// terms (anywhere in the note; phrases are not verified for synonyms), with
// a slightly lower weight.

//go:embed synonyms/fr-qc.txt
var defaultSynonymsText string

// Limits of a synonyms file.
const (
	MaxSynonymWords   = 16   // words in one member
	MaxSynonymMembers = 32   // members in one group
	MaxSynonymLine    = 2000 // bytes in one line
)

// Weights of a synonym's terms relative to the words typed.
const (
	synWordBoost   = 0.5 // a one-word synonym (usually an acronym or its expansion's head)
	synPhraseBoost = 0.75
)

// Synonyms is a parsed synonyms list. Immutable once built; safe for
// concurrent use.
type Synonyms struct {
	Source string // file path, or "défaut" for the embedded list
	Groups int    // lines that define a group
	Rules  int    // source members
	rules  map[string][]string
	maxLen int
}

// SynonymError is a syntax error of a synonyms file.
type SynonymError struct {
	Line int
	Msg  string
}

func (e *SynonymError) Error() string { return fmt.Sprintf("ligne %d : %s", e.Line, e.Msg) }

// ParseSynonyms reads a synonyms list (see the format above). source names it
// in messages. The first error stops the parsing.
func ParseSynonyms(text, source string) (*Synonyms, error) {
	s := &Synonyms{Source: source, rules: map[string][]string{}}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		raw := sc.Text()
		if len(raw) > MaxSynonymLine {
			return nil, &SynonymError{line, fmt.Sprintf("ligne trop longue (%d octets, maximum %d)", len(raw), MaxSynonymLine)}
		}
		if !utf8.ValidString(raw) {
			return nil, &SynonymError{line, "la ligne n’est pas de l’UTF-8 valide"}
		}
		if i := strings.IndexByte(raw, '#'); i >= 0 {
			raw = raw[:i]
		}
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		var left, right []string
		oneWay := false
		switch n := strings.Count(raw, "=>"); {
		case n > 1:
			return nil, &SynonymError{line, "« => » ne peut paraître qu’une fois par ligne"}
		case n == 1:
			oneWay = true
			i := strings.Index(raw, "=>")
			var err string
			if left, err = members(raw[:i]); err != "" {
				return nil, &SynonymError{line, err}
			}
			if right, err = members(raw[i+2:]); err != "" {
				return nil, &SynonymError{line, err}
			}
		default:
			var err string
			if left, err = members(raw); err != "" {
				return nil, &SynonymError{line, err}
			}
			if len(left) < 2 {
				return nil, &SynonymError{line, "un groupe compte au moins deux membres séparés par des virgules (ou « a => b »)"}
			}
		}
		if len(left)+len(right) > MaxSynonymMembers {
			return nil, &SynonymError{line, fmt.Sprintf("trop de membres (%d, maximum %d)", len(left)+len(right), MaxSynonymMembers)}
		}
		s.Groups++
		if oneWay {
			for _, src := range left {
				s.add(src, right)
			}
			continue
		}
		for i, src := range left {
			others := make([]string, 0, len(left)-1)
			others = append(others, left[:i]...)
			others = append(others, left[i+1:]...)
			s.add(src, others)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &SynonymError{line + 1, err.Error()}
	}
	return s, nil
}

// members splits a comma-separated list and checks each member.
func members(s string) ([]string, string) {
	var out []string
	for _, m := range strings.Split(s, ",") {
		m = strings.Join(strings.Fields(m), " ")
		if m == "" {
			return nil, "membre vide (deux virgules de suite, ou une virgule en début ou en fin de liste)"
		}
		if strings.Contains(m, "=") || strings.Contains(m, "\"") {
			return nil, fmt.Sprintf("caractère interdit dans « %s » (= ou guillemet)", m)
		}
		if n := len(strings.Fields(m)); n > MaxSynonymWords {
			return nil, fmt.Sprintf("« %s » compte %d mots, le maximum est %d", m, n, MaxSynonymWords)
		}
		if len(synKeys(strings.Fields(m))) == 0 {
			return nil, fmt.Sprintf("« %s » ne contient aucun mot", m)
		}
		out = append(out, m)
	}
	return out, ""
}

func (s *Synonyms) add(src string, alts []string) {
	keys := synKeys(strings.Fields(src))
	k := strings.Join(keys, " ")
	if len(keys) == 1 && strings.HasPrefix(keys[0], "!") {
		// A stop-word acronym (CA, ÉS) typed in lower case finds no term of
		// its own: it also stands for itself as written in the file.
		alts = append([]string{src}, alts...)
	}
	for _, a := range alts {
		if a == src && len(keys) == 1 && strings.HasPrefix(keys[0], "!") {
			if !containsString(s.rules[k], a) {
				if s.rules[k] == nil {
					s.Rules++
				}
				s.rules[k] = append(s.rules[k], a)
			}
			continue
		}
		if strings.Join(synKeys(strings.Fields(a)), " ") == k {
			continue // the same words once normalised
		}
		if !containsString(s.rules[k], a) {
			if s.rules[k] == nil {
				s.Rules++
			}
			s.rules[k] = append(s.rules[k], a)
		}
	}
	if len(keys) > s.maxLen {
		s.maxLen = len(keys)
	}
}

func containsString(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// wordKey normalises one word for synonym matching: its stem (accents, case,
// plural and elision ignored), or, for a stop word, "!" and the word
// lower-cased with its accents.
func wordKey(w string) (key string, stop bool) {
	f := bareWord(Fold(w))
	if f == "" {
		return "", false
	}
	if st := Stem(f); st != "" {
		return st, false
	}
	l := strings.ToLower(w)
	if i := strings.LastIndexAny(l, "'’"); i >= 0 {
		l = l[i+len(string([]rune(l[i:])[0])):]
	}
	l = strings.TrimFunc(l, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return "!" + l, true
}

// synKeys normalises the words of a member: stop words are dropped from a
// member of several words, unless nothing else is left.
func synKeys(words []string) []string {
	var all, content []string
	for _, w := range words {
		k, stop := wordKey(w)
		if k == "" {
			continue
		}
		all = append(all, k)
		if !stop {
			content = append(content, k)
		}
	}
	if len(content) > 0 {
		return content
	}
	if len(all) == 1 {
		return all
	}
	return nil
}

var (
	defaultSynonyms     *Synonyms
	defaultSynonymsOnce sync.Once
)

// DefaultSynonyms returns the embedded list for the Québec community and
// social-economy sector (index/synonyms/fr-qc.txt).
func DefaultSynonyms() *Synonyms {
	defaultSynonymsOnce.Do(func() {
		s, err := ParseSynonyms(defaultSynonymsText, "défaut")
		if err != nil {
			panic("index: liste de synonymes par défaut invalide : " + err.Error())
		}
		defaultSynonyms = s
	})
	return defaultSynonyms
}

// LoadSynonyms reads a synonyms file; an empty path gives the default list.
func LoadSynonyms(path string) (*Synonyms, error) {
	if path == "" {
		return DefaultSynonyms(), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("lire le fichier de synonymes : %w", err)
	}
	s, err := ParseSynonyms(string(b), path)
	if err != nil {
		return nil, fmt.Errorf("fichier de synonymes %s, %w", path, err)
	}
	return s, nil
}

// SetSynonyms replaces the synonyms the index applies to queries (nil: the
// default list). Searches already running keep the list they started with.
func (ix *Index) SetSynonyms(s *Synonyms) {
	ix.synonyms.Store(s)
	ix.cache.clear()
}

// Synonyms returns the list the index applies.
func (ix *Index) Synonyms() *Synonyms {
	if s := ix.synonyms.Load(); s != nil {
		return s
	}
	return DefaultSynonyms()
}

// Expand returns the synonyms of a word or words (normalised as for
// queries), nil when there are none. For tests and tools.
func (s *Synonyms) Expand(words string) []string {
	return s.rules[strings.Join(synKeys(strings.Fields(words)), " ")]
}

// synMatch is one synonym match in a query: the clauses it covers and the
// alternatives they also stand for.
type synMatch struct {
	from, to int // clause indexes, inclusive
	alts     []string
}

// match finds the synonym matches of a parsed query, longest first, left to
// right. Phrases and excluded words are never expanded and break sequences.
func (s *Synonyms) match(pq ParsedQuery) []synMatch {
	if s == nil || len(s.rules) == 0 {
		return nil
	}
	type tok struct {
		clause int
		key    string
		stop   bool
	}
	var out []synMatch
	var seg []tok
	flush := func() {
		for i := 0; i < len(seg); {
			t := seg[i]
			if t.stop {
				if alts := s.rules[t.key]; alts != nil {
					out = append(out, synMatch{t.clause, t.clause, alts})
				}
				i++
				continue
			}
			// Content words from i on, skipping stop words.
			var keys []string
			var ends []int // seg index of each content word
			for j := i; j < len(seg) && len(keys) < s.maxLen; j++ {
				if !seg[j].stop {
					keys = append(keys, seg[j].key)
					ends = append(ends, j)
				}
			}
			matched := false
			for k := len(keys); k >= 1; k-- {
				if alts := s.rules[strings.Join(keys[:k], " ")]; alts != nil {
					out = append(out, synMatch{t.clause, seg[ends[k-1]].clause, alts})
					i = ends[k-1] + 1
					matched = true
					break
				}
			}
			if !matched {
				i++
			}
		}
		seg = seg[:0]
	}
	for ci, c := range pq.Clauses {
		if c.Phrase || c.Exclude {
			flush()
			continue
		}
		k, stop := wordKey(c.Text)
		if k == "" {
			continue
		}
		seg = append(seg, tok{ci, k, stop})
	}
	flush()
	return out
}

// applySynonyms rewrites a plan: the words of each synonym match become one
// word whose query is the words' own query OR each synonym's terms. verify,
// when set, returns the notes holding a synonym of several words as a phrase
// (nil: unverified); the synonym then only matches those notes.
func (p *plan) applySynonyms(pq ParsedQuery, s *Synonyms, verify func(alt *plannedWord) ([]string, error)) error {
	// The word being typed also stands for its completions' synonyms
	// ("coopérati" finds what « coopérative » and its synonym « coop »
	// find). Their phrases are not verified: a prefix matches loosely.
	for _, w := range p.words {
		if s == nil || len(w.prefixStems) == 0 {
			continue
		}
		seen := map[string]bool{}
		for _, stem := range w.prefixStems {
			for _, a := range s.rules[stem] {
				if seen[a] {
					continue
				}
				seen[a] = true
				if q, terms := synonymQuery(a); q != nil {
					w.prefixSyn = append(w.prefixSyn, q)
					if len(terms) == 1 {
						w.synTerms = appendUnique(w.synTerms, terms[0])
					}
				}
			}
		}
		if len(w.prefixSyn) > 0 {
			w.q = w.build()
		}
	}
	ms := s.match(pq)
	if len(ms) == 0 {
		return nil
	}
	// The planned word of each clause (stop-word clauses have none).
	byClause := make([]*plannedWord, len(pq.Clauses))
	j := 0
	for ci, c := range pq.Clauses {
		if j < len(p.words) && p.words[j].clause == c && !c.Exclude {
			byClause[ci] = p.words[j]
			j++
		}
	}
	replaced := map[*plannedWord]*plannedWord{}
	var added []*plannedWord
	for _, m := range ms {
		var own []*plannedWord
		var texts []string
		for ci := m.from; ci <= m.to; ci++ {
			texts = append(texts, pq.Clauses[ci].Text)
			if w := byClause[ci]; w != nil {
				own = append(own, w)
			}
		}
		// A single word's one-word synonyms join its own terms (same
		// scoring as the word); longer synonyms are ORed with the word.
		single := len(own) == 1 && m.from == m.to && len(own[0].positions) == 1
		var alts []query.Query
		var synTerms, synDesc []string
		for _, a := range m.alts {
			q, terms := synonymQuery(a)
			if q == nil {
				continue
			}
			if single && len(terms) == 1 {
				own[0].synWords = appendUnique(own[0].synWords, terms[0])
				own[0].synTerms = appendUnique(own[0].synTerms, terms[0])
				own[0].synonyms = append(own[0].synonyms, a)
				continue
			}
			if verify != nil && len(terms) > 1 {
				pw := planWord(Clause{Text: a, Phrase: true})
				if pw != nil && len(pw.positions) > 1 {
					pw.q = pw.build()
					ids, err := verify(pw)
					if err != nil {
						return err
					}
					if ids != nil {
						if len(ids) == 0 {
							continue
						}
						q = query.NewConjunctionQuery([]query.Query{q, query.NewDocIDQuery(ids)})
					}
				}
			}
			alts = append(alts, q)
			if len(terms) == 1 {
				// Only one-word synonyms are highlighted: the words of a longer
				// one, marked wherever they occur alone, would pull snippets
				// towards common words (organisme, but, non…).
				synTerms = append(synTerms, terms...)
			}
			synDesc = append(synDesc, a)
		}
		if single && len(own[0].synWords) > 0 {
			own[0].q = own[0].build()
		}
		if len(alts) == 0 {
			continue
		}
		g := &plannedWord{clause: Clause{Text: strings.Join(texts, " ")}, synTerms: synTerms, synonyms: synDesc}
		var ownQ []query.Query
		for _, w := range own {
			g.synTerms = append(g.synTerms, w.synTerms...)
			g.synonyms = append(g.synonyms, w.synonyms...)
			ownQ = append(ownQ, w.q)
			g.positions = append(g.positions, w.positions...)
			g.fuzzyTerms = append(g.fuzzyTerms, w.fuzzyTerms...)
			g.prefixTerms = append(g.prefixTerms, w.prefixTerms...)
			if w.prefix != "" {
				g.prefix = w.prefix
			}
			g.clause.Prefix = g.clause.Prefix || w.clause.Prefix
		}
		switch len(ownQ) {
		case 0:
		case 1:
			alts = append([]query.Query{ownQ[0]}, alts...)
		default:
			alts = append([]query.Query{query.NewConjunctionQuery(ownQ)}, alts...)
		}
		g.q = query.NewDisjunctionQuery(alts)
		if len(own) == 0 {
			added = append(added, g)
			continue
		}
		for i, w := range own {
			if i == 0 {
				replaced[w] = g
			} else {
				replaced[w] = nil // folded into g
			}
		}
	}
	words := make([]*plannedWord, 0, len(p.words)+len(added))
	for _, w := range p.words {
		g, ok := replaced[w]
		switch {
		case !ok:
			words = append(words, w)
		case g != nil:
			words = append(words, g)
		}
	}
	p.words = append(words, added...)
	return nil
}

// synonymPhraseIDs returns the public notes whose stored text holds the
// synonym pw as a phrase (see phrase.go), cached until the index changes.
// Candidates are capped like phrases' (MaxPhraseCandidates).
func (ix *Index) synonymPhraseIDs(ctx context.Context, pw *plannedWord, notes Notes) ([]string, error) {
	key := "synphrase|" + pw.clause.Text
	if v, ok := ix.expansions.get(key); ok {
		return v.([]string), nil
	}
	ids, err := ix.candidates(ctx, Request{}, textQuery{must: pw.q})
	if err != nil {
		return nil, err
	}
	got, err := notes.GetMany(ids)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, id := range ids {
		if n := got[id]; n != nil && noteHasPhrase(n, pw) {
			out = append(out, id)
		}
	}
	ix.expansions.put(key, out)
	return out, nil
}

// synonymQuery is the query of one synonym (all of its terms, in any field)
// and its terms, for highlighting.
func synonymQuery(text string) (query.Query, []string) {
	var conj []query.Query
	var terms []string
	last := -1
	var alts []query.Query
	flush := func() {
		if len(alts) > 0 {
			conj = append(conj, query.NewDisjunctionQuery(alts))
			alts = nil
		}
	}
	toks := Analyze(text)
	boost := synWordBoost
	if n := positionsOf(toks); n > 1 {
		// A conjunction scores the sum of its terms: share the weight so
		// that a synonym of several words weighs about one word.
		boost = synPhraseBoost / float64(n)
	}
	for _, t := range toks {
		if t.Position != last {
			flush()
			last = t.Position
		}
		alts = append(alts, termInFields(t.Term, boost)...)
		terms = append(terms, t.Term)
	}
	flush()
	switch len(conj) {
	case 0:
		return nil, nil
	case 1:
		return conj[0], terms
	}
	return query.NewConjunctionQuery(conj), terms
}

// SynonymGroups returns the rules as "source => alternatives" lines, sorted
// (for the admin endpoint and tests).
func (s *Synonyms) SynonymGroups() []string {
	var out []string
	for k, v := range s.rules {
		out = append(out, k+" => "+strings.Join(v, ", "))
	}
	sort.Strings(out)
	return out
}

func positionsOf(toks []Token) int {
	n, last := 0, -1
	for _, t := range toks {
		if t.Position != last {
			n++
			last = t.Position
		}
	}
	return n
}
