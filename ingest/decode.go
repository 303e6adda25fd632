package ingest

// Decoding and validation of Praxis exports (JSON lines or a JSON array of
// objects): each record becomes a store.Note or a deletion.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/store"
)

// Limits of the ingest contract.
const (
	MaxIDLen       = 128     // bytes (ids are ASCII)
	MaxTitleRunes  = 500     // characters, not bytes
	MaxBodyBytes   = 1 << 20 // 1 MiB, after normalisation
	MaxRecordBytes = 2 << 20 // one line (or one array element) of the input
)

// maxNesting bounds the bracket stack kept while splitting a JSON array.
const maxNesting = 10000

// Options tune Decode.
type Options struct {
	// DefaultVisibility is used for records without "visibility".
	// "" means the field is required.
	DefaultVisibility string
	// IgnoreUnknown silently skips unknown fields instead of rejecting the record.
	IgnoreUnknown bool
}

// Record is one decoded line: either a valid note to store, or a deletion.
type Record struct {
	Line    int
	Note    *store.Note // nil when Deleted
	ID      string
	Deleted bool
}

// ErrRejected matches every Rejection with errors.Is.
var ErrRejected = errors.New("ingest : note refusée")

// Rejection says why one record was refused, in French.
type Rejection struct {
	File   string
	Line   int
	ID     string // when known
	Field  string // "" for whole-record problems (malformed JSON, invalid UTF-8)
	Reason string // French, says what to do
}

// Error renders "file:line: field: reason"; "field: " is omitted when Field
// is empty, and "file:line: " when neither is known.
func (r Rejection) Error() string {
	var b strings.Builder
	b.WriteString(r.File)
	if r.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(r.Line))
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if r.Field != "" {
		b.WriteString(r.Field)
		b.WriteString(": ")
	}
	b.WriteString(r.Reason)
	return b.String()
}

// Is makes errors.Is(r, ErrRejected) true.
func (r Rejection) Is(target error) bool { return target == ErrRejected }

// Decode reads all records of r. name is the file name, used in rejections.
// The format is sniffed: if the first non-space byte is '[' the input is a
// JSON array of objects (record lines are those where each object starts);
// otherwise a ".json" file is read as a stream of JSON objects (pretty-printed
// or not) and any other file as JSON lines (one object per line).
//
// Decode calls emit for each valid record and reject for each rejected one,
// in file order; either may be nil. It returns an error only for I/O
// failures, for an error returned by emit (returned as is, decoding stops)
// or for an invalid opts.DefaultVisibility.
func Decode(r io.Reader, name string, opts Options, emit func(Record) error, reject func(Rejection)) error {
	if v := opts.DefaultVisibility; v != "" && !validVisibility(v) {
		return fmt.Errorf("ingest : visibilité par défaut inconnue « %s » ; utilisez public, community ou private", show(v))
	}
	if emit == nil {
		emit = func(Record) error { return nil }
	}
	if reject == nil {
		reject = func(Rejection) {}
	}
	d := &decoder{
		br:     bufio.NewReaderSize(r, 64<<10),
		name:   name,
		opts:   opts,
		emit:   emit,
		reject: reject,
		line:   1,
	}
	err := d.run()
	if d.stop != nil {
		return d.stop
	}
	if err != nil {
		return fmt.Errorf("lecture de %s : %w", name, err)
	}
	return nil
}

type decoder struct {
	br     *bufio.Reader
	name   string
	opts   Options
	emit   func(Record) error
	reject func(Rejection)

	line int // line number of the next byte to read (1-based)
	col  int // characters already read on that line (byte-level reads only)
	buf  []byte

	stream     bool  // array-like splitting without brackets (".json" not starting with '[')
	incomplete bool  // an element ran into EOF (already reported)
	stop       error // error returned by emit
}

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
			}, "la ligne se termine avant la fin de l’objet ; chaque note doit tenir sur une seule ligne")
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
	for {
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
		d.rejectf(startLine, "", "", "objet JSON incomplet : la fin du fichier arrive avant la fin de l’objet commencé à cette ligne ; vérifiez les guillemets et les accolades")
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

// ---- one record ----

const reasonTooLarge = "note trop volumineuse : un enregistrement ne doit pas dépasser 2 Mio ; réduisez le corps (body) à 1 Mio au plus"

func (d *decoder) rejectf(line int, id, field, reason string) {
	d.reject(Rejection{File: d.name, Line: line, ID: id, Field: field, Reason: reason})
}

// record decodes and validates one JSON value. pos renders a byte offset of
// data as a position for messages; incomplete explains a truncated object.
func (d *decoder) record(data []byte, line int, pos func(off int) string, incomplete string) {
	rec, rej := decodeRecord(data, d.opts, pos, incomplete)
	if rej != nil {
		rej.File, rej.Line = d.name, line
		d.reject(*rej)
		return
	}
	rec.Line = line
	if err := d.emit(rec); err != nil {
		d.stop = err
	}
}

// Field names of the contract, in the order they are checked.
var knownFields = map[string]bool{
	"id": true, "type": true, "title": true, "summary": true, "body": true,
	"authors": true, "curator": true, "organisations": true, "terms": true,
	"carnets": true, "community": true, "links": true, "published_at": true,
	"updated_at": true, "visibility": true, "url": true, "deleted": true,
}

var fieldList = []string{
	"id", "type", "title", "summary", "body", "authors", "curator", "organisations",
	"terms", "carnets", "community", "links", "published_at", "updated_at",
	"visibility", "url", "deleted",
}

type member struct {
	key string
	raw json.RawMessage
}

var errSyntax = errors.New("not a single JSON object")

// members lists the members of a JSON object, in order, checking its syntax
// (nothing but spaces may follow it).
func members(data []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errSyntax
	}
	var out []member
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := t.(string)
		if !ok {
			return nil, errSyntax
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		out = append(out, member{key, raw})
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return nil, errSyntax
	}
	if off := dec.InputOffset(); len(bytes.TrimLeft(data[off:], " \t\r\n")) != 0 {
		return nil, errSyntax
	}
	return out, nil
}

func decodeRecord(data []byte, opts Options, pos func(int) string, incomplete string) (Record, *Rejection) {
	if !utf8.Valid(data) {
		off := firstInvalidUTF8(data)
		return Record{}, &Rejection{Reason: fmt.Sprintf("encodage UTF-8 invalide (octet 0x%02X, %s) : enregistrez le fichier en UTF-8", data[off], pos(off))}
	}
	ms, err := members(data)
	if err != nil {
		// Find out why with the stricter checker, which also gives the offset.
		if err := json.Unmarshal(data, new(json.RawMessage)); err != nil {
			return Record{}, &Rejection{Reason: syntaxReason(err, data, pos, incomplete)}
		}
		if t := bytes.TrimLeft(data, " \t\r\n"); len(t) == 0 || t[0] != '{' {
			return Record{}, &Rejection{Reason: "cet enregistrement n’est pas un objet JSON : chaque note doit être un objet { … }"}
		}
		return Record{}, &Rejection{Reason: "JSON illisible : vérifiez la syntaxe de l’objet"}
	}

	vals := make(map[string]json.RawMessage, len(ms))
	var unknown []string
	var dup string
	for _, m := range ms {
		if !knownFields[m.key] {
			if !opts.IgnoreUnknown && !contains(unknown, m.key) {
				unknown = append(unknown, m.key)
			}
			continue
		}
		if _, ok := vals[m.key]; ok && dup == "" {
			dup = m.key
		}
		vals[m.key] = m.raw
	}

	b := &builder{vals: vals, opts: opts}
	// The id is read first so that every later rejection can name it.
	id := b.text("id")
	if b.rej == nil && validID(id) {
		b.id = id
	}
	b.rej = nil
	switch {
	case dup != "":
		b.fail(dup, fmt.Sprintf("champ en double : gardez une seule valeur pour « %s »", show(dup)))
	case len(unknown) > 0:
		b.fail(unknown[0], unknownReason(unknown))
	}
	if b.rej != nil {
		b.rej.ID = b.id
		return Record{}, b.rej
	}
	id = b.text("id")
	if b.rej == nil {
		if r := checkID("id", id, "identifiant"); r != nil {
			b.rej = r
		}
	}
	deleted := b.boolean("deleted")
	if b.rej != nil {
		b.rej.ID = b.id
		return Record{}, b.rej
	}
	if deleted {
		// Only the id matters for a deletion; other known fields are ignored.
		return Record{ID: id, Deleted: true}, nil
	}

	n := &store.Note{
		ID:            id,
		Type:          b.text("type"),
		Title:         b.text("title"),
		Summary:       b.text("summary"),
		Body:          b.body("body"),
		Authors:       b.list("authors"),
		Curator:       b.text("curator"),
		Organisations: b.list("organisations"),
		Terms:         b.list("terms"),
		Carnets:       b.carnets("carnets"),
		Community:     b.text("community"),
		Links:         b.list("links"),
		PublishedAt:   b.date("published_at"),
		UpdatedAt:     b.date("updated_at"),
		Visibility:    b.text("visibility"),
		URL:           b.text("url"),
	}
	if b.rej != nil {
		b.rej.ID = b.id
		return Record{}, b.rej
	}
	if n.Type == "" {
		n.Type = store.TypeNote
	}
	if n.Visibility == "" {
		n.Visibility = opts.DefaultVisibility
	}
	if r := validate(n); r != nil {
		r.ID = b.id
		return Record{}, r
	}
	n.Carnets = dedupCarnets(n.Carnets)
	return Record{ID: id, Note: n}, nil
}

func syntaxReason(err error, data []byte, pos func(int) string, incomplete string) string {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return "JSON illisible : vérifiez la syntaxe de l’objet"
	}
	if strings.HasPrefix(se.Error(), "unexpected end") {
		return "JSON incomplet : " + incomplete
	}
	off := clamp(int(se.Offset)-1, len(data))
	what := "fin de l’enregistrement"
	if off < len(data) {
		r, _ := utf8.DecodeRune(data[off:])
		if unicode.IsGraphic(r) && r != ' ' {
			what = "caractère inattendu « " + string(r) + " »"
		} else {
			what = fmt.Sprintf("caractère inattendu U+%04X", r)
		}
	}
	return fmt.Sprintf("JSON mal formé : %s (%s) ; vérifiez les guillemets, les virgules et les accolades", what, pos(off))
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return 0
}

func unknownReason(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "« " + show(n) + " »"
	}
	var b strings.Builder
	if len(names) == 1 {
		b.WriteString("champ inconnu : " + quoted[0])
		if s := suggest(names[0]); s != "" {
			b.WriteString(" (vouliez-vous dire « " + s + " » ?)")
		}
		b.WriteString(" ; retirez-le ou corrigez son nom")
	} else {
		b.WriteString("champs inconnus : " + strings.Join(quoted, ", ") + " ; retirez-les ou corrigez leur nom")
	}
	b.WriteString(" (champs acceptés : " + strings.Join(fieldList, ", ") + ")")
	return b.String()
}

// suggest returns the known field closest to name, if close enough.
func suggest(name string) string {
	if len(name) > 40 {
		return ""
	}
	return analysis.Closest(strings.ToLower(name), fieldList, 2)
}

// builder decodes the fields of one record, stopping at the first problem.
type builder struct {
	vals map[string]json.RawMessage
	opts Options
	id   string
	rej  *Rejection
}

func (b *builder) fail(field, reason string) {
	if b.rej == nil {
		b.rej = &Rejection{Field: field, Reason: reason}
	}
}

// raw returns the raw value of field, or nil when absent or null.
func (b *builder) raw(field string) json.RawMessage {
	if b.rej != nil {
		return nil
	}
	v := b.vals[field]
	if len(v) == 0 || string(v) == "null" {
		return nil
	}
	return v
}

func kindOf(raw []byte) string {
	switch raw[0] {
	case '"':
		return "une chaîne de caractères"
	case '{':
		return "un objet"
	case '[':
		return "une liste"
	case 't', 'f':
		return "un booléen"
	case 'n':
		return "null"
	default:
		return "un nombre"
	}
}

func (b *builder) typeError(field, want string, raw []byte) {
	b.fail(field, fmt.Sprintf("type incorrect : attendu %s, reçu %s", want, kindOf(raw)))
}

// decodeString decodes a JSON string; ok is false (and an error recorded) otherwise.
func (b *builder) decodeString(field string, raw []byte) (string, bool) {
	if raw[0] != '"' {
		b.typeError(field, "une chaîne de caractères", raw)
		return "", false
	}
	s, ok := unquote(raw)
	if !ok {
		b.typeError(field, "une chaîne de caractères", raw)
		return "", false
	}
	return s, true
}

// unquote decodes a JSON string literal already checked by the JSON
// scanner, like encoding/json does (invalid surrogates become U+FFFD),
// without scanning it again.
func unquote(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	raw = raw[1 : len(raw)-1]
	i := bytes.IndexByte(raw, '\\')
	if i < 0 {
		return string(raw), true
	}
	out := make([]byte, 0, len(raw))
	for i >= 0 {
		out = append(out, raw[:i]...)
		if i+1 >= len(raw) {
			return "", false
		}
		switch c := raw[i+1]; c {
		case '"', '\\', '/':
			out = append(out, c)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(raw[i+2:])
			if !ok {
				return "", false
			}
			n := i + 6
			if utf16.IsSurrogate(r) {
				r2, ok := rune(-1), false
				if len(raw) >= n+6 && raw[n] == '\\' && raw[n+1] == 'u' {
					r2, ok = hex4(raw[n+2:])
				}
				if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
					r = dec
					n += 6
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
			raw = raw[n:]
			i = bytes.IndexByte(raw, '\\')
			continue
		default:
			return "", false
		}
		raw = raw[i+2:]
		i = bytes.IndexByte(raw, '\\')
	}
	out = append(out, raw...)
	return string(out), true
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// text returns the normalised string value of field ("" when absent).
func (b *builder) text(field string) string {
	raw := b.raw(field)
	if raw == nil {
		return ""
	}
	s, _ := b.decodeString(field, raw)
	return normText(s)
}

func (b *builder) body(field string) string {
	raw := b.raw(field)
	if raw == nil {
		return ""
	}
	s, _ := b.decodeString(field, raw)
	return normBody(s)
}

func (b *builder) boolean(field string) bool {
	raw := b.raw(field)
	if raw == nil {
		return false
	}
	switch string(raw) {
	case "true":
		return true
	case "false":
		return false
	}
	b.typeError(field, "un booléen (true ou false)", raw)
	return false
}

func (b *builder) elements(field, want string) []json.RawMessage {
	raw := b.raw(field)
	if raw == nil {
		return nil
	}
	var elems []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &elems) != nil {
		b.typeError(field, want, raw)
		return nil
	}
	return elems
}

// list returns the normalised, non-empty, distinct strings of field.
func (b *builder) list(field string) []string {
	elems := b.elements(field, "une liste de chaînes de caractères")
	var out []string
	for i, e := range elems {
		if len(e) == 0 || string(e) == "null" {
			continue
		}
		s, ok := b.decodeString(fmt.Sprintf("%s[%d]", field, i), e)
		if !ok {
			return nil
		}
		out = append(out, s)
	}
	return normList(out)
}

func (b *builder) carnets(field string) []store.Carnet {
	elems := b.elements(field, "une liste d’objets { \"title\": …, \"bloc\": … }")
	var out []store.Carnet
	for i, e := range elems {
		name := fmt.Sprintf("%s[%d]", field, i)
		if len(e) == 0 || e[0] != '{' {
			b.typeError(name, "un objet { \"title\": …, \"bloc\": … }", e)
			return nil
		}
		ms, err := members(e)
		if err != nil {
			b.typeError(name, "un objet { \"title\": …, \"bloc\": … }", e)
			return nil
		}
		var c store.Carnet
		seen := map[string]bool{}
		for _, m := range ms {
			switch m.key {
			case "title", "bloc":
				if seen[m.key] {
					b.fail(name+"."+m.key, fmt.Sprintf("champ en double : gardez une seule valeur pour « %s »", m.key))
					return nil
				}
				seen[m.key] = true
				if len(m.raw) == 0 || string(m.raw) == "null" {
					continue
				}
				s, ok := b.decodeString(name+"."+m.key, m.raw)
				if !ok {
					return nil
				}
				if m.key == "title" {
					c.Title = normText(s)
				} else {
					c.Bloc = normText(s)
				}
			default:
				if !b.opts.IgnoreUnknown {
					b.fail(name, fmt.Sprintf("champ inconnu dans un carnet : « %s » ; seuls title et bloc sont acceptés", show(m.key)))
					return nil
				}
			}
		}
		out = append(out, c)
	}
	return out
}

func (b *builder) date(field string) *time.Time {
	raw := b.raw(field)
	if raw == nil {
		return nil
	}
	s, ok := b.decodeString(field, raw)
	if !ok {
		return nil
	}
	s = normText(s)
	if s == "" {
		return nil
	}
	t, reason := parseDate(s)
	if reason != "" {
		b.fail(field, reason)
		return nil
	}
	return &t
}

func parseDate(s string) (time.Time, string) {
	var t time.Time
	var err error
	if len(s) == len("2006-01-02") {
		t, err = time.Parse(time.DateOnly, s)
	} else {
		t, err = time.Parse(time.RFC3339, s)
		if err != nil {
			if _, err2 := time.Parse("2006-01-02T15:04:05", s); err2 == nil {
				return time.Time{}, fmt.Sprintf("fuseau horaire manquant dans « %s » : ajoutez Z (UTC) ou un décalage comme -04:00", show(s))
			}
		}
	}
	if err != nil {
		return time.Time{}, fmt.Sprintf("date invalide « %s » : utilisez le format RFC 3339, par exemple 2024-05-02 ou 2024-05-02T14:30:00-04:00", show(s))
	}
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return time.Time{}, fmt.Sprintf("date hors limites « %s » : l’année doit être comprise entre 0 et 9999", show(s))
	}
	return t, ""
}

// ---- normalisation ----

// normText normalises s to NFC and trims surrounding white space.
func normText(s string) string {
	return strings.TrimSpace(norm.NFC.String(s))
}

// normBody normalises a Markdown body to NFC, drops leading blank lines and
// trailing white space but keeps the indentation of its first line
// (significant in Markdown).
func normBody(s string) string {
	s = strings.TrimRightFunc(norm.NFC.String(s), unicode.IsSpace)
	lead := len(s) - len(strings.TrimLeftFunc(s, unicode.IsSpace))
	if i := strings.LastIndexByte(s[:lead], '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// normList normalises, trims and drops empty and repeated values, keeping order.
func normList(in []string) []string {
	var out []string
	for _, s := range in {
		s = normText(s)
		if s != "" && !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func dedupCarnets(in []store.Carnet) []store.Carnet {
	var out []store.Carnet
	for _, c := range in {
		dup := false
		for _, o := range out {
			if o == c {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, c)
		}
	}
	return out
}

// NormalizeNote applies to n the normalisation Decode applies to its input:
// Unicode NFC, trimming, empty and repeated list values dropped, dates in
// UTC, default type. It does not validate (see ValidateNote).
func NormalizeNote(n *store.Note) {
	n.ID = normText(n.ID)
	n.Type = normText(n.Type)
	if n.Type == "" {
		n.Type = store.TypeNote
	}
	n.Title = normText(n.Title)
	n.Summary = normText(n.Summary)
	n.Body = normBody(n.Body)
	n.Authors = normList(n.Authors)
	n.Curator = normText(n.Curator)
	n.Organisations = normList(n.Organisations)
	n.Terms = normList(n.Terms)
	for i := range n.Carnets {
		n.Carnets[i].Title = normText(n.Carnets[i].Title)
		n.Carnets[i].Bloc = normText(n.Carnets[i].Bloc)
	}
	n.Carnets = dedupCarnets(n.Carnets)
	n.Community = normText(n.Community)
	n.Links = normList(n.Links)
	for _, t := range []*time.Time{n.PublishedAt, n.UpdatedAt} {
		if t != nil {
			*t = t.UTC()
		}
	}
	n.Visibility = normText(n.Visibility)
	n.URL = normText(n.URL)
}

// ---- validation ----

// ValidateNote validates an already-built (and normalised, see
// NormalizeNote) note. It returns the first problem as a Rejection (without
// File and Line), or nil.
func ValidateNote(n *store.Note) error {
	if n == nil {
		return Rejection{Reason: "note absente"}
	}
	if r := validate(n); r != nil {
		if validID(n.ID) {
			r.ID = n.ID
		}
		return *r
	}
	return nil
}

func validID(id string) bool {
	if len(id) == 0 || len(id) > MaxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// checkID checks an id; what names it in messages.
func checkID(field, id, what string) *Rejection {
	switch {
	case id == "" && field == "id":
		return &Rejection{Field: field, Reason: "champ obligatoire manquant : ajoutez un identifiant (id)"}
	case utf8.RuneCountInString(id) > MaxIDLen:
		return &Rejection{Field: field, Reason: fmt.Sprintf("%s trop long (%d caractères) : %d caractères au plus", what, utf8.RuneCountInString(id), MaxIDLen)}
	case !validID(id):
		return &Rejection{Field: field, Reason: fmt.Sprintf("%s invalide « %s » : utilisez de 1 à %d caractères parmi A-Z, a-z, 0-9, _ et -", what, show(id), MaxIDLen)}
	}
	return nil
}

func validVisibility(v string) bool {
	return v == store.VisibilityPublic || v == store.VisibilityCommunity || v == store.VisibilityPrivate
}

// validate checks a normalised note and returns its first problem.
func validate(n *store.Note) *Rejection {
	bad := func(field, reason string) *Rejection { return &Rejection{Field: field, Reason: reason} }
	if r := checkID("id", n.ID, "identifiant"); r != nil {
		return r
	}
	for _, f := range []struct{ name, value string }{
		{"type", n.Type}, {"title", n.Title}, {"summary", n.Summary}, {"body", n.Body},
		{"curator", n.Curator}, {"community", n.Community}, {"visibility", n.Visibility}, {"url", n.URL},
	} {
		if !utf8.ValidString(f.value) {
			return bad(f.name, "encodage UTF-8 invalide : corrigez le texte")
		}
	}
	for _, f := range []struct {
		name   string
		values []string
	}{{"authors", n.Authors}, {"organisations", n.Organisations}, {"terms", n.Terms}, {"links", n.Links}} {
		for i, v := range f.values {
			if !utf8.ValidString(v) {
				return bad(fmt.Sprintf("%s[%d]", f.name, i), "encodage UTF-8 invalide : corrigez le texte")
			}
		}
	}
	switch n.Type {
	case store.TypeNote, store.TypeTerme, store.TypeOrganisation:
	case "":
		return bad("type", "type manquant : utilisez note, terme ou organisation")
	default:
		return bad("type", fmt.Sprintf("type inconnu « %s » : utilisez note, terme ou organisation", show(n.Type)))
	}
	if n.Title == "" {
		return bad("title", "champ obligatoire manquant : ajoutez un titre (title)")
	}
	if c := utf8.RuneCountInString(n.Title); c > MaxTitleRunes {
		return bad("title", fmt.Sprintf("titre trop long (%s caractères) : raccourcissez-le à %d caractères au plus", frenchInt(int64(c)), MaxTitleRunes))
	}
	if len(n.Body) > MaxBodyBytes {
		return bad("body", fmt.Sprintf("corps trop volumineux (%s octets) : réduisez-le à 1 Mio (%s octets) au plus", frenchInt(int64(len(n.Body))), frenchInt(MaxBodyBytes)))
	}
	for i, c := range n.Carnets {
		name := fmt.Sprintf("carnets[%d]", i)
		if !utf8.ValidString(c.Title) || !utf8.ValidString(c.Bloc) {
			return bad(name, "encodage UTF-8 invalide : corrigez le texte")
		}
		if c.Title == "" {
			return bad(name+".title", "titre de carnet manquant : ajoutez un titre (title) à chaque carnet")
		}
	}
	for i, l := range n.Links {
		if r := checkID(fmt.Sprintf("links[%d]", i), l, "identifiant de note liée"); r != nil {
			return r
		}
	}
	for _, d := range []struct {
		name string
		t    *time.Time
	}{{"published_at", n.PublishedAt}, {"updated_at", n.UpdatedAt}} {
		if d.t != nil {
			if y := d.t.Year(); y < 0 || y > 9999 {
				return bad(d.name, "date hors limites : l’année doit être comprise entre 0 et 9999")
			}
		}
	}
	switch {
	case n.Visibility == "":
		return bad("visibility", "champ obligatoire manquant : précisez la visibilité (visibility), soit public, community ou private")
	case !validVisibility(n.Visibility):
		return bad("visibility", fmt.Sprintf("visibilité inconnue « %s » : utilisez public, community ou private", show(n.Visibility)))
	}
	if n.URL != "" && !validURL(n.URL) {
		return bad("url", fmt.Sprintf("adresse invalide « %s » : donnez une adresse web complète qui commence par http:// ou https://", show(n.URL)))
	}
	return nil
}

func validURL(s string) bool {
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || u.Host == "" {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return scheme == "http" || scheme == "https"
}

// show prepares a user value for a message: shortened, without control characters.
func show(s string) string {
	const max = 40
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == max {
			b.WriteString("…")
			break
		}
		if !unicode.IsGraphic(r) {
			r = '\uFFFD'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
