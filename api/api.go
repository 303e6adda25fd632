package api

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/gin-gonic/gin"
)

// Engine is what the API needs of the engine; *trouvaille.Engine implements
// it. The API never sees the store or the index: the engine hides them.
type Engine interface {
	// Every read takes the caller's scope (Server.access): the engine, not
	// the API, keeps what the caller may not see out of every answer.
	Search(ctx context.Context, sc trouvaille.Scope, r trouvaille.Request) (*trouvaille.Result, error)
	Note(sc trouvaille.Scope, id string) (*trouvaille.Note, error)
	VisibleNotes(sc trouvaille.Scope, ids []string) (map[string]*trouvaille.Note, error)
	Suggest(ctx context.Context, sc trouvaille.Scope, q string, limit int) (*trouvaille.Suggestions, error)
	Related(ctx context.Context, sc trouvaille.Scope, id string, limit int) ([]trouvaille.RelatedHit, error)
	FacetSearch(ctx context.Context, sc trouvaille.Scope, facet, prefix string, r trouvaille.Request, limit int) ([]trouvaille.FacetValue, error)
	ReloadSynonyms(path, by string) (*trouvaille.Synonyms, error)
	PhraseMarks() (marked, unmarked int)
	Seqs() (storeSeq, indexSeq uint64)
}

// Config tunes the API.
type Config struct {
	// SearchTimeout bounds one search.
	SearchTimeout time.Duration
	// AdminToken protects the admin routes (POST /v1/admin/synonyms/reload);
	// empty, they are disabled.
	AdminToken string
	// SynonymsFile is the synonyms file the reload route reads (empty: the
	// default list).
	SynonymsFile string
	// MaxBody bounds a write request's body (0: DefaultMaxBody).
	MaxBody int64
	// NoAnonymous turns anonymous access off: a read without a key or a
	// token is refused (401). Anonymous access (public notes) is on by default.
	NoAnonymous bool
	// AnonymousRatePerMinute is the rate of anonymous reads per client IP
	// (0: DefaultAnonymousRate; negative: unlimited).
	AnonymousRatePerMinute int
	// LimiterEntries bounds the rate-limit buckets kept (0: DefaultLimiterEntries).
	LimiterEntries int
	// TrustedProxies are the proxies whose X-Forwarded-For gives the client
	// IP (rate limits); none by default: the connection's address counts.
	TrustedProxies []string
	// Now is the clock of keys, tokens and rate limits (nil: time.Now); tests set it.
	Now func() time.Time
	// Ops tunes readiness, metrics, request logs, the concurrency limit and
	// the search analytics (ops.go).
	Ops OpsConfig
}

// Server serves the API over an open engine.
type Server struct {
	eng Engine
	wr  Writer    // nil: the engine takes no writes (write routes answer 403)
	rb  rebuilder // nil: the engine does not rebuild its index on request
	cfg Config
	acc *accessState
	ops *opsState
	// publicPages: the server serves the site's pages to anonymous
	// visitors, /n/{id} among them (a public note's page).
	publicPages bool
}

// New returns the Gin handler of the API and, when pages is given (web.Routes),
// of the web page. Every route is declared in the route table (routes.go).
func New(eng Engine, cfg Config, pages ...Pages) *gin.Engine {
	if cfg.SearchTimeout == 0 {
		cfg.SearchTimeout = 10 * time.Second
	}
	s := &Server{eng: eng, cfg: cfg}
	if w, ok := eng.(Writer); ok {
		s.wr = w
	}
	s.rb, _ = eng.(rebuilder)
	ks, _ := eng.(KeyStore)
	s.acc = newAccessState(ks, cfg.LimiterEntries, cfg.Now)
	s.initOps()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// Gin's own redirect answers in HTML; the router says it in the
	// route's language instead (router.unknown).
	r.RedirectTrailingSlash = false
	if err := r.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		panic(fmt.Sprintf("mandataires de confiance invalides : %v", err))
	}
	r.Use(nosniff, vary, s.ops.observe, requestBound, s.ops.limit, longStream, recoverPanic)
	rt := &router{}
	for _, p := range pages {
		if p != nil {
			rt.pages = p
		}
	}
	s.publicPages = rt.pages != nil && !cfg.NoAnonymous
	rt.table = s.routes(rt.pages)
	rt.register(r, s)
	return r
}

func (s *Server) search(c *gin.Context) {
	req, err := parseSearch(c.Request.URL.Query())
	if err != nil {
		writeError(c, err)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.SearchTimeout)
	defer cancel()
	sc := scopeOf(c)
	res, err := s.eng.Search(ctx, sc, req)
	if err != nil {
		writeError(c, err)
		return
	}
	f := pageFilters(sc.Filters)
	unlisted := f == nil && len(sc.Filters) > 0
	if f != nil || unlisted || !sc.PublicOnly() || !s.publicPages {
		// A key held to filters says which: a partner's search box links
		// to the site's page of results with them, so that the page
		// counts the notes the box counted. A caller seeing community or
		// private notes is told so: the site's pages (/, /n/{id}) show
		// public notes only, and count fewer. And a server whose pages
		// are not open to anyone says so: a link to them would answer
		// « closed » or « not found ».
		out := scopedResult{Result: res, Scope: f, SeesNonPublic: !sc.PublicOnly()}
		if !s.publicPages {
			out.PublicPages = new(bool)
		}
		if unlisted {
			// Filters no page's filters can say: a link to the site's page
			// of results would count other notes (all of them, unfiltered).
			out.ScopeOnPages = new(bool)
		}
		c.JSON(http.StatusOK, out)
		return
	}
	c.JSON(http.StatusOK, res)
}

// pageFilters returns a scope's mandatory filter sets as one set of page
// filters (OR within a field, AND across fields), nil when there are none
// or when two sets hold the same field: a note passing both need not have a
// value of both (organisation A for one, B for the other), which no page
// filter says.
func pageFilters(sets []map[string][]string) map[string][]string {
	var out map[string][]string
	for _, set := range sets {
		for field, values := range set {
			if _, twice := out[field]; twice {
				return nil
			}
			if out == nil {
				out = map[string][]string{}
			}
			out[field] = values
		}
	}
	return out
}

// scopedResult is a search result with what the caller's scope adds: the
// filters its key holds every search to, whether it sees more than public
// notes.
type scopedResult struct {
	*trouvaille.Result
	Scope map[string][]string `json:"scope,omitempty"`
	// SeesNonPublic: the caller's scope holds community or private notes
	// (a token naming its communities or its user, the admin key).
	SeesNonPublic bool `json:"sees_non_public,omitempty"`
	// PublicPages is false (and absent otherwise) when the server does
	// not serve its pages (/, /n/{id}) to anonymous visitors: anonymous
	// search is off, or it serves no pages.
	PublicPages *bool `json:"public_pages,omitempty"`
	// ScopeOnPages is false (and absent otherwise) when the scope's
	// filters cannot be written as the page's (a key and its token
	// filtering the same field: pageFilters), so that no link to the
	// site's page of results would count the same notes.
	ScopeOnPages *bool `json:"scope_on_pages,omitempty"`
}

func (s *Server) note(c *gin.Context) {
	if err := checkParams(c.Request.URL.Query(), keyOnly); err != nil {
		writeError(c, err)
		return
	}
	sc := scopeOf(c)
	n, err := s.eng.Note(sc, c.Param("id")) // ErrNotFound for a note outside the scope too
	if err != nil {
		writeError(c, err)
		return
	}
	pub, err := s.visibleLinks(sc, n)
	if err != nil {
		writeError(c, err)
		return
	}
	out := *n // the stored note is never modified
	out.Links = pub
	c.JSON(http.StatusOK, &out)
}

// visibleLinks keeps the links of n that point to notes the scope sees: the
// ids of other notes (and of notes gone since) are never shown. The admin
// gets the links as stored, those to notes not written yet included, so
// that a note read and written back keeps them.
func (s *Server) visibleLinks(sc trouvaille.Scope, n *trouvaille.Note) ([]string, error) {
	if len(n.Links) == 0 || sc.Admin {
		return n.Links, nil
	}
	got, err := s.eng.VisibleNotes(sc, n.Links)
	if err != nil {
		return nil, fmt.Errorf("lire les notes liées à %s : %w", n.ID, err)
	}
	var out []string
	for _, id := range n.Links {
		if _, ok := got[id]; ok {
			out = append(out, id)
		}
	}
	return out, nil
}

func (s *Server) health(c *gin.Context) {
	if err := checkSingle(c.Request.URL.Query(), map[string]bool{}); err != nil {
		writeError(c, err)
		return
	}
	storeSeq, indexSeq := s.eng.Seqs()
	c.JSON(http.StatusOK, gin.H{
		"status":    "ok",
		"version":   s.cfg.Ops.Version,
		"store_seq": storeSeq,
		"index_seq": indexSeq,
	})
}

// recoverPanic answers a handler's panic with a 500 and logs it at ERROR,
// in the server's log. A stream cut on purpose (http.ErrAbortHandler: a
// backup that failed once its headers were sent) panics on, so that
// net/http drops the connection and the client sees a truncated body. Gin's
// recovery took that one for a broken pipe: the response ended as if
// complete, and it wrote the request's headers, cookies included, raw to
// standard error, beside the JSON log.
func recoverPanic(c *gin.Context) {
	defer func() {
		rec := recover()
		if rec == nil {
			return
		}
		if rec == http.ErrAbortHandler {
			panic(rec)
		}
		// writeError logs it, once, with the stack.
		writeError(c, fmt.Errorf("panique interceptée : %v\n%s", rec, debug.Stack()))
	}()
	c.Next()
}
