package ingest

// Decoding of Praxis exports: the entry point and its types. The work is in
// three files: framing.go splits the input into records (JSON lines, a JSON
// array, or a stream of objects), fields.go decodes one record's fields from
// the one table that declares them, validate.go normalises and checks a note.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

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
	File string
	Line int
	// Element is the 1-based position of the record in a JSON array (or a
	// stream of objects), 0 for JSON lines and for problems of the array
	// itself. A one-line array has every element on line 1: the element
	// number is what tells them apart.
	Element int
	ID      string // when known
	Field   string // "" for whole-record problems (malformed JSON, invalid UTF-8)
	Reason  string // French, says what to do
}

// Error renders "file:line: field: reason", or "file:élément N (ligne L):
// field: reason" for an element of a JSON array; "field: " is omitted when
// Field is empty, and "file:line: " when neither is known.
func (r Rejection) Error() string {
	var b strings.Builder
	b.WriteString(r.File)
	switch {
	case r.Element > 0:
		// file:élément 3, and the line when it adds something.
		if b.Len() > 0 {
			b.WriteByte(':')
		}
		b.WriteString("élément ")
		b.WriteString(strconv.Itoa(r.Element))
		if r.Line > 1 {
			b.WriteString(" (ligne " + strconv.Itoa(r.Line) + ")")
		}
	case r.Line > 0:
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
		return fmt.Errorf("ingest : visibilité par défaut inconnue « %s »; utilisez public, community ou private", show(v))
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
	elem       int   // 1-based number of the array element being read; 0 outside elements
}

// ---- one record ----

const reasonTooLarge = "note trop volumineuse : l’enregistrement, tel qu’envoyé, dépasse 2 Mio; raccourcissez ses textes : le corps (body) ne doit pas dépasser 1 Mio; envoyez aussi les caractères accentués tels quels en UTF-8 plutôt qu’en échappements JSON (\\u00e9 prend 6 octets, é en prend 2)"

func (d *decoder) rejectf(line int, id, field, reason string) {
	d.reject(Rejection{File: d.name, Line: line, Element: d.elem, ID: id, Field: field, Reason: reason})
}

// record decodes and validates one JSON value. pos renders a byte offset of
// data as a position for messages; incomplete explains a truncated object.
func (d *decoder) record(data []byte, line int, pos func(off int) string, incomplete string) {
	rec, rej := decodeRecord(data, d.opts, pos, incomplete)
	if rej != nil {
		rej.File, rej.Line, rej.Element = d.name, line, d.elem
		d.reject(*rej)
		return
	}
	rec.Line = line
	if err := d.emit(rec); err != nil {
		d.stop = err
	}
}
