package index

import (
	"strings"
	"unicode/utf8"
)

// plainParts reads the plain text of a Markdown body (PlainText) one part
// at a time, so that a snippet converts no more of a long body than it
// shows, and plain prose skips goldmark altogether.
//
// A body whose blocks give the same text cut at its blank lines or not
// (splittable: no fenced or indented code, HTML block or link reference
// definition) is
// cut there, a part per group of lines; a part of plain prose (paragraph
// lines, ATX headings and bullet items without inline syntax) is read by
// fastPlain, any other through goldmark (markdownPlain). A body that cannot
// be cut is one part, through goldmark. The non-empty parts joined by a
// space are markdownPlain's text of the whole body (FuzzPlainParts).
type plainParts struct {
	rest  string // Markdown not read yet
	whole bool   // rest is read at once, through goldmark
}

func newPlainParts(md string) plainParts {
	return plainParts{rest: md, whole: !splittable(md)}
}

// next returns the plain text of the next part ("" for a part without any)
// and false once the body is read.
func (p *plainParts) next() (string, bool) {
	if p.whole {
		if p.rest == "" {
			return "", false
		}
		s := markdownPlain(p.rest)
		p.rest = ""
		return s, true
	}
	block := nextBlock(&p.rest)
	if block == "" {
		return "", false
	}
	if s, ok := fastPlain(block); ok {
		return s, true
	}
	return markdownPlain(block), true
}

// appendTo appends the next part's plain text to b, after a space when b
// holds text already, and reports false once the body is read.
func (p *plainParts) appendTo(b *strings.Builder) bool {
	s, ok := p.next()
	if s != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	return ok
}

// nextBlock cuts the next group of non-blank lines from *rest (blank lines
// before it skipped), without its final line break; "" when none is left.
func nextBlock(rest *string) string {
	s := *rest
	for s != "" { // skip blank lines
		line, after, _ := strings.Cut(s, "\n")
		if !blankLine(line) {
			break
		}
		s = after
	}
	end := 0
	for end < len(s) {
		i := strings.IndexByte(s[end:], '\n')
		if i < 0 {
			end = len(s)
			break
		}
		if blankLine(s[end : end+i]) {
			break
		}
		end += i + 1
	}
	block := strings.TrimSuffix(s[:end], "\n")
	*rest = s[end:]
	return block
}

// blankLine reports whether a line holds nothing but spaces and tabs, as
// CommonMark defines a blank line.
func blankLine(line string) bool {
	return strings.Trim(line, " \t") == ""
}

// splittable reports whether every block of md ends at a blank line, or
// at least its text: blocks converted apart then give the text of the
// whole. A list or a quote may go on past a blank line, but its parts read
// apart give the same words in the same order, as long as none is indented
// by 4 columns or more. What it refuses: such lines (indented code, or a
// list item's continuation that would read as code apart), fenced code and
// HTML blocks (which may hold blank lines), link reference definitions
// (which reach across blocks), and line breaks or bytes goldmark reads
// specially (carriage returns, NUL, byte order marks, invalid UTF-8).
func splittable(md string) bool {
	if strings.Contains(md, "```") || strings.Contains(md, "~~~") || strings.Contains(md, "]:") ||
		strings.ContainsAny(md, "\r\x00") || strings.Contains(md, "\ufeff") || !utf8.ValidString(md) {
		return false
	}
	for rest := md; rest != ""; {
		line, after, _ := strings.Cut(rest, "\n")
		rest = after
		t := strings.TrimLeft(line, " \t")
		if t != "" && t[0] == '<' {
			return false // an HTML block, maybe
		}
		if t != "" && indent(line) >= 4 {
			// Indented code, or the continuation of a list item past a
			// blank line: apart, « - a\n\n    --- » reads as code.
			return false
		}
	}
	return true
}

// orderedMarker reports whether a line starts like an ordered list item:
// one to nine digits then "." or ")".
func orderedMarker(t string) bool {
	n := 0
	for n < len(t) && n < 10 && t[n] >= '0' && t[n] <= '9' {
		n++
	}
	return n >= 1 && n <= 9 && n < len(t) && (t[n] == '.' || t[n] == ')')
}

// inlineSyntax are the bytes that may start inline Markdown (emphasis,
// links, images, code, raw HTML, entities, escapes, strikethrough, table
// cells, e-mail autolinks): a block holding one goes through goldmark.
const inlineSyntax = "*_[]<>`&\\~|@"

// blockStart are the bytes that may start a block inside a list item.
const blockStart = "#-+*=> \t0123456789<|`~"

// fastPlain returns the plain text of a block of plain prose: paragraph
// lines, ATX headings and bullet list items ("- " or "+ " then prose), their
// markers and closing sequences dropped, white space collapsed. It reports
// false for anything else: inline syntax, a possible URL (GFM autolinks), a
// setext heading's underline, a table's delimiter row, a quote, code,
// numbered items.
func fastPlain(block string) (string, bool) {
	if strings.ContainsAny(block, inlineSyntax) || strings.Contains(block, "://") || hasFold(block, "www.") {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(block))
	for line := range strings.Lines(block) {
		t := strings.Trim(strings.TrimSuffix(line, "\n"), " \t")
		if t == "" {
			continue
		}
		if indent(line) >= 4 || orderedMarker(t) {
			return "", false // code, or a list item's number (text after a paragraph)
		}
		if t[0] == '-' || t[0] == '+' {
			// A bullet list item of prose; else a setext underline or a
			// thematic break.
			if len(t) < 3 || t[1] != ' ' || strings.ContainsRune(blockStart, rune(t[2])) {
				return "", false
			}
			t = t[2:]
		} else if t[0] == '=' || t[0] == '>' || t[0] == ':' {
			return "", false // a setext underline, a quote, a table's delimiter row (":-")
		}
		if h, ok := atxHeading(t); ok {
			t = h
		}
		b.WriteString(t)
		b.WriteByte(' ')
	}
	return collapseSpace(b.String()), true
}

// indent returns the columns of a line's leading spaces and tabs (a tab
// goes to the next multiple of 4, as CommonMark counts).
func indent(line string) int {
	col := 0
	for _, c := range []byte(line) {
		switch c {
		case ' ':
			col++
		case '\t':
			col += 4 - col%4
		default:
			return col
		}
	}
	return col
}

// atxHeading returns the text of an ATX heading line (indentation already
// trimmed) and whether it is one: one to six "#" then a space, a tab or
// nothing; an optional closing run of "#" after a space or tab is dropped.
func atxHeading(t string) (string, bool) {
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(t) && t[n] != ' ' && t[n] != '\t') {
		return "", false
	}
	c := strings.TrimRight(t[n:], " \t")
	j := len(c)
	for j > 0 && c[j-1] == '#' {
		j--
	}
	switch {
	case j == 0:
		c = ""
	case j < len(c) && (c[j-1] == ' ' || c[j-1] == '\t'):
		c = c[:j]
	}
	return strings.Trim(c, " \t"), true
}

// hasFold reports whether s holds sub (ASCII, lower case, starting with a
// letter) in any case.
func hasFold(s, sub string) bool {
	first := sub[:1] + strings.ToUpper(sub[:1])
	for i := 0; i+len(sub) <= len(s); i++ {
		j := strings.IndexAny(s[i:], first)
		if j < 0 || i+j+len(sub) > len(s) {
			return false
		}
		i += j
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
