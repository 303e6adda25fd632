// Package bench generates Praxis-like notes and queries and measures search
// engines (Trouvaille, PostgreSQL full-text search, stock Bleve) on them.
package bench

import (
	"io"
	"math"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Carnet is a notebook a note sits in, with its bloc there.
type Carnet struct {
	Title string `json:"title"`
	Bloc  string `json:"bloc,omitempty"`
}

// Note is one generated note in the ingest format (one JSON object per line).
type Note struct {
	ID            string   `json:"id"`
	Type          string   `json:"type"`
	Title         string   `json:"title"`
	Summary       string   `json:"summary,omitempty"`
	Body          string   `json:"body,omitempty"`
	Authors       []string `json:"authors,omitempty"`
	Organisations []string `json:"organisations,omitempty"`
	Terms         []string `json:"terms,omitempty"`
	Carnets       []Carnet `json:"carnets,omitempty"`
	Community     string   `json:"community,omitempty"`
	PublishedAt   string   `json:"published_at,omitempty"`
	Visibility    string   `json:"visibility"`
	URL           string   `json:"url,omitempty"`
}

// Blocs returns the distinct blocs of the note's carnets.
func (n *Note) Blocs() []string {
	var out []string
	for _, c := range n.Carnets {
		dup := false
		for _, b := range out {
			dup = dup || b == c.Bloc
		}
		if c.Bloc != "" && !dup {
			out = append(out, c.Bloc)
		}
	}
	return out
}

// CarnetTitles returns the titles of the note's carnets.
func (n *Note) CarnetTitles() []string {
	out := make([]string, len(n.Carnets))
	for i, c := range n.Carnets {
		out[i] = c.Title
	}
	return out
}

// rng is a splitmix64 generator: tiny, fast, and its output is fixed
// forever (unlike math/rand helpers), which the golden-hash test relies on.
type rng struct{ s uint64 }

func newRNG(seed int64, stream uint64) rng {
	r := rng{s: uint64(seed)*0x9E3779B97F4A7C15 ^ (stream+1)*0xD1B54A32D192ED03}
	r.next()
	return r
}

func (r *rng) next() uint64 {
	r.s += 0x9E3779B97F4A7C15
	z := r.s
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// intn returns a uniform int in [0, n) (Lemire's multiply-shift; the tiny bias is irrelevant here).
func (r *rng) intn(n int) int {
	hi, _ := mulhi(r.next(), uint64(n))
	return int(hi)
}

func mulhi(a, b uint64) (uint64, uint64) {
	const mask32 = 1<<32 - 1
	a0, a1 := a&mask32, a>>32
	b0, b1 := b&mask32, b>>32
	w0 := a0 * b0
	t := a1*b0 + w0>>32
	w1 := t&mask32 + a0*b1
	return a1*b1 + t>>32 + w1>>32, a * b
}

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return float64(r.next()>>11)/(1<<53) < p }

// zipf samples indexes 0..len-1 with a Zipf–Mandelbrot law through a lookup table.
type zipf struct {
	table []uint16
	mask  uint64
}

func newZipf(n int, s, q float64, bits uint) zipf {
	size := 1 << bits
	w := make([]float64, n)
	var sum float64
	for i := range w {
		w[i] = 1 / math.Pow(float64(i+1)+q, s)
		sum += w[i]
	}
	counts := make([]int, n)
	used := 0
	for i := range w {
		c := int(w[i] / sum * float64(size))
		if c < 1 {
			c = 1
		}
		counts[i] = c
		used += c
	}
	for i := 0; used < size; i = (i + 1) % n {
		counts[i]++
		used++
	}
	for i := n - 1; used > size; i-- {
		if counts[i] > 1 {
			counts[i]--
			used--
		}
		if i == 0 {
			i = n
		}
	}
	t := make([]uint16, 0, size)
	for i, c := range counts {
		for j := 0; j < c; j++ {
			t = append(t, uint16(i))
		}
	}
	return zipf{table: t, mask: uint64(size - 1)}
}

func (z *zipf) pick(r *rng) int { return int(z.table[r.next()&z.mask]) }

// vocab is the generator's fixed vocabulary, identical for every seed.
type vocabulary struct {
	function []string // Zipf-ranked function words
	content  []string // Zipf-ranked content words (all inflected forms)
	fz, cz   zipf
	authors  []string
	orgs     []string
	terms    []string
	carnets  []string
}

var (
	vocabOnce sync.Once
	vocab     *vocabulary
)

func getVocab() *vocabulary {
	vocabOnce.Do(func() { vocab = buildVocab() })
	return vocab
}

func plural(w string) string {
	switch {
	case strings.HasSuffix(w, "s"), strings.HasSuffix(w, "x"), strings.HasSuffix(w, "z"):
		return w
	case strings.HasSuffix(w, "al"):
		return w[:len(w)-2] + "aux"
	case strings.HasSuffix(w, "eau"), strings.HasSuffix(w, "eu"):
		return w + "x"
	}
	return w + "s"
}

func feminine(w string) string {
	switch {
	case strings.HasSuffix(w, "e"):
		return w
	case strings.HasSuffix(w, "if"):
		return w[:len(w)-1] + "ve"
	case strings.HasSuffix(w, "el"):
		return w + "le"
	case strings.HasSuffix(w, "eux"):
		return w[:len(w)-1] + "se"
	case strings.HasSuffix(w, "eau"):
		return w[:len(w)-2] + "lle"
	case strings.HasSuffix(w, "ier"):
		return w[:len(w)-2] + "ère"
	case strings.HasSuffix(w, "en"):
		return w + "ne"
	}
	return w + "e"
}

func conjugations(inf string) []string {
	st := strings.TrimSuffix(inf, "er")
	return []string{inf, st + "e", st + "ent", st + "é", st + "ée", st + "és", st + "ons", st + "ez", st + "ait", st + "aient", st + "ant", st + "era"}
}

func buildVocab() *vocabulary {
	v := &vocabulary{function: functionWords}
	seen := map[string]bool{}
	add := func(w string) {
		if !seen[w] {
			seen[w] = true
			v.content = append(v.content, w)
		}
	}
	for _, n := range nouns {
		add(n)
		add(plural(n))
	}
	for _, a := range adjectives {
		f := feminine(a)
		add(a)
		add(f)
		add(plural(a))
		add(plural(f))
	}
	for _, vb := range verbs {
		if !strings.HasSuffix(vb, "er") {
			add(vb)
			continue
		}
		for _, c := range conjugations(vb) {
			add(c)
		}
	}
	for _, list := range [][]string{otherWords, inclusiveForms, acronyms, places} {
		for _, w := range list {
			add(w)
		}
	}
	// A fixed shuffle decides ranks, so the frequency law does not follow list order.
	r := newRNG(20250423, 0)
	for i := len(v.content) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		v.content[i], v.content[j] = v.content[j], v.content[i]
	}
	v.fz = newZipf(len(v.function), 1.0, 1.5, 16)
	v.cz = newZipf(len(v.content), 1.0, 2.7, 18)

	// 500 author names, 300 organisations, 400 terms, 50 carnets.
	for i := 0; len(v.authors) < 500; i++ {
		f := firstNames[r.intn(len(firstNames))]
		l := lastNames[r.intn(len(lastNames))]
		name := f + " " + l
		if !seen["@"+name] {
			seen["@"+name] = true
			v.authors = append(v.authors, name)
		}
	}
	v.orgs = append(v.orgs, namedOrgs...)
	for len(v.orgs) < 300 {
		k := orgKinds[r.intn(len(orgKinds))]
		p := places[r.intn(len(places))]
		name := k + " " + deOf(p)
		if !seen["@"+name] {
			seen["@"+name] = true
			v.orgs = append(v.orgs, name)
		}
	}
	v.terms = append(v.terms, termHeads...)
	for len(v.terms) < 400 {
		name := termHeads[r.intn(len(termHeads))] + " " + termDomains[r.intn(len(termDomains))]
		if !seen["@"+name] {
			seen["@"+name] = true
			v.terms = append(v.terms, name)
		}
	}
	v.carnets = append(v.carnets, carnetTitles...)
	for len(v.carnets) < 50 {
		name := carnetTitles[r.intn(len(carnetTitles))] + " " + deOf(places[r.intn(len(places))])
		if !seen["@"+name] {
			seen["@"+name] = true
			v.carnets = append(v.carnets, name)
		}
	}
	return v
}

// deOf returns "de Montréal" or "d'Outaouais".
func deOf(p string) string {
	if startsWithVowel(p) {
		return "d'" + p
	}
	return "de " + p
}

func startsWithVowel(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	switch unicode.ToLower(r) {
	case 'a', 'e', 'i', 'o', 'u', 'y', 'é', 'è', 'ê', 'à', 'â', 'î', 'ô', 'h':
		return true
	}
	return false
}

var elisions = map[string]string{"le": "l", "la": "l", "de": "d", "que": "qu", "ne": "n", "se": "s"}

// textGen appends generated prose to a buffer.
type textGen struct {
	v     *vocabulary
	r     *rng
	buf   []byte
	words int
	// start of the previous word in buf and whether it may be elided.
	prevStart int
	prevElide string
}

func (t *textGen) word(capital bool) {
	if t.r.chance(0.42) {
		t.emit(t.v.function[t.v.fz.pick(t.r)], capital, false)
	} else {
		t.emit(t.v.content[t.v.cz.pick(t.r)], capital, true)
	}
}

func (t *textGen) emit(w string, capital, content bool) {
	if content && t.prevElide != "" && startsWithVowel(w) && w[0] != 'h' {
		// l'organisme, d’une: both apostrophes occur in real notes.
		t.buf = t.buf[:t.prevStart]
		t.buf = append(t.buf, t.prevElide...)
		if t.r.chance(0.5) {
			t.buf = append(t.buf, '\'')
		} else {
			t.buf = append(t.buf, "’"...)
		}
		t.words--
	} else if len(t.buf) > 0 && t.buf[len(t.buf)-1] != '\n' && t.buf[len(t.buf)-1] != ' ' {
		t.buf = append(t.buf, ' ')
	}
	t.prevStart = len(t.buf)
	t.prevElide = elisions[w]
	if capital && t.prevStart > 0 && t.buf[t.prevStart-1] != ' ' && t.buf[t.prevStart-1] != '\n' {
		capital = false // elided: "L'organisme" keeps the capital on L
	}
	if capital {
		r, size := utf8.DecodeRuneInString(w)
		t.buf = utf8.AppendRune(t.buf, unicode.ToUpper(r))
		t.buf = append(t.buf, w[size:]...)
	} else if content && t.r.chance(0.01) {
		t.buf = append(t.buf, "**"...)
		t.buf = append(t.buf, w...)
		t.buf = append(t.buf, "**"...)
	} else {
		t.buf = append(t.buf, w...)
	}
	t.words++
}

func (t *textGen) sentence(min, max int, end string) {
	n := min + t.r.intn(max-min+1)
	for i := 0; i < n; i++ {
		t.word(i == 0)
		if i > 2 && i < n-2 && t.r.chance(0.06) {
			t.buf = append(t.buf, ',')
		}
	}
	t.buf = append(t.buf, end...)
	t.prevElide = ""
}

func (t *textGen) raw(s string) {
	t.buf = append(t.buf, s...)
	t.prevElide = ""
}

func (t *textGen) body(target int) {
	for t.words < target {
		switch k := t.r.intn(10); {
		case k == 0: // heading
			t.raw("## ")
			if t.r.chance(0.5) {
				t.raw(emojis[t.r.intn(len(emojis))] + " ")
			}
			t.sentence(3, 7, "\n\n")
		case k == 1: // bullet list
			for i, n := 0, 2+t.r.intn(3); i < n; i++ {
				t.raw("- ")
				t.sentence(5, 12, ".\n")
			}
			t.raw("\n")
		case k == 2: // quote
			t.raw("« ")
			t.sentence(8, 18, " »\n\n")
		default:
			for i, n := 0, 2+t.r.intn(4); i < n; i++ {
				end := ". "
				if i == n-1 {
					end = ".\n\n"
				}
				if t.r.chance(0.08) {
					end = strings.Replace(end, ".", " ?", 1)
				}
				t.sentence(8, 20, end)
			}
		}
	}
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

var (
	dateStart = time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	dateEnd   = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC).Unix()
)

// pickDistinct picks between min and max distinct values from pool, skewed
// towards the head of the pool (a few authors write most notes).
func pickDistinct(r *rng, pool []string, min, max int) []string {
	n := min + r.intn(max-min+1)
	out := make([]string, 0, n)
	for len(out) < n {
		// square of a uniform: skew towards low indexes.
		u := float64(r.next()>>11) / (1 << 53)
		s := pool[int(u*u*float64(len(pool)))]
		dup := false
		for _, o := range out {
			dup = dup || o == s
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}

// MakeNote returns note number i of the corpus of the given seed. It depends
// only on (seed, i), so notes can be generated in parallel in any order.
func MakeNote(i int, seed int64, scratch []byte) (Note, []byte) {
	v := getVocab()
	r := newRNG(seed, uint64(i))
	var n Note
	id := make([]byte, 27)
	for k := range id {
		id[k] = idAlphabet[r.intn(len(idAlphabet))]
	}
	n.ID = string(id)
	t := textGen{v: v, r: &r, buf: scratch[:0]}

	switch k := r.intn(100); {
	case k < 6:
		n.Type = "terme"
		n.Title = v.terms[r.intn(len(v.terms))]
	case k < 10:
		n.Type = "organisation"
		n.Title = v.orgs[r.intn(len(v.orgs))]
	default:
		n.Type = "note"
		end := ""
		if r.chance(0.2) {
			end = " ?"
		}
		t.sentence(6, 10, end)
		n.Title = string(t.buf)
	}
	t.buf, t.words = t.buf[:0], 0
	t.sentence(10, 18, ". ")
	t.sentence(8, 14, ".")
	n.Summary = string(t.buf)
	t.buf, t.words = t.buf[:0], 0
	target := 230 + r.intn(140)
	if n.Type != "note" {
		target /= 2
	}
	t.body(target)
	n.Body = strings.TrimRight(string(t.buf), "\n ")

	n.Authors = pickDistinct(&r, v.authors, 1, 3)
	n.Organisations = pickDistinct(&r, v.orgs, 1, 4)
	n.Terms = pickDistinct(&r, v.terms, 2, 6)
	for _, c := range pickDistinct(&r, v.carnets, 1, 2) {
		n.Carnets = append(n.Carnets, Carnet{Title: c, Bloc: blocNames[r.intn(len(blocNames))]})
	}
	n.Community = communityNames[r.intn(len(communityNames))]
	ts := dateStart + int64(r.intn(int(dateEnd-dateStart)))
	n.PublishedAt = time.Unix(ts, 0).UTC().Format(time.RFC3339)
	switch k := r.intn(100); {
	case k < 95:
		n.Visibility = "public"
	case k < 98:
		n.Visibility = "community"
	default:
		n.Visibility = "private"
	}
	n.URL = "https://praxis.encommun.io/n/" + n.ID + "/"
	return n, t.buf
}

// GenerateNotes calls fn with notes 0..n-1 of the corpus of the given seed, in order.
func GenerateNotes(n int, seed int64, fn func(i int, note *Note) error) error {
	var scratch []byte
	for i := 0; i < n; i++ {
		var note Note
		note, scratch = MakeNote(i, seed, scratch)
		if err := fn(i, &note); err != nil {
			return err
		}
	}
	return nil
}

// AppendJSON appends the note as one JSON line (with trailing newline).
// The output is byte-identical to encoding/json's for these fields.
func AppendJSON(b []byte, n *Note) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, n.ID)
	b = append(b, `,"type":`...)
	b = appendString(b, n.Type)
	b = append(b, `,"title":`...)
	b = appendString(b, n.Title)
	if n.Summary != "" {
		b = append(b, `,"summary":`...)
		b = appendString(b, n.Summary)
	}
	if n.Body != "" {
		b = append(b, `,"body":`...)
		b = appendString(b, n.Body)
	}
	b = appendList(b, `,"authors":`, n.Authors)
	b = appendList(b, `,"organisations":`, n.Organisations)
	b = appendList(b, `,"terms":`, n.Terms)
	if len(n.Carnets) > 0 {
		b = append(b, `,"carnets":[`...)
		for i, c := range n.Carnets {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"title":`...)
			b = appendString(b, c.Title)
			if c.Bloc != "" {
				b = append(b, `,"bloc":`...)
				b = appendString(b, c.Bloc)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if n.Community != "" {
		b = append(b, `,"community":`...)
		b = appendString(b, n.Community)
	}
	if n.PublishedAt != "" {
		b = append(b, `,"published_at":`...)
		b = appendString(b, n.PublishedAt)
	}
	b = append(b, `,"visibility":`...)
	b = appendString(b, n.Visibility)
	if n.URL != "" {
		b = append(b, `,"url":`...)
		b = appendString(b, n.URL)
	}
	return append(b, "}\n"...)
}

func appendList(b []byte, key string, l []string) []byte {
	if len(l) == 0 {
		return b
	}
	b = append(b, key...)
	b = append(b, '[')
	for i, s := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string, escaping like encoding/json
// (including <, >, & and U+2028/U+2029).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// Generate writes n notes of the corpus of the given seed as JSON lines.
// Work is spread over all CPUs; the output does not depend on their number.
func Generate(w io.Writer, n int, seed int64) error {
	const chunkSize = 256
	type chunk struct {
		start, end int
		buf        []byte
		done       chan struct{}
	}
	workers := runtime.GOMAXPROCS(0)
	queue := make(chan *chunk, 4*workers)
	jobs := make(chan *chunk, 4*workers)
	pool := sync.Pool{New: func() any { return make([]byte, 0, chunkSize*3000) }}
	go func() {
		for s := 0; s < n; s += chunkSize {
			c := &chunk{start: s, end: min(s+chunkSize, n), done: make(chan struct{})}
			queue <- c
			jobs <- c
		}
		close(jobs)
		close(queue)
	}()
	for k := 0; k < workers; k++ {
		go func() {
			var scratch []byte
			for c := range jobs {
				buf := pool.Get().([]byte)[:0]
				for i := c.start; i < c.end; i++ {
					var note Note
					note, scratch = MakeNote(i, seed, scratch)
					buf = AppendJSON(buf, &note)
				}
				c.buf = buf
				close(c.done)
			}
		}()
	}
	var firstErr error
	for c := range queue {
		<-c.done
		if firstErr == nil {
			_, firstErr = w.Write(c.buf)
		}
		pool.Put(c.buf) //nolint:staticcheck // slices are fine in a pool here
	}
	return firstErr
}

// Query kinds.
const (
	KindFacetsHighlight = "facets+highlight" // all facets, snippets, 20 hits
	KindHighlight       = "highlight"        // snippets, no facets
	KindPlain           = "plain"            // neither facets nor snippets
	KindPrefix          = "prefix"           // autocomplete on the last word
)

// Kinds lists the query kinds in report order.
var Kinds = []string{KindFacetsHighlight, KindHighlight, KindPlain, KindPrefix}

// Query is one benchmark query.
type Query struct {
	Q    string `json:"q"`
	Kind string `json:"kind"`
}

// Queries returns n queries, kinds in turn, with words drawn from the
// corpus's own frequency law; some lose their accents, some carry a typo,
// prefix ones end with an unfinished word.
func Queries(n int, seed int64) []Query {
	v := getVocab()
	r := newRNG(seed, 1<<62)
	out := make([]Query, 0, n)
	for i := 0; i < n; i++ {
		kind := Kinds[i%len(Kinds)]
		var words []string
		switch k := r.intn(100); {
		case k < 4: // an author's last name
			a := v.authors[r.intn(len(v.authors))]
			words = strings.Fields(a)[1:]
		case k < 8:
			words = []string{places[r.intn(len(places))]}
		case k < 12:
			words = strings.Fields(termHeads[r.intn(len(termHeads))])
		default:
			nw := 1 + r.intn(3)
			if nw == 3 && r.chance(0.5) {
				nw = 2
			}
			for len(words) < nw {
				w := v.content[v.cz.pick(&r)]
				if utf8.RuneCountInString(w) >= 3 && w == strings.ToLower(w) {
					words = append(words, w)
				}
			}
		}
		if r.chance(0.08) { // one typo: swap two letters of a long word
			j := r.intn(len(words))
			rs := []rune(words[j])
			if len(rs) >= 6 {
				p := 1 + r.intn(len(rs)-3)
				rs[p], rs[p+1] = rs[p+1], rs[p]
				words[j] = string(rs)
			}
		}
		if kind == KindPrefix {
			last := []rune(words[len(words)-1])
			if len(last) >= 4 {
				keep := 3 + r.intn(len(last)-3)
				words[len(words)-1] = string(last[:keep])
			}
		}
		q := strings.Join(words, " ")
		if r.chance(0.2) {
			q = StripAccents(q)
		}
		out = append(out, Query{Q: q, Kind: kind})
	}
	return out
}

var accentFold = strings.NewReplacer(
	"à", "a", "â", "a", "ä", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "ÿ", "y",
	"À", "A", "Â", "A", "Ç", "C", "É", "E", "È", "E", "Ê", "E", "Î", "I", "Ô", "O", "Û", "U",
)

// StripAccents removes French diacritics, as users often do when typing.
func StripAccents(s string) string { return accentFold.Replace(s) }

// VocabularyStats describes the generator's vocabulary (for docs and tests).
func VocabularyStats() map[string]int {
	v := getVocab()
	return map[string]int{
		"function_words": len(v.function), "content_forms": len(v.content),
		"authors": len(v.authors), "organisations": len(v.orgs), "terms": len(v.terms), "carnets": len(v.carnets),
	}
}

// topContent returns the k most frequent content words (used by tests).
func topContent(k int) []string {
	v := getVocab()
	cnt := map[int]int{}
	for _, x := range v.cz.table {
		cnt[int(x)]++
	}
	idx := make([]int, 0, len(cnt))
	for i := range cnt {
		idx = append(idx, i)
	}
	sort.Slice(idx, func(a, b int) bool { return cnt[idx[a]] > cnt[idx[b]] || cnt[idx[a]] == cnt[idx[b]] && idx[a] < idx[b] })
	out := make([]string, 0, k)
	for _, i := range idx[:min(k, len(idx))] {
		out = append(out, v.content[i]+":"+strconv.Itoa(cnt[i]))
	}
	return out
}
