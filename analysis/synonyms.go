package analysis

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"sync"
	"syscall"
	"unicode"
	"unicode/utf8"
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

// Synonyms is a parsed synonyms list. Immutable once built; safe for
// concurrent use.
type Synonyms struct {
	Source string // file path, or "défaut" for the embedded list
	Groups int    // lines that define a group
	Rules  int    // source members
	rules  map[string][]string
	// members are the source members as written, by key (the first one
	// written wins): a word misspelled in a member of several words is
	// corrected to the member's own (Member).
	members map[string]string
	maxLen  int
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
	if s.members == nil {
		s.members = map[string]string{}
	}
	if _, ok := s.members[k]; !ok {
		s.members[k] = src
	}
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

// WordKey normalises one word for synonym matching: its stem (accents, case,
// plural and elision ignored), or, for a stop word, "!" and the word
// lower-cased with its accents.
func WordKey(w string) (key string, stop bool) {
	folded := Fold(w)
	f := BareWord(folded)
	if h := strings.IndexByte(folded, '-'); h > 0 && strings.ContainsAny(folded[h:], "'’") {
		// A compound with an elision inside (Cantons-de-l’Est): its key
		// is the whole compound, only a leading elision stripped. BareWord
		// keeps what follows the last apostrophe, « est », which made
		// every « c’est » of a query trigger the member's group.
		f = strings.TrimRightFunc(BareWord(folded[:h])+folded[h:], func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	}
	if f == "" {
		return "", false
	}
	// An inclusive form's key is its masculine's (« aîné·es », « aîné.e.s »:
	// « aînés »), so that it triggers the same group.
	f = InclusiveBase(f)
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
		k, stop := WordKey(w)
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

// defaultSynonyms parses the embedded list once; the list is immutable.
var defaultSynonyms = sync.OnceValue(func() *Synonyms {
	s, err := ParseSynonyms(defaultSynonymsText, "défaut")
	if err != nil {
		panic("analysis: liste de synonymes par défaut invalide : " + err.Error())
	}
	return s
})

// DefaultSynonyms returns the embedded list for the Québec community and
// social-economy sector (analysis/synonyms/fr-qc.txt).
func DefaultSynonyms() *Synonyms { return defaultSynonyms() }

// LoadSynonyms reads a synonyms file; an empty path gives the default list.
func LoadSynonyms(path string) (*Synonyms, error) {
	if path == "" {
		return DefaultSynonyms(), nil
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &synFileError{fmt.Sprintf("le fichier de synonymes %s n’existe pas : vérifiez le chemin (--synonyms ou TROUVAILLE_SYNONYMS)", path), err}
	case errors.Is(err, fs.ErrPermission):
		return nil, &synFileError{fmt.Sprintf("lecture du fichier de synonymes %s refusée (permissions) : donnez le droit de lecture à l’utilisateur·trice qui lance Trouvaille", path), err}
	case errors.Is(err, syscall.EISDIR):
		return nil, &synFileError{fmt.Sprintf("%s est un dossier : donnez le fichier de synonymes (un groupe par ligne)", path), err}
	case err != nil:
		return nil, fmt.Errorf("lire le fichier de synonymes %s : %w", path, err)
	}
	s, err := ParseSynonyms(string(b), path)
	if err != nil {
		return nil, fmt.Errorf("fichier de synonymes %s, %w", path, err)
	}
	return s, nil
}

// Expand returns the synonyms of a word or words (normalised as for
// queries), nil when there are none. For tests and tools.
func (s *Synonyms) Expand(words string) []string {
	return s.rules[strings.Join(synKeys(strings.Fields(words)), " ")]
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

// Rule returns the alternatives of a source key (keys as WordKey makes them,
// joined by spaces), nil when none. The query planner matches with it.
func (s *Synonyms) Rule(key string) []string {
	if s == nil {
		return nil
	}
	return s.rules[key]
}

// Member returns a source member as written in the list, by its key (as
// Rule takes it); "" when none.
func (s *Synonyms) Member(key string) string {
	if s == nil {
		return ""
	}
	return s.members[key]
}

// Alternatives returns every distinct alternative of the list (what a rule
// may add to a query), sorted. The index marks the notes holding each one of
// several words as a phrase.
func (s *Synonyms) Alternatives() []string {
	if s == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, alts := range s.rules {
		for _, a := range alts {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Empty reports whether the list has no rule.
func (s *Synonyms) Empty() bool { return s == nil || len(s.rules) == 0 }

// MaxWords is the number of content words of the longest source member.
func (s *Synonyms) MaxWords() int { return s.maxLen }

// synFileError is a synonyms file that cannot be read, said in French (Go
// said « open syn.txt: no such file or directory », in the log and in the
// reload route's answer), wrapping the error of the file system.
type synFileError struct {
	msg string
	err error
}

func (e *synFileError) Error() string { return e.msg }
func (e *synFileError) Unwrap() error { return e.err }
