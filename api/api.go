package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/gin-gonic/gin"
)

// Engine is what the API needs of the engine; *trouvaille.Engine implements
// it. The API never sees the store or the index: the engine hides them.
type Engine interface {
	Search(ctx context.Context, r trouvaille.Request) (*trouvaille.Result, error)
	Note(id string) (*trouvaille.Note, error)
	PublicNotes(ids []string) (map[string]*trouvaille.Note, error)
	Suggest(ctx context.Context, q string, limit int) (*trouvaille.Suggestions, error)
	Related(ctx context.Context, id string, limit int) ([]trouvaille.RelatedHit, error)
	FacetSearch(ctx context.Context, facet, prefix string, r trouvaille.Request, limit int) ([]trouvaille.FacetValue, error)
	LoadSynonyms(path string) (*trouvaille.Synonyms, error)
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
	// Ops tunes readiness, metrics, request logs, the concurrency limit and
	// the search analytics (ops.go).
	Ops OpsConfig
}

// Server serves the API over an open engine.
type Server struct {
	eng Engine
	wr  Writer // nil: the engine takes no writes (write routes answer 403)
	cfg Config
	ops *opsState
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
	s.initOps()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(nosniff, s.ops.observe, s.ops.limit, longStream, gin.CustomRecovery(func(c *gin.Context, err any) {
		if err == http.ErrAbortHandler {
			panic(err) // a stream cut on purpose (backup): let net/http drop the connection
		}
		writeError(c, errors.New("panique interceptée"))
	}))
	rt := &router{}
	for _, p := range pages {
		if p != nil {
			rt.pages = p
		}
	}
	rt.table = s.routes(rt.pages)
	rt.register(r)
	return r
}

// cors lets partner sites call the public, read-only API from a browser.
func cors(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	h.Set("Access-Control-Max-Age", "86400")
	c.Next()
}

func (s *Server) search(c *gin.Context) {
	req, err := parseSearch(c.Request.URL.Query())
	if err != nil {
		writeError(c, err)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.SearchTimeout)
	defer cancel()
	res, err := s.eng.Search(ctx, req)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

func (s *Server) note(c *gin.Context) {
	if err := checkParams(c.Request.URL.Query(), map[string]bool{}); err != nil {
		writeError(c, err)
		return
	}
	n, err := s.eng.Note(c.Param("id")) // ErrNotFound for a non-public note too
	if err != nil {
		writeError(c, err)
		return
	}
	pub, err := s.publicLinks(n)
	if err != nil {
		writeError(c, err)
		return
	}
	out := *n // the stored note is never modified
	out.Links = pub
	c.JSON(http.StatusOK, &out)
}

// publicLinks keeps the links of n that point to public notes: the ids of
// community and private notes (and of notes gone since) are never shown.
func (s *Server) publicLinks(n *trouvaille.Note) ([]string, error) {
	if len(n.Links) == 0 {
		return nil, nil
	}
	got, err := s.eng.PublicNotes(n.Links)
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
	storeSeq, indexSeq := s.eng.Seqs()
	c.JSON(http.StatusOK, gin.H{
		"status":    "ok",
		"version":   s.cfg.Ops.Version,
		"store_seq": storeSeq,
		"index_seq": indexSeq,
	})
}
