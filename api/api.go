package api

import (
	"context"
	"errors"
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
}

// Server serves the API over an open engine.
type Server struct {
	eng Engine
	cfg Config
}

// New returns the Gin handler of the API. extra, when set, adds routes (the web page).
func New(eng Engine, cfg Config, extra ...func(*gin.Engine)) *gin.Engine {
	if cfg.SearchTimeout == 0 {
		cfg.SearchTimeout = 10 * time.Second
	}
	s := &Server{eng: eng, cfg: cfg}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.CustomRecovery(func(c *gin.Context, err any) {
		writeError(c, errors.New("panique interceptée"))
	}))
	r.HandleMethodNotAllowed = true
	r.NoRoute(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusNotFound, ErrorBody{ErrorDetail{Code: "no_route", Message: "adresse inconnue : voyez /v1/search, /v1/suggest, /v1/facets/{facette}, /v1/notes/{id}, /v1/notes/{id}/related, /v1/openapi.yaml et /healthz"}})
	})
	r.NoMethod(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, ErrorBody{ErrorDetail{Code: "method_not_allowed", Message: "méthode non permise sur cette adresse"}})
	})
	v1 := r.Group("/v1", cors)
	v1.GET("/search", s.search)
	v1.GET("/notes/:id", s.note)
	s.discoveryRoutes(v1)
	v1.OPTIONS("/*any", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	r.GET("/healthz", s.health)
	for _, f := range extra {
		f(r)
	}
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
	c.JSON(http.StatusOK, n)
}

func (s *Server) health(c *gin.Context) {
	storeSeq, indexSeq := s.eng.Seqs()
	c.JSON(http.StatusOK, gin.H{
		"status":    "ok",
		"store_seq": storeSeq,
		"index_seq": indexSeq,
	})
}
