package analysis

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/kljensen/snowball/french"
	"golang.org/x/text/unicode/norm"
)

// AnalyzerName is the name of Trouvaille's French analyzer in Bleve's
// registry: use it as a field mapping's Analyzer.
const AnalyzerName = "fr_trouvaille"

// TokenizerName is the Bleve tokenizer doing the whole French analysis
// (tokenization, elision, inclusive writing, compounds, folding, stop words,
// stemming). AnalyzerName is this tokenizer with no further filter.
const TokenizerName = "fr_trouvaille_tokenizer"

// FoldFilterName is a Bleve token filter applying Fold to every token; handy
// with the keyword tokenizer for facet values.
const FoldFilterName = "fr_trouvaille_fold"

// Token is one analyzed term with its byte offsets in the original text.
//
// Position is 1-based like Bleve's: consecutive words get consecutive
// positions, and the extra terms emitted for one word (masculine and feminine
// forms of inclusive writing, compound of a hyphenated word, unstemmed form
// of a word in capitals) share the position of that word. Stop words consume
// a position but produce no token, so phrase queries keep their gaps.
type Token struct {
	Term       string
	Start, End int
	Position   int
}

// Analyze runs the French analysis (the same code as the Bleve analyzer
// registered as AnalyzerName) and returns the tokens in order.
func Analyze(text string) []Token {
	return AppendAnalyzed(make([]Token, 0, len(text)/8+1), text)
}

// AppendAnalyzed appends the tokens of text to dst, as Analyze returns
// them, and returns the extended slice.
func AppendAnalyzed(dst []Token, text string) []Token {
	a := getAnalyzer()
	a.run(text, func(term string, start, end, pos int) {
		dst = append(dst, Token{Term: term, Start: start, End: end, Position: pos})
	})
	putAnalyzer(a)
	return dst
}

// CompoundTerm returns the term the analysis gives a hyphenated word as a
// whole, beside its parts (« Trois-Rivières »: « troisrivi », its parts
// folded, joined and stemmed; « Val-d’Or »: « valdor »); "" when text is
// not one such word (spaces, a single part, numbers). A note writing the
// word hyphenated holds that term: a synonym of one hyphenated word can
// be found through it, as one word, rather than as a phrase of its parts.
func CompoundTerm(text string) string { return CompoundTermOf(text, Analyze(text)) }

// CompoundTermOf is CompoundTerm of text whose tokens (Analyze) are toks.
func CompoundTermOf(text string, toks []Token) string {
	if len(toks) == 0 || strings.IndexFunc(text, unicode.IsSpace) >= 0 {
		return ""
	}
	// At the first position, the first part's terms and, spanning more
	// (the parts after it may be stop words: « rendez-vous »), the
	// compound's, the folded form then its stem: the stem also finds its
	// other forms.
	first := toks[0].Position
	partEnd, end := toks[0].End, toks[0].End
	for _, t := range toks {
		if t.Position == first {
			partEnd, end = min(partEnd, t.End), max(end, t.End)
		}
	}
	if end == partEnd {
		return ""
	}
	c := ""
	for _, t := range toks {
		if t.Position == first && t.End == end {
			c = t.Term
		}
	}
	return c
}

// AnalyzeWithStops is Analyze that also returns the stop words it drops,
// each as a token whose Term is the folded word, at its position: a phrase
// is checked word for word, its stop words included (« sans but » is not
// « à but »).
func AnalyzeWithStops(text string) (toks, stops []Token) {
	a := getAnalyzer()
	a.stop = func(word string, start, end, pos int) {
		stops = append(stops, Token{Term: word, Start: start, End: end, Position: pos})
	}
	a.run(text, func(term string, start, end, pos int) {
		toks = append(toks, Token{Term: term, Start: start, End: end, Position: pos})
	})
	a.stop = nil
	putAnalyzer(a)
	return toks, stops
}

// LongWord returns the first word of text too long to make a term of
// (longer than MaxWordBytes folded), "" when there is none: a query that
// holds one is refused rather than read without it.
func LongWord(text string) string {
	var long string
	a := getAnalyzer()
	a.long = func(word string) {
		if long == "" {
			long = word
		}
	}
	a.run(text, func(string, int, int, int) {})
	a.long = nil
	putAnalyzer(a)
	return long
}

// Fold lower-cases s, removes accents and other diacritics (é→e, ç→c),
// expands ligatures (œ→oe, æ→ae, ß→ss, ﬁ→fi), applies compatibility
// decomposition (full-width letters, superscripts), drops combining marks
// and invisible characters (soft hyphen, zero-width joiners) and normalises
// apostrophes (’ ‘ ʼ) to '. It works on NFC and NFD input alike. No stemming,
// no stop words: it serves prefix queries and facet value search.
func Fold(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || ('A' <= c && c <= 'Z') {
			return string(foldAppend(make([]byte, 0, len(s)), s))
		}
	}
	return s
}

// Stem returns the analyzed term for one already-folded (see Fold) word:
// "" for a French stop word, the word unchanged if it holds anything but
// the letters a to z (digits, apostrophe as in aujourd'hui, other scripts),
// otherwise its Snowball French stem. Results are cached.
func Stem(folded string) string {
	return stemCache.getString(folded)
}

// ---------------------------------------------------------------------------
// Bleve registration

type frTokenizer struct{}

// Tokenize implements analysis.Tokenizer with the full French analysis.
func (frTokenizer) Tokenize(input []byte) analysis.TokenStream {
	return Tokens(string(input), nil)
}

// Tokens returns what the registered French analyzer gives for text, and
// calls surface (when not nil) with each token's word as written (folded,
// bare: see SurfaceAnalyzerName) and the term it gave (a word may give
// several), so that one pass serves both. The word surface gets is valid
// during the call only (its bytes are reused): a caller keeping it clones it.
func Tokens(text string, surface func(word, term string)) analysis.TokenStream {
	var s TokenScratch
	return s.Tokens(text, surface)
}

// TokenScratch is the memory Tokens reuses from one text to the next: the
// tokens and the stream of pointers to them (a note's texts made a third of
// the ingest's allocations). A stream it returns is valid until its next
// Tokens; the terms' bytes are the analyzer's cached strings, never reused
// nor written, so terms kept from a stream stay valid (and must not be
// written to).
type TokenScratch struct {
	toks   []analysis.Token
	stream analysis.TokenStream
}

// Tokens is the package's Tokens, reusing the scratch's memory.
func (s *TokenScratch) Tokens(text string, surface func(word, term string)) analysis.TokenStream {
	toks := s.toks[:0]
	if cap(toks) == 0 {
		toks = make([]analysis.Token, 0, len(text)/7+1)
	}
	var folded []byte // the token's word folded, reused
	a := getAnalyzer()
	a.run(text, func(term string, start, end, pos int) {
		typ := analysis.AlphaNumeric
		if term != "" && term[0] >= '0' && term[0] <= '9' {
			typ = analysis.Numeric
		}
		toks = append(toks, analysis.Token{
			// The term's own bytes, not a copy: every term the analyzer
			// emits is a string of its caches (stemCache, internCache),
			// never changed, so the bytes stay valid for as long as a
			// token is kept (copies were a tenth of the ingest's bytes
			// allocated). Nothing may write to them.
			Term:     unsafe.Slice(unsafe.StringData(term), len(term)),
			Start:    start,
			End:      end,
			Position: pos,
			Type:     typ,
		})
		if surface != nil {
			folded = foldAppend(folded[:0], text[start:end])
			if w := BareWord(unsafe.String(unsafe.SliceData(folded), len(folded))); w != "" {
				surface(w, term)
			}
		}
	})
	putAnalyzer(a)
	stream := s.stream[:0]
	if cap(stream) < len(toks) {
		stream = make(analysis.TokenStream, 0, len(toks))
	}
	for i := range toks {
		stream = append(stream, &toks[i])
	}
	s.toks, s.stream = toks, stream
	return stream
}

type foldFilter struct{}

// Filter implements analysis.TokenFilter by folding every term.
func (foldFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		t.Term = foldAppend(make([]byte, 0, len(t.Term)), string(t.Term))
	}
	return input
}

func init() {
	err := registry.RegisterTokenizer(TokenizerName,
		func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
			return frTokenizer{}, nil
		})
	if err != nil {
		panic(err)
	}
	err = registry.RegisterTokenFilter(FoldFilterName,
		func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
			return foldFilter{}, nil
		})
	if err != nil {
		panic(err)
	}
	err = registry.RegisterAnalyzer(SurfaceAnalyzerName,
		func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
			return surfaceAnalyzer{}, nil
		})
	if err != nil {
		panic(err)
	}
	err = registry.RegisterAnalyzer(AnalyzerName,
		func(_ map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
			tok, err := cache.TokenizerNamed(TokenizerName)
			if err != nil {
				return nil, err
			}
			return &analysis.DefaultAnalyzer{Tokenizer: tok}, nil
		})
	if err != nil {
		panic(err)
	}
}

// SurfaceAnalyzerName names the analyzer of the words as written: each
// token of the French analysis, taken as written in the text, folded, with
// its elision and edge punctuation removed (BareWord), once per value.
// Completions look words up among them.
const SurfaceAnalyzerName = "trouvaille_surface"

// SurfaceSeparator separates the texts of one value for the surface
// analyzer: each is analysed apart, so no word runs from one to the next.
const SurfaceSeparator = "\x00"

type surfaceAnalyzer struct{}

func (surfaceAnalyzer) Analyze(input []byte) analysis.TokenStream {
	text := string(input)
	seen := map[string]bool{}
	var out analysis.TokenStream
	a := getAnalyzer()
	for off := 0; off <= len(text); {
		end := strings.Index(text[off:], SurfaceSeparator)
		if end < 0 {
			end = len(text) - off
		}
		part := text[off : off+end]
		a.run(part, func(_ string, start, stop, _ int) {
			w := BareWord(Fold(part[start:stop]))
			if w == "" || seen[w] {
				return
			}
			seen[w] = true
			out = append(out, &analysis.Token{Term: []byte(w), Start: off + start, End: off + stop, Position: len(out) + 1, Type: analysis.AlphaNumeric})
		})
		off += end + len(SurfaceSeparator)
	}
	putAnalyzer(a)
	return out
}

// ---------------------------------------------------------------------------
// Folding

// foldTable holds the folded form of every rune below 0x250 (Latin-1 and
// Latin Extended A/B), computed once at init.
var foldTable [0x250]string

func init() {
	special := map[rune]string{
		'œ': "oe", 'Œ': "oe", 'æ': "ae", 'Æ': "ae", 'ß': "ss", 'ẞ': "ss",
		'ø': "o", 'Ø': "o", 'đ': "d", 'Đ': "d", 'ł': "l", 'Ł': "l",
		'ı': "i", 'ŀ': "l", 'Ŀ': "l", 'þ': "th", 'Þ': "th", 'ð': "d", 'Ð': "d",
		'ħ': "h", 'Ħ': "h", 'ŧ': "t", 'Ŧ': "t", 'ƒ': "f", 0xAD: "",
	}
	for r := rune(0); r < 0x250; r++ {
		if r < 0x80 {
			c := byte(r)
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			foldTable[r] = string(rune(c))
			continue
		}
		if s, ok := special[r]; ok {
			foldTable[r] = s
			continue
		}
		foldTable[r] = string(foldSlow(nil, r))
	}
}

// foldSlow folds one rune that is not in foldTable.
func foldSlow(dst []byte, r rune) []byte {
	switch r {
	case '’', '‘', 'ʼ', '\u2032':
		return append(dst, '\'')
	case '\u2010', '\u2011':
		return append(dst, '-')
	}
	if isInvisible(r) {
		return dst
	}
	if unicode.In(r, unicode.Mn, unicode.Me) {
		return dst
	}
	r = unicode.ToLower(r)
	var b [utf8.UTFMax]byte
	n := utf8.EncodeRune(b[:], r)
	if d := norm.NFKD.Properties(b[:n]).Decomposition(); len(d) > 0 {
		for i := 0; i < len(d); {
			dr, size := utf8.DecodeRune(d[i:])
			i += size
			if unicode.In(dr, unicode.Mn, unicode.Me) {
				continue
			}
			if dr < 0x80 {
				dst = append(dst, foldTable[dr]...)
			} else {
				dst = utf8.AppendRune(dst, unicode.ToLower(dr))
			}
		}
		return dst
	}
	return append(dst, b[:n]...)
}

func foldRune(dst []byte, r rune) []byte {
	if r < 0x250 {
		return append(dst, foldTable[r]...)
	}
	return foldSlow(dst, r)
}

// foldAppend appends the folded form of s to dst. Invalid UTF-8 bytes are
// dropped.
func foldAppend(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			continue
		}
		dst = foldRune(dst, r)
	}
	return dst
}

// ---------------------------------------------------------------------------
// Stemming and term cache

const (
	cacheShards      = 32
	cacheMaxPerShard = 4096 // about 130k entries in all
)

// termCache is a small sharded, bounded, concurrency-safe map from a folded
// word to its term. A full shard is simply emptied.
type termCache struct {
	shards  [cacheShards]cacheShard
	compute func(string) string
}

type cacheShard struct {
	mu sync.RWMutex
	m  map[string]string
	_  [40]byte // keep shards on separate cache lines
}

func newTermCache(compute func(string) string) *termCache {
	c := &termCache{compute: compute}
	for i := range c.shards {
		c.shards[i].m = make(map[string]string, 256)
	}
	return c
}

// get returns the cached term for key; the lookup does not allocate.
func (c *termCache) get(key []byte) string {
	h := uint32(2166136261)
	for _, b := range key {
		h ^= uint32(b)
		h *= 16777619
	}
	sh := &c.shards[h%cacheShards]
	sh.mu.RLock()
	v, ok := sh.m[string(key)]
	sh.mu.RUnlock()
	if ok {
		return v
	}
	return c.insert(sh, string(key))
}

func (c *termCache) getString(key string) string {
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	sh := &c.shards[h%cacheShards]
	sh.mu.RLock()
	v, ok := sh.m[key]
	sh.mu.RUnlock()
	if ok {
		return v
	}
	return c.insert(sh, key)
}

func (c *termCache) insert(sh *cacheShard, k string) string {
	v := c.compute(k)
	sh.mu.Lock()
	if len(sh.m) >= cacheMaxPerShard {
		clear(sh.m)
	}
	sh.m[k] = v
	sh.mu.Unlock()
	return v
}

var (
	stemCache   = newTermCache(stemUncached)
	internCache = newTermCache(func(s string) string { return s })
)

func stemUncached(w string) string {
	if _, stop := stopWords[w]; stop {
		return ""
	}
	for i := 0; i < len(w); i++ {
		if c := w[i]; c < 'a' || c > 'z' {
			return w
		}
	}
	if agent, ok := agentNoun(w); ok {
		return agent
	}
	if s, ok := stemExceptions[w]; ok {
		return s
	}
	if s, ok := senseExceptions[w]; ok {
		return s
	}
	if noun, ok := antNoun(w); ok {
		return noun
	}
	if m, ok := masculine(w); ok {
		return stemUncached(m)
	}
	return french.Stem(singular(w), true)
}

// masculine brings a feminine Snowball stems apart from its masculine to
// the masculine, keeping the plural: participles and adjectives in -ée
// (« partagée », « aînées », « employées », « âgées » as « partagé »,
// « aînés »…), nouns and adjectives in -ière (« infirmière »,
// « première ») and in -llère, -gère (« conseillère », « usagère »). The
// nouns in -ée whose masculine would be another word (« données » as
// « dons », « durée » as « dur », « entrée » as « entre ») keep their stem;
// so does « manière », whose masculine would be « manier ».
func masculine(w string) (string, bool) {
	base, plural := strings.CutSuffix(w, "s")
	var m string
	switch {
	case strings.HasSuffix(base, "ee") && len(base) >= 4:
		if eeNouns[base] {
			return "", false
		}
		m = base[:len(base)-1]
	case strings.HasSuffix(base, "iere") && len(base) >= 8 && base != "maniere":
		m = base[:len(base)-4] + "ier"
	case (strings.HasSuffix(base, "llere") || strings.HasSuffix(base, "gere")) && len(base) >= 7:
		m = base[:len(base)-3] + "er"
	default:
		return "", false
	}
	if _, stop := stopWords[m]; stop {
		return "", false
	}
	if plural {
		m += "s"
	}
	return m, true
}

// eeNouns are nouns in -ée whose masculine form would be another word.
var eeNouns = map[string]bool{
	"entree": true, "contree": true, "duree": true, "donnee": true, "armee": true,
	"montee": true, "maree": true, "puree": true, "cheminee": true, "musee": true,
	"bouchee": true, "lignee": true, "foulee": true, "rosee": true, "tranchee": true,
	"lycee": true, "trophee": true, "annee": true, "idee": true,
}

// euseAgent returns, for a word in -euse or -euses (« travailleuses »,
// « chercheuse »), the stem of its form in -eur, which Snowball keeps
// whole where it cuts the feminine to the verb (« travaill ») or to -eux
// (« chercheux »): the analyzer emits it beside the word's own stem, so
// that the feminine and the masculine of an agent noun find each other.
// The adjectives in -euse (« heureuse ») keep their own stem, shared with
// -eux; their form in -eur is no word.
func euseAgent(w []byte) string {
	n := len(w)
	if n > 0 && w[n-1] == 's' {
		n--
	}
	if n < 8 || string(w[n-4:n]) != "euse" {
		return ""
	}
	return Stem(string(w[:n-2]) + "r")
}

// stemExceptions are the words whose stem the rules below get wrong: nouns
// in -oyer that Snowball reads as verbs and stems like another word (loyer
// as loi, foyer as foi), plurals in -x whose x must go although most words
// in -eux keep it (jeux, but heureux; « travaux », works, stays apart from
// « travail », work), « élus », too short for the rule of participles in
// -us, and short plurals in -is whose s Snowball keeps (amis, abris). Nouns in -ir, which Snowball reads as infinitives: their stem
// would meet another word's (loisir as loi, désir as des) and leave their
// plural apart; their verbs (désirer, se souvenir) share it.
var stemExceptions = map[string]string{
	"loyer": "loyer", "loyers": "loyer", "foyer": "foyer", "foyers": "foyer",
	"tiers": "tiers", "elus": "elu", "amis": "ami", "abris": "abri",
	// Plurals in -ais and -ois of nouns in -ai and -oi, whose s Snowball
	// keeps; the words whose own s ends them (québécois, anglais, mois,
	// fois) keep theirs, and their feminine in -se shares it.
	"emplois": "emploi", "essais": "essai", "vrais": "vrai", "lois": "loi", "rois": "roi",
	"envois": "envoi", "renvois": "renvoi", "convois": "convoi",
	"loisir": "loisir", "loisirs": "loisir", "plaisir": "plaisir", "plaisirs": "plaisir",
	"desir": "desir", "desirs": "desir", "avenir": "avenir", "avenirs": "avenir",
	"souvenir": "souvenir", "souvenirs": "souvenir",
	// Snowball cuts « pétition » to « petit » (-ion after t), the stem of
	// « petite ».
	"petition": "petition", "petitions": "petition",
	// Frequent adverbs in -ment, which Snowball stems as the word they
	// come from, a word people search: « notamment » as « note »,
	// « seulement » as « seules » (personnes seules), « couramment » as
	// « cours », « directement » as « direction », « généralement » as
	// « assemblée générale », « localement » as « locaux ». An adverb is
	// rarely what is searched; kept apart, it no longer floods those words.
	"notamment": "notamment", "seulement": "seulement", "tellement": "tellement",
	"couramment": "couramment", "directement": "directement", "generalement": "generalement",
	"localement": "localement", "egalement": "egalement",
	// Nouns Snowball cuts to a frequent word of another sense:
	// « communication » to « commun » (« en commun »), « environnement » to
	// « environ » (about), « publication » to « publique ». They join their
	// verb instead (communiquer, publier) or stand alone.
	"communication": "communiqu", "communications": "communiqu",
	"communique": "communiqu", "communiques": "communiqu",
	"environnement": "environnement", "environnements": "environnement",
	"publication": "publi", "publications": "publi",
	// Words whose stem meets another word's: « Lévis » (the city) and
	// « lever » (des fonds), « devis » and « devant », « au-delà » and
	// « délais », « mars » and « Marie », « pays » and « paye ».
	"levis": "levis", "devis": "devis", "dela": "dela", "mars": "mars", "pays": "pays",
	// Nouns in -ement Snowball cuts to a word of another sense:
	// « gouvernement » to « gouvernance », « équipement » to « équipe »,
	// « département » to « départ », « placement » to « place »,
	// « parlement » to « parler », « testament » to « test »,
	// « sentiment » (d'appartenance) to « sentir », « stationnement »
	// to « station ».
	"gouvernement": "gouvernement", "gouvernements": "gouvernement",
	"equipement": "equipement", "equipements": "equipement",
	"departement": "departement", "departements": "departement",
	"placement": "placement", "placements": "placement",
	"parlement": "parlement", "parlements": "parlement",
	"testament": "testament", "testaments": "testament",
	"sentiment": "sentiment", "sentiments": "sentiment",
	"stationnement": "stationnement", "stationnements": "stationnement",
	// « environement », the commonest misspelling of « environnement »,
	// which Snowball cuts as an adverb in -ement to « environ » (about):
	// it found the notes that say « environ 200 personnes ».
	"environement": "environnement", "environements": "environnement",
	"environemental": "environnemental", "environementale": "environnemental",
	"environementales": "environnemental", "environementaux": "environnemental",
	// And in -ion: « formation » to « format » (a file's), « direction »
	// (a team's) to « direct » (« en direct », « démocratie directe »).
	"formation": "formation", "formations": "formation",
	"direction": "direction", "directions": "direction",
	// « publique » joins « public », its masculine, and « vraiment » stands
	// apart from « vrai » as the adverbs above do.
	"publique": "public", "publiques": "public", "vraiment": "vraiment",
	// Feminines in -ive whose masculine in -if Snowball leaves whole
	// (« écoute active », « transport actif »; « activités sportives »,
	// « club sportif »); a rule would take nouns in -ive (« archive »,
	// « rive ») and verbs (« motive », « suive ») for them. « mauvais »
	// joins « mauvaise », whose -ais Snowball cuts.
	"active": "actif", "actives": "actif", "sportive": "sportif", "sportives": "sportif",
	"creative": "creatif", "creatives": "creatif", "festive": "festif", "festives": "festif",
	"passive": "passif", "passives": "passif", "massive": "massif", "massives": "massif",
	"naive": "naif", "naives": "naif", "fautive": "fautif", "fautives": "fautif",
	"native": "natif", "natives": "natif", "reactive": "reactif", "reactives": "reactif",
	"tardive": "tardif", "tardives": "tardif", "nocive": "nocif", "nocives": "nocif",
	"fictive": "fictif", "fictives": "fictif", "craintive": "craintif", "craintives": "craintif",
	"captive": "captif", "captives": "captif", "juive": "juif", "juives": "juif", "mauvais": "mauvais",
	"jeux": "jeu", "enjeux": "enjeu", "lieux": "lieu", "milieux": "milieu",
	"feux": "feu", "cheveux": "cheveu", "neveux": "neveu", "aveux": "aveu",
	"voeux": "voeu", "dieux": "dieu", "adieux": "adieu",
}

// senseExceptions are words of another sense than the frequent word whose
// Snowball stem they share, found by grouping by stem the words of the
// judged sets, of the synonyms and of a French word list; each takes a
// stem of its own, and the rest of its family keeps Snowball's:
//   - « fonds » (funds, a fund) and « fonder », « fondée en… »,
//     « fondements »: « fond » joins « fonds », which it is typed for
//     more often than it means the bottom of something;
//   - « collecte » (de fonds, des matières) and « collectif »;
//   - « année » and « Anne » (an author, Sainte-Anne-des-Monts);
//   - « organique » (matières organiques), « organe » and « organisme »;
//   - « attente » (liste d’attente) and « attention »;
//   - « usager » (a person served) and « usage » (a use);
//   - « base » (de données), « basé » and « bas » (Bas-Saint-Laurent);
//   - « garde » (service de garde) and « garder » (keep staff);
//   - « générative » (IA générative), « génération » and « générique »;
//   - « assurance » and « assurée par »;
//   - « refuge » (a shelter) and « réfugié »;
//   - « partie » (faire partie, parties prenantes), « part » (parts
//     sociales) and « partir »;
//   - « poste » (a job) and « post » (on social media);
//   - « Capitale-Nationale » and « capital » (money);
//   - « via » and « vie »; « faute » and « il faut »; « mère » and
//     « mer »; « Louis » and « louer »; « mont » and « monter »;
//     « campement » and « camp »; « repas » and « repérer »; « devise »
//     and « devis »;
//   - « concertation » and « concert », « désigner » (and « designer »,
//     the same letters) and « design »;
//   - « pue » (stinks) and « pu » (could); « licencié » (laid off), which
//     joins « licenciement », and « licence » (a free licence).
//
// The stem they leave is kept apart from theirs (KeptApart): a known
// word's close forms do not join them again.
var senseExceptions = map[string]string{
	"fond": "fonds", "fonds": "fonds",
	"collecte": "collecte", "collectes": "collecte", "collecter": "collecte",
	"collectent": "collecte", "collectait": "collecte", "collectaient": "collecte",
	"collectera": "collecte", "collecteront": "collecte", "collectez": "collecte",
	"collectons": "collecte", "annee": "annee", "annees": "annee",
	"organique": "organique", "organiques": "organique", "organiquement": "organique",
	"organe": "organe", "organes": "organe",
	"attente": "attente", "attentes": "attente",
	"usager": "usager", "usagers": "usager",
	"base": "base", "bases": "base", "baser": "base", "basent": "base",
	"basait": "base", "basaient": "base",
	"garde": "garde", "gardes": "garde",
	"generatif": "generatif", "generatifs": "generatif",
	"generative": "generatif", "generatives": "generatif",
	"assurance": "assurance", "assurances": "assurance",
	"refuge": "refuge", "refuges": "refuge",
	"partie": "partie", "parties": "partie",
	"poste": "poste", "postes": "poste",
	"capitale": "capitale", "capitales": "capitale",
	"via": "via", "faute": "faute", "fautes": "faute", "mere": "mere", "meres": "mere",
	"louis": "louis", "mont": "monts", "monts": "monts",
	"campement": "campement", "campements": "campement", "repas": "repas",
	"devise": "devise", "devises": "devise",
	"concertation": "concertation", "concertations": "concertation",
	"concerter": "concertation", "concerte": "concertation", "concertes": "concertation",
	"concertent": "concertation", "concertait": "concertation",
	"concertaient": "concertation", "concertons": "concertation", "concertez": "concertation",
	"designe": "designat", "designes": "designat", "designent": "designat",
	"designait": "designat", "designaient": "designat",
	"designation": "designat", "designations": "designat",
	"designer": "designat", "designez": "designat", "designons": "designat",
	"designera": "designat", "designeront": "designat", "designerait": "designat", "designant": "designat",
	"pue": "puer", "pues": "puer", "puent": "puer", "puer": "puer",
	"puant": "puer", "puants": "puer", "puante": "puer", "puantes": "puer",
	"licencie": "licenci", "licencies": "licenci", "licenciee": "licenci", "licenciees": "licenci",
}

// splitPartners holds, for each stem of senseExceptions and each Snowball
// stem its words left, the stems on the other side of the split, sorted.
var splitPartners = func() map[string][]string {
	by := map[string][]string{}
	for w, s := range senseExceptions {
		if old := french.Stem(singular(w), true); old != s && !slices.Contains(by[s], old) {
			by[s] = append(by[s], old)
			by[old] = append(by[old], s)
		}
	}
	for _, ps := range by {
		slices.Sort(ps)
	}
	return by
}()

// KeptApart reports whether stems a and b were split on purpose, two
// senses Snowball gave one stem (« attente » and « attention »,
// « collecte » and « collectif »): neither is a close form of the other.
func KeptApart(a, b string) bool {
	return slices.Contains(splitPartners[a], b) || antApart(a, b) || antApart(b, a)
}

// antApart reports whether a is the stem of a noun in -ant (antNoun) and b
// the stem Snowball gives it (« habitant » and « habit », of « habitation »;
// « intervenant » and « interven »): the split antNoun makes.
func antApart(a, b string) bool {
	if _, ok := antNoun(a); !ok || a == b {
		return false
	}
	return french.Stem(a, true) == b
}

// SplitPartners returns the stems kept apart from stem (KeptApart), in
// order: « assurance » for « assur ». A word being typed is read with
// those it begins (« assur » on its way to « assurance »), which shared
// its stem before they were split.
func SplitPartners(stem string) []string { return splitPartners[stem] }

// singular brings a word to the form whose stem its singular and plural
// share, where Snowball stems them apart:
//   - « récit » / « récits », « conflit » / « conflits »: Snowball reads the
//     singular's -it as a verb ending (récit as rec, the plural as recit);
//     a word in -it is stemmed as its plural, as the feminine already is
//     (petite as petit). The third person of verbs in -ir (« finit ») then
//     stands apart from the infinitive: nouns are what people search. After
//     a vowel, -it is no verb ending to Snowball, but -ait is (« voulait »):
//     those stay, and their nouns' plurals (« portraits ») are stemmed as
//     the singular (portr).
//   - « usagers » / « usager »: the singular is read as an infinitive (usag),
//     the plural kept whole; the plural in -ers is stemmed as the singular,
//     after g, n, p, h, t, l, c or d only: « divers », « travers »,
//     « univers » and names (« Demers ») are no plurals.
//   - « photos » / « photo », « vidéos », « ados »: Snowball keeps an s after
//     a vowel; words in -os lose it but those in -pos (« propos », « repos »,
//     invariant, whose stems would reach « proportion », « reporter »).
//   - « réflexions » / « réflexion »: -ions after s, t or x is a noun's plural
//     (after another letter, an imperfect: « parlions »).
//   - « revenus » / « revenu », « reçus », « rendus »: Snowball keeps an s
//     after a vowel; past participles in -nus, -dus, -cus, -tus, -vus, -rus,
//     -sus lose it (« élus » is listed). Others in -us keep it, their
//     family being in -us (« abus », « abuser »; « inclus », « inclusion »).
func singular(w string) string {
	n := len(w)
	if n >= 4 && strings.HasSuffix(w, "os") && w[n-3] != 'p' {
		return w[:n-1]
	}
	if n < 5 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "it") && !isVowel(w[n-3]):
		return w + "s"
	case w[n-1] != 's':
		return w
	case strings.HasSuffix(w, "aits"):
		return w[:n-1]
	case strings.HasSuffix(w, "ers"):
		switch w[n-4] {
		case 'g', 'n', 'p', 'h', 't', 'l', 'c', 'd':
			return w[:n-1]
		}
	case strings.HasSuffix(w, "ions"):
		if c := w[n-5]; c == 's' || c == 't' || c == 'x' {
			return w[:n-1]
		}
	case strings.HasSuffix(w, "us"):
		switch w[n-3] {
		case 'n', 'd', 'c', 't', 'v', 'r', 's':
			return w[:n-1]
		}
	}
	return w
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// agentNoun brings the agent nouns in -teur / -trice (utilisateur,
// utilisatrices, administratrice, autrice) to their masculine singular.
// Snowball cuts them to the verb's stem ("utilis"), which makes
// « utilisatrices » find every note that says « utiliser ». The seven
// letters of « autrice », « actrice », « tutrice » are enough; « matrice »
// is no agent.
func agentNoun(w string) (string, bool) {
	base := strings.TrimSuffix(w, "s")
	switch {
	case strings.HasSuffix(base, "trice") && len(base) >= 7 && base != "matrice":
		return base[:len(base)-5] + "teur", true
	case strings.HasSuffix(base, "teur") && len(base) > 6:
		return base, true
	}
	return "", false
}

// antNoun brings the nouns and adjectives in -ant (participant·es,
// intervenantes, aidants, habitants, importantes) to their masculine
// singular. Snowball cuts -ant as a present participle ("particip"), which
// makes « participantes » find every note about « participation », and
// « habitants » every note about « habitation ». A present participle never
// takes a plural's or a feminine's ending: the forms that do are nouns or
// adjectives; the masculine singular goes with them, as people search
// the people rather than the gerund.
func antNoun(w string) (string, bool) {
	base := strings.TrimSuffix(w, "s")
	switch {
	case strings.HasSuffix(base, "ante") && len(base) >= 7:
		return base[:len(base)-1], true
	case strings.HasSuffix(base, "ant") && len(base) >= 6:
		return base, true
	}
	return "", false
}

// ---------------------------------------------------------------------------
// Tokenization

// analyzer holds the reusable scratch state of one analysis run.
type analyzer struct {
	text string
	emit func(term string, start, end, pos int)
	// stop, when set, is called with each stop word dropped (folded).
	stop func(word string, start, end, pos int)
	// long, when set, is called with each word too long to make a term of
	// (MaxWordBytes).
	long  func(word string)
	pos   int
	runs  []span
	seps  []rune
	parts []part
	fb    []byte // folded base
	fb2   []byte // folded suffix, feminine form, compound
	fb3   []byte
	// stems holds the stems this analyzer looked up (stem): a small map of
	// its own in front of stemCache.
	stems map[string]string
}

// localStems bounds an analyzer's own map of stems (about 200 KiB): the
// words of running text are few enough that most look-ups hit it.
const localStems = 4096

// stem is stemCache.get through the analyzer's own map: a hit takes no
// lock. The shared cache's read lock, a counter every core writes to, was a
// seventh of the CPU of a phrase's check on many notes at once, and 1.5 %
// of a bulk load's.
func (a *analyzer) stem(key []byte) string {
	if v, ok := a.stems[string(key)]; ok {
		return v
	}
	v := stemCache.get(key)
	switch {
	case a.stems == nil:
		a.stems = make(map[string]string, 256)
	case len(a.stems) >= localStems:
		clear(a.stems)
	}
	a.stems[string(key)] = v
	return v
}

// span is a run of word characters, as byte offsets into the text.
type span struct{ start, end int }

// part is one word, or one part of a hyphenated word.
type part struct {
	tokStart   int  // start of the token, elided article included (offsets use start)
	start, end int  // the word itself (after elision)
	sufFirst   int  // index in runs of the first inclusive suffix run, -1 if none
	sufEnd     int  // end of the last suffix run
	sufLast    int  // index in runs of the last suffix run
	dotted     bool // section number or decimal like 2.2.5.4 or 1.2
	joined     bool // apostrophe word like aujourd'hui
}

var analyzerPool = sync.Pool{New: func() any { return new(analyzer) }}

func getAnalyzer() *analyzer { return analyzerPool.Get().(*analyzer) }

func putAnalyzer(a *analyzer) {
	a.text, a.emit = "", nil
	analyzerPool.Put(a)
}

// ASCII character classes.
var asciiWord [128]bool

func init() {
	for c := 0; c < 128; c++ {
		asciiWord[c] = ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
	}
}

func decode(s string, i int) (rune, int) {
	if c := s[i]; c < 0x80 {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// isWordStart reports whether r can start (or, after a joiner, restart) a
// word: a letter or a digit.
func isWordStart(r rune) bool {
	if r < 0x80 {
		return asciiWord[r]
	}
	if r == 'ʼ' { // modifier letter apostrophe: a joiner, not a letter
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isWordCont reports whether r continues a word: letters, digits, combining
// marks (NFD input) and invisible characters.
func isWordCont(r rune) bool {
	if r < 0x80 {
		return asciiWord[r]
	}
	if isInvisible(r) {
		return true
	}
	return isWordStart(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me)
}

// isInvisible reports the format characters, which show nothing: the soft
// hyphen, zero-width spaces and joiners, the byte order mark, direction
// marks. Pasted text carries them inside words (« finan\u200bcement »): the
// word goes on through them, and Fold drops them.
func isInvisible(r rune) bool {
	return r == 0xAD || (r >= 0x180E && unicode.Is(unicode.Cf, r))
}

// WithoutInvisible returns s without its invisible characters (see
// isInvisible): a query pasted with them searches, and names, the words
// as they show.
func WithoutInvisible(s string) string {
	for i, r := range s {
		if r >= 0xAD && isInvisible(r) {
			return s[:i] + strings.Map(func(r rune) rune {
				if r >= 0xAD && isInvisible(r) {
					return -1
				}
				return r
			}, s[i:])
		}
	}
	return s
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == '‘' || r == 'ʼ'
}

func isHyphen(r rune) bool { return r == '-' || r == '\u2010' || r == '\u2011' }

// isInclusiveDot reports the separators of French inclusive writing other
// than the period: middle dot, bullet, hyphenation point, dot operator,
// bullet operator.
func isInclusiveDot(r rune) bool {
	return r == '\u00B7' || r == '\u2022' || r == '\u2027' || r == '\u22C5' || r == '\u2219'
}

func isJoiner(r rune) bool {
	return r == '.' || isApostrophe(r) || isHyphen(r) || isInclusiveDot(r)
}

// run analyzes text, calling emit for every term in order.
func (a *analyzer) run(text string, emit func(term string, start, end, pos int)) {
	a.text, a.emit, a.pos = text, emit, 0
	for i := 0; i < len(text); {
		r, size := decode(text, i)
		if !isWordStart(r) {
			i += size
			continue
		}
		a.runs, a.seps = a.runs[:0], a.seps[:0]
		var sep rune
		for {
			start := i
			for i < len(text) {
				if c := text[i]; c < 0x80 {
					if !asciiWord[c] {
						break
					}
					i++
					continue
				}
				r, size = utf8.DecodeRuneInString(text[i:])
				if !isWordCont(r) {
					break
				}
				i += size
			}
			a.runs = append(a.runs, span{start, i})
			a.seps = append(a.seps, sep)
			if i >= len(text) {
				break
			}
			r, size = decode(text, i)
			if !isJoiner(r) || i+size >= len(text) {
				break
			}
			if r2, _ := decode(text, i+size); !isWordStart(r2) {
				break
			}
			sep = r
			i += size
		}
		a.chunk()
	}
}

// chunk turns the runs of one chunk (word characters joined by apostrophes,
// hyphens, periods or inclusive-writing dots) into words and emits them.
func (a *analyzer) chunk() {
	runs, text := a.runs, a.text
	a.parts = a.parts[:0]
	a.newPart(0)
	for j := 1; j < len(runs); j++ {
		cur := &a.parts[len(a.parts)-1]
		sep := a.seps[j]
		switch {
		case isApostrophe(sep):
			if cur.sufFirst < 0 && !cur.dotted && !cur.joined {
				a.fb = foldAppend(a.fb[:0], text[cur.start:cur.end])
				if isElision(a.fb) {
					cur.start, cur.end, cur.sufEnd = runs[j].start, runs[j].end, runs[j].end
					continue
				}
				a.fb = append(a.fb, '\'')
				a.fb = foldAppend(a.fb, text[runs[j].start:runs[j].end])
				if _, ok := apostropheWords[string(a.fb)]; ok {
					cur.end, cur.sufEnd, cur.joined = runs[j].end, runs[j].end, true
					continue
				}
			}
			a.flush()
			a.newPart(j)
		case isHyphen(sep):
			if a.inclusive(cur, j, false) {
				continue
			}
			if cur.dotted || len(a.parts) >= maxParts {
				a.flush()
			}
			a.newPart(j)
		case sep == '.':
			if cur.sufFirst < 0 && !cur.joined && allDigits(text[cur.start:cur.end]) &&
				allDigits(text[runs[j].start:runs[j].end]) {
				cur.end, cur.sufEnd, cur.dotted = runs[j].end, runs[j].end, true
				continue
			}
			if a.inclusive(cur, j, false) {
				continue
			}
			a.flush()
			a.newPart(j)
		default: // inclusive-writing dot
			if a.inclusive(cur, j, true) {
				continue
			}
			a.flush()
			a.newPart(j)
		}
	}
	a.flush()
}

// maxParts bounds the number of parts of one hyphenated word.
const maxParts = 8

func (a *analyzer) newPart(j int) {
	r := a.runs[j]
	a.parts = append(a.parts, part{tokStart: r.start, start: r.start, end: r.end, sufFirst: -1, sufEnd: r.end})
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isLetters reports whether s holds letters (and combining marks) only.
func isLetters(s string) bool {
	for _, r := range s {
		if r < 0x80 {
			if !(('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')) {
				return false
			}
		} else if !unicode.IsLetter(r) && !unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me) && !isInvisible(r) {
			return false
		}
	}
	return true
}

var elisions = map[string]struct{}{
	"l": {}, "d": {}, "j": {}, "m": {}, "n": {}, "s": {}, "t": {}, "c": {},
	"qu": {}, "jusqu": {}, "lorsqu": {}, "puisqu": {}, "quoiqu": {},
}

func isElision(folded []byte) bool {
	_, ok := elisions[string(folded)]
	return ok
}

// IsElision reports whether a folded word is an elided article or pronoun
// (« l », « d », « qu »…) when an apostrophe follows it.
func IsElision(folded string) bool {
	_, ok := elisions[folded]
	return ok
}

// WithApostrophe returns the word written with an apostrophe that is not an
// elision (« aujourd'hui », « quelqu'un ») whose letters are folded, typed
// without its apostrophe (« aujourdhui »), "" when there is none.
func WithApostrophe(folded string) string {
	return apostropheBare[folded]
}

// apostropheBare maps the apostropheWords without their apostrophe to them.
var apostropheBare = func() map[string]string {
	m := map[string]string{}
	for w := range apostropheWords {
		m[strings.ReplaceAll(w, "'", "")] = w
	}
	return m
}()

// apostropheWords are words written with an apostrophe that are not an
// elision: they stay one term, apostrophe included.
var apostropheWords = map[string]struct{}{
	"aujourd'hui": {}, "quelqu'un": {}, "quelqu'une": {}, "quelqu'uns": {}, "quelqu'unes": {},
	"prud'homme": {}, "prud'hommes": {}, "presqu'ile": {}, "presqu'iles": {},
	"entr'acte": {}, "entr'actes": {},
}

// inclusive checks whether run j is (the continuation of) an inclusive
// writing suffix of the current part and, if so, attaches it. anyCase is
// true for the dedicated dots (·, •...), where the suffix may be capitalised;
// after a period or a hyphen the suffix must start in lower case.
func (a *analyzer) inclusive(cur *part, j int, anyCase bool) bool {
	text, r := a.text, a.runs[j]
	if cur.dotted || cur.joined || r.end-r.start > 8 {
		return false
	}
	base := text[cur.start:cur.end]
	if len(base) < 2 || !isLetters(base) {
		return false
	}
	suffix := text[r.start:r.end]
	if !isLetters(suffix) {
		return false
	}
	if !anyCase {
		if c, _ := utf8.DecodeRuneInString(suffix); !unicode.IsLower(c) {
			return false
		}
	}
	// Folded combined suffix.
	a.fb2 = a.fb2[:0]
	if cur.sufFirst >= 0 {
		for k := cur.sufFirst; k < j; k++ {
			a.fb2 = foldAppend(a.fb2, text[a.runs[k].start:a.runs[k].end])
		}
	}
	a.fb2 = foldAppend(a.fb2, suffix)
	core, _ := splitSuffix(a.fb2)
	if !inclusiveCore(core, base) {
		return false
	}
	if !anyCase {
		// After a period or a hyphen, be stricter: "fin.le", "prends-le",
		// "projet.s" are not inclusive writing.
		switch string(a.fb2) {
		case "s":
			return false
		case "le", "les":
			if base[len(base)-1] != 'l' {
				return false
			}
		}
	}
	if cur.sufFirst < 0 {
		cur.sufFirst = j
	}
	cur.sufLast, cur.sufEnd = j, r.end
	return true
}

// splitSuffix splits a folded inclusive suffix into its core and a plural
// mark: "trices" → "trice", true; "e" → "e", false; "s" → "", true.
func splitSuffix(s []byte) ([]byte, bool) {
	if n := len(s); n > 0 && s[n-1] == 's' && string(s) != "se" && string(s) != "sse" {
		return s[:n-1], true
	}
	return s, false
}

// eauBase reports whether a masculine ends in -eau or -eaux, whose
// feminine in inclusive writing is written « ·elle(s) »
// (« nouveaux·elles », « beau·elle »); after another word, « ·elles » is
// the pronoun of « ils·elles ».
func eauBase(base string) bool {
	n := len(base)
	return n > 3 && strings.EqualFold(base[n-3:], "eau") || n > 4 && strings.EqualFold(base[n-4:], "eaux")
}

// inclusiveCore reports whether core (a folded inclusive suffix without
// its plural mark) makes the feminine of the masculine base.
func inclusiveCore(core []byte, base string) bool {
	switch string(core) {
	case "elle":
		return eauBase(base)
	case "", "e", "ne", "le", "te", "trice", "rice", "ice", "euse", "ive", "ve",
		"ere", "iere", "se", "sse":
		return true
	}
	return false
}

// feminine appends to dst the feminine full form built from a folded
// masculine base and a folded inclusive suffix: utilisateur + ices →
// utilisatrices, actif + ives → actives, citoyen + nes → citoyennes,
// travailleur + euses → travailleuses. It returns dst unchanged for a plural
// mark alone ("s").
func feminine(dst, base, suffix []byte) []byte {
	core, plural := splitSuffix(suffix)
	if len(core) == 0 {
		return dst
	}
	n := len(base)
	ends := func(s string) bool { return n > len(s) && string(base[n-len(s):]) == s }
	switch string(core) {
	case "ne", "le", "te":
		switch {
		case base[n-1] == core[0]:
			dst = append(append(dst, base...), core...)
		case core[0] == 't' && base[n-1] == 's': // tous·tes → toutes
			dst = append(append(dst, base[:n-1]...), core...)
		default:
			dst = append(append(dst, base...), core...)
		}
	case "trice", "rice", "ice":
		switch {
		case ends("teur"):
			dst = append(append(dst, base[:n-4]...), "trice"...)
		case ends("eur"):
			dst = append(append(dst, base[:n-3]...), "rice"...)
		default:
			dst = append(append(dst, base...), core...)
		}
	case "euse":
		if ends("eur") || ends("eux") {
			dst = append(append(dst, base[:n-3]...), "euse"...)
		} else {
			dst = append(append(dst, base...), core...)
		}
	case "ive":
		if ends("if") {
			dst = append(append(dst, base[:n-2]...), "ive"...)
		} else {
			dst = append(append(dst, base...), core...)
		}
	case "ve":
		if ends("f") {
			dst = append(append(dst, base[:n-1]...), "ve"...)
		} else {
			dst = append(append(dst, base...), core...)
		}
	case "ere":
		if ends("er") {
			dst = append(append(dst, base[:n-2]...), "ere"...)
		} else {
			dst = append(append(dst, base...), core...)
		}
	case "iere":
		if ends("ier") {
			dst = append(append(dst, base[:n-3]...), "iere"...)
		} else {
			dst = append(append(dst, base...), core...)
		}
	case "elle":
		switch {
		case ends("eaux"):
			dst = append(append(dst, base[:n-4]...), "elle"...)
		case ends("eau"):
			dst = append(append(dst, base[:n-3]...), "elle"...)
		default:
			dst = append(append(dst, base...), core...)
		}
	case "se":
		if ends("x") {
			dst = append(append(dst, base[:n-1]...), "se"...)
		} else {
			dst = append(append(dst, base...), core...)
		}
	default: // "e", "sse"
		dst = append(append(dst, base...), core...)
	}
	if plural {
		dst = append(dst, 's')
	}
	return dst
}

// flush emits the terms of the parts collected so far (one word, possibly
// hyphenated) and resets them.
// MaxWordBytes is the longest word the analysis makes a term of, folded:
// a longer run of letters (a pasted key, a line of « eeee… ») is no word a
// reader types, and gives no term, its position kept. (A body could hold a
// single word of a megabyte: its stem was looked for a letter at a time,
// and its term, longer than any dictionary walk expects, failed every
// search whose words it began.) Lucene's tokenizers cut at 255 characters.
const MaxWordBytes = 128

func (a *analyzer) flush() {
	parts := a.parts
	if len(parts) == 0 {
		return
	}
	text := a.text

	// Compound term of a hyphenated word: parts folded and joined, unless
	// all parts are numbers (dates, ranges) or some is a section number.
	compound := len(parts) > 1
	if compound {
		numeric := true
		a.fb3 = a.fb3[:0]
		for i, p := range parts {
			if p.dotted {
				compound = false
				break
			}
			if !allDigits(text[p.start:p.end]) {
				numeric = false
			}
			// An elided article inside a compound is part of it: « Val-d'Or »
			// is « valdor », as people type it, not « valor » (one that
			// starts it, « d'Alma-Saguenay », is not).
			if i > 0 && p.tokStart < p.start {
				for _, c := range foldAppend(nil, text[p.tokStart:p.start]) {
					if c != '\'' {
						a.fb3 = append(a.fb3, c)
					}
				}
			}
			a.fb3 = appendPart(a.fb3, text[p.start:p.end])
		}
		if numeric || len(a.fb3) > 64 {
			compound = false
		}
	}

	for i, p := range parts {
		if p.dotted {
			continue
		}
		a.pos++
		pos := a.pos
		a.fb = foldAppend(a.fb[:0], text[p.start:p.end])
		if len(a.fb) > MaxWordBytes && a.long != nil {
			a.long(text[p.start:p.end])
		}
		if len(a.fb) == 0 || len(a.fb) > MaxWordBytes {
			continue
		}
		saint := false
		if full := saintOf(a.fb); full != "" {
			a.fb, saint = append(a.fb[:0], full...), true
		}
		// An ordinal in figures is one term, « 3e », however its suffix is
		// written (3ème, 3è, 3ᵉ); one in letters keeps its stem and gets
		// that term beside it (below).
		ord := ordinalOf(a.fb)
		if ord != "" && a.fb[0] <= '9' {
			a.fb, ord = append(a.fb[:0], ord...), ""
		}
		var masc string
		if raw := text[p.start:p.end]; !saint && upperCount(raw) >= 2 && !accentedStop(raw) {
			// Acronym or word in capitals: keep it unstemmed and never drop
			// it as a stop word; also emit the stem so that a lower-case
			// query finds it.
			masc = internCache.get(a.fb)
			a.emit(masc, p.start, p.end, pos)
			if s := a.stem(a.fb); s != "" && s != masc {
				a.emit(s, p.start, p.end, pos)
			}
		} else {
			masc = a.stem(a.fb)
			if masc != "" {
				a.emit(masc, p.start, p.sufEnd, pos)
				if agent := euseAgent(a.fb); agent != "" && agent != masc {
					a.emit(agent, p.start, p.sufEnd, pos)
				}
			} else if a.stop != nil {
				a.stop(string(a.fb), p.start, p.sufEnd, pos)
			}
		}
		if ord != "" && ord != masc {
			a.emit(ord, p.start, p.sufEnd, pos)
		}
		if p.sufFirst >= 0 {
			a.fb2 = a.fb2[:0]
			for k := p.sufFirst; k <= p.sufLast; k++ {
				a.fb2 = foldAppend(a.fb2, text[a.runs[k].start:a.runs[k].end])
			}
			start := len(a.fb2)
			a.fb2 = feminine(a.fb2, a.fb, a.fb2[:start])
			if fem := a.fb2[start:]; len(fem) > 0 && len(fem) <= MaxWordBytes {
				if s := a.stem(fem); s != "" && s != masc {
					a.emit(s, p.start, p.sufEnd, pos)
				}
			}
		}
		if i == 0 && compound {
			first := parts[0]
			last := parts[len(parts)-1]
			c := internCache.get(a.fb3)
			a.emit(c, first.start, last.sufEnd, pos)
			if s := a.stem(a.fb3); s != "" && s != c {
				a.emit(s, first.start, last.sufEnd, pos)
			}
		}
	}
	a.parts = a.parts[:0]
}

// saintOf returns the word a folded abbreviation of « saint » stands for
// (« St-Jérôme », « Ste-Agathe », « Sts-Anges »: saint, sainte, saints,
// saintes), "" for any other word. Places are written both ways, often in
// the same carnet: read as the full word, « St-Jérôme » and « Saint-Jérôme »
// give the same terms and compound, and a search typed either way finds
// both.
func saintOf(folded []byte) string {
	if len(folded) < 2 || len(folded) > 4 || folded[0] != 's' {
		return ""
	}
	return SaintOf(string(folded))
}

// SaintOf returns the word a folded abbreviation of « saint » stands for
// (« st »: « saint »; « ste », « sts », « stes » likewise), as the analysis
// reads it, "" for any other word.
func SaintOf(folded string) string {
	switch folded {
	case "st":
		return "saint"
	case "ste":
		return "sainte"
	case "sts":
		return "saints"
	case "stes":
		return "saintes"
	}
	return ""
}

// ordinals are the ordinals written in letters (folded) and the term of
// their figures: « troisième âge » is « 3e âge », « première ligne »
// « 1re ligne ». « Second » is left alone (a second is also a time).
var ordinals = func() map[string]string {
	m := map[string]string{"premier": "1e", "premiere": "1e", "premiers": "1e", "premieres": "1e"}
	for i, w := range []string{"deux", "trois", "quatr", "cinqu", "six", "sept", "huit", "neuv", "dix",
		"onz", "douz", "treiz", "quatorz", "quinz", "seiz"} {
		n := strconv.Itoa(i+2) + "e"
		m[w+"ieme"], m[w+"iemes"] = n, n
	}
	for n, w := range map[int]string{20: "vingt", 30: "trent", 40: "quarant", 50: "cinquant",
		60: "soixant", 100: "cent", 1000: "mill"} {
		m[w+"ieme"], m[w+"iemes"] = strconv.Itoa(n)+"e", strconv.Itoa(n)+"e"
	}
	return m
}()

// ordinalSuffixes are the endings of an ordinal in figures, folded: 1er,
// 1re, 1ère, 2e, 2ème, 2è, 2ième, 2nd, 2nde, and their plurals.
var ordinalSuffixes = map[string]bool{
	"e": true, "es": true, "er": true, "ers": true, "re": true, "res": true, "ere": true, "eres": true,
	"eme": true, "emes": true, "ieme": true, "iemes": true, "nd": true, "nds": true, "nde": true, "ndes": true,
}

// ordinalOf returns the term of an ordinal, its number and « e » (« 1e »,
// « 3e »), for a folded word that is one in figures (1re, 3ème) or in
// letters (première, troisième); "" for any other word. Notes write them
// every way: « 3e âge », « 3ème âge », « troisième âge ».
func ordinalOf(folded []byte) string {
	if len(folded) < 2 {
		return ""
	}
	if folded[0] > '9' {
		// Every word is asked: most are told apart by their ends alone.
		if !bytes.HasSuffix(folded, []byte("ieme")) && !bytes.HasSuffix(folded, []byte("iemes")) &&
			!bytes.HasPrefix(folded, []byte("premier")) {
			return ""
		}
		return ordinals[string(folded)]
	}
	d := 0
	for d < len(folded) && d < 4 && '0' <= folded[d] && folded[d] <= '9' {
		d++
	}
	if d == 0 || d == len(folded) || !ordinalSuffixes[string(folded[d:])] {
		return ""
	}
	return string(folded[:d]) + "e"
}

// appendPart appends to dst the folded part of a hyphenated word, an
// abbreviation of « saint » written in full (saintOf), an ordinal in
// figures as its term (ordinalOf), as the part's own term reads them.
func appendPart(dst []byte, part string) []byte {
	n := len(dst)
	dst = foldAppend(dst, part)
	if full := saintOf(dst[n:]); full != "" {
		dst = append(dst[:n], full...)
	} else if len(dst) > n && dst[n] <= '9' {
		if o := ordinalOf(dst[n:]); o != "" {
			dst = append(dst[:n], o...)
		}
	}
	return dst
}

// upperCount counts upper-case letters in s, stopping at 2.
// accentedStop reports whether a word in capitals is a stop word spelled
// with its accent (« ÇA », « OÙ », « LÀ », « DÉJÀ », « ÉTAIT »): a word
// shouted, not an acronym. Kept as an acronym, « ÇA » was the CA's term, and
// every note stressing « ÇA » held the conseil d'administration. An acronym
// with an accent that folds to a stop word stays one (« ÉS », économie
// sociale, is not « es »).
func accentedStop(raw string) bool {
	for i := 0; i < len(raw); i++ {
		if raw[i] >= 0x80 {
			return accentedStops[strings.ToLower(norm.NFC.String(raw))]
		}
	}
	return false
}

// accentedStops are the stop words written with an accent, as written.
var accentedStops = map[string]bool{
	"ça": true, "où": true, "là": true, "déjà": true, "dès": true, "très": true,
	"après": true, "malgré": true, "voilà": true, "même": true, "mêmes": true,
	"êtes": true, "étais": true, "était": true, "étions": true, "étiez": true,
	"étaient": true, "fûmes": true, "fûtes": true, "eûmes": true, "eûtes": true,
}

func upperCount(s string) int {
	n := 0
	for i := 0; i < len(s) && n < 2; {
		c := s[i]
		if c < 0x80 {
			if 'A' <= c && c <= 'Z' {
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if unicode.IsUpper(r) {
			n++
		}
	}
	return n
}

// titleKeyHashFrom is the length over which TitleKeyTerm hashes a key.
const titleKeyHashFrom = 16

// TitleKeyTerm is the index term of a title key (TitleKey): the key itself
// up to 16 bytes ("obnl", "cdc"), else "#" and 72 bits of its SHA-256 in
// base64: a term per note, nearly unique, so that a long title is not
// written into the index's term dictionary a second time (15 bytes a note
// at 100,000 generated notes). Two different keys share a term with a chance of one in 2^72.
func TitleKeyTerm(key string) string {
	if len(key) <= titleKeyHashFrom {
		return key
	}
	h := sha256.Sum256([]byte(key))
	return "#" + base64.RawURLEncoding.EncodeToString(h[:9])
}

// TitleKey is the analyzed form of a title or a query: the first term at
// each position, joined by spaces. A query whose key equals a note's title key
// names that note exactly (a lexicon term, an organisation).
func TitleKey(s string) string {
	var b strings.Builder
	last := -1
	for _, t := range Analyze(s) {
		if t.Position == last {
			continue
		}
		last = t.Position
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.Term)
	}
	return b.String()
}

// BareWord strips an elided article and surrounding symbols from a folded word.
func BareWord(f string) string {
	// After the last apostrophe, of either kind.
	if i := strings.LastIndexByte(f, '\''); i >= 0 {
		f = f[i+1:]
	}
	if i := strings.LastIndex(f, "’"); i >= 0 {
		f = f[i+len("’"):]
	}
	if f != "" && asciiAlnum(f[0]) && asciiAlnum(f[len(f)-1]) {
		return f // nothing to trim: the common case, without decoding runes
	}
	return strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func asciiAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// InclusiveBase returns the masculine form of a folded word in inclusive
// writing, plural when it is (« etudiant·e·s », « etudiant.es » →
// « etudiants », « citoyen·ne » → « citoyen »), and any other word as it is:
// the one spelling the typo look-ups start from, however the inclusive
// form was written.
func InclusiveBase(folded string) string {
	for i, r := range folded {
		if i == 0 || !isInclusiveDot(r) && r != '.' {
			continue
		}
		var rest []byte
		for _, c := range folded[i:] {
			if !isInclusiveDot(c) && c != '.' {
				rest = utf8.AppendRune(rest, c)
			}
		}
		core, plural := splitSuffix(rest)
		if !isLetters(string(rest)) || !inclusiveCore(core, folded[:i]) {
			return folded
		}
		if plural && !strings.HasSuffix(folded[:i], "s") && !strings.HasSuffix(folded[:i], "x") {
			return folded[:i] + "s"
		}
		return folded[:i]
	}
	return folded
}

// InclusiveHyphens returns word with the hyphens of inclusive writing at
// its end written as middle dots (« étudiant-es » → « étudiant·es »,
// « citoyen-ne-s » → « citoyen·ne·s »), by the rules the analysis reads
// them with after a hyphen (a lower-case ending that makes the feminine of
// the letters before it; not « -s » alone, nor « -le » after anything but
// an l: « prends-le »); any other word as it is. A query reads the form
// then as one word, as the notes' texts are: a search typed as
// « étudiant-es » completed « es » as a word being typed (« Escale »).
func InclusiveHyphens(word string) string {
	if !strings.ContainsRune(word, '-') {
		return word
	}
	parts := strings.Split(word, "-")
	for k := min(2, len(parts)-1); k >= 1; k-- {
		n := len(parts) - k
		base, suffix := parts[n-1], parts[n:]
		if len(base) < 2 || !isLetters(base) {
			continue
		}
		if c, _ := utf8.DecodeRuneInString(suffix[0]); !unicode.IsLower(c) {
			continue
		}
		if !InclusiveEnding(base, strings.Join(suffix, ""), true) || slices.Contains(suffix, "") {
			continue
		}
		return strings.Join(parts[:n], "-") + "·" + strings.Join(suffix, "·")
	}
	return word
}

// InclusiveEnding reports whether ending (its parts joined, without their
// separators) makes the feminine, or the plural, of base in inclusive
// writing, by the rules of the analysis (« étudiant » + « es », « citoyen »
// + « nes », « beau » + « elles »). strict is for the endings after a
// hyphen or a period, which the analysis reads more strictly: not « s »
// alone, « le » and « les » after an l only.
func InclusiveEnding(base, ending string, strict bool) bool {
	if len(base) < 2 || !isLetters(base) || ending == "" || len(ending) > 8 || !isLetters(ending) {
		return false
	}
	folded := foldAppend(nil, ending)
	core, _ := splitSuffix(folded)
	fb := Fold(base)
	if !inclusiveCore(core, fb) {
		return false
	}
	if strict {
		switch string(folded) {
		case "s":
			return false
		case "le", "les":
			return fb[len(fb)-1] == 'l'
		}
	}
	return true
}

// StemReaches reports whether every prefix of the word as written (folded,
// bare) reaches term, its stem, in the query planner's prefix look-ups
// without the word itself: a prefix of the stem is completed among the
// stems, and a prefix past the stem's end by at most three letters is cut
// back to it (a stem of four letters or more). Such body words need not be
// indexed as written.
func StemReaches(word, term string) bool {
	n := utf8.RuneCountInString(term)
	return n >= 4 && strings.HasPrefix(word, term) && utf8.RuneCountInString(word)-n <= 3
}
