package ingest

// Field decoding: one JSON object becomes a store.Note or a deletion. The
// fields of the contract are declared once, in the fields table.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/schema"
	"github.com/encommun/trouvaille/store"
)

// fieldKind says how a field is decoded, normalised and checked.
type fieldKind int

const (
	kindText    fieldKind = iota // a string, trimmed
	kindBody                     // a Markdown string: indentation and line breaks kept
	kindList                     // a list of strings, trimmed, empty and repeated values dropped
	kindCarnets                  // a list of { "title": …, "bloc": … }
	kindDate                     // an RFC 3339 date or date-time, within store.MinDate–MaxDate
	kindFlag                     // a boolean; only "deleted", which is not part of a note
)

// field is one field of the ingest contract and where it lives in a store.Note.
type field struct {
	name string
	kind fieldKind
	text func(*store.Note) *string     // kindText, kindBody
	list func(*store.Note) *[]string   // kindList
	date func(*store.Note) **time.Time // kindDate
}

// fields declares the ingest contract (README, « Format des notes »), in the
// order fields are decoded and checked. Everything else (the accepted names,
// the suggestions for a misspelt name, decoding, normalisation and the text
// checks) is derived from it; a test checks that store.Note encodes to the
// same fields, so that Export writes the ingest format.
var fields = [...]field{
	{name: "id", kind: kindText, text: func(n *store.Note) *string { return &n.ID }},
	{name: "type", kind: kindText, text: func(n *store.Note) *string { return &n.Type }},
	{name: "title", kind: kindText, text: func(n *store.Note) *string { return &n.Title }},
	{name: "summary", kind: kindText, text: func(n *store.Note) *string { return &n.Summary }},
	{name: "body", kind: kindBody, text: func(n *store.Note) *string { return &n.Body }},
	{name: "authors", kind: kindList, list: func(n *store.Note) *[]string { return &n.Authors }},
	{name: "curator", kind: kindText, text: func(n *store.Note) *string { return &n.Curator }},
	{name: "organisations", kind: kindList, list: func(n *store.Note) *[]string { return &n.Organisations }},
	{name: "terms", kind: kindList, list: func(n *store.Note) *[]string { return &n.Terms }},
	{name: "carnets", kind: kindCarnets},
	{name: "community", kind: kindText, text: func(n *store.Note) *string { return &n.Community }},
	{name: "links", kind: kindList, list: func(n *store.Note) *[]string { return &n.Links }},
	{name: "published_at", kind: kindDate, date: func(n *store.Note) **time.Time { return &n.PublishedAt }},
	{name: "updated_at", kind: kindDate, date: func(n *store.Note) **time.Time { return &n.UpdatedAt }},
	{name: "visibility", kind: kindText, text: func(n *store.Note) *string { return &n.Visibility }},
	{name: "url", kind: kindText, text: func(n *store.Note) *string { return &n.URL }},
	{name: "readers", kind: kindList, list: func(n *store.Note) *[]string { return &n.Readers }},
	{name: "deleted", kind: kindFlag},
}

// fieldNames lists the names of the contract's fields, in order.
func fieldNames() []string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return names
}

// knownField reports whether name is a field of the contract.
func knownField(name string) bool {
	for _, f := range fields {
		if f.name == name {
			return true
		}
	}
	return false
}

type member struct {
	key string
	raw json.RawMessage
}

var errSyntax = errors.New("not a single JSON object")

// members lists the members of a JSON object, in order, checking its syntax
// (nothing but spaces may follow it).
func members(data []byte) ([]member, error) {
	if ms, ok := scanMembers(data); ok {
		return ms, nil
	}
	return membersJSON(data)
}

// membersJSON is members through encoding/json's tokenizer.
func membersJSON(data []byte) ([]member, error) {
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
		if !knownField(m.key) {
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

	n := &store.Note{}
	for _, f := range fields {
		switch f.kind {
		case kindText:
			*f.text(n) = b.text(f.name)
		case kindBody:
			*f.text(n) = b.body(f.name)
		case kindList:
			*f.list(n) = b.list(f.name)
		case kindCarnets:
			n.Carnets = b.carnets(f.name)
		case kindDate:
			*f.date(n) = b.date(f.name)
		}
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
	if strings.Contains(se.Error(), "exceeded max depth") {
		return fmt.Sprintf("JSON trop imbriqué (%s) : une note ne contient que des textes, des listes et des carnets; retirez les crochets ou accolades en trop", pos(off))
	}
	what := "fin de l’enregistrement"
	if off < len(data) {
		r, _ := utf8.DecodeRune(data[off:])
		if unicode.IsGraphic(r) && r != ' ' {
			what = "caractère inattendu « " + string(r) + " »"
		} else {
			what = fmt.Sprintf("caractère inattendu U+%04X", r)
		}
	}
	return fmt.Sprintf("JSON mal formé : %s (%s); vérifiez les guillemets, les virgules et les accolades", what, pos(off))
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
		b.WriteString("; retirez-le ou corrigez son nom")
	} else {
		b.WriteString("champs inconnus : " + strings.Join(quoted, ", ") + "; retirez-les ou corrigez leur nom")
	}
	b.WriteString(" (champs acceptés : " + strings.Join(fieldNames(), ", ") + ")")
	return b.String()
}

// suggest returns the known field closest to name, if close enough.
func suggest(name string) string {
	if len(name) > 40 {
		return ""
	}
	return analysis.Closest(strings.ToLower(name), fieldNames(), 2)
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
	if esc, lone := loneSurrogate(raw); lone {
		// encoding/json would store U+FFFD in its place: a character
		// silently lost, as invalid UTF-8 would be (which is refused).
		b.fail(field, fmt.Sprintf("moitié de caractère isolée %s (souvent un émoji coupé en deux) : envoyez le caractère entier, ou retirez-le", esc))
		return "", false
	}
	return s, true
}

// loneSurrogate finds, in a JSON string literal, a \u escape of a UTF-16
// surrogate that is not one half of a pair (\ud83d alone, or \ude00 first),
// and returns it as written.
func loneSurrogate(raw []byte) (string, bool) {
	if bytes.IndexByte(raw, '\\') < 0 {
		return "", false // most strings: no escape at all
	}
	for i := 0; i+1 < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if raw[i+1] != 'u' {
			i++ // \", \\, \n…: the escaped character is not a backslash
			continue
		}
		r, ok := hex4(raw[i+2:])
		if !ok || !utf16.IsSurrogate(r) {
			i += 5
			continue
		}
		esc := string(raw[i : i+6])
		n := i + 6
		if r < 0xdc00 && len(raw) >= n+6 && raw[n] == '\\' && raw[n+1] == 'u' {
			if r2, ok := hex4(raw[n+2:]); ok && r2 >= 0xdc00 && r2 <= 0xdfff {
				i = n + 5 // a pair: one character
				continue
			}
		}
		return esc, true
	}
	return "", false
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

func (b *builder) elements(field, want string) [][]byte {
	raw := b.raw(field)
	if raw == nil {
		return nil
	}
	if raw[0] != '[' {
		b.typeError(field, want, raw)
		return nil
	}
	if elems, ok := scanElements(raw); ok {
		return elems
	}
	var elems []json.RawMessage
	if json.Unmarshal(raw, &elems) != nil {
		b.typeError(field, want, raw)
		return nil
	}
	out := make([][]byte, len(elems))
	for i, e := range elems {
		out[i] = e
	}
	return out
}

// list returns the normalised, non-empty, distinct strings of field.
func (b *builder) list(field string) []string {
	elems := b.elements(field, "une liste de chaînes de caractères")
	var out []string
	for i, e := range elems {
		if len(e) == 0 || string(e) == "null" {
			continue
		}
		s, ok := unquote(e)
		if _, lone := loneSurrogate(e); !ok || lone {
			// The element's name is built for the error only.
			b.decodeString(elemName(field, i, ""), e)
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
		name := func() string { return elemName(field, i, "") } // for errors only
		if len(e) == 0 || e[0] != '{' {
			b.typeError(name(), "un objet { \"title\": …, \"bloc\": … }", e)
			return nil
		}
		ms, err := members(e)
		if err != nil {
			b.typeError(name(), "un objet { \"title\": …, \"bloc\": … }", e)
			return nil
		}
		var c store.Carnet
		seen := map[string]bool{}
		for _, m := range ms {
			switch m.key {
			case "title", "bloc":
				if seen[m.key] {
					b.fail(name()+"."+m.key, fmt.Sprintf("champ en double : gardez une seule valeur pour « %s »", m.key))
					return nil
				}
				seen[m.key] = true
				if len(m.raw) == 0 || string(m.raw) == "null" {
					continue
				}
				s, ok := b.decodeString(name()+"."+m.key, m.raw)
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
					b.fail(name(), fmt.Sprintf("champ inconnu dans un carnet : « %s »; seuls title et bloc sont acceptés", show(m.key)))
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
	t, _, err := schema.ParseDate(s)
	switch {
	case errors.Is(err, schema.ErrDateNoZone):
		return time.Time{}, fmt.Sprintf("fuseau horaire manquant dans « %s » : ajoutez Z (UTC) ou un décalage comme -04:00", show(s))
	case errors.Is(err, schema.ErrDateOffset):
		return time.Time{}, fmt.Sprintf("décalage horaire impossible dans « %s » : ses heures vont de 00 à 23 et ses minutes de 00 à 59 (par exemple -04:00 ou -05:00)", show(s))
	case err != nil:
		return time.Time{}, fmt.Sprintf("date invalide « %s » : utilisez le format RFC 3339, par exemple 2024-05-02 ou 2024-05-02T14:30:00-04:00", show(s))
	}
	if !store.DateInRange(t) {
		return time.Time{}, dateRangeReason(s, t)
	}
	// Dates are kept to the second: the index orders and filters them
	// so, and what is shown must be what is sorted.
	return t.Truncate(time.Second), ""
}
