package bench

import (
	"io"
	"math"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Corpus B: a second generator built differently from the first (search
// core issue), so that nothing gets tuned to one generator.
//
//   - Vocabulary: no hand-written lists. 40,000 French-looking words are
//     made of syllables (onsets, vowels with or without accents, codas), and
//     drawn by a stretched log-uniform law: rank = N^(u^1.4) for u uniform
//     in [0, 1), not Zipf–Mandelbrot. A small list of function words makes
//     up a third of the running text.
//   - Lengths: bodies from 20 to 3,000 words, log-normal (median ≈ 150);
//     one note in eight is a long Markdown report (sections, tables,
//     numbered lists, links).
//   - Metadata: lighter and skewed differently: 1–15 authors of 5,000, at
//     most two organisations of 2,000, 0–3 terms of 1,000, a carnet for a
//     third of the notes; dates from 2010.
//   - Queries: 1–4 words of the same law, author names, pairs of words
//     taken from one note's text, a dropped letter as the typo, a quarter
//     without accents.

type vocabB struct {
	words    []string // by rank
	function []string
	authors  []string
	orgs     []string
	terms    []string
	carnets  []string
}

var (
	vocabBOnce sync.Once
	vocabBVal  *vocabB
)

func getVocabB() *vocabB {
	vocabBOnce.Do(func() { vocabBVal = buildVocabB() })
	return vocabBVal
}

var (
	bOnsets = []string{"", "b", "c", "d", "f", "g", "j", "l", "m", "n", "p", "r", "s", "t", "v", "ch", "br", "cr", "dr", "fr", "gr", "pl", "pr", "tr", "qu", "gn"}
	bVowels = []string{"a", "e", "i", "o", "u", "é", "è", "ê", "ou", "ai", "au", "eau", "an", "on", "in", "oi", "â", "ô", "î"}
	bCodas  = []string{"", "", "", "r", "l", "s", "n", "t", "x", "ct", "rt", "st"}
	bEnds   = []string{"", "", "tion", "ment", "age", "ité", "eur", "euse", "ique", "isme", "ance", "oire", "el", "elle", "ant", "ante"}
	// bFunction are French function words, a third of the running text.
	bFunction = []string{"le", "la", "les", "de", "des", "du", "un", "une", "et", "ou", "à", "au", "aux", "en", "dans", "par", "pour", "sur", "avec", "sans", "que", "qui", "ne", "pas", "plus", "ce", "cette", "ces", "son", "sa", "ses", "leur", "leurs", "nous", "vous", "ils", "elles", "on", "est", "sont", "a", "ont", "être", "avoir", "fait", "comme", "mais", "donc", "car", "aussi", "très", "tout", "tous", "entre", "sous", "vers", "chez"}
)

func buildVocabB() *vocabB {
	r := newRNG(7, 1<<60)
	word := func(minSyl, maxSyl int) string {
		var b strings.Builder
		n := minSyl + r.intn(maxSyl-minSyl+1)
		for i := 0; i < n; i++ {
			b.WriteString(bOnsets[r.intn(len(bOnsets))])
			b.WriteString(bVowels[r.intn(len(bVowels))])
			if i == n-1 || r.chance(0.25) {
				b.WriteString(bCodas[r.intn(len(bCodas))])
			}
		}
		if r.chance(0.4) {
			b.WriteString(bEnds[r.intn(len(bEnds))])
		}
		return b.String()
	}
	capital := func(s string) string {
		rs := []rune(s)
		rs[0] = unicode.ToUpper(rs[0])
		return string(rs)
	}
	v := &vocabB{function: bFunction}
	seen := map[string]bool{}
	for _, f := range bFunction {
		seen[f] = true
	}
	for len(v.words) < 40000 {
		w := word(1, 4)
		if utf8.RuneCountInString(w) < 3 || seen[w] {
			continue
		}
		seen[w] = true
		v.words = append(v.words, w)
	}
	names := map[string]bool{}
	for len(v.authors) < 5000 {
		a := capital(word(2, 3)) + " " + capital(word(2, 4))
		if !names[a] {
			names[a] = true
			v.authors = append(v.authors, a)
		}
	}
	for len(v.orgs) < 2000 {
		o := []string{"Regroupement", "Collectif", "Coop", "Table", "Alliance", "Centre", "Maison", "Atelier"}[r.intn(8)] + " " + capital(word(2, 3))
		if r.chance(0.5) {
			o += " " + capital(word(1, 3))
		}
		if !names[o] {
			names[o] = true
			v.orgs = append(v.orgs, o)
		}
	}
	for len(v.terms) < 1000 {
		t := capital(v.words[r.intn(3000)])
		if r.chance(0.6) {
			t += " " + v.words[r.intn(8000)]
		}
		if !names[t] {
			names[t] = true
			v.terms = append(v.terms, t)
		}
	}
	for len(v.carnets) < 200 {
		c := "Carnet " + v.words[r.intn(2000)] + " " + v.words[r.intn(6000)]
		if !names[c] {
			names[c] = true
			v.carnets = append(v.carnets, c)
		}
	}
	return v
}

// pickB draws a word rank by the stretched log-uniform law.
func (v *vocabB) pickB(r *rng) string {
	u := float64(r.next()>>11) / (1 << 53)
	rank := int(math.Pow(float64(len(v.words)), math.Pow(u, 1.4))) - 1
	return v.words[min(max(rank, 0), len(v.words)-1)]
}

// textB writes running text: a third function words.
func (v *vocabB) textB(r *rng, b *strings.Builder, words int) {
	start := true
	for i := 0; i < words; i++ {
		var w string
		if r.chance(0.33) {
			w = v.function[r.intn(len(v.function))]
		} else {
			w = v.pickB(r)
		}
		if start {
			rs := []rune(w)
			rs[0] = unicode.ToUpper(rs[0])
			w = string(rs)
			start = false
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		if r.chance(0.07) || i == words-1 {
			b.WriteString(". ")
			start = true
		} else if r.chance(0.05) {
			b.WriteByte(',')
		}
	}
}

// MakeNoteB returns note i of corpus B for the seed.
func MakeNoteB(i int, seed int64) Note {
	v := getVocabB()
	r := newRNG(seed^0x5bd1e995, uint64(i)|1<<61)
	var n Note
	id := make([]byte, 27)
	for k := range id {
		id[k] = idAlphabet[r.intn(len(idAlphabet))]
	}
	n.ID = string(id)
	var b strings.Builder
	switch k := r.intn(100); {
	case k < 3:
		n.Type = "terme"
		n.Title = v.terms[r.intn(len(v.terms))]
	case k < 5:
		n.Type = "organisation"
		n.Title = v.orgs[r.intn(len(v.orgs))]
	default:
		n.Type = "note"
		v.textB(&r, &b, 3+r.intn(12))
		n.Title = strings.TrimRight(b.String(), ". ")
	}
	if r.chance(0.6) {
		b.Reset()
		v.textB(&r, &b, 10+r.intn(40))
		n.Summary = strings.TrimSpace(b.String())
	}
	// Log-normal length, 20 to 3,000 words.
	u1, u2 := float64(r.next()>>11)/(1<<53), float64(r.next()>>11)/(1<<53)
	z := math.Sqrt(-2*math.Log(max(u1, 1e-12))) * math.Cos(2*math.Pi*u2)
	words := int(math.Exp(5.0 + 1.0*z))
	words = min(max(words, 20), 3000)
	b.Reset()
	if r.chance(0.125) { // a long Markdown report
		words = max(words, 800)
		for left, sec := words, 1; left > 0; sec++ {
			b.WriteString("## ")
			v.textB(&r, &b, 2+r.intn(4))
			b.WriteString("\n\n")
			chunk := min(left, 80+r.intn(200))
			v.textB(&r, &b, chunk)
			b.WriteString("\n\n")
			left -= chunk
			switch r.intn(3) {
			case 0:
				b.WriteString("| indicateur | valeur | note |\n|---|---:|---|\n")
				for row := 0; row < 2+r.intn(5); row++ {
					b.WriteString("| " + v.pickB(&r) + " | " + string(rune('1'+r.intn(9))) + "0 | " + v.pickB(&r) + " |\n")
				}
				b.WriteString("\n")
			case 1:
				for item := 1; item < 2+r.intn(5); item++ {
					b.WriteString(string(rune('0'+item)) + ". ")
					v.textB(&r, &b, 4+r.intn(10))
					b.WriteString("\n")
				}
				b.WriteString("\n")
			default:
				b.WriteString("Voir [" + v.pickB(&r) + "](https://exemple.org/" + v.pickB(&r) + ").\n\n")
			}
		}
	} else {
		v.textB(&r, &b, words)
	}
	n.Body = strings.TrimSpace(b.String())
	n.Authors = pickDistinct(&r, v.authors, 1, 1+r.intn(15))
	if k := r.intn(3); k > 0 {
		n.Organisations = pickDistinct(&r, v.orgs, 1, k)
	}
	if k := r.intn(4); k > 0 {
		n.Terms = pickDistinct(&r, v.terms, 1, k)
	}
	if r.chance(0.33) {
		n.Carnets = []Carnet{{Title: v.carnets[r.intn(len(v.carnets))], Bloc: "Section " + string(rune('A'+r.intn(6)))}}
	}
	n.Community = []string{"reseau-b", "quartiers", "chercheur·es"}[r.intn(3)]
	start := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	ts := start + int64(r.intn(int(dateEnd-start)))
	n.PublishedAt = time.Unix(ts, 0).UTC().Format(time.RFC3339)
	switch k := r.intn(100); {
	case k < 90:
		n.Visibility = "public"
	case k < 97:
		n.Visibility = "community"
	default:
		n.Visibility = "private"
	}
	n.URL = "https://exemple.org/b/" + n.ID
	return n
}

// GenerateB writes n notes of corpus B as JSON lines.
func GenerateB(w io.Writer, n int, seed int64) error {
	var buf []byte
	for i := 0; i < n; i++ {
		note := MakeNoteB(i, seed)
		buf = AppendJSON(buf[:0], &note)
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// QueriesB returns n queries over corpus B, kinds in turn.
func QueriesB(n int, seed int64) []Query {
	v := getVocabB()
	r := newRNG(seed^0x5bd1e995, 1<<62|1)
	out := make([]Query, 0, n)
	for i := 0; i < n; i++ {
		kind := Kinds[i%len(Kinds)]
		var words []string
		switch k := r.intn(100); {
		case k < 10: // an author's last name
			words = strings.Fields(v.authors[r.intn(len(v.authors))])[1:]
		case k < 25: // two words next to each other in a note
			note := MakeNoteB(r.intn(max(n*20, 1000)), seed)
			fs := strings.Fields(strings.ToLower(strings.Map(func(c rune) rune {
				if unicode.IsLetter(c) || c == ' ' {
					return c
				}
				return ' '
			}, note.Body)))
			if len(fs) >= 2 {
				j := r.intn(len(fs) - 1)
				words = fs[j : j+2]
			}
		}
		if len(words) == 0 {
			for nw := 1 + r.intn(4); len(words) < nw; {
				words = append(words, v.pickB(&r))
			}
		}
		if r.chance(0.06) { // a dropped letter
			j := r.intn(len(words))
			if rs := []rune(words[j]); len(rs) >= 6 {
				p := 1 + r.intn(len(rs)-2)
				words[j] = string(append(rs[:p:p], rs[p+1:]...))
			}
		}
		if kind == KindPrefix {
			if last := []rune(words[len(words)-1]); len(last) >= 4 {
				words[len(words)-1] = string(last[:2+r.intn(len(last)-2)])
			}
		}
		q := strings.Join(words, " ")
		if r.chance(0.25) {
			q = StripAccents(q)
		}
		out = append(out, Query{Q: q, Kind: kind})
	}
	return out
}
