package query

import (
	"fmt"
	"golang.org/x/text/unicode/norm"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/encommun/trouvaille/schema"
	"github.com/encommun/trouvaille/store"
)

// Level is the most a scope reaches, in the order public < community < private.
type Level int

// Visibility levels of a scope.
const (
	// LevelPublic: public notes only (the zero value: anonymous access).
	LevelPublic Level = iota
	// LevelCommunity: also the community notes of the scope's Communities.
	LevelCommunity
	// LevelPrivate: also the private notes whose readers name the scope's User.
	LevelPrivate
)

// ParseLevel reads a visibility level as keys spell it.
func ParseLevel(s string) (Level, bool) {
	switch s {
	case "", store.VisibilityPublic:
		return LevelPublic, true
	case store.VisibilityCommunity:
		return LevelCommunity, true
	case store.VisibilityPrivate:
		return LevelPrivate, true
	}
	return LevelPublic, false
}

func (l Level) String() string {
	switch l {
	case LevelCommunity:
		return store.VisibilityCommunity
	case LevelPrivate:
		return store.VisibilityPrivate
	}
	return store.VisibilityPublic
}

// Scope is what a caller may see: the engine applies it to every read (hits,
// totals, facets, suggestions, related notes, single notes), so that no
// caller ever learns of a note outside it. The zero Scope is anonymous
// access: public notes only, no mandatory filter.
type Scope struct {
	// Admin sees every note, whatever its visibility (the admin key).
	Admin bool
	// Level is the visibility ceiling.
	Level Level
	// Communities are the communities whose community notes the scope sees
	// (with Level >= LevelCommunity).
	Communities []string
	// User is the reader id matched against a private note's readers (with
	// Level >= LevelPrivate).
	User string
	// Filters are mandatory filter sets (a key's scope, a token's filters),
	// each with the search filters' fields (schema.Dimensions): a note must
	// pass every set (OR within a field, AND between fields and sets). A
	// request's own filters come on top: a scope narrows, never widens.
	Filters []map[string][]string
}

// Visible reports whether the scope may see a note of visibility vis in
// community community with readers readers, mandatory filters aside.
func (s Scope) Visible(vis, community string, readers []string) bool {
	if s.Admin {
		return true
	}
	switch vis {
	case store.VisibilityPublic:
		return true
	case store.VisibilityCommunity:
		return s.Level >= LevelCommunity && community != "" && slices.Contains(s.Communities, community)
	case store.VisibilityPrivate:
		return s.Level >= LevelPrivate && s.User != "" && slices.Contains(readers, s.User)
	}
	return false
}

// Allows reports whether the scope may see note n: its visibility and every
// mandatory filter set.
func (s Scope) Allows(n *store.Note) bool {
	if n == nil || !s.Visible(n.Visibility, n.Community, n.Readers) {
		return false
	}
	for _, set := range s.Filters {
		for name, want := range set {
			if !anyOf(NoteValues(n, name), want) {
				return false
			}
		}
		if carnets, blocs := set["carnet"], set["bloc"]; len(carnets) > 0 && len(blocs) > 0 && !inCarnetBloc(n, carnets, blocs) {
			// A bloc beside a carnet is the bloc in that carnet, as the
			// search reads it (index filterFields): a note whose bloc is
			// in its other carnet is not in the scope.
			return false
		}
	}
	return true
}

// inCarnetBloc reports whether n has one of blocs in one of carnets.
func inCarnetBloc(n *store.Note, carnets, blocs []string) bool {
	for _, c := range n.Carnets {
		if c.Bloc != "" && slices.Contains(carnets, c.Title) && slices.Contains(blocs, c.Bloc) {
			return true
		}
	}
	return false
}

// PublicOnly reports whether the scope sees no community nor private note.
func (s Scope) PublicOnly() bool {
	return !s.Admin && (s.Level == LevelPublic || (len(s.Communities) == 0 && (s.Level < LevelPrivate || s.User == "")))
}

// Filtered reports whether the scope has a mandatory filter.
func (s Scope) Filtered() bool {
	for _, set := range s.Filters {
		if len(set) > 0 {
			return true
		}
	}
	return false
}

// Key is a canonical string of the scope, for result caches.
func (s Scope) Key() string {
	var b strings.Builder
	fmt.Fprintf(&b, "a=%v;l=%d;u=%q;c=", s.Admin, s.Level, s.User)
	cs := slices.Clone(s.Communities)
	sort.Strings(cs)
	fmt.Fprintf(&b, "%q;", cs)
	for _, set := range s.Filters {
		names := make([]string, 0, len(set))
		for n := range set {
			names = append(names, n)
		}
		sort.Strings(names)
		b.WriteString("{")
		for _, n := range names {
			fmt.Fprintf(&b, "%s=%q;", n, set[n])
		}
		b.WriteString("}")
	}
	return b.String()
}

// CheckFilters checks a filter set's fields and values (a key's or a
// token's); param names the set in the error. It changes nothing: a key's
// set is shared by every search made with it (NormalFilters makes the copy
// to keep).
func CheckFilters(param string, set map[string][]string) error {
	for name, vals := range set {
		if _, _, ok := schema.ByFilter(name); !ok {
			return BadParam(param, "unknown_filter", "filtre inconnu « %s » dans %s : utilisez %s", name, param, strings.Join(schema.FilterNames(), ", "))
		}
		if len(vals) == 0 {
			return BadParam(param, "empty_filter", "le filtre %s de %s n’a aucune valeur : donnez-en au moins une ou retirez-le", name, param)
		}
		for _, v := range vals {
			if strings.TrimSpace(v) == "" {
				return BadParam(param, "empty_filter", "le filtre %s de %s a une valeur vide", name, param)
			}
			if !utf8.ValidString(v) {
				return BadParam(param, "invalid_utf8", "le filtre %s de %s n’est pas de l’UTF-8 valide : encodez-le en UTF-8", name, param)
			}
			if strings.IndexFunc(v, unicode.IsControl) >= 0 {
				return BadParam(param, "invalid_filter", "le filtre %s de %s contient un caractère de contrôle : retirez-le", name, param)
			}
			if err := checkType(param, name, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// noteTypes are the values of the type filter: a closed list, so that a
// misspelled type is refused rather than matching no note.
var noteTypes = []string{store.TypeNote, store.TypeTerme, store.TypeOrganisation}

// checkType refuses a value of the type filter (name) that no note can have.
func checkType(param, name, v string) error {
	if name != schema.Type || slices.Contains(noteTypes, v) {
		return nil
	}
	return BadParam(param, "unknown_type", "type inconnu « %s » : utilisez %s", v, strings.Join(noteTypes, ", "))
}

// NoteValues returns a note's values of a filter dimension (schema.Dimensions).
func NoteValues(n *store.Note, filter string) []string {
	switch filter {
	case "author":
		return n.Authors
	case "organisation":
		return n.Organisations
	case "carnet":
		return n.CarnetTitles()
	case "bloc":
		return n.Blocs()
	case "term":
		return n.Terms
	case "type":
		return []string{n.Type}
	case "community":
		if n.Community == "" {
			return nil
		}
		return []string{n.Community}
	}
	return nil
}

func anyOf(have, want []string) bool {
	for _, h := range have {
		if slices.Contains(want, h) {
			return true
		}
	}
	return false
}

// FilterValue writes a filter's value as ingestion stores the notes' values:
// composed (NFC) and trimmed. A value typed with a trailing space, or with
// its accents as combining marks (« E\u0301cole », as some keyboards and
// copied texts give it), found nothing, where the page, which trims, found
// the notes.
func FilterValue(v string) string {
	return strings.TrimSpace(norm.NFC.String(v))
}

// NormalFilters returns a copy of a filter set with each value written as
// FilterValue writes it (nil for nil): the set itself is left as it is, for
// it may be shared (a key's, read by every search made with it).
func NormalFilters(set map[string][]string) map[string][]string {
	if set == nil {
		return nil
	}
	out := make(map[string][]string, len(set))
	for name, vals := range set {
		nv := make([]string, len(vals))
		for i, v := range vals {
			nv[i] = v
			if utf8.ValidString(v) {
				nv[i] = FilterValue(v)
			}
		}
		out[name] = nv
	}
	return out
}
