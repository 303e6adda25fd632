package query

import (
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/schema"
)

// Synonyms at query time: the list and its file format are in package
// analysis (analysis/synonyms.go); here a parsed query's words are matched
// against it and the plan is rewritten so that each matched word also finds
// its synonyms.

// Weights of a synonym's terms relative to the words typed.
const (
	synWordBoost   = 0.5 // a one-word synonym (usually an acronym or its expansion's head)
	synPhraseBoost = 0.75
)

// synMatch is one synonym match in a query: the clauses it covers and the
// alternatives they also stand for.
type synMatch struct {
	from, to int // clause indexes, inclusive
	alts     []string
	joined   bool // a compound member typed apart (joinedSynonym), or written
	written  bool // two words the notes write joined (JoinWritten): alts is that word
	// A member matched with one word corrected (matchSynonymsTypos): the
	// member's key, and the clauses of its content words in order, fix
	// the one corrected (-1 when none was).
	key     string
	clauses []int
	fix     int
}

// match finds the synonym matches of a parsed query's positive words, longest
// first, left to right. Phrases and excluded words break sequences; phrases
// are never expanded, excluded words take their own synonyms apart
// (excludedSynonyms).
func matchSynonyms(s *analysis.Synonyms, pq ParsedQuery) []synMatch {
	return matchSynonymsTypos(s, pq, nil)
}

// matchSynonymsTypos is matchSynonyms where a member of several words that
// does not match as typed may match with one of its words corrected: typos
// gives, for a clause, the stems its word reaches with one typo
// (Plan.typoKeys). Such a match only says which clause to correct
// (synMatch.fix): CorrectMembers writes the member's word there, and the
// query is planned again as if spelled right.
func matchSynonymsTypos(s *analysis.Synonyms, pq ParsedQuery, typos map[int][]string) []synMatch {
	if s.Empty() {
		return joinedMatches(pq)
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
			// Content words from i on, skipping stop words.
			var keys []string
			var ends []int // seg index of each content word
			for j := i; !t.stop && j < len(seg) && len(keys) < s.MaxWords(); j++ {
				if !seg[j].stop {
					keys = append(keys, seg[j].key)
					ends = append(ends, j)
				}
			}
			// A member of several words as typed first (« lac à
			// l'épaule »), then a hyphenated member typed apart (« sans
			// abri »), then two words the notes write joined (« eco
			// anxiete »), then a member of one word.
			matched := false
			for k := len(keys); k >= 2 && !matched; k-- {
				if alts := s.Rule(strings.Join(keys[:k], " ")); alts != nil {
					out = append(out, synMatch{from: t.clause, to: seg[ends[k-1]].clause, alts: alts, fix: -1})
					i = ends[k-1] + 1
					matched = true
					break
				}
				for j := 0; j < k && !matched; j++ {
					for _, fixed := range typos[seg[ends[j]].clause] {
						ks := slices.Clone(keys[:k])
						ks[j] = fixed
						key := strings.Join(ks, " ")
						if alts := s.Rule(key); alts != nil {
							clauses := make([]int, k)
							for x := range clauses {
								clauses[x] = seg[ends[x]].clause
							}
							out = append(out, synMatch{from: t.clause, to: seg[ends[k-1]].clause, alts: alts, key: key, clauses: clauses, fix: j})
							i = ends[k-1] + 1
							matched = true
							break
						}
					}
				}
			}
			if matched {
				continue
			}
			if n, alts := joinedSynonym(s, pq, t.clause, seg[len(seg)-1].clause); n > 0 {
				out = append(out, synMatch{from: t.clause, to: t.clause + n - 1, alts: alts, joined: true})
				for i < len(seg) && seg[i].clause < t.clause+n {
					i++
				}
				continue
			}
			if w := joinedMatch(pq, t.clause); w != "" && i+1 < len(seg) && seg[i+1].clause == t.clause+1 {
				out = append(out, synMatch{from: t.clause, to: t.clause + 1, alts: []string{w}, joined: true, written: true})
				i += 2
				continue
			}
			if alts := s.Rule(t.key); alts != nil {
				out = append(out, synMatch{from: t.clause, to: t.clause, alts: alts})
			}
			i++
		}
		seg = seg[:0]
	}
	for ci, c := range pq.Clauses {
		if c.Phrase || c.Exclude {
			flush()
			continue
		}
		k, stop := analysis.WordKey(c.Text)
		if k == "" {
			continue
		}
		if s.Rule(k) == nil {
			if alts := compoundSynonyms(s, c.Text); alts != nil {
				flush()
				out = append(out, synMatch{from: ci, to: ci, alts: alts})
				continue
			}
		}
		seg = append(seg, tok{ci, k, stop})
	}
	flush()
	return out
}

// joinedMatches returns the matches of the words the notes write joined
// (JoinWritten) alone, for a plan without a synonyms list.
func joinedMatches(pq ParsedQuery) []synMatch {
	var out []synMatch
	for ci := range pq.Clauses {
		if w := joinedMatch(pq, ci); w != "" {
			out = append(out, synMatch{from: ci, to: ci + 1, alts: []string{w}, joined: true, written: true})
		}
	}
	return out
}

// maxJoined is the number of words typed apart that joinedSynonym reads as
// one hyphenated member (« lac a l epaule »).
const maxJoined = 4

// joinedSynonym returns the number of clauses from clause from on (up to
// last) that, joined by hyphens, spell a member of a group written with a
// hyphen (« sans abri » for « sans-abri », « burn out », « main d'oeuvre »),
// the longest first, and the member's alternatives; 0 when none does.
// People type a compound's parts apart; the stop word among them (« sans »)
// then left the search with « abri » alone, which no note writes, and
// the group unread.
func joinedSynonym(s *analysis.Synonyms, pq ParsedQuery, from, last int) (int, []string) {
	for n := min(maxJoined, last-from+1); n >= 2; n-- {
		parts := make([]string, 0, n)
		for i, c := range pq.Clauses[from : from+n] {
			if c.Phrase || c.Exclude || (c.Prefix && i < n-1) || strings.ContainsRune(c.Text, '-') {
				parts = nil
				break
			}
			parts = append(parts, c.Text)
		}
		if parts == nil {
			continue
		}
		if k, _ := analysis.WordKey(strings.Join(parts, "-")); k != "" {
			if alts := s.Rule(k); alts != nil {
				return n, alts
			}
		}
	}
	return 0, nil
}

// compoundSynonyms returns the compound text (« St-Jérôme ») with a part
// replaced by each one-word synonym of that part (« Saint-Jérôme »): the
// notes write a place or a compound one way, people type it another. nil
// for a word without a hyphen or without such a part.
func compoundSynonyms(s *analysis.Synonyms, text string) []string {
	parts := strings.Split(text, "-")
	if len(parts) < 2 {
		return nil
	}
	var out []string
	for i, part := range parts {
		if part == "" {
			return nil
		}
		key, _ := analysis.WordKey(part)
		for _, a := range s.Rule(key) {
			if strings.ContainsAny(a, " -") || len(out) >= 8 {
				continue
			}
			alt := slices.Clone(parts)
			alt[i] = a
			out = append(out, strings.Join(alt, "-"))
		}
	}
	return out
}

// excludedSynonyms returns the synonyms an excluded word (-mtl) also
// excludes: those the same word, typed as a positive word on its own, would
// find, so that « logement -mtl » leaves out the notes « mtl » finds,
// « Montréal » included. The word's one-word rule (a stop-word acronym's
// too: -CA), else its compound forms (-St-Jérôme: Saint-Jérôme), one-way
// rules in their direction only (-garderie excludes CPE, -CPE does not
// exclude garderie).
//
// Only what the word stands for, never what it looks like: an excluded
// word is not expanded for typos, completions or close forms (NewPlan),
// nor are its synonyms. Excluding too much is worse than too little:
// notes silently missing cannot be seen, and a close form (« montréalaise »
// for -montreal) is not what the person meant to leave out. For the same
// reason consecutive excluded words never make a multi-word member
// (-conseil -administration does not exclude CA: each word is excluded on
// its own, which already leaves out every note holding both), a synonym of
// several words only excludes the notes verified to hold it as a phrase
// (verified, as for positive words), and an excluded phrase (-"mtl") keeps
// its exact words, as a positive phrase does: quotes are how to exclude
// one spelling and not its synonyms.
func excludedSynonyms(s *analysis.Synonyms, c Clause) []string {
	if s.Empty() || !c.Exclude || c.Phrase {
		return nil
	}
	k, _ := analysis.WordKey(c.Text)
	if k == "" {
		return nil
	}
	if alts := s.Rule(k); alts != nil {
		return alts
	}
	return compoundSynonyms(s, c.Text)
}

// SynonymPhrases returns the synonyms of several words that ApplySynonyms
// would add to the plan (for its positive and its excluded words), as
// phrases: the caller (package index) finds the notes holding each one
// word for word and hands them to ApplySynonyms.
func (p *Plan) SynonymPhrases(pq ParsedQuery, s *analysis.Synonyms) []*Word {
	var out []*Word
	seen := map[string]bool{}
	ms := matchSynonyms(s, pq)
	for _, c := range pq.Clauses {
		if alts := excludedSynonyms(s, c); alts != nil {
			ms = append(ms, synMatch{alts: alts})
		}
	}
	for _, m := range ms {
		for _, a := range m.alts {
			if seen[a] {
				continue
			}
			if pw := synonymPhrase(a); pw != nil {
				seen[a] = true
				out = append(out, pw)
			}
		}
	}
	return out
}

// SynonymWords returns the synonyms of one term that ApplySynonyms would OR
// with the words of a compound typed apart (« sans abri », joinedSynonym),
// each with its term: the caller marks those no note of the scope holds
// (nil in verified), and such a match none of whose synonyms a note holds
// leaves the words as typed, each its own word, which the search may relax
// as before the compound was read. Merged into one word that finds nothing,
// they found nothing at all (« proces verbal » where no note writes « PV »
// nor « procès-verbal »). A member of several words typed as such
// (« économie sociale ») stays one word whatever its synonyms.
func (p *Plan) SynonymWords(pq ParsedQuery, s *analysis.Synonyms) map[string]string {
	out := map[string]string{}
	for _, m := range matchSynonyms(s, pq) {
		if !m.joined || m.written {
			continue // a word joined is one JoinWritten found in the scope
		}
		for _, a := range m.alts {
			if _, terms := synonymQuery(a); len(terms) == 1 {
				out[a] = terms[0]
			}
		}
	}
	return out
}

// HeldInFields reports whether a note the dictionary counts holds term in
// one of the fields a synonym's term is searched in (TermInFields).
func HeldInFields(dict Dictionary, term string) bool {
	for _, fw := range schema.Weights {
		if holds(dict, fw.Field, term) {
			return true
		}
	}
	return false
}

// synonymPhrase returns the phrase word of a synonym of several words (nil
// for a synonym of one word).
func synonymPhrase(a string) *Word {
	if q, terms := synonymQuery(a); q == nil || len(terms) < 2 {
		return nil
	}
	pw := planWord(Clause{Text: a, Phrase: true})
	if pw == nil || len(pw.positions) < 2 {
		return nil
	}
	// A synonym stands for its words whatever the stop words between them
	// (« organisme de but non lucratif »), as the index marks it
	// (PhraseMarker): only the gaps count.
	pw.stops = nil
	pw.q = pw.build()
	return pw
}

// ApplySynonyms rewrites a plan: the words of each synonym match become one
// word whose query is the words' own query OR each synonym's terms, and
// each excluded word also excludes its synonyms (excludedSynonyms).
// verified, when set, holds for synonyms of several words (SynonymPhrases,
// by text) a query of the notes that hold them as a phrase; such a synonym
// then only matches those notes (nil: no note; absent: unverified, which a
// positive word matches by its words anywhere and an excluded one not at
// all).
func (p *Plan) ApplySynonyms(pq ParsedQuery, s *analysis.Synonyms, verified map[string]query.Query) {
	p.excludeSynonyms(pq, s, verified)
	// The word being typed also stands for its completions' synonyms
	// ("coopérati" finds what « coopérative » and its synonym « coop »
	// find). Their phrases are not verified: a prefix matches loosely.
	for _, w := range p.words {
		if s.Empty() || len(w.prefixStems) == 0 {
			continue
		}
		seen := map[string]bool{}
		for _, stem := range w.prefixStems {
			for _, a := range s.Rule(stem) {
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
	// A misspelled word also stands for the one-word synonyms of what it
	// reaches with one typo: « cooperatve » finds what « coopérative »
	// finds, « coop » included. Synonyms of several words are left out
	// (they would be matched loosely, word by word), and so are those of
	// terms two typos away.
	for _, w := range p.words {
		if s.Empty() {
			break
		}
		seen := map[string]bool{}
		for _, t := range w.nearTypos() {
			for _, a := range s.Rule(t) {
				if seen[a] {
					continue
				}
				seen[a] = true
				if q, terms := synonymQuery(a); q != nil && len(terms) == 1 && !slices.Contains(w.ExactTerms(), terms[0]) && !slices.Contains(w.fuzzyTerms, terms[0]) {
					w.typoSynTerms = appendUnique(w.typoSynTerms, terms[0])
				}
			}
		}
		if len(w.typoSynTerms) > 0 {
			w.q = w.build()
		}
	}
	ms := matchSynonyms(s, pq)
	if len(ms) == 0 {
		return
	}
	// The planned word of each clause (stop-word clauses have none).
	byClause := make([]*Word, len(pq.Clauses))
	j := 0
	for ci, c := range pq.Clauses {
		if j < len(p.words) && p.words[j].clause == c && !c.Exclude {
			byClause[ci] = p.words[j]
			j++
		}
	}
	replaced := map[*Word]*Word{}
	seenTyped := map[string]bool{}
	var added []*Word
	for _, m := range ms {
		if p.asksOnly(m.from, m.to) {
			continue // « info sur … »: « info » is how the person asks, not « informatique »
		}
		var own []*Word
		var texts []string
		for ci := m.from; ci <= m.to; ci++ {
			texts = append(texts, pq.Clauses[ci].Text)
			if w := byClause[ci]; w != nil {
				own = append(own, w)
			}
		}
		// The same words typed again (« burn out burn out », « saguenay
		// saguenay »: the second planned no word of its own) count once,
		// whatever the first became: left to add its synonyms alone, the
		// second « saguenay » asked every note for one of its towns too.
		typed := synonymKey(strings.Join(texts, " "))
		if len(own) == 0 && seenTyped[typed] {
			continue
		}
		seenTyped[typed] = true
		if m.written {
			// Two words the notes write joined (JoinWritten): each also
			// matches the word joined, loosely, as a typo does, so that
			// a note writing « planète » holds « plan » and « ete » but
			// comes after the notes holding them as typed, and a note
			// holding one of them still counts it (the notes with most
			// of the words follow those with all).
			for _, a := range m.alts {
				if _, terms := synonymQuery(a); len(terms) == 1 {
					for _, w := range own {
						w.looseTerms = appendUnique(w.looseTerms, terms[0])
						w.q = w.build()
					}
				}
			}
			continue
		}
		// A single word's one-word synonyms join its own terms (same
		// scoring as the word); longer synonyms are ORed with the word.
		single := len(own) == 1 && m.from == m.to && len(own[0].positions) == 1
		var alts []query.Query
		var synTerms, synDesc, synPhrases []string
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
			if len(terms) > 1 || m.joined {
				if only, ok := verified[a]; ok {
					if only == nil {
						continue // no note holds it as a phrase
					}
					q = query.NewConjunctionQuery([]query.Query{q, only})
				}
			}
			alts = append(alts, q)
			if len(terms) == 1 {
				synTerms = append(synTerms, terms...)
			} else {
				// The words of a longer synonym are highlighted only
				// together (Matcher.MarkPhrases): marked wherever they
				// occur alone, they would pull snippets towards common
				// words (organisme, but, non…).
				synPhrases = append(synPhrases, a)
			}
			synDesc = append(synDesc, a)
		}
		if single && len(own[0].synWords) > 0 {
			own[0].q = own[0].build()
		}
		if len(alts) == 0 {
			continue
		}
		g := &Word{clause: Clause{Text: strings.Join(texts, " ")}, synTerms: synTerms, synPhrases: synPhrases, synonyms: synDesc}
		var ownQ []query.Query
		for _, w := range own {
			g.synTerms = append(g.synTerms, w.synTerms...)
			g.synPhrases = append(g.synPhrases, w.synPhrases...)
			g.synonyms = append(g.synonyms, w.synonyms...)
			ownQ = append(ownQ, w.q)
			g.positions = append(g.positions, w.positions...)
			g.fuzzyTerms = append(g.fuzzyTerms, w.fuzzyTerms...)
			g.typoSynTerms = append(g.typoSynTerms, w.typoSynTerms...)
			g.fuzz = max(g.fuzz, w.fuzz)
			// What the ranking reads of the word's expansions
			// (ExactTerms, TypoTerms, FarTypoTerms, LooseTerms,
			// ShortCompletions) goes with it into the group: left
			// behind, a note holding only a completion of « ca »
			// (« calibrés ») counted as holding the CA itself.
			g.farTypos = append(g.farTypos, w.farTypos...)
			g.looseTerms = append(g.looseTerms, w.looseTerms...)
			g.prefixTerms = append(g.prefixTerms, w.prefixTerms...)
			g.prefixWords = append(g.prefixWords, w.prefixWords...)
			g.prefixStems = append(g.prefixStems, w.prefixStems...)
			g.prefixVariants = append(g.prefixVariants, w.prefixVariants...)
			g.written = g.written || w.written
			g.known = g.known || w.known
			if w.prefix != "" {
				g.prefix = w.prefix
			}
			for t := range w.unscored {
				if g.unscored == nil {
					g.unscored = map[string]bool{}
				}
				g.unscored[t] = true
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
	words := make([]*Word, 0, len(p.words)+len(added))
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
}

// asksOnly reports whether clauses from to to (inclusive) all say how the
// person asks (Plan.asking), and so stand for nothing to search.
func (p *Plan) asksOnly(from, to int) bool {
	for ci := from; ci <= to; ci++ {
		if !p.asking[ci] {
			return false
		}
	}
	return true
}

// excludeSynonyms widens each excluded word's query to its synonyms
// (excludedSynonyms says which, and why no more). An excluded stop-word
// acronym typed in lower case (-ca), which plans to no word, gets one made
// of its synonyms (« CA » as written among them).
func (p *Plan) excludeSynonyms(pq ParsedQuery, s *analysis.Synonyms, verified map[string]query.Query) {
	if s.Empty() {
		return
	}
	planned := map[Clause]*Word{}
	for _, w := range p.excluded {
		planned[w.clause] = w
	}
	wanted := wantedSynonyms(s, pq)
	done := map[Clause]bool{}
	for _, c := range pq.Clauses {
		alts := excludedSynonyms(s, c)
		if alts == nil || done[c] {
			continue // a clause typed twice is one exclusion
		}
		done[c] = true
		w := planned[c]
		var qs []query.Query
		if w != nil {
			qs = append(qs, w.q)
		}
		var applied []string
		for _, a := range alts {
			if wanted[synonymKey(a)] {
				continue // typed as wanted: « cpe -garderie » keeps CPE
			}
			q, _ := synonymQuery(a)
			if q == nil {
				continue
			}
			if _, several := q.(*query.ConjunctionQuery); several {
				// Several words: only where they stand as a phrase,
				// never their words scattered through a note.
				only := verified[a]
				if only == nil {
					continue // in no note, or not verified
				}
				q = query.NewConjunctionQuery([]query.Query{q, only})
			}
			qs = append(qs, q)
			applied = append(applied, a)
		}
		if len(applied) == 0 {
			continue
		}
		if w == nil {
			w = &Word{clause: c}
			planned[c] = w
			p.excluded = append(p.excluded, w)
		}
		w.synonyms = append(w.synonyms, applied...)
		w.q = query.NewDisjunctionQuery(qs)
	}
}

// wantedSynonyms returns the keys (synonymKey) of what the query's positive
// words, phrases and synonym matches of several words spell, as typed: an
// excluded word's synonym among them is not excluded. « cpe -garderie »
// found nothing (garderie => CPE: -garderie left out every note on CPE),
// « montreal -mtl » nothing; excluding too little beats hiding what is
// typed as wanted. Only what is typed: the positive words' own synonyms
// are still left out (« garderie -cpe » leaves out « centre de la petite
// enfance », « cpe -cpe » everything).
func wantedSynonyms(s *analysis.Synonyms, pq ParsedQuery) map[string]bool {
	wanted := map[string]bool{}
	for _, c := range pq.Clauses {
		if !c.Exclude {
			wanted[synonymKey(c.Text)] = true
		}
	}
	for _, m := range matchSynonyms(s, pq) {
		var typed []string
		for _, c := range pq.Clauses[m.from : m.to+1] {
			typed = append(typed, c.Text)
		}
		wanted[synonymKey(strings.Join(typed, " "))] = true
	}
	delete(wanted, "")
	return wanted
}

// synonymKey is the key of a synonym or of typed words: each word's key
// (analysis.WordKey), stop words left out unless nothing else is left.
func synonymKey(text string) string {
	var keys, stops []string
	for _, f := range strings.Fields(text) {
		k, stop := analysis.WordKey(f)
		switch {
		case k == "":
		case stop:
			stops = append(stops, k)
		default:
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		keys = stops
	}
	return strings.Join(keys, " ")
}

// synonymQuery is the query of one synonym (all of its terms, in any field)
// and its terms, for highlighting. A synonym of one hyphenated word
// (« Trois-Rivières », « rendez-vous ») is its compound term, which every
// note writing the word holds (analysis.CompoundTerm): a word, not a phrase
// of its parts to mark at indexing and verify (nor « trois rivières » in
// a sentence).
// A synonym of several words is a conjunction (one disjunction per
// position), any other a disjunction.
func synonymQuery(text string) (query.Query, []string) {
	toks := analysis.Analyze(text)
	if c := analysis.CompoundTermOf(text, toks); c != "" {
		return query.NewDisjunctionQuery(TermInFields(c, synWordBoost)), []string{c}
	}
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
		alts = append(alts, TermInFields(t.Term, boost)...)
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

func positionsOf(toks []analysis.Token) int {
	n, last := 0, -1
	for _, t := range toks {
		if t.Position != last {
			n++
			last = t.Position
		}
	}
	return n
}

// typoKeys gives, for each clause whose word no note holds (unwritten: its
// typos are looked for, and none of its own terms is in the notes), the
// stems it reaches with one typo: the keys under which a member of several
// words may hold it (matchSynonymsTypos). A rare word that some note holds
// is taken as meant (« logiciel livre » is no « logiciel libre » misspelled
// where a note writes « livre »; « assemblée générale annulée » no
// « annuelle »).
func (p *Plan) typoKeys(pq ParsedQuery) map[int][]string {
	var out map[int][]string
	j := 0
	for ci, c := range pq.Clauses {
		if j >= len(p.words) || p.words[j].clause != c || c.Exclude {
			continue
		}
		w := p.words[j]
		j++
		if !w.unwritten {
			continue
		}
		if near := w.nearTypos(); len(near) > 0 {
			if out == nil {
				out = map[int][]string{}
			}
			out[ci] = near
		}
	}
	return out
}

// CorrectMembers returns the query with each word misspelled inside a
// member of several words of the synonyms list (« organisme sans but
// lucrtaif », « inteligence artificielle ») written as the member writes it,
// when the member's other words are typed as it writes them and the word
// is one typo away from the member's; ok is false when there is none. The
// query planned again finds what the words spelled right find, the group's
// synonyms included (OBNL, IA): the misspelled word kept the group from
// matching, and its notes came without their synonyms (nDCG 0.97 → 0.27
// for the first, on the audit's corpus). Read as typed, the member's word
// was a typo of it anyway.
func (p *Plan) CorrectMembers(pq ParsedQuery, s *analysis.Synonyms) (ParsedQuery, bool) {
	typos := p.typoKeys(pq)
	if len(typos) == 0 || s.Empty() {
		return pq, false
	}
	out := ParsedQuery{Clauses: slices.Clone(pq.Clauses)}
	changed := false
	for _, m := range matchSynonymsTypos(s, pq, typos) {
		if m.fix < 0 || m.key == "" {
			continue
		}
		member := s.Member(m.key)
		var content []string
		for _, f := range strings.Fields(member) {
			if k, stop := analysis.WordKey(f); k != "" && !stop {
				content = append(content, f)
			}
		}
		if len(content) != len(m.clauses) {
			continue // a member whose words do not line up with the typed ones
		}
		c := &out.Clauses[m.clauses[m.fix]]
		c.Text = content[m.fix]
		changed = true
	}
	return out, changed
}
