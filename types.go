package trouvaille

import (
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/discover"
	"github.com/encommun/trouvaille/index"
	"github.com/encommun/trouvaille/ingest"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// The domain types of the engine's methods, declared where they are made and
// named here so that callers (api, web, cmd, bench) need only this package.
type (
	// Note is a stored note.
	Note = store.Note
	// Carnet is a carnet a note belongs to, with its bloc.
	Carnet = store.Carnet
	// Change is one write: a note to add or update, or an id to delete.
	Change = store.Change
	// Request is one search.
	Request = query.Request
	// RequestError names the parameter at fault of a caller's mistake.
	RequestError = query.RequestError
	// Result is one page of search results with its facets.
	Result = index.Result
	// Hit is one note of a result page.
	Hit = index.Hit
	// FacetValue is one value of a facet with its count.
	FacetValue = index.FacetValue
	// Suggestion is a corrected query ("Vouliez-vous dire…?").
	Suggestion = index.Suggestion
	// Suggestions are the completions of GET /v1/suggest.
	Suggestions = discover.Suggestions
	// RelatedHit is a related note and why it is related.
	RelatedHit = discover.RelatedHit
	// Synonyms is a parsed synonyms list.
	Synonyms = analysis.Synonyms
	// WriteOptions are the ingest options of a write (default visibility,
	// unknown fields ignored).
	WriteOptions = ingest.Options
	// Rejection is one record a write or an ingestion refused, and why.
	Rejection = ingest.Rejection
	// Scope is what a caller may see (visibility ceiling, communities, user,
	// mandatory filters); the zero Scope is anonymous: public notes only.
	Scope = query.Scope
	// Level is a scope's visibility ceiling.
	Level = query.Level
)

// CheckID checks a note id as ingestion does; the error says, in French,
// what a valid id looks like.
func CheckID(id string) error { return ingest.CheckID(id) }

// Visibility ceilings of a Scope.
const (
	LevelPublic    = query.LevelPublic
	LevelCommunity = query.LevelCommunity
	LevelPrivate   = query.LevelPrivate
)

// Visibilities of a note (Note.Visibility, Hit.Visibility).
const (
	VisibilityPublic    = store.VisibilityPublic
	VisibilityCommunity = store.VisibilityCommunity
	VisibilityPrivate   = store.VisibilityPrivate
)

// AdminScope is the admin key's scope: every note.
var AdminScope = Scope{Admin: true, Level: LevelPrivate}

// Sentinel errors callers tell apart.
var (
	// ErrNotFound: no public note has this id.
	ErrNotFound = store.ErrNotFound
	// ErrBadRequest is behind every *RequestError.
	ErrBadRequest = query.ErrBadRequest
	// ErrDiscoveryNotReady: the autocomplete view is still being built.
	ErrDiscoveryNotReady = discover.ErrDiscoveryNotReady
)
