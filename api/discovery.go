package api

import (
	"context"
	_ "embed"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
	"github.com/gin-gonic/gin"
)

// Discovery routes: autocomplete, facet value search, related notes, the
// synonyms reload and the OpenAPI document.

//go:embed openapi.yaml
var openapiYAML []byte

func serveOpenAPI(c *gin.Context) {
	if err := checkSingle(c.Request.URL.Query(), map[string]bool{}); err != nil {
		writeError(c, err)
		return
	}
	c.Data(http.StatusOK, "application/yaml; charset=utf-8", openapiYAML)
}

var suggestParams = map[string]bool{"q": true, "limit": true}

func (s *Server) suggest(c *gin.Context) {
	v := c.Request.URL.Query()
	if err := checkSingle(v, suggestParams); err != nil {
		writeError(c, err)
		return
	}
	limit, err := intParam(v, "limit")
	if err != nil {
		writeError(c, err)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.SearchTimeout)
	defer cancel()
	res, err := s.eng.Suggest(ctx, scopeOf(c), v.Get("q"), limit)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// facetParams: q is the prefix of the values; query, the filters and the
// dates are the search under which values are counted.
var facetParams = withFilters("q", "query", "limit", "synonyms", "published_after", "published_before")

// FacetValuesResponse is the body of GET /v1/facets/{facet}.
type FacetValuesResponse struct {
	Facet  string                  `json:"facet"`
	Q      string                  `json:"q"`
	Values []trouvaille.FacetValue `json:"values"`
}

func (s *Server) facetValues(c *gin.Context) {
	if facet := c.Param("facet"); !utf8.ValidString(facet) {
		writeError(c, paramError("facet", "invalid_utf8", fmt.Sprintf("le nom de facette de l’adresse (/v1/facets/{facet}) n’est pas de l’UTF-8 valide : encodez-le en UTF-8, ou choisissez parmi %s", strings.Join(schema.FacetNames(), ", "))))
		return
	}
	v := c.Request.URL.Query()
	if err := checkParams(v, facetParams); err != nil {
		writeError(c, err)
		return
	}
	for k, vals := range v {
		if len(vals) > 1 && !isRepeatable(k) {
			writeError(c, paramError(k, "repeated_parameter", fmt.Sprintf("le paramètre %s est donné %d fois : gardez-en un seul", k, len(vals))))
			return
		}
	}
	limit, err := intParam(v, "limit")
	if err != nil {
		writeError(c, err)
		return
	}
	// The search part goes through the same parser as /v1/search.
	sv := url.Values{}
	for k, vals := range v {
		switch k {
		case "q", "limit":
		case "query":
			sv["q"] = vals
		default:
			sv[k] = vals
		}
	}
	req, err := parseSearch(sv)
	if err == nil {
		_, err = query.Parse(req.Q) // checked here: the engine's errors would name it q, this route's prefix
	}
	if err != nil {
		writeError(c, renameParam(err, "q", "query")) // the search's q is this route's query
		return
	}
	facet := c.Param("facet")
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.SearchTimeout)
	defer cancel()
	vals, err := s.eng.FacetSearch(ctx, scopeOf(c), facet, v.Get("q"), req, limit)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, FacetValuesResponse{Facet: facet, Q: v.Get("q"), Values: vals})
}

// RelatedResponse is the body of GET /v1/notes/{id}/related.
type RelatedResponse struct {
	ID      string                  `json:"id"`
	Related []trouvaille.RelatedHit `json:"related"`
}

func (s *Server) related(c *gin.Context) {
	v := c.Request.URL.Query()
	if err := checkSingle(v, map[string]bool{"limit": true}); err != nil {
		writeError(c, err)
		return
	}
	limit, err := intParam(v, "limit")
	if err != nil {
		writeError(c, err)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.SearchTimeout)
	defer cancel()
	hits, err := s.eng.Related(ctx, scopeOf(c), c.Param("id"), limit)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, RelatedResponse{ID: c.Param("id"), Related: hits})
}

// reloadSynonyms re-reads the synonyms file (the default list when none is
// configured). It needs Authorization: Bearer <admin token>; without a
// configured token the route answers 404.
func (s *Server) reloadSynonyms(c *gin.Context) {
	if !s.admin(c) {
		return
	}
	if err := checkParams(c.Request.URL.Query(), map[string]bool{}); err != nil {
		writeError(c, err)
		return
	}
	syn, err := s.eng.ReloadSynonyms(s.cfg.SynonymsFile, "POST /v1/admin/synonyms/reload")
	if err != nil {
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, ErrorBody{Error: ErrorDetail{Code: "invalid_synonyms", Message: "synonymes non rechargés, la liste en place reste active : " + err.Error()}})
		return
	}
	marked, unmarked := s.eng.PhraseMarks()
	c.JSON(http.StatusOK, gin.H{"source": syn.Source, "groups": syn.Groups, "rules": syn.Rules, "phrases_marked": marked, "phrases_read": unmarked})
}

// checkSingle refuses unknown and repeated parameters.
func checkSingle(v url.Values, allowed map[string]bool) error {
	if err := checkParams(v, allowed); err != nil {
		return err
	}
	for k, vals := range v {
		if len(vals) > 1 {
			return paramError(k, "repeated_parameter", fmt.Sprintf("le paramètre %s est donné %d fois : gardez-en un seul", k, len(vals)))
		}
	}
	return nil
}
