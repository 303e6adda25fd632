package analysis

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Words spelled by ear. A person who knows a word from hearing it writes
// it as it sounds: « comunoté » for « communauté », « asociassion » for
// « association », « sossial » for « social ». Such a word can be three or
// more typos from the word meant, out of reach of the typo budget, while
// every one of its sounds is spelled in a way French spells that sound.
//
// SoundsLike reads the typed word (folded) as a sequence of sounds, each
// with the spellings French gives it (o, au, eau; s, ss, c before e, i, y,
// t before i and a vowel; an, en, am, em; a consonant single or doubled…),
// and builds the automaton of every spelling of that sequence: a term it
// accepts is written the way the typed word sounds. The automaton reads
// terms as the dictionaries hold them, folded, a byte at a time, so that a
// dictionary walk visits only the terms that begin like one of those
// spellings (vellum's automaton interface: Start, Accept, IsMatch,
// CanMatch, WillAlwaysMatch).
//
// Two readings: whole (the term is a spelling of the whole word, maybe
// with a silent ending, -e, -s, -x, -t, -d, -es, -ent) for the words as
// written; and, for the stems of the analyzed fields, Stems: the term
// spells the word's first sounds, at least four letters of it, and what is
// left of the typed word sounds like a French ending (« asoci|assion »
// reaches the stem « associ » of « association »; « spot|ify » does not
// reach « spot »).

// maxSoundStates caps the automaton's states: a word of many ambiguous
// sounds gets no automaton rather than a costly one. The 880 readings of
// the words of the two judged sets typed by ear (testdata/oreille) have at
// most 40 states; a crafted word of 32 letters (y, e, i) reached 2,500 to
// 3,000 under a cap of 4,096, 8 to 17 ms to build, and a request may hold
// 32 such words. At 512 the build gives up within about 2 ms.
const maxSoundStates = 512

// soundClasses are the automaton's input classes: the 26 letters, and any
// other byte (a digit, a byte of a non-ASCII letter), which no spelling has.
// Words are at most 32 bytes (covers is a bit set of 64).
const soundClasses = 27

func soundClass(b byte) int {
	if b >= 'a' && b <= 'z' {
		return int(b - 'a')
	}
	return 26
}

// SoundAlike is the automaton of the spellings of a word as it sounds.
// State 0 is dead, 1 the start.
type SoundAlike struct {
	typed string
	trans []int32 // state*soundClasses + class → state
	whole []bool  // a whole spelling ends here
	// covers has bit c set when a spelling read to here spells the typed
	// word's first c bytes, at a sound's end, with at least four letters
	// and at most maxStemTail left that sound like an ending (bit
	// len(typed): the whole word).
	covers []uint64
	// endings are, by c, the endings the typed word's rest w[c:] sounds
	// like.
	endings map[int][]string
}

// maxStemTail is the most letters of the typed word a stem may leave.
const maxStemTail = 6

// SoundsLike returns the automaton of folded word w's spellings, or nil when
// w is under four letters or over 32, holds a byte that is not a letter
// a–z, or has too many ambiguous sounds. The automaton is shared: it is
// never changed once built, and the last ones asked are kept (soundCache).
func SoundsLike(w string) *SoundAlike { return recentSounds.get(w, false) }

// SoundsLikePrefix returns the automaton of the terms that begin with a
// spelling of folded word w being typed (IsMatch; Cover and Stems are not
// for it): « alofo » reaches « allophone ». Nil, and shared, as for
// SoundsLike, and nil too for a word of under three sounds always heard
// (minSounds).
func SoundsLikePrefix(w string) *SoundAlike { return recentSounds.get(w, true) }

// soundCache keeps the automata of the last 64 words asked, in either
// reading. One takes 0.1 to 1.6 ms to build (a few to 300 states). A search
// asked for each of its words by the planner and by the dictionary of each
// segment (built twice until 2026-12-07), the completions by each of their
// five tables, and the next keystroke often asks for the same word again;
// a query has at most 32 words.
type soundCache struct {
	mu   sync.Mutex
	next int
	keys [64]string
	vals [64]*SoundAlike
}

var recentSounds soundCache

func (c *soundCache) get(w string, typing bool) *SoundAlike {
	key := w
	if typing {
		key = "+" + w
	}
	c.mu.Lock()
	for i, k := range c.keys {
		if k == key {
			a := c.vals[i]
			c.mu.Unlock()
			return a
		}
	}
	c.mu.Unlock()
	a := soundsLike(w, typing)
	c.mu.Lock()
	c.keys[c.next], c.vals[c.next] = key, a
	c.next = (c.next + 1) % len(c.keys)
	c.mu.Unlock()
	return a
}

func soundsLike(w string, typing bool) *SoundAlike {
	if len(w) < 4 || len(w) > 32 {
		return nil
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return nil
		}
	}
	units := soundUnits(w, typing)
	// Being typed, a word of under three sounds that are always heard (a
	// silent h is not) says too little to be heard: every term beginning
	// with a spelling of it is taken, and « seau » read as « so… » found
	// 232 notes of the demo, « hckh » as « k… » 313. Whole, « pain » may
	// still be « pin ».
	sounded := 0
	for _, u := range units {
		if !slices.Contains(u.alts, "") {
			sounded++
		}
	}
	if typing && sounded < minSounds {
		return nil
	}
	return buildSoundNFA(w, units, typing).determinize(w)
}

// minSounds is the fewest sounds always heard that a word being typed
// must have to be read as it sounds.
const minSounds = 3

// soundUnit is one sound of the typed word: the bytes typed for it, and the
// spellings that sound the same ("" for a silent letter that may be left out).
type soundUnit struct {
	typed string
	alts  []string
}

func isSoundVowel(c byte) bool { return strings.IndexByte("aeiouy", c) >= 0 }

// soft reports whether c makes a preceding c or g soft (/s/, /ʒ/).
func soft(c byte) bool { return c == 'e' || c == 'i' || c == 'y' }

// soundUnits cuts w into sounds, the longest spelling first.
//
// A word being typed (typing) has no end yet: its last letter is sounded
// (no silent ending), and what follows it is unknown (no nasal vowel read
// at its end).
func soundUnits(w string, typing bool) []soundUnit {
	var units []soundUnit
	at := func(i int) byte {
		if i < len(w) {
			return w[i]
		}
		return 0
	}
	// consonantAfter: the byte at i ends a nasal vowel (a consonant other
	// than n, m, h, or the word's end).
	consonantAfter := func(i int) bool {
		c := at(i)
		if c == 0 {
			return !typing
		}
		return !isSoundVowel(c) && c != 'n' && c != 'm' && c != 'h'
	}
	for i := 0; i < len(w); {
		rest := w[i:]
		next := func(k int) byte { return at(i + k) }
		end := func(k int) bool { return !typing && i+k == len(w) }
		add := func(k int, alts ...string) {
			// The spelling typed is always one of its sound's.
			typed := w[i : i+k]
			if !slices.Contains(alts, typed) {
				alts = append(alts, typed)
			}
			units = append(units, soundUnit{typed: typed, alts: alts})
			i += k
		}
		// The spellings of /s/ that depend on what follows.
		sSpellings := func(k int) []string {
			alts := []string{"s", "ss"}
			if soft(next(k)) {
				alts = append(alts, "c", "sc")
			}
			if next(k) == 'i' && isSoundVowel(next(k+1)) {
				alts = append(alts, "t")
			}
			return alts
		}
		kSpellings := func(k int) []string {
			alts := []string{"k", "qu", "q", "ck"}
			// ch is /k/ in words from Greek: before r or l (chronique,
			// chlore), after y (psychologie); elsewhere it is /ʃ/.
			if next(k) == 'r' || next(k) == 'l' || i > 0 && w[i-1] == 'y' {
				alts = append(alts, "ch")
			}
			if !soft(next(k)) {
				alts = append(alts, "c", "cc")
			}
			return alts
		}
		switch {
		case strings.HasPrefix(rest, "eau"):
			add(3, "o", "au", "eau")
		case strings.HasPrefix(rest, "au"):
			add(2, "o", "au", "eau")
		case (strings.HasPrefix(rest, "ain") || strings.HasPrefix(rest, "ein") || strings.HasPrefix(rest, "aim")) && consonantAfter(i+3):
			add(3, "in", "im", "ain", "ein", "aim", "un", "yn", "ym")
		case strings.HasPrefix(rest, "ph"):
			add(2, "f", "ff", "ph")
		case strings.HasPrefix(rest, "qu"), strings.HasPrefix(rest, "ck"):
			add(2, kSpellings(2)...)
		case strings.HasPrefix(rest, "cc") && !soft(next(2)):
			add(2, kSpellings(2)...)
		case strings.HasPrefix(rest, "ch"), strings.HasPrefix(rest, "sh"):
			add(2, "ch", "sh")
		case (strings.HasPrefix(rest, "ss") || strings.HasPrefix(rest, "sc") && soft(next(2))):
			add(2, sSpellings(2)...)
		case (rest[0] == 's' || rest[0] == 'c' || rest[0] == 't' || rest[0] == 'x') && strings.HasPrefix(rest[1:], "ion"):
			add(1, "t", "s", "ss", "c", "x")
		case (strings.HasPrefix(rest, "an") || strings.HasPrefix(rest, "am") || strings.HasPrefix(rest, "en") || strings.HasPrefix(rest, "em")) && consonantAfter(i+2):
			add(2, "an", "en", "am", "em")
		case (strings.HasPrefix(rest, "in") || strings.HasPrefix(rest, "im") || strings.HasPrefix(rest, "un") || strings.HasPrefix(rest, "um") || strings.HasPrefix(rest, "yn") || strings.HasPrefix(rest, "ym")) && consonantAfter(i+2):
			add(2, "in", "im", "ain", "ein", "aim", "un", "yn", "ym")
		case (strings.HasPrefix(rest, "on") || strings.HasPrefix(rest, "om")) && consonantAfter(i+2):
			add(2, "on", "om")
		case (strings.HasPrefix(rest, "er") || strings.HasPrefix(rest, "ez") || strings.HasPrefix(rest, "et")) && end(2):
			add(2, "e", "er", "ez", "et", "ee", "ai")
		case strings.HasPrefix(rest, "ai") || strings.HasPrefix(rest, "ei"):
			add(2, "ai", "ei", "e")
		case strings.HasPrefix(rest, "gu") && soft(next(2)):
			add(2, "gu", "g")
		case strings.HasPrefix(rest, "ge") && !soft(next(2)) && isSoundVowel(next(2)):
			add(2, "ge", "j", "g")
		case strings.HasPrefix(rest, "ks") || strings.HasPrefix(rest, "cs"):
			add(2, "ks", "x", "cs", "cc")
		case len(rest) >= 2 && rest[0] == rest[1] && !isSoundVowel(rest[0]):
			c := rest[:1]
			add(2, c+c, c)
		default:
			c := rest[0]
			switch {
			case c == 'e' && end(1):
				add(1, "e", "er", "ez", "ee", "ai", "")
			case c == 'e':
				add(1, "e", "ai", "ei")
			case c == 'o':
				add(1, "o", "au", "eau")
			case c == 'i' || c == 'y':
				add(1, "i", "y", "ie")
			case c == 's' && end(1), c == 'x' && end(1):
				add(1, "s", "x", "")
			case c == 't' && end(1), c == 'd' && end(1):
				add(1, "t", "d", "")
			case c == 's':
				add(1, sSpellings(1)...)
			case c == 'c' && soft(next(1)):
				add(1, sSpellings(1)...)
			case c == 'c' || c == 'k' || c == 'q':
				add(1, kSpellings(1)...)
			case c == 'z':
				add(1, "z", "s", "zz")
			case c == 'x':
				add(1, "x", "ks", "cs", "xc")
			case c == 'f':
				add(1, "f", "ff", "ph")
			case c == 'j':
				alts := []string{"j"}
				if soft(next(1)) {
					alts = append(alts, "g")
				} else if isSoundVowel(next(1)) {
					alts = append(alts, "ge")
				}
				add(1, alts...)
			case c == 'g' && soft(next(1)):
				add(1, "g", "j", "gu")
			case c == 'g':
				add(1, "g", "gg", "gu")
			case c == 't':
				add(1, "t", "tt", "th")
			case c == 'h':
				add(1, "h", "")
			case strings.IndexByte("bdlmnpr", c) >= 0:
				add(1, string(c), string(c)+string(c))
			default:
				add(1, string(c))
			}
		}
	}
	return units
}

// soundNFA is the automaton of the spellings before determinization: node
// bound[u] is where sound u begins (bound[len(units)] the word's end).
type soundNFA struct {
	edges   [][]soundEdge
	eps     [][]int32
	whole   []bool
	covers  []uint64
	endings map[int][]string
	bound   []int32
	covered []int // bytes of the typed word spelled at bound[u]
	start   int32
}

type soundEdge struct {
	b  byte
	to int32
}

func (n *soundNFA) node() int32 {
	n.edges = append(n.edges, nil)
	n.eps = append(n.eps, nil)
	n.whole = append(n.whole, false)
	n.covers = append(n.covers, 0)
	return int32(len(n.edges) - 1)
}

// spell adds the path spelling s from a to b.
func (n *soundNFA) spell(a, b int32, s string) {
	if s == "" {
		n.eps[a] = append(n.eps[a], b)
		return
	}
	at := a
	for i := 0; i < len(s); i++ {
		to := b
		if i < len(s)-1 {
			to = n.node()
		}
		n.edges[at] = append(n.edges[at], soundEdge{s[i], to})
		at = to
	}
}

func buildSoundNFA(w string, units []soundUnit, prefix bool) *soundNFA {
	n := &soundNFA{}
	covered := 0
	for u := 0; u <= len(units); u++ {
		n.bound = append(n.bound, n.node())
		n.covered = append(n.covered, covered)
		if u < len(units) {
			covered += len(units[u].typed)
		}
	}
	// A spelling that ends in c or g sounds as the letter after it says:
	// soft (/s/, /ʒ/) before e, i, y, hard (/k/, /g/) elsewhere. Such a
	// spelling leads to its own node, whose way on is the next sound's
	// spellings that begin as its sound needs (held, then filled in by
	// settle): « seau » spelled c + o read as « co… », « quai » as
	// « ce… », « gain » as « gé… ».
	var held []heldNode
	for u, unit := range units {
		var nextTyped byte
		if c := n.covered[u+1]; c < len(w) {
			nextTyped = w[c]
		}
		for _, alt := range dedupe(unit.alts) {
			if need := nextLetter(unit, alt, nextTyped); need != anyNext {
				m := n.node()
				n.spell(n.bound[u], m, alt)
				held = append(held, heldNode{m, n.bound[u+1], need})
				continue
			}
			n.spell(n.bound[u], n.bound[u+1], alt)
		}
	}
	// A word that begins with a vowel may be written with a silent h.
	n.start = n.bound[0]
	if isSoundVowel(w[0]) {
		n.start = n.node()
		n.spell(n.start, n.bound[0], "h")
		n.eps[n.start] = append(n.eps[n.start], n.bound[0])
	}
	last := n.bound[len(n.bound)-1]
	if prefix {
		// Any letters after a spelling of the word being typed.
		rest := n.node()
		n.eps[last] = append(n.eps[last], rest)
		for c := byte('a'); c <= 'z'; c++ {
			n.edges[rest] = append(n.edges[rest], soundEdge{c, rest})
		}
		n.whole[rest] = true
		n.settle(held)
		return n
	}
	// Silent endings: -e, then -s, -x, -t, -d, or -nt after the e.
	e, fin, en := n.node(), n.node(), n.node()
	n.spell(last, e, "e")
	n.spell(e, en, "n")
	n.spell(en, fin, "t")
	for _, s := range []string{"s", "x", "t", "d"} {
		n.spell(last, fin, s)
		n.spell(e, fin, s)
	}
	for _, x := range []int32{last, e, fin} {
		n.whole[x] = true
		n.covers[x] |= 1 << len(w)
	}
	// A stem ends on a sound's end, four letters in or more, what is left
	// of the word sounding like an ending.
	n.endings = map[int][]string{}
	for u, b := range n.bound {
		c := n.covered[u]
		if c < 4 || c >= len(w) || len(w)-c > maxStemTail {
			continue
		}
		if ends := endingsLike(w[c:]); len(ends) > 0 {
			n.covers[b] |= 1 << c
			n.endings[c] = ends
		}
	}
	n.settle(held)
	return n
}

// What the letter after a spelling must be (nextLetter).
const (
	anyNext  = iota
	softNext // e, i or y: a c or g that sounds /s/ or /ʒ/
	hardNext // any other letter, or none: a c or g that sounds /k/ or /g/
)

// heldNode is a node reached by a spelling ending in c or g: its way on is
// to's, through the letters need allows.
type heldNode struct {
	m, to int32
	need  int
}

// nextLetter says what must follow alt, a spelling of unit, for it to
// sound as unit does: a c spelling /s/ (unit spelled s or ss too) or a g
// spelling /ʒ/ (j too) needs e, i or y next; a c spelling /k/ (k, qu) or
// a g spelling /g/ (gu, or g typed before anything but e, i, y), anything
// else. nextTyped is the letter typed after the unit (0: none).
func nextLetter(unit soundUnit, alt string, nextTyped byte) int {
	if alt == "" {
		return anyNext
	}
	has := func(x string) bool { return slices.Contains(unit.alts, x) }
	switch last := alt[len(alt)-1]; {
	case last == 'c' && (has("s") || has("ss")), last == 'g' && has("j"):
		return softNext
	case last == 'c' && (has("k") || has("qu")), last == 'g' && has("gu"):
		return hardNext
	case last == 'g' && unit.typed == "g":
		if soft(nextTyped) {
			return softNext
		}
		return hardNext
	}
	return anyNext
}

// settle gives each held node the way on of its target, through the
// letters its need allows: the byte edges of the target's closure. A
// term may end there only after a hard c or g (« parc », « grog »); a
// stem may end there either way (« commerc », of « commerce »), the
// ending it is checked with supplying the letter.
func (n *soundNFA) settle(held []heldNode) {
	for _, h := range held {
		for _, x := range n.closure([]int32{h.to}) {
			for _, e := range n.edges[x] {
				if (h.need == softNext) == soft(e.b) {
					n.edges[h.m] = append(n.edges[h.m], e)
				}
			}
			if h.need == hardNext && n.whole[x] {
				n.whole[h.m] = true
			}
			n.covers[h.m] |= n.covers[x]
		}
	}
}

func dedupe(s []string) []string {
	out := s[:0:0]
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// frenchEndings are endings a stemmer cuts (or keeps apart) that a word
// spelled by ear may end with, as written; the typed rest need only sound
// like one of them.
var frenchEndings = []string{
	"e", "es", "s", "x", "er", "ez", "et", "ee", "ees", "ent",
	"ant", "ante", "ants", "ance", "ances", "ence", "ences",
	"ion", "ions", "tion", "tions", "sion", "ation", "ations", "ition", "ateur", "atrice", "atif", "ative",
	"ement", "ements", "ment", "ments", "age", "ages", "ure", "ures",
	"ite", "ites", "eur", "eurs", "euse", "euses", "if", "ifs", "ive", "ives",
	"al", "ale", "aux", "ales", "el", "elle", "elles", "ique", "iques", "isme", "iste", "istes",
	"able", "ables", "ible", "ier", "iere", "iers", "ien", "ienne", "iens", "ir", "ire", "ise", "ises", "eau", "eaux", "o",
}

// endingsLike returns the frenchEndings that the typed rest of a word
// sounds like.
func endingsLike(rest string) []string {
	units := soundUnits(rest, false)
	n := &soundNFA{}
	for u := 0; u <= len(units); u++ {
		n.bound = append(n.bound, n.node())
	}
	for u, unit := range units {
		for _, alt := range dedupe(unit.alts) {
			n.spell(n.bound[u], n.bound[u+1], alt)
		}
	}
	last := n.bound[len(units)]
	n.whole[last] = true
	n.start = n.bound[0]
	var out []string
	for _, end := range frenchEndings {
		if n.accepts(end) {
			out = append(out, end)
		}
	}
	return out
}

// closure adds to set the nodes reachable from it by empty spellings.
func (n *soundNFA) closure(set []int32) []int32 {
	for i := 0; i < len(set); i++ {
		for _, to := range n.eps[set[i]] {
			if !containsNode(set, to) {
				set = append(set, to)
			}
		}
	}
	sort.Slice(set, func(i, j int) bool { return set[i] < set[j] })
	return set
}

func containsNode(s []int32, x int32) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

func (n *soundNFA) step(set []int32, b byte) []int32 {
	var out []int32
	for _, x := range set {
		for _, e := range n.edges[x] {
			if e.b == b && !containsNode(out, e.to) {
				out = append(out, e.to)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return n.closure(out)
}

func (n *soundNFA) accepts(s string) bool {
	set := n.closure([]int32{n.start})
	for i := 0; i < len(s) && set != nil; i++ {
		set = n.step(set, s[i])
	}
	for _, x := range set {
		if n.whole[x] {
			return true
		}
	}
	return false
}

func setKey(set []int32) string {
	var b strings.Builder
	for _, x := range set {
		b.WriteString(strconv.Itoa(int(x)))
		b.WriteByte(',')
	}
	return b.String()
}

// determinize builds the automaton's states from the sets of nodes a
// spelling can be in, from the start.
func (n *soundNFA) determinize(w string) *SoundAlike {
	a := &SoundAlike{typed: w, endings: n.endings}
	ids := map[string]int32{}
	var sets [][]int32
	addState := func(set []int32) int32 {
		k := setKey(set)
		if id, ok := ids[k]; ok {
			return id
		}
		id := int32(len(sets) + 1)
		ids[k] = id
		sets = append(sets, set)
		whole, covers := false, uint64(0)
		for _, x := range set {
			whole = whole || n.whole[x]
			covers |= n.covers[x]
		}
		a.whole = append(a.whole, whole)
		a.covers = append(a.covers, covers)
		return id
	}
	// State 0 is dead.
	a.whole = append(a.whole, false)
	a.covers = append(a.covers, 0)
	addState(n.closure([]int32{n.start}))
	for i := 0; i < len(sets); i++ {
		if len(sets) > maxSoundStates {
			return nil
		}
		row := make([]int32, soundClasses)
		for c := 0; c < 26; c++ {
			if next := n.step(sets[i], byte('a'+c)); next != nil {
				row[c] = addState(next)
			}
		}
		a.trans = append(a.trans, row...)
	}
	// Rows are indexed by state; state 0's row (dead) comes first.
	a.trans = append(make([]int32, soundClasses), a.trans...)
	return a
}

// Start is the automaton's start state.
func (a *SoundAlike) Start() int { return 1 }

// IsMatch reports whether a whole spelling of the word ends in state s.
func (a *SoundAlike) IsMatch(s int) bool { return a.whole[s] }

// CanMatch reports whether state s is alive: every live state leads on to
// a whole spelling.
func (a *SoundAlike) CanMatch(s int) bool { return s != 0 }

// WillAlwaysMatch is false: no state accepts every continuation.
func (a *SoundAlike) WillAlwaysMatch(int) bool { return false }

// Accept is the state after byte b from state s.
func (a *SoundAlike) Accept(s int, b byte) int {
	return int(a.trans[s*soundClasses+soundClass(b)])
}

// Cover returns how many bytes of the typed word term spells: the word's
// length for a whole spelling; for a stem, the most of the word it spells
// such that the stem with an ending the rest sounds like stems back to it
// (« associ » with « ation » for « asoci|assion »; not « petit » for
// « petition », which keeps its own stem); -1 if neither.
func (a *SoundAlike) Cover(term string) int {
	s := a.Start()
	for i := 0; i < len(term) && s != 0; i++ {
		s = a.Accept(s, term[i])
	}
	covers := a.covers[s]
	for c := len(a.typed); c >= 0; c-- {
		if covers&(1<<c) == 0 {
			continue
		}
		if c == len(a.typed) {
			return c
		}
		for _, e := range a.endings[c] {
			if Stem(term+e) == term {
				return c
			}
		}
	}
	return -1
}

// Stems is the automaton read for stems: it matches where a term spells the
// typed word whole or its first sounds up to an ending (Cover ≥ 0).
func (a *SoundAlike) Stems() SoundStems { return SoundStems{a} }

// SoundStems is SoundAlike matching stems.
type SoundStems struct{ *SoundAlike }

// IsMatch reports whether a term ending in state s spells the word or a stem of it.
func (s SoundStems) IsMatch(st int) bool { return s.covers[st] != 0 }
