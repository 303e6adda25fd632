package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/encommun/trouvaille/ingest"
	"github.com/encommun/trouvaille/store"
	"github.com/gin-gonic/gin"
)

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
	eng *ingest.Engine
	cfg Config
}

// New returns the Gin handler of the API and, when pages is given (web.Routes),
// of the web page. Every route is declared in the route table (routes.go).
func New(eng *ingest.Engine, cfg Config, pages ...Pages) *gin.Engine {
	if cfg.SearchTimeout == 0 {
		cfg.SearchTimeout = 10 * time.Second
	}
	s := &Server{eng: eng, cfg: cfg}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(nosniff, gin.CustomRecovery(func(c *gin.Context, err any) {
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
	res, err := s.eng.Index.Search(ctx, req, s.eng.Store)
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
	n, err := s.eng.Store.Get(c.Param("id"))
	if err == nil && !n.Public() {
		err = store.ErrNotFound // never reveal that a non-public note exists
	}
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
func (s *Server) publicLinks(n *store.Note) ([]string, error) {
	if len(n.Links) == 0 {
		return nil, nil
	}
	got, err := s.eng.Store.GetMany(n.Links)
	if err != nil {
		return nil, fmt.Errorf("lire les notes liées à %s : %w", n.ID, err)
	}
	var out []string
	for _, id := range n.Links {
		if l, ok := got[id]; ok && l.Public() {
			out = append(out, id)
		}
	}
	return out, nil
}

func (s *Server) health(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{
		"status":    "ok",
		"store_seq": s.eng.Store.LastSeq(),
		"index_seq": s.eng.Index.LastSeq(),
	})
}
