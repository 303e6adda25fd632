package ingest

// Normalisation and validation of a note, whether decoded from a file or
// built by a caller (NormalizeNote, ValidateNote).

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/encommun/trouvaille/store"
)

// ---- normalisation ----

// normText normalises s to NFC and trims surrounding white space.
func normText(s string) string {
	return strings.TrimSpace(norm.NFC.String(s))
}

// seeable says whether s has a character one can see: not only spaces,
// control and format characters (zero-width space, soft hyphen) and
// combining marks. Such a title shows as nothing, and sorts as nothing.
func seeable(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return !unicode.IsSpace(r) && !unicode.IsControl(r) && !unicode.Is(unicode.Cf, r) && !unicode.Is(unicode.Mn, r)
	}) >= 0
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

// normList normalises, trims and drops empty and repeated values, keeping
// order.
func normList(in []string) []string {
	var out []string
	d := newDedup[string](len(in))
	for _, s := range in {
		if s = normText(s); s != "" && d.first(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// dedupCarnets drops the repeated carnets, keeping order.
func dedupCarnets(in []store.Carnet) []store.Carnet {
	var out []store.Carnet
	d := newDedup[store.Carnet](len(in))
	for _, c := range in {
		if d.first(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// dedupSet is the size from which a list's repeated values are told by a
// set: below it, a scan of the values kept costs less than the set (most
// lists hold a few values, and every note has several); above it, the scan
// is quadratic, and a record may hold a list of hundreds of thousands of
// values (2 Mio), which a scan took minutes to clean.
const dedupSet = 32

// dedup tells a list's values already kept.
type dedup[T comparable] struct{ seen map[T]bool }

func newDedup[T comparable](n int) dedup[T] {
	if n < dedupSet {
		return dedup[T]{}
	}
	return dedup[T]{seen: make(map[T]bool, n)}
}

// first reports whether v is not among kept (the values kept so far), and
// remembers it when it is not.
func (d dedup[T]) first(kept []T, v T) bool {
	if d.seen == nil {
		return !slices.Contains(kept, v)
	}
	if d.seen[v] {
		return false
	}
	d.seen[v] = true
	return true
}

// NormalizeNote applies to n the normalisation Decode applies to its input:
// Unicode NFC, trimming, empty and repeated list values dropped, dates in
// UTC, default type. It does not validate (see ValidateNote).
func NormalizeNote(n *store.Note) {
	for _, f := range fields {
		switch f.kind {
		case kindText:
			p := f.text(n)
			*p = normText(*p)
		case kindBody:
			p := f.text(n)
			*p = normBody(*p)
		case kindList:
			p := f.list(n)
			*p = normList(*p)
		case kindCarnets:
			for i := range n.Carnets {
				n.Carnets[i].Title = normText(n.Carnets[i].Title)
				n.Carnets[i].Bloc = normText(n.Carnets[i].Bloc)
			}
			n.Carnets = dedupCarnets(n.Carnets)
		case kindDate:
			if t := *f.date(n); t != nil {
				*t = t.UTC()
			}
		}
	}
	if n.Type == "" {
		n.Type = store.TypeNote
	}
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
	if r := checkText(n); r != nil {
		return r
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
	if !seeable(n.Title) {
		return bad("title", "titre invisible : il ne contient que des caractères invisibles (espaces, U+200B…); ajoutez un titre lisible (title)")
	}
	if c := utf8.RuneCountInString(n.Title); c > MaxTitleRunes {
		return bad("title", fmt.Sprintf("titre trop long (%s caractères) : raccourcissez-le à %d caractères au plus", store.FrenchInt(int64(c)), MaxTitleRunes))
	}
	if len(n.Body) > MaxBodyBytes {
		return bad("body", fmt.Sprintf("corps trop volumineux (%s octets) : réduisez-le à 1 Mio (%s octets) au plus", store.FrenchInt(int64(len(n.Body))), store.FrenchInt(MaxBodyBytes)))
	}
	for i, c := range n.Carnets {
		name := fmt.Sprintf("carnets[%d]", i)
		if c.Title == "" {
			return bad(name+".title", "titre de carnet manquant : ajoutez un titre (title) à chaque carnet")
		}
	}
	for i, l := range n.Links {
		if r := checkID(fmt.Sprintf("links[%d]", i), l, "identifiant de note liée"); r != nil {
			return r
		}
	}
	for _, f := range fields {
		if f.kind == kindDate {
			if t := *f.date(n); t != nil && !store.DateInRange(*t) {
				return bad(f.name, dateRangeReason(t.Format(time.RFC3339Nano), *t))
			}
		}
	}
	switch {
	case n.Visibility == "":
		return bad("visibility", "champ obligatoire manquant : précisez la visibilité (visibility), soit public, community ou private")
	case !validVisibility(n.Visibility):
		return bad("visibility", fmt.Sprintf("visibilité inconnue « %s » : utilisez public, community ou private", show(n.Visibility)))
	}
	for i, u := range n.Readers {
		if r := checkID(fmt.Sprintf("readers[%d]", i), u, "identifiant de lecteur·trice"); r != nil {
			return r
		}
	}
	if n.URL != "" && !validURL(n.URL) {
		return bad("url", fmt.Sprintf("adresse invalide « %s » : donnez une adresse web complète qui commence par http:// ou https://", show(n.URL)))
	}
	return nil
}

// checkText checks the text of every field: valid UTF-8 and no control
// character other than tab and line feed (and carriage return in the
// Markdown body). Control characters (BEL, ESC, NUL…) have no place in a
// note, and would reach terminals and logs as they are.
func checkText(n *store.Note) *Rejection {
	// The name of an element is built only for a rejection: checking was
	// 1.5 % of the ingest's CPU, mostly formatting names never shown.
	check := func(base string, elem int, sub, v string, body bool) *Rejection {
		if !utf8.ValidString(v) {
			return &Rejection{Field: elemName(base, elem, sub), Reason: "encodage UTF-8 invalide : corrigez le texte"}
		}
		for i, r := range v {
			if !unicode.IsControl(r) || r == '\t' || r == '\n' || (body && r == '\r') {
				continue
			}
			allowed := "la tabulation et le saut de ligne"
			if body {
				allowed = "la tabulation, le saut de ligne et le retour de chariot"
			}
			return &Rejection{Field: elemName(base, elem, sub), Reason: fmt.Sprintf("caractère de contrôle %s interdit (caractère %d) : retirez-le; seuls %s sont permis",
				controlName(r), utf8.RuneCountInString(v[:i])+1, allowed)}
		}
		return nil
	}
	for _, f := range fields {
		switch f.kind {
		case kindText, kindBody:
			if r := check(f.name, -1, "", *f.text(n), f.kind == kindBody); r != nil {
				return r
			}
		case kindList:
			for i, v := range *f.list(n) {
				if r := check(f.name, i, "", v, false); r != nil {
					return r
				}
			}
		case kindCarnets:
			for i, c := range n.Carnets {
				if r := check(f.name, i, "title", c.Title, false); r != nil {
					return r
				}
				if r := check(f.name, i, "bloc", c.Bloc, false); r != nil {
					return r
				}
			}
		}
	}
	return nil
}

// elemName names element i of a list field (the field itself when i < 0),
// or the member sub of that element.
func elemName(base string, i int, sub string) string {
	if i < 0 {
		return base
	}
	name := base + "[" + strconv.Itoa(i) + "]"
	if sub != "" {
		name += "." + sub
	}
	return name
}

// controlName names a control character for a message: U+0007 (BEL).
func controlName(r rune) string {
	names := map[rune]string{0: "NUL", 7: "BEL", 8: "BS", 0x0B: "VT", 0x0C: "FF", 0x0D: "CR", 0x1B: "ESC", 0x7F: "DEL"}
	if n, ok := names[r]; ok {
		return fmt.Sprintf("U+%04X (%s)", r, n)
	}
	return fmt.Sprintf("U+%04X", r)
}

// dateRangeReason explains a date outside store.MinDate–MaxDate, as written
// (s) and read (t, in UTC): a date written within the range's days whose
// offset takes it out is shown in UTC, or the message would read as a
// contradiction.
func dateRangeReason(s string, t time.Time) string {
	utc := ""
	if len(s) < 10 || t.Format(time.DateOnly) != s[:10] {
		utc = fmt.Sprintf(" (en UTC : %s)", t.Format(time.RFC3339Nano))
	}
	return fmt.Sprintf("date hors limites « %s »%s : les dates vont du %s au %s, en UTC", show(s), utc,
		store.MinDate().Format(time.DateOnly), store.MaxDate().Format(time.DateOnly))
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

// CheckID checks a note id as the decoder does; the error says, in French,
// what a valid id looks like.
func CheckID(id string) error {
	if r := checkID("id", id, "identifiant"); r != nil {
		return errors.New(r.Reason)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
