package store

import "time"

// Note types, as in Praxis.
const (
	TypeNote         = "note"
	TypeTerme        = "terme"
	TypeOrganisation = "organisation"
)

// Visibility values.
const (
	VisibilityPublic    = "public"
	VisibilityCommunity = "community"
	VisibilityPrivate   = "private"
)

// Carnet is a notebook a note sits in, with the bloc (category) it has there.
type Carnet struct {
	Title string `json:"title"`
	Bloc  string `json:"bloc,omitempty"`
}

// Note is one validated Praxis note, the unit stored in Badger and indexed in Bleve.
// Its JSON form is the ingest format (see README) minus the "deleted" flag.
type Note struct {
	ID            string     `json:"id"`
	Type          string     `json:"type"`
	Title         string     `json:"title"`
	Summary       string     `json:"summary,omitempty"`
	Body          string     `json:"body,omitempty"`
	Authors       []string   `json:"authors,omitempty"`
	Curator       string     `json:"curator,omitempty"`
	Organisations []string   `json:"organisations,omitempty"`
	Terms         []string   `json:"terms,omitempty"`
	Carnets       []Carnet   `json:"carnets,omitempty"`
	Community     string     `json:"community,omitempty"`
	Links         []string   `json:"links,omitempty"`
	PublishedAt   *time.Time `json:"published_at,omitempty"`
	UpdatedAt     *time.Time `json:"updated_at,omitempty"`
	Visibility    string     `json:"visibility"`
	URL           string     `json:"url,omitempty"`
	// Readers are the user ids allowed to read a private note (through a
	// signed token naming one of them); the admin key reads every note.
	Readers []string `json:"readers,omitempty"`
}

// Public reports whether anyone may see the note.
func (n *Note) Public() bool { return n.Visibility == VisibilityPublic }

// CarnetTitles returns the titles of the note's carnets.
func (n *Note) CarnetTitles() []string {
	out := make([]string, 0, len(n.Carnets))
	for _, c := range n.Carnets {
		out = append(out, c.Title)
	}
	return out
}

// Blocs returns the distinct blocs of the note's carnets.
func (n *Note) Blocs() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range n.Carnets {
		if c.Bloc != "" && !seen[c.Bloc] {
			seen[c.Bloc] = true
			out = append(out, c.Bloc)
		}
	}
	return out
}

// The valid range of note dates (published_at, updated_at), inclusive:
// from MinYear-01-01 to MaxYear-12-31, in UTC. Ingest refuses dates outside
// it, and search filters may clamp their bounds to it: every date filter
// inside the range then means what it says, and sorting and histograms never
// meet a year-1 or year-9999 outlier.
const (
	MinYear = 1800
	MaxYear = 2200
)

// MinDate returns the first valid instant of a note date: 1800-01-01T00:00:00Z.
func MinDate() time.Time { return time.Date(MinYear, 1, 1, 0, 0, 0, 0, time.UTC) }

// MaxDate returns the last valid instant of a note date: 2200-12-31T23:59:59.999999999Z.
func MaxDate() time.Time {
	return time.Date(MaxYear+1, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)
}

// DateInRange reports whether t lies within [MinDate, MaxDate].
func DateInRange(t time.Time) bool {
	return !t.Before(MinDate()) && !t.After(MaxDate())
}
