package index

import (
	"html"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// SnippetWords is the length of a snippet, in words.
const SnippetWords = 30

// Highlight HTML-escapes s and wraps the words matching m in <mark>.
func Highlight(s string, m *query.Matcher) string {
	if m.Empty() {
		return html.EscapeString(s)
	}
	toks := analysis.Analyze(s)
	matched := make([]bool, len(toks))
	for i, t := range toks {
		matched[i] = m.Match(t.Term)
	}
	m.MarkPhrases(toks, matched, 0)
	var b strings.Builder
	at := 0
	for i, t := range toks {
		if t.Start < at || !matched[i] {
			continue
		}
		b.WriteString(html.EscapeString(s[at:t.Start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(s[t.Start:t.End]))
		b.WriteString("</mark>")
		at = t.End
	}
	b.WriteString(html.EscapeString(s[at:]))
	return b.String()
}

// Snippet returns about words words of the first text (in order of preference)
// around the densest group of matches, HTML-escaped with <mark> around the
// matched words and "…" where the text was cut. Markdown syntax is removed.
// Without any match, it returns the beginning of the first non-empty text.
func Snippet(m *query.Matcher, words int, texts ...string) string {
	return snippetOf(m, words, texts, nil)
}

// snippetOf is Snippet, told which texts may hold a match (nil: all): the
// others are read for the beginning only, when they come first.
func snippetOf(m *query.Matcher, words int, texts []string, may []bool) string {
	sc := snippetScratches.Get().(*snippetScratch)
	defer snippetScratches.Put(sc)
	return snippetIn(sc, m, words, texts, may)
}

// snippetIn is snippetOf in the scratch memory sc.
func snippetIn(sc *snippetScratch, m *query.Matcher, words int, texts []string, may []bool) string {
	var fallback string
	for i, raw := range texts {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		tm := m
		if may != nil && !may[i] {
			if fallback != "" {
				continue
			}
			tm = nil // the beginning only
		}
		src := newPlainParts(raw)
		st := analyzeForSnippet(&src, tm, words, sc)
		sc.toks, sc.matched = st.toks, st.matched // grown: kept for the next text
		if fallback == "" {
			fallback = window(st, nil, 0, words)
		}
		if tm.Empty() || len(st.toks) == 0 || !st.any {
			continue
		}
		toks, matched := st.toks, st.matched
		// Slide a window of `words` positions; score = distinct matched terms,
		// then matched tokens; first best wins.
		bestStart, bestScore := 0, -1
		for i := range toks {
			if !matched[i] {
				continue
			}
			startPos := toks[i].Position - words/5 // some context before the first match
			distinct := sc.distinct[:0]            // a few terms: the query's words
			count := 0
			for j := i; j < len(toks) && toks[j].Position < startPos+words; j++ {
				if matched[j] {
					if !slices.Contains(distinct, toks[j].Term) {
						distinct = append(distinct, toks[j].Term)
					}
					count++
				}
			}
			sc.distinct = distinct
			score := len(distinct)*1000 + count
			if score > bestScore {
				bestScore = score
				bestStart = i
			}
		}
		first := bestStart
		for first > 0 && toks[first-1].Position >= toks[bestStart].Position-words/5 {
			first--
		}
		return window(st, matched, first, words)
	}
	return fallback
}

// snippetScratch is the memory a snippet works in, reused from one text
// and one note to the next: the tokens of the text read and whether each
// matches, the distinct terms of a window.
type snippetScratch struct {
	toks     []analysis.Token
	matched  []bool
	distinct []string
}

var snippetScratches = sync.Pool{New: func() any { return new(snippetScratch) }}

// phraseReach is how many tokens before a chunk a synonym of several words
// found across the chunks' boundary may start.
const phraseReach = 16

// snippetChunk is how much text is analyzed at a time for a snippet.
const snippetChunk = 1500

// snippetText is a text analysed for a snippet, as far as it was read.
type snippetText struct {
	plain    string // the plain text read (all of it when complete)
	toks     []analysis.Token
	matched  []bool // per token: it matches the query
	any      bool   // some token matches
	complete bool   // toks reach the end of the text
}

// analyzeForSnippet analyzes the plain text of src a chunk at a time and
// stops once the matches seen so far hold as many distinct terms as the
// query has words and a window's worth of text follows the first match:
// long notes are neither converted nor analyzed to the end for a 30-word
// extract. The chunks are those of the whole plain text: src is read until
// a chunk's end is known.
func analyzeForSnippet(src *plainParts, m *query.Matcher, words int, sc *snippetScratch) snippetText {
	st := snippetText{toks: sc.toks[:0], matched: sc.matched[:0]}
	var b strings.Builder
	b.Grow(min(len(src.rest), 2*snippetChunk)) // the plain text is no longer than the Markdown
	more := true
	// fill reads parts until the plain text is longer than n or complete.
	fill := func(n int) {
		for more && b.Len() <= n {
			more = src.appendTo(&b)
		}
		st.plain = b.String()
	}
	distinct := map[string]bool{}
	firstMatchPos := -1
	pos := 0
	base := 0
	for {
		fill(base + snippetChunk)
		plain := st.plain
		if base >= len(plain) {
			break
		}
		end := min(base+snippetChunk, len(plain))
		if end < len(plain) {
			if sp := strings.LastIndexByte(plain[base:end], ' '); sp > 0 {
				end = base + sp + 1
			}
		}
		from := len(st.toks)
		st.toks = analysis.AppendAnalyzed(st.toks, plain[base:end])
		last := 0
		for i := from; i < len(st.toks); i++ {
			t := &st.toks[i]
			t.Start += base
			t.End += base
			t.Position += pos
			last = t.Position
			ok := m != nil && !m.Empty() && m.Match(t.Term)
			if ok {
				st.any = true
				distinct[t.Term] = true
				if firstMatchPos < 0 {
					firstMatchPos = t.Position
				}
			}
			st.matched = append(st.matched, ok)
		}
		// Synonyms of several words, which may start in the chunk before.
		if m.HasPhrases() && m.MarkPhrases(st.toks, st.matched, from-phraseReach) {
			for i := max(from-phraseReach, 0); i < len(st.toks); i++ {
				if st.matched[i] {
					st.any = true
					distinct["\x00phrase"] = true // one phrase, one word of the query
					if firstMatchPos < 0 || st.toks[i].Position < firstMatchPos {
						firstMatchPos = st.toks[i].Position
					}
				}
			}
		}
		if last > pos {
			pos = last // the next chunk's first word (position 1) follows the last
		}
		base = end
		if m.Empty() && pos > words*2 {
			break // no query: the beginning is enough
		}
		if st.any && len(distinct) >= max(1, m.Words()) && pos-firstMatchPos > words {
			break
		}
	}
	st.complete = !more && base >= len(st.plain)
	return st
}

// window renders the tokens from index first covering `words` positions.
// The text after the last token read is shown only when the text was read
// to its end; otherwise the window ends at its last word, with "…".
func window(st snippetText, matched []bool, first, words int) string {
	plain, toks := st.plain, st.toks
	if len(toks) == 0 {
		s := strings.TrimSpace(plain)
		if utf8.RuneCountInString(s) > 200 {
			s = string([]rune(s)[:200]) + "…"
		}
		return html.EscapeString(s)
	}
	startPos := toks[first].Position
	last := first
	for last+1 < len(toks) && toks[last+1].Position < startPos+words {
		last++
	}
	from := 0
	if first > 0 {
		from = toks[first].Start
	}
	to := len(plain)
	cut := false // text follows the window
	if last+1 < len(toks) || !st.complete {
		to = toks[last].End
		// keep closing punctuation right after the last word
		for to < len(plain) && strings.ContainsRune(".,;:!?»)", rune(plain[to])) {
			to++
		}
		cut = to < len(plain) || !st.complete
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("… ")
	}
	at := from
	for i := first; i <= last; i++ {
		t := toks[i]
		if matched == nil || !matched[i] || t.Start < at {
			continue
		}
		b.WriteString(html.EscapeString(plain[at:t.Start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(plain[t.Start:t.End]))
		b.WriteString("</mark>")
		at = t.End
	}
	b.WriteString(html.EscapeString(plain[at:to]))
	if cut {
		b.WriteString(" …")
	}
	return strings.TrimSpace(b.String())
}

// plainMarkdown parses note bodies for PlainText: CommonMark with the GFM
// extensions (tables, strikethrough, autolinks), as the note page renders them.
var plainMarkdown = goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()

// PlainText returns the text a reader sees in a Markdown body, for snippets
// and phrase verification: the text of headings, paragraphs, list items,
// quotes, table cells and code, link and image text without their targets,
// no raw HTML, blocks separated by a space and whitespace collapsed. It is
// markdownPlain's text, read part by part (plaintext.go).
func PlainText(md string) string {
	var b strings.Builder
	p := newPlainParts(md)
	for p.appendTo(&b) {
	}
	return b.String()
}

// markdownPlain is PlainText through goldmark's syntax tree: any Markdown.
func markdownPlain(md string) string {
	src := []byte(md)
	doc := plainMarkdown.Parse(text.NewReader(src))
	var b strings.Builder
	b.Grow(len(md))
	space := func() {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
	}
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if n.Type() == ast.TypeBlock || n.Kind() == east.KindTableCell {
			space() // blocks and cells never run into each other
		}
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			b.Write(n.Segment.Value(src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.AutoLink:
			b.Write(n.Label(src))
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b.Write(seg.Value(src))
				b.WriteByte(' ')
			}
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock, *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return collapseSpace(b.String())
}

// collapseSpace returns s with each run of white space (unicode.IsSpace)
// made one space, and none at either end: strings.Fields joined by spaces,
// without the slice of fields.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pending := false // white space seen since the last word
	for i := 0; i < len(s); {
		size, space := 1, false
		if c := s[i]; c < utf8.RuneSelf {
			space = asciiSpace[c]
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
		}
		switch {
		case space:
			pending = b.Len() > 0
		default:
			if pending {
				b.WriteByte(' ')
				pending = false
			}
			b.WriteString(s[i : i+size]) // the bytes as they are, even invalid ones
		}
		i += size
	}
	return b.String()
}

// asciiSpace are the ASCII bytes unicode.IsSpace accepts.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}
