package ingest

// Framing: splitting the input into records. JSON lines (one object per
// line), a JSON array of objects (streamed, never held whole in memory), or a
// stream of objects in a ".json" file without brackets.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// readByte reads one byte, keeping line and column up to date.
func (d *decoder) readByte() (byte, error) {
	b, err := d.br.ReadByte()
	if err != nil {
		return 0, err
	}
	if b == '\n' {
		d.line++
		d.col = 0
	} else if b&0xC0 != 0x80 {
		d.col++
	}
	return b, nil
}

// unreadByte puts back the last byte read, which must not be '\n'.
func (d *decoder) unreadByte(b byte) {
	_ = d.br.UnreadByte()
	if b&0xC0 != 0x80 {
		d.col--
	}
}

// skipSpace returns the next non-space byte (consumed).
func (d *decoder) skipSpace() (byte, error) {
	for {
		b, err := d.readByte()
		if err != nil || !isSpace(b) {
			return b, err
		}
	}
}

func (d *decoder) run() error {
	if p, _ := d.br.Peek(len(utf8BOM)); bytes.Equal(p, utf8BOM) {
		_, _ = d.br.Discard(len(utf8BOM))
	}
	b, err := d.skipSpace()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	d.unreadByte(b)
	switch {
	case b == '[':
		_, _ = d.readByte()
		return d.runArray()
	case strings.HasSuffix(strings.ToLower(d.name), ".json"):
		d.stream = true
		return d.runArray()
	default:
		return d.runLines()
	}
}

// ---- JSON lines ----

func (d *decoder) runLines() error {
	colBase := d.col // spaces skipped on the first line while sniffing
	for {
		lineNo := d.line
		data, tooLong, err := d.readLine()
		if err != nil && err != io.EOF {
			return err
		}
		if err == io.EOF && len(data) == 0 && !tooLong {
			return nil
		}
		d.line++
		base := colBase
		colBase = 0
		switch {
		case tooLong:
			d.rejectf(lineNo, "", "", reasonTooLarge)
		case len(bytes.TrimLeft(data, " \t\r")) == 0:
			// blank line
		default:
			d.record(data, lineNo, func(off int) string {
				return "colonne " + strconv.Itoa(base+utf8.RuneCount(data[:clamp(off, len(data))])+1)
			}, "la ligne se termine avant la fin de l’objet; chaque note doit tenir sur une seule ligne")
		}
		if d.stop != nil || err == io.EOF {
			return nil
		}
	}
}

// readLine reads one line without its end of line, keeping at most
// MaxRecordBytes+2 bytes of it in memory. tooLong reports a longer line.
func (d *decoder) readLine() (data []byte, tooLong bool, err error) {
	d.buf = d.buf[:0]
	for {
		chunk, err := d.br.ReadSlice('\n')
		if !tooLong {
			if len(d.buf)+len(chunk) > MaxRecordBytes+2 {
				tooLong = true
				d.buf = d.buf[:0]
			} else {
				d.buf = append(d.buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		data = bytes.TrimSuffix(d.buf, []byte{'\n'})
		data = bytes.TrimSuffix(data, []byte{'\r'})
		if len(data) > MaxRecordBytes {
			tooLong = true
		}
		return data, tooLong, err
	}
}

func clamp(i, n int) int {
	if i < 0 {
		return 0
	}
	if i > n {
		return n
	}
	return i
}

// ---- JSON array (or stream of objects) ----

func (d *decoder) runArray() error {
	afterElement := false
	elements := 0
	for {
		d.elem = 0 // problems of the array itself are not an element's
		b, err := d.skipSpace()
		if err == io.EOF {
			if !d.stream && !d.incomplete {
				d.rejectf(d.line, "", "", "tableau JSON non fermé : ajoutez un crochet fermant (]) à la fin du fichier")
			}
			return nil
		}
		if err != nil {
			return err
		}
		if b == ']' && !d.stream {
			return d.trailing()
		}
		if b == ',' {
			afterElement = false // extra commas are tolerated
			continue
		}
		elements++
		d.elem = elements
		if afterElement && !d.stream {
			d.rejectf(d.line, "", "", "virgule manquante entre deux éléments du tableau : ajoutez une virgule (,) avant cet élément")
		}
		d.unreadByte(b)
		if err := d.element(); err != nil {
			return err
		}
		if d.stop != nil || d.incomplete {
			return nil
		}
		afterElement = true
	}
}

// trailing checks that nothing but spaces follows the closing bracket.
func (d *decoder) trailing() error {
	b, err := d.skipSpace()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	d.unreadByte(b)
	d.rejectf(d.line, "", "", "contenu inattendu après la fin du tableau (]) : retirez-le ou placez-le dans le tableau")
	return nil
}

// element reads one array element (usually an object) and decodes it.
func (d *decoder) element() error {
	startLine, startCol := d.line, d.col
	d.buf = d.buf[:0]
	tooLong := false
	add := func(b byte) {
		if len(d.buf) < MaxRecordBytes {
			d.buf = append(d.buf, b)
		} else {
			tooLong = true
		}
	}
	first, err := d.readByte()
	if err != nil {
		return err
	}
	add(first)
	complete := true
	if first == '{' || first == '[' {
		stack := []byte{closerOf(first)}
		depth := 1
		inStr, esc := false, false
	scan:
		for depth > 0 {
			b, err := d.readByte()
			if err == io.EOF {
				complete = false
				break
			}
			if err != nil {
				return err
			}
			add(b)
			if inStr {
				switch {
				case esc:
					esc = false
				case b == '\\':
					esc = true
				case b == '"':
					inStr = false
				}
				continue
			}
			switch b {
			case '"':
				inStr = true
			case '{', '[':
				if depth < maxNesting {
					stack = append(stack, closerOf(b))
				}
				depth++
			case '}', ']':
				if depth <= maxNesting && stack[depth-1] != b {
					break scan // mismatched bracket: end here, the JSON error is reported below
				}
				depth--
				if depth < maxNesting {
					stack = stack[:depth]
				}
			}
		}
	} else {
		inStr, esc := first == '"', false
		for {
			b, err := d.readByte()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			if inStr {
				add(b)
				switch {
				case esc:
					esc = false
				case b == '\\':
					esc = true
				case b == '"':
					inStr = false
				}
				continue
			}
			if d.stream && b == '\n' {
				break
			}
			if b == ',' || b == '{' || b == '[' || (b == ']' && !d.stream) {
				d.unreadByte(b)
				break
			}
			add(b)
			if b == '"' {
				inStr = true
			}
		}
	}
	switch {
	case tooLong:
		d.rejectf(startLine, "", "", reasonTooLarge)
	case !complete:
		d.incomplete = true
		d.rejectf(startLine, "", "", "objet JSON incomplet : la fin du fichier arrive avant la fin de l’objet commencé à cette ligne; vérifiez les guillemets et les accolades")
	default:
		data := d.buf
		d.record(data, startLine, func(off int) string {
			off = clamp(off, len(data))
			line, col := startLine, startCol
			prefix := data[:off]
			if i := bytes.LastIndexByte(prefix, '\n'); i >= 0 {
				line += bytes.Count(prefix, []byte{'\n'})
				col = 0
				prefix = prefix[i+1:]
			}
			return fmt.Sprintf("ligne %d, colonne %d", line, col+utf8.RuneCount(prefix)+1)
		}, "l’élément se termine avant la fin de l’objet")
	}
	return nil
}

func closerOf(b byte) byte {
	if b == '{' {
		return '}'
	}
	return ']'
}
