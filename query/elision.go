package query

import (
	"strings"
	"unicode/utf8"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/schema"
)

// elidedStarts are the elided words a word may begin with when its
// apostrophe was not typed, longest first (« jusqu » before « j »).
var elidedStarts = []string{"jusqu", "lorsqu", "puisqu", "quoiqu", "qu", "l", "d", "j", "m", "n", "s", "t", "c"}

// elidedStops are the elided words and the stop words they are written
// before, joined, that RestoreElisions reads when typed without the
// apostrophe (« jai », « cest », « quil », « dune »). Not « l » nor « m »
// before a stop word: « lune », « mai » are words.
var elidedStops = map[string]bool{
	"cest": true, "cetait": true,
	"jai": true, "javais": true, "jetais": true, "jaurais": true,
	"quil": true, "quils": true, "quon": true, "quun": true, "quune": true, "quest": true,
	"nest": true, "nont": true, "navons": true, "navait": true,
	"dun": true, "dune": true,
	"sil": true, "sils": true, "sest": true,
	"jusquau": true, "jusquaux": true, "jusqua": true,
	"lorsquil": true, "lorsquon": true, "puisquil": true, "puisquon": true,
}

// pronounElisions are the elided pronouns read before a verb in the
// infinitive (« m’inscrire », « s’engager », « t’informer »;
// infinitiveRest); the pairs with a stop word (« jai », « sest ») are
// elidedStops'. A word after « m », « s »… that is no infinitive is a word
// of its own (« mail », « sage », « sain », « selection »).
var pronounElisions = map[string]bool{"j": true, "m": true, "s": true, "t": true}

// infinitiveRest reports whether rest, the word after an elided pronoun,
// is written as a verb in the infinitive: four letters or more, ending in
// -er, -ir or -re.
func infinitiveRest(rest string) bool {
	f := analysis.BareWord(analysis.Fold(rest))
	if utf8.RuneCountInString(f) < 4 {
		return false
	}
	for _, end := range [...]string{"er", "ir", "re"} {
		if strings.HasSuffix(f, end) {
			return true
		}
	}
	return false
}

// minStemmedRest is the length, in letters, from which the rest of a word
// typed without its apostrophe is read with it when the notes hold its stem
// only, not the rest as typed (restoreElision).
const minStemmedRest = 5

// RestoreElisions returns the query with the apostrophe put back in the
// words typed without it (« dhabitation », « lia », « linformation »,
// « sinscrire »: a phone's keyboard, or a hurry): a word that no note holds
// (dict, in the caller's scope), that begins with an elided article or
// pronoun followed by a vowel or an h, and whose rest the notes hold
// (« habitation », « ia »), is read as the two (« d'habitation »), whose
// analysis leaves the rest. The typo look-ups keep a word's first letter, so
// they never reached « habitation » from « dhabitation »; and a word that
// the notes hold as typed (« lia » of a name, « dentiste ») is left as it is.
// The last word being typed is known when a note holds a word it begins.
// Phrases are left as typed. ok is false when nothing was restored.
func (p ParsedQuery) RestoreElisions(dict Dictionary) (ParsedQuery, bool) {
	if dict == nil {
		return p, false
	}
	var out ParsedQuery
	done := false
	for i, c := range p.Clauses {
		if !c.Phrase {
			if t, ok := restoreElision(dict, c); ok {
				if !done {
					out.Clauses = append([]Clause(nil), p.Clauses...)
					done = true
				}
				out.Clauses[i].Text = t
			}
		}
	}
	if !done {
		return p, false
	}
	if _, positive, _, _ := plannedWords(out); positive == 0 {
		return p, false // « jai »: nothing left to search
	}
	return out, true
}

// RestoreLastElision is RestoreElisions for the last word being typed, read
// as if typed whole: « charte de lia », where « lia » begins « liaison »,
// is « charte de l’ia ». The caller asks it only when no note holds every
// word as typed (the search came back relaxed): while the notes hold the
// completions with the other words, the word may still be becoming one of
// them. ok is false when the last word is no such word.
func (p ParsedQuery) RestoreLastElision(dict Dictionary) (ParsedQuery, bool) {
	n := len(p.Clauses)
	if dict == nil || n == 0 || !p.Clauses[n-1].Prefix || p.Clauses[n-1].Phrase || p.Clauses[n-1].Exclude {
		return p, false
	}
	whole := p.Clauses[n-1]
	whole.Prefix = false
	t, ok := restoreElision(dict, whole)
	if !ok {
		return p, false
	}
	out := ParsedQuery{Clauses: append([]Clause(nil), p.Clauses...)}
	out.Clauses[n-1].Text = t
	if _, positive, _, _ := plannedWords(out); positive == 0 {
		return p, false
	}
	return out, true
}

// restoreElision returns the clause's word with its apostrophe put back
// (RestoreElisions), ok false when it is not such a word.
func restoreElision(dict Dictionary, c Clause) (string, bool) {
	text := c.Text
	if w := analysis.WithApostrophe(analysis.Fold(text)); w != "" && !c.Prefix {
		return w, true // « aujourdhui », « quelquun »
	}
	start := ""
	for _, e := range elidedStarts {
		if len(text) > len(e)+1 && strings.EqualFold(text[:len(e)], e) {
			start = e
			break
		}
	}
	if start == "" {
		return "", false
	}
	rest := text[len(start):]
	if f := analysis.Fold(rest); f == "" || !strings.ContainsRune("aeiouyh", rune(f[0])) {
		return "", false
	}
	if strings.ContainsAny(text, "'’‘ʼ-") {
		return "", false // an apostrophe or a compound: written as meant
	}
	if _, stop := analysis.WordKey(text); stop {
		return "", false // « dans » is not « d'ans », nor « mais » « m'ais »
	}
	if written(dict, text, c.Prefix) {
		return "", false
	}
	restored := text[:len(start)] + "’" + rest
	if _, stop := analysis.WordKey(rest); stop {
		// « jai », « cest »: j'ai, c'est, which the search leaves out;
		// being typed, the completions of « ai » would say nothing. Only
		// the pairs French writes (« sait » is no « s'ait »).
		return restored, !c.Prefix && elidedStops[strings.ToLower(start)+analysis.BareWord(analysis.Fold(rest))]
	}
	switch e := strings.ToLower(start); {
	case e == "c" || e == "n":
		// « c’ » is written before « être » and « ça », « n’ » before a
		// verb: only the pairs with a stop word (elidedStops) are read,
		// so « centraide » is no « c’entraide », « nequipe » no
		// « n’équipe ».
		return "", false
	case pronounElisions[e] && !infinitiveRest(rest):
		// « mail » is no « m’ail », « sage » no « s’âge », « selection »
		// no « s’élection », « morgan » no « m’organ »: an elided
		// pronoun stands before a verb, and a search names the verb in
		// the infinitive (« sinscrire », « sengager », « minformer »);
		// being typed, once the infinitive's ending is (« sinscr » is
		// still « sinscr »: « morgan » would be « m’organ »).
		return "", false
	}
	if holds(dict, schema.Words, analysis.BareWord(analysis.Fold(rest))) {
		return restored, true // « habitation », « ia »: written as typed
	}
	if utf8.RuneCountInString(rest) >= minStemmedRest {
		// « dhabitations » where the notes write « habitation »: a long
		// word's stem says what it is. A short one's does not: « sais »
		// is no « s’ais » though « aisé » stems to « ais ».
		for _, t := range analysis.Analyze(restored) {
			for _, f := range fuzzyFields {
				if holds(dict, f, t.Term) {
					return restored, true
				}
			}
		}
	}
	if c.Prefix && completesTerm(dict, rest) {
		return restored, true
	}
	return "", false
}

// written reports whether a note writes the word as typed (folded), or,
// being typed, a word or a term that begins with it. The words as written,
// not the terms: « lia » is no word of the notes, though Snowball stems
// « liaison » to « lia ».
func written(dict Dictionary, text string, prefix bool) bool {
	f := analysis.BareWord(analysis.Fold(text))
	if f == "" {
		return true
	}
	if holds(dict, schema.Words, f) {
		return true
	}
	return prefix && (completesTerm(dict, text) || completesWritten(dict, text))
}

// holds reports whether a note the dictionary counts holds term in field,
// without filling the dictionary's cache when it can say so (Has): these
// checks run on most words of every query.
func holds(dict Dictionary, field, term string) bool {
	if h, ok := dict.(interface {
		Has(field, term string) (bool, error)
	}); ok {
		has, err := h.Has(field, term)
		return err == nil && has
	}
	n, err := dict.Term(field, term)
	return err == nil && n > 0
}
