package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
	"github.com/gin-gonic/gin"
)

// The InstantSearch.js compatibility endpoints speak the Algolia search
// protocol, so that algoliasearch/lite (v4) pointed at Trouvaille as its
// host drives InstantSearch.js unchanged:
//
//	POST /1/indexes/*/queries                 multi-queries (what InstantSearch sends)
//	POST /1/indexes/notes/query               one query
//	POST /1/indexes/notes/facets/{facet}/query search for facet values
//
// The one index is "notes". A query's parameters come as Algolia sends
// them: a URL-encoded "params" string (v4 clients, arrays as JSON) or the
// same names as JSON fields (v5 clients). The caller is decided as on
// /v1/search (x-algolia-api-key carries a key or a signed token; none is
// the anonymous view of public notes) and every engine call gets its
// scope. Errors are JSON with a French message, in Algolia's shape
// ({"message", "status"}) plus Trouvaille's ({"error": {code, message, param}}).

// compatIndexName is the only index the compatibility endpoints know.
const compatIndexName = "notes"

// Limits of the compatibility endpoints.
const (
	compatMaxBody       = 64 << 10 // bytes of one request body
	compatMaxQueries    = 50       // queries in one multi-queries request
	compatMaxTagLength  = 100      // bytes of a highlight tag
	compatDefaultValues = 100      // maxValuesPerFacet by default (Algolia's default)
	compatDefaultHits   = 20       // hitsPerPage by default (Algolia's default)
	compatMaxFacetHits  = 100      // maxFacetHits at most
	compatDefaultPre    = "<em>"   // Algolia's default highlight tags
	compatDefaultPost   = "</em>"
)

// compatKey reads the search key the way the Algolia protocol sends it: the
// x-algolia-api-key header, else the x-algolia-api-key query parameter
// (algoliasearch's browser clients put it there so that the request needs
// no CORS preflight); else as the other routes take it (Authorization:
// Bearer, or the key parameter), so that no credential presented is ever
// ignored. "" when none is presented; a denial for an Authorization header
// that holds no Bearer credential (see credential).
func compatKey(c *gin.Context) (string, *denial) {
	if k := c.GetHeader("X-Algolia-API-Key"); k != "" {
		return k, nil
	}
	if k := c.Query("x-algolia-api-key"); k != "" {
		return k, nil
	}
	return credential(c.Request)
}

// compatAccess is the access hook of the compatibility endpoints: it decides
// whether the request may search and sets its CORS headers, and answers the
// error itself (returning false) when it may not. It is the one place the
// access layer (search keys, signed tokens, per-key origins and rate limits)
// plugs into; every compat handler calls it first.
//
// The caller's scope (key filters, token filters and claims, visibility)
// is stored on the request and read by the two engine calls of this file,
// in compatSearch and compatFacetHits, exactly as on /v1/search. A key
// that is not printable ASCII is refused here, in Algolia's error shape.
func (s *Server) compatAccess(c *gin.Context) bool {
	key, d := compatKey(c)
	if d != nil {
		s.writeDenial(c, d)
		return false
	}
	if len(key) <= MaxCredentialLength && strings.IndexFunc(key, func(r rune) bool { return r <= ' ' || r > '~' }) >= 0 {
		compatFail(c, http.StatusUnauthorized, "invalid_key", "x-algolia-api-key", "clé de recherche mal formée : envoyez la clé telle qu’elle a été créée (caractères ASCII visibles seulement)")
		return false
	}
	// The same access decision as /v1/search: key or token scope, origins
	// (CORS headers), rate limits. The caller's scope is then read with
	// scopeOf at each engine call.
	_, ok := s.AccessWith(c, key)
	return ok
}

// CompatError is the body of an error of the compatibility endpoints:
// Algolia's shape (message, status), which its clients show, and
// Trouvaille's (error).
type CompatError struct {
	Message string      `json:"message"`
	Status  int         `json:"status"`
	Error   ErrorDetail `json:"error"`
}

func compatFail(c *gin.Context, status int, code, param, message string) {
	c.AbortWithStatusJSON(status, CompatError{Message: message, Status: status, Error: ErrorDetail{Code: code, Message: message, Param: param}})
}

// compatError maps an error to a status, like writeError, in the
// compatibility endpoints' shape.
func compatError(c *gin.Context, err error) {
	var re *trouvaille.RequestError
	switch {
	case errors.As(err, &re):
		compatFail(c, http.StatusBadRequest, re.Code, re.Param, re.Message)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		compatFail(c, http.StatusServiceUnavailable, "timeout", "", "la recherche a pris trop de temps : réessayez, ou précisez la requête")
	case errors.Is(err, trouvaille.ErrIndexDamaged), errors.Is(err, trouvaille.ErrRebuilding):
		c.Header("Retry-After", "30")
		compatFail(c, http.StatusServiceUnavailable, "index_rebuilding", "", err.Error())
	default:
		logInternal(c, err)
		compatFail(c, http.StatusInternalServerError, "internal", "", "erreur interne du serveur : réessayez plus tard; si elle persiste, signalez-la à l’équipe")
	}
}

// compatURLParams are the query-string parameters the Algolia clients add.
var compatURLParams = map[string]bool{"x-algolia-api-key": true, "x-algolia-application-id": true, "x-algolia-agent": true, "key": true}

// compatBody checks the index name and the query string, and decodes the
// JSON body (whatever its Content-Type: the browser clients send JSON as
// application/x-www-form-urlencoded to avoid a preflight).
func compatBody(c *gin.Context, dst any) bool {
	if !utf8.ValidString(c.Param("index")) {
		compatFail(c, http.StatusBadRequest, "invalid_utf8", "indexName", fmt.Sprintf("le nom d’index de l’adresse (/1/indexes/{index}) n’est pas de l’UTF-8 valide : le seul index est « %s »", compatIndexName))
		return false
	}
	if c.Param("index") != compatIndexName && c.Param("index") != "*" {
		compatFail(c, http.StatusNotFound, "unknown_index", "indexName", fmt.Sprintf("index inconnu « %s » : le seul index est « %s »", clip(c.Param("index")), compatIndexName))
		return false
	}
	if c.Param("index") == "*" && !strings.HasSuffix(c.Request.URL.Path, "/queries") {
		compatFail(c, http.StatusNotFound, "unknown_index", "indexName", "« * » ne vaut que pour /1/indexes/*/queries : nommez l’index « notes »")
		return false
	}
	for k := range c.Request.URL.Query() {
		if !compatURLParams[k] {
			compatFail(c, http.StatusBadRequest, "unknown_parameter", k, fmt.Sprintf("paramètre d’adresse inconnu « %s » : seuls x-algolia-api-key, x-algolia-application-id et x-algolia-agent sont acceptés", clip(k)))
			return false
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, compatMaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			compatFail(c, http.StatusRequestEntityTooLarge, "body_too_large", "", fmt.Sprintf("corps de requête trop gros : %d octets au plus", compatMaxBody))
			return false
		}
		compatFail(c, http.StatusBadRequest, "unreadable_body", "", "corps de requête illisible : renvoyez la requête")
		return false
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		compatFail(c, http.StatusBadRequest, "invalid_json", "body", "le corps doit être un objet JSON (ex. {\"requests\": [{\"indexName\": \"notes\", \"params\": \"query=logement\"}]}) : "+jsonProblem(err))
		return false
	}
	if dec.More() {
		compatFail(c, http.StatusBadRequest, "invalid_json", "body", "le corps doit contenir un seul objet JSON")
		return false
	}
	if _, multi := dst.(*compatMultiBody); multi {
		// A misspelled field was dropped without a word (« stratgy »),
		// where a request's unknown parameter is refused.
		var fields map[string]json.RawMessage
		json.Unmarshal(body, &fields)
		for k := range fields {
			if k != "requests" && k != "strategy" {
				compatFail(c, http.StatusBadRequest, "unknown_parameter", k, fmt.Sprintf("champ inconnu « %s » dans le corps : seuls « requests » et « strategy » sont acceptés", clip(printable(k))))
				return false
			}
		}
	}
	return true
}

// jsonProblem says in French what is wrong with a JSON body.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("JSON invalide à l’octet %d", se.Offset)
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("le champ %s n’a pas le bon type", te.Field)
		}
		return "ce n’est pas un objet"
	default:
		return "JSON incomplet ou invalide"
	}
}

// compatRawQuery is one query as a client sends it: the Algolia
// parameters in "params" and/or as fields.
type compatRawQuery map[string]any

// compatMultiBody is the body of POST /1/indexes/*/queries.
type compatMultiBody struct {
	Requests []compatRawQuery `json:"requests"`
	Strategy string           `json:"strategy"`
}

// CompatResults is the answer of POST /1/indexes/*/queries.
type CompatResults struct {
	Results []any `json:"results"`
}

func (s *Server) compatQueries(c *gin.Context) {
	if !s.compatAccess(c) {
		return
	}
	if c.Param("index") != "*" {
		compatFail(c, http.StatusNotFound, "unknown_index", "indexName", "les requêtes multiples se font à l’adresse /1/indexes/*/queries, avec le nom de l’index dans chaque requête")
		return
	}
	var body compatMultiBody
	if !compatBody(c, &body) {
		return
	}
	if body.Requests == nil {
		compatFail(c, http.StatusBadRequest, "missing_requests", "requests", "le corps doit avoir un tableau « requests » de requêtes")
		return
	}
	if len(body.Requests) > compatMaxQueries {
		compatFail(c, http.StatusBadRequest, "too_many_requests", "requests", fmt.Sprintf("%d requêtes dans un seul appel : %d au plus", len(body.Requests), compatMaxQueries))
		return
	}
	switch body.Strategy {
	case "", "none", "stopIfEnoughMatches":
	default:
		compatFail(c, http.StatusBadRequest, "invalid_strategy", "strategy", "strategy doit valoir none ou stopIfEnoughMatches")
		return
	}
	out := CompatResults{Results: make([]any, 0, len(body.Requests))}
	for i, raw := range body.Requests {
		q, err := parseCompat(raw, true)
		if err != nil {
			compatError(c, prefixErr(err, fmt.Sprintf("requête %d : ", i+1)))
			return
		}
		var res any
		if q.facet != "" {
			res, err = s.compatFacetHits(c, q)
		} else {
			res, err = s.compatSearch(c, q)
		}
		if err != nil {
			compatError(c, prefixErr(err, fmt.Sprintf("requête %d : ", i+1)))
			return
		}
		out.Results = append(out.Results, res)
	}
	c.JSON(http.StatusOK, out)
}

// compatQuery answers POST /1/indexes/notes/query.
func (s *Server) compatQuery(c *gin.Context) { s.compatOne(c, false) }

// compatFacetQuery answers POST /1/indexes/notes/facets/{facet}/query.
func (s *Server) compatFacetQuery(c *gin.Context) { s.compatOne(c, true) }

// compatOne answers one query whose index (and facet) are in the address.
func (s *Server) compatOne(c *gin.Context, facet bool) {
	if !s.compatAccess(c) {
		return
	}
	var raw compatRawQuery
	if !compatBody(c, &raw) {
		return
	}
	if raw == nil {
		raw = compatRawQuery{}
	}
	raw["indexName"] = c.Param("index")
	if facet {
		raw["facet"] = c.Param("facet")
	}
	q, err := parseCompat(raw, false)
	if err != nil {
		compatError(c, err)
		return
	}
	var res any
	if facet {
		res, err = s.compatFacetHits(c, q)
	} else {
		res, err = s.compatSearch(c, q)
	}
	if err != nil {
		compatError(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// prefixErr puts "requête N : " before a request error's message.
func prefixErr(err error, prefix string) error {
	var re *trouvaille.RequestError
	if errors.As(err, &re) {
		cp := *re
		cp.Message = prefix + cp.Message
		return &cp
	}
	return err
}

// compatQ is one parsed query.
type compatQ struct {
	req        trouvaille.Request
	query      string
	page       int // from 0
	perPage    int // 0: no hits, facets only
	pre, post  string
	params     string // echoed back, as Algolia does
	facet      string // search for facet values: the facet...
	facetQuery string // ...and the prefix typed
	facetHits  int
}

// compatIgnored are Algolia parameters accepted and without effect here:
// display, analytics and ranking settings that never widen a search.
var compatIgnored = map[string]bool{
	"attributesToRetrieve": true, "attributesToHighlight": true, "attributesToSnippet": true,
	"snippetEllipsisText": true, "restrictHighlightAndSnippetArrays": true, "analytics": true,
	"analyticsTags": true, "clickAnalytics": true, "userToken": true, "getRankingInfo": true,
	"responseFields": true, "enablePersonalization": true, "personalizationImpact": true,
	"enableRules": true, "ruleContexts": true, "enableABTest": true, "percentileComputation": true,
	"synonyms": true, "advancedSyntax": true, "typoTolerance": true, "queryLanguages": true,
	"naturalLanguages": true, "distinct": true, "facetingAfterDistinct": true,
	"sumOrFiltersScores": true, "optionalFilters": true, "sortFacetValuesBy": true,
	"maxFacetHits": true, "facetQuery": true, "facet": true, "type": true, "indexName": true,
	"params": true, "query": true, "page": true, "hitsPerPage": true, "facets": true,
	"facetFilters": true, "highlightPreTag": true, "highlightPostTag": true,
	"maxValuesPerFacet": true, "tagFilters": true, "filters": true, "numericFilters": true,
	"removeWordsIfNoResults": true, "ignorePlurals": true, "removeStopWords": true,
	"queryType": true, "allowTyposOnNumericTokens": true, "minWordSizefor1Typo": true,
	"minWordSizefor2Typos": true, "replaceSynonymsInHighlight": true, "minProximity": true,
	"exactOnSingleWordQuery": true, "alternativesAsExact": true, "attributeCriteriaComputedByMinProximity": true,
	"explain": true, "relevancyStrictness": true, "decompoundQuery": true, "hitsPerPageMax": true,
}

// parseCompat reads one query's parameters (the "params" string, then the
// fields, which win) into a search request.
func parseCompat(raw compatRawQuery, multi bool) (compatQ, error) {
	q := compatQ{pre: compatDefaultPre, post: compatDefaultPost, perPage: compatDefaultHits}
	p := map[string]any{}
	if ps, ok := raw["params"]; ok && ps != nil {
		s, ok := ps.(string)
		if !ok {
			return q, paramError("params", "invalid_params", "params doit être une chaîne de paramètres encodés (query=…&hitsPerPage=…)")
		}
		q.params = s
		v, err := url.ParseQuery(s)
		if err != nil {
			return q, paramError("params", "invalid_params", "params n’est pas une chaîne de paramètres encodés valide (query=…&hitsPerPage=…)")
		}
		for k, vals := range v {
			if len(vals) > 1 {
				return q, paramError(k, "repeated_parameter", fmt.Sprintf("le paramètre %s est donné %d fois : gardez-en un seul", clip(k), len(vals)))
			}
			p[k] = vals[0]
		}
	}
	for k, v := range raw {
		if k != "params" {
			p[k] = v
		}
	}
	for k, v := range p {
		if !utf8.ValidString(k) || !compatIgnored[k] {
			names := make([]string, 0, len(compatIgnored))
			for n := range compatIgnored {
				names = append(names, n)
			}
			hint := ""
			if near := analysis.Closest(k, names, 2); near != "" {
				hint = fmt.Sprintf(" (vouliez-vous dire « %s » ?)", near)
			}
			name := clip(k)
			if strings.TrimSpace(name) == "" {
				name = clip(strconv.QuoteToASCII(k)) // a name of control characters or spaces only
			}
			return q, paramError(name, "unknown_parameter", fmt.Sprintf("paramètre inconnu « %s »%s : retirez-le ou vérifiez son orthographe", name, hint))
		}
		if s, ok := v.(string); ok && !utf8.ValidString(s) {
			return q, paramError(k, "invalid_utf8", fmt.Sprintf("la valeur de %s n’est pas de l’UTF-8 valide : encodez-la en UTF-8", k))
		}
	}
	var err error
	if multi {
		name, err := str(p, "indexName")
		if err != nil {
			return q, err
		}
		if name != compatIndexName {
			return q, paramError("indexName", "unknown_index", fmt.Sprintf("index inconnu « %s » : le seul index est « %s »", clip(name), compatIndexName))
		}
		switch t, _ := p["type"].(string); t {
		case "", "default":
		case "facet":
			if q.facet, err = str(p, "facet"); err != nil {
				return q, err
			}
			if q.facet == "" {
				return q, paramError("facet", "missing_facet", "une requête de type facet nomme sa facette (facet)")
			}
		default:
			return q, paramError("type", "invalid_type", "type doit valoir default ou facet")
		}
	} else if f, ok := p["facet"].(string); ok {
		q.facet = f
	}
	if q.query, err = str(p, "query"); err != nil {
		return q, err
	}
	q.req.Q = q.query
	q.req.NoSuggestion = true
	if q.page, err = integer(p, "page", 0, math.MaxInt32); err != nil {
		return q, err
	}
	if _, ok := p["hitsPerPage"]; ok {
		if q.perPage, err = integer(p, "hitsPerPage", 0, query.MaxPerPage); err != nil {
			return q, err
		}
	}
	// hitsPerPage=0 (InstantSearch's extra queries for disjunctive facets)
	// asks for facets and totals only: search one per page, show none.
	q.req.PerPage = max(q.perPage, 1)
	q.req.Page = q.page + 1
	if q.perPage == 0 {
		q.req.Page = 1
		q.req.NoSnippets = true
	}
	q.req.FacetSize = compatDefaultValues
	if _, ok := p["maxValuesPerFacet"]; ok {
		n, err := integer(p, "maxValuesPerFacet", 1, math.MaxInt32)
		if err != nil {
			return q, err
		}
		q.req.FacetSize = min(n, query.MaxFacetSize)
	}
	q.facetHits = 10
	if _, ok := p["maxFacetHits"]; ok {
		if q.facetHits, err = integer(p, "maxFacetHits", 1, compatMaxFacetHits); err != nil {
			return q, err
		}
	}
	if q.facetQuery, err = str(p, "facetQuery"); err != nil {
		return q, err
	}
	for _, tag := range []struct {
		name string
		dst  *string
	}{{"highlightPreTag", &q.pre}, {"highlightPostTag", &q.post}} {
		if _, ok := p[tag.name]; !ok {
			continue
		}
		s, err := str(p, tag.name)
		if err != nil {
			return q, err
		}
		if len(s) > compatMaxTagLength {
			return q, paramError(tag.name, "tag_too_long", fmt.Sprintf("%s fait %d octets : %d au plus", tag.name, len(s), compatMaxTagLength))
		}
		*tag.dst = s
	}
	if q.req.Facets, err = compatFacets(p); err != nil {
		return q, err
	}
	if q.req.Filters, err = compatFacetFilters(p); err != nil {
		return q, err
	}
	// Filters this endpoint cannot honour are refused, never ignored: an
	// ignored filter would widen the search.
	for _, name := range []string{"filters", "numericFilters", "tagFilters"} {
		if v, ok := p[name]; ok && !emptyValue(v) {
			return q, paramError(name, "unsupported_filter", fmt.Sprintf("%s n’est pas pris en charge par Trouvaille : filtrez avec facetFilters (ex. [[\"organisations:TIESS\"]])", name))
		}
	}
	if q.perPage > 0 && q.page >= query.MaxResultWindow/q.perPage {
		return q, paramError("page", "page_too_far", fmt.Sprintf("la page %s est au-delà des %s premiers résultats (page %s au plus, en comptant à partir de 0, avec hitsPerPage=%d) : précisez la recherche ou ajoutez des filtres", analysis.FrenchInt(int64(q.page)), analysis.FrenchInt(query.MaxResultWindow), analysis.FrenchInt(int64(query.MaxResultWindow/q.perPage-1)), q.perPage))
	}
	if err := q.req.Normalize(); err != nil {
		return q, compatParamNames(err)
	}
	return q, nil
}

// compatParamNames renames, in a request error from the engine, the
// parameter the way the client wrote it.
func compatParamNames(err error) error {
	var re *trouvaille.RequestError
	if !errors.As(err, &re) {
		return err
	}
	cp := *re
	switch cp.Param {
	case "q":
		cp.Param = "query"
	case "per_page":
		cp.Param = "hitsPerPage"
		cp.Message = fmt.Sprintf("hitsPerPage doit être entre 0 et %d", query.MaxPerPage)
	case "facet_size":
		cp.Param = "maxValuesPerFacet"
	case "facets":
	default:
		if _, _, ok := schema.ByFilter(cp.Param); ok {
			cp.Param = "facetFilters"
		}
	}
	return &cp
}

// emptyValue: "", [] or null.
func emptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		s := strings.TrimSpace(x)
		if strings.HasPrefix(s, "[") {
			var arr []any
			return json.Unmarshal([]byte(s), &arr) == nil && emptyValue(arr)
		}
		return s == ""
	case []any:
		for _, e := range x {
			if !emptyValue(e) {
				return false
			}
		}
		return true
	}
	return false
}

// str reads a string parameter ("" when absent).
func str(p map[string]any, name string) (string, error) {
	switch v := p[name].(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	}
	return "", paramError(name, "invalid_string", fmt.Sprintf("%s doit être une chaîne de caractères", name))
}

// integer reads an integer parameter, a JSON number or a decimal string
// (0 when absent), within [lo, hi].
func integer(p map[string]any, name string, lo, hi int) (int, error) {
	var s string
	number := true
	switch v := p[name].(type) {
	case nil:
		return 0, nil
	case json.Number:
		s = v.String()
	case string:
		s = v
	default:
		// true, an array, an object: named as sent (JSON), never a number.
		b, _ := json.Marshal(v)
		s, number = string(b), false
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if !number || err != nil || n < lo || n > hi {
		if hi == math.MaxInt32 {
			return 0, paramError(name, "invalid_integer", fmt.Sprintf("%s doit être un nombre entier à partir de %d, reçu « %s »", name, lo, clip(s)))
		}
		return 0, paramError(name, "invalid_integer", fmt.Sprintf("%s doit être un nombre entier entre %d et %d, reçu « %s »", name, lo, hi, clip(s)))
	}
	return n, nil
}

// list reads a list parameter: a JSON array, a string holding a JSON
// array, or a comma-separated string.
func list(p map[string]any, name string) ([]any, bool, error) {
	v, ok := p[name]
	if !ok || v == nil {
		return nil, false, nil
	}
	if s, isStr := v.(string); isStr {
		s = strings.TrimSpace(s)
		if strings.HasPrefix(s, "[") {
			var arr []any
			if err := json.Unmarshal([]byte(s), &arr); err != nil {
				return nil, true, paramError(name, "invalid_list", fmt.Sprintf("%s n’est pas un tableau JSON valide", name))
			}
			return arr, true, nil
		}
		if s == "" {
			return []any{}, true, nil
		}
		var out []any
		for _, e := range strings.Split(s, ",") {
			out = append(out, strings.TrimSpace(e))
		}
		return out, true, nil
	}
	if arr, isArr := v.([]any); isArr {
		return arr, true, nil
	}
	return nil, true, paramError(name, "invalid_list", fmt.Sprintf("%s doit être un tableau", name))
}

// compatFacets reads facets: names among the facets of schema.Dimensions
// (and published), or "*" for all.
func compatFacets(p map[string]any) ([]string, error) {
	arr, ok, err := list(p, "facets")
	if err != nil || !ok {
		return []string{}, err // no facets asked: none computed
	}
	out := []string{}
	seen := map[string]bool{}
	for _, e := range arr {
		name, isStr := e.(string)
		if !isStr {
			return nil, paramError("facets", "invalid_list", "facets est un tableau de noms de facettes")
		}
		var names []string
		switch {
		case name == "*":
			names = schema.FacetNames()
		case name == schema.PublishedFacet:
			names = []string{name}
		default:
			d, ok := compatDimension(name)
			if !ok || d.Facet == "" {
				return nil, paramError("facets", "unknown_facet", fmt.Sprintf("facette inconnue « %s » : choisissez parmi %s, %s (ou *)", clip(name), strings.Join(schema.FacetNames(), ", "), schema.PublishedFacet))
			}
			names = []string{d.Facet}
		}
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// compatDimension finds a dimension by facet name (organisations) or filter
// name (organisation).
func compatDimension(name string) (schema.Dimension, bool) {
	if d, _, ok := schema.ByFacet(name); ok {
		return d, true
	}
	d, _, ok := schema.ByFilter(name)
	return d, ok
}

// compatFacetFilters reads facetFilters: an array of "attribute:value"
// and of arrays of them. The outer array is an AND, an inner array an OR.
// Trouvaille's filters are an OR within a field and an AND between fields,
// so an OR group names one attribute, and a field takes one group.
func compatFacetFilters(p map[string]any) (map[string][]string, error) {
	v, ok := p["facetFilters"]
	if !ok || v == nil {
		return nil, nil
	}
	var groups []any
	if s, isStr := v.(string); isStr && !strings.HasPrefix(strings.TrimSpace(s), "[") {
		if strings.TrimSpace(s) == "" {
			return nil, nil
		}
		groups = []any{s} // a single filter
	} else {
		var err error
		if groups, _, err = list(p, "facetFilters"); err != nil {
			return nil, err
		}
	}
	out := map[string][]string{}
	for _, g := range groups {
		var members []any
		switch x := g.(type) {
		case string:
			members = []any{x}
		case []any:
			members = x
		default:
			return nil, paramError("facetFilters", "invalid_facet_filter", "facetFilters est un tableau de \"attribut:valeur\" et de tableaux de \"attribut:valeur\"")
		}
		field := ""
		var vals []string
		for _, m := range members {
			s, isStr := m.(string)
			if !isStr {
				return nil, paramError("facetFilters", "invalid_facet_filter", "facetFilters est un tableau de \"attribut:valeur\" et de tableaux de \"attribut:valeur\"")
			}
			attr, val, found := strings.Cut(s, ":")
			if !found || val == "" {
				return nil, paramError("facetFilters", "invalid_facet_filter", fmt.Sprintf("filtre « %s » : écrivez-le attribut:valeur (ex. organisations:TIESS)", clip(s)))
			}
			if strings.HasPrefix(val, "-") {
				return nil, paramError("facetFilters", "unsupported_negation", fmt.Sprintf("filtre « %s » : l’exclusion (attribut:-valeur) n’est pas prise en charge; pour une valeur qui commence par un tiret, écrivez \\-", clip(s)))
			}
			val = strings.TrimPrefix(val, `\`)
			if strings.TrimSpace(attr) == "" {
				return nil, paramError("facetFilters", "invalid_facet_filter", fmt.Sprintf("filtre « %s » : l’attribut manque avant « : »; écrivez-le attribut:valeur (ex. organisations:TIESS)", clip(s)))
			}
			d, ok := compatDimension(attr)
			if !ok {
				return nil, paramError("facetFilters", "unknown_filter", fmt.Sprintf("attribut inconnu « %s » dans facetFilters : utilisez %s", clip(attr), strings.Join(compatFilterAttributes(), ", ")))
			}
			if field != "" && field != d.Filter {
				return nil, paramError("facetFilters", "unsupported_facet_filter", "un groupe OU de facetFilters porte sur un seul attribut (ex. [\"organisations:A\", \"organisations:B\"])")
			}
			field = d.Filter
			vals = append(vals, val)
		}
		if field == "" {
			continue // an empty group filters nothing out... and keeps nothing out either
		}
		if prev, dup := out[field]; dup && !sameSet(prev, vals) {
			return nil, paramError("facetFilters", "unsupported_facet_filter", fmt.Sprintf("deux groupes de facetFilters portent sur %s : réunissez ses valeurs dans un seul groupe OU (exiger deux valeurs à la fois n’est pas pris en charge)", field))
		}
		out[field] = vals
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func compatFilterAttributes() []string {
	var out []string
	for _, d := range schema.Dimensions {
		if d.Facet != "" {
			out = append(out, d.Facet)
		} else {
			out = append(out, d.Filter)
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, s := range a {
		m[s] = true
	}
	for _, s := range b {
		if !m[s] {
			return false
		}
	}
	return true
}

// clip keeps a client-given name short and printable in a message.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "�")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:60]) + "…"
	}
	return s
}

// compatHighlight is one attribute's highlight, Algolia's way.
type compatHighlight struct {
	Value            string   `json:"value"`
	MatchLevel       string   `json:"matchLevel"`
	MatchedWords     []string `json:"matchedWords"`
	FullyHighlighted bool     `json:"fullyHighlighted"`
}

// compatSnippet is one attribute's snippet, Algolia's way.
type compatSnippet struct {
	Value      string `json:"value"`
	MatchLevel string `json:"matchLevel"`
}

// CompatHit is one note in the Algolia protocol. Values are plain text, as
// Algolia returns them: InstantSearch.js escapes them before display, and
// the highlight tags are the ones the client asked for.
type CompatHit struct {
	ObjectID        string                     `json:"objectID"`
	Type            string                     `json:"type"`
	Title           string                     `json:"title"`
	URL             string                     `json:"url,omitempty"`
	Visibility      string                     `json:"visibility"`
	PublishedAt     *time.Time                 `json:"published_at,omitempty"`
	Authors         []string                   `json:"authors"`
	Organisations   []string                   `json:"organisations"`
	Carnets         []string                   `json:"carnets"`
	Blocs           []string                   `json:"blocs"`
	Terms           []string                   `json:"terms"`
	Snippet         string                     `json:"snippet"`
	HighlightResult map[string]compatHighlight `json:"_highlightResult"`
	SnippetResult   map[string]compatSnippet   `json:"_snippetResult"`
}

// CompatResult is one query's answer in the Algolia protocol.
type CompatResult struct {
	Hits                  []CompatHit               `json:"hits"`
	NbHits                uint64                    `json:"nbHits"`
	Page                  int                       `json:"page"`
	NbPages               int                       `json:"nbPages"`
	HitsPerPage           int                       `json:"hitsPerPage"`
	ExhaustiveNbHits      bool                      `json:"exhaustiveNbHits"`
	ExhaustiveFacetsCount bool                      `json:"exhaustiveFacetsCount"`
	Facets                map[string]map[string]int `json:"facets"`
	Query                 string                    `json:"query"`
	Params                string                    `json:"params"`
	Index                 string                    `json:"index"`
	ProcessingTimeMS      int                       `json:"processingTimeMS"`
}

// compatSearch runs one query in the caller's scope.
func (s *Server) compatSearch(c *gin.Context, q compatQ) (*CompatResult, error) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.SearchTimeout)
	defer cancel()
	res, err := s.eng.Search(ctx, scopeOf(c), q.req)
	if err != nil {
		return nil, compatParamNames(err)
	}
	out := &CompatResult{
		Hits:                  []CompatHit{},
		NbHits:                res.Total,
		Page:                  q.page,
		HitsPerPage:           q.perPage,
		ExhaustiveNbHits:      true,
		ExhaustiveFacetsCount: true,
		Facets:                map[string]map[string]int{},
		Query:                 q.query,
		Params:                q.params,
		Index:                 compatIndexName,
		ProcessingTimeMS:      int(math.Round(res.TookMS)),
	}
	if q.perPage > 0 {
		pages := (res.Total + uint64(q.perPage) - 1) / uint64(q.perPage)
		window := uint64(query.MaxResultWindow / q.perPage)
		out.NbPages = int(min(pages, window))
		base := ""
		if s.publicPages {
			base = requestBase(c)
		}
		for _, h := range res.Hits {
			out.Hits = append(out.Hits, compatHit(h, q.pre, q.post, base))
		}
	}
	for _, f := range q.req.Facets {
		m := map[string]int{}
		for _, fv := range res.Facets[f] {
			m[fv.Value] = fv.Count
		}
		out.Facets[f] = m
	}
	return out, nil
}

// requestBase is the scheme and host the request came to, for the absolute
// address of a public note's page (/n/{id}) when it has no url of its own.
func requestBase(c *gin.Context) string {
	scheme := "http"
	if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// compatHit is h in the Algolia protocol. A note without url of its own
// gets its page on this server, base + /n/{id}, only when that page shows
// it: a public note, and a server serving its pages to anonymous visitors
// (base is empty otherwise). Other notes have no url: a link to /n/{id}
// would answer « not found » (community and private notes) or « closed ».
func compatHit(h trouvaille.Hit, pre, post, base string) CompatHit {
	out := CompatHit{
		ObjectID:      h.ID,
		Type:          h.Type,
		Title:         h.Title,
		URL:           h.URL,
		Visibility:    h.Visibility,
		PublishedAt:   h.PublishedAt,
		Authors:       nonNil(h.Authors),
		Organisations: nonNil(h.Organisations),
		Terms:         nonNil(h.Terms),
		Carnets:       []string{},
		Blocs:         []string{},
	}
	if out.URL == "" && base != "" && h.Visibility == trouvaille.VisibilityPublic {
		out.URL = base + "/n/" + url.PathEscape(h.ID)
	}
	for _, cn := range h.Carnets {
		out.Carnets = append(out.Carnets, cn.Title)
		if cn.Bloc != "" {
			out.Blocs = append(out.Blocs, cn.Bloc)
		}
	}
	title, titleWords := retag(h.TitleHTML, pre, post)
	snippet, snippetWords := retag(h.SnippetHTML, pre, post)
	out.Snippet, _ = retag(h.SnippetHTML, "", "")
	out.HighlightResult = map[string]compatHighlight{
		"title":   {Value: title, MatchLevel: level(titleWords), MatchedWords: titleWords},
		"snippet": {Value: snippet, MatchLevel: level(snippetWords), MatchedWords: snippetWords},
	}
	out.SnippetResult = map[string]compatSnippet{
		"snippet": {Value: snippet, MatchLevel: level(snippetWords)},
		"title":   {Value: title, MatchLevel: level(titleWords)},
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func level(words []string) string {
	if len(words) == 0 {
		return "none"
	}
	return "full"
}

// retag turns the engine's highlighted HTML (escaped text, found words in
// <mark>) into Algolia's form: plain text with the client's tags around
// the found words. It also returns the found words.
func retag(htmlText, pre, post string) (string, []string) {
	var b strings.Builder
	var words []string
	seen := map[string]bool{}
	rest := htmlText
	for {
		i := strings.Index(rest, "<mark>")
		if i < 0 {
			b.WriteString(html.UnescapeString(rest))
			break
		}
		b.WriteString(html.UnescapeString(rest[:i]))
		rest = rest[i+len("<mark>"):]
		j := strings.Index(rest, "</mark>")
		if j < 0 {
			j = len(rest)
		}
		word := html.UnescapeString(rest[:j])
		b.WriteString(pre)
		b.WriteString(word)
		b.WriteString(post)
		if k := strings.ToLower(word); !seen[k] {
			seen[k] = true
			words = append(words, word)
		}
		rest = strings.TrimPrefix(rest[j:], "</mark>")
	}
	if words == nil {
		words = []string{}
	}
	return b.String(), words
}

// compatFacetHit is one facet value found by a facet value search.
type compatFacetHit struct {
	Value       string `json:"value"`
	Highlighted string `json:"highlighted"`
	Count       int    `json:"count"`
}

// CompatFacetHits answers a search for facet values.
type CompatFacetHits struct {
	FacetHits             []compatFacetHit `json:"facetHits"`
	ExhaustiveFacetsCount bool             `json:"exhaustiveFacetsCount"`
	ProcessingTimeMS      int              `json:"processingTimeMS"`
}

// compatFacetHits runs a search for facet values: the values of the facet
// one of whose words starts with facetQuery, counted under the query and
// its filters (public notes only).
func (s *Server) compatFacetHits(c *gin.Context, q compatQ) (*CompatFacetHits, error) {
	d, ok := compatDimension(q.facet)
	if !ok || d.Facet == "" {
		return nil, paramError("facet", "unknown_facet", fmt.Sprintf("facette inconnue « %s » : choisissez parmi %s", clip(q.facet), strings.Join(schema.FacetNames(), ", ")))
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.SearchTimeout)
	defer cancel()
	vals, err := s.eng.FacetSearch(ctx, scopeOf(c), d.Facet, q.facetQuery, q.req, q.facetHits)
	if err != nil {
		return nil, compatParamNames(err)
	}
	out := &CompatFacetHits{FacetHits: []compatFacetHit{}, ExhaustiveFacetsCount: true}
	for _, v := range vals {
		out.FacetHits = append(out.FacetHits, compatFacetHit{Value: v.Value, Highlighted: highlightPrefix(v.Value, q.facetQuery, q.pre, q.post), Count: v.Count})
	}
	out.ProcessingTimeMS = int(time.Since(start).Milliseconds())
	return out, nil
}

// highlightPrefix puts the tags around the words of value that start (once
// folded: case and accents ignored) with a word of typed.
func highlightPrefix(value, typed, pre, post string) string {
	var prefixes []string
	for _, w := range strings.FieldsFunc(typed, notWordRune) {
		prefixes = append(prefixes, analysis.Fold(w))
	}
	if len(prefixes) == 0 {
		return value
	}
	var b strings.Builder
	i := 0
	for i < len(value) {
		r, size := utf8.DecodeRuneInString(value[i:])
		if notWordRune(r) {
			b.WriteString(value[i : i+size])
			i += size
			continue
		}
		j := i
		for j < len(value) {
			r, size := utf8.DecodeRuneInString(value[j:])
			if notWordRune(r) {
				break
			}
			j += size
		}
		word := value[i:j]
		fw := analysis.Fold(word)
		hit := false
		for _, p := range prefixes {
			if p != "" && strings.HasPrefix(fw, p) {
				hit = true
				break
			}
		}
		if hit {
			b.WriteString(pre + word + post)
		} else {
			b.WriteString(word)
		}
		i = j
	}
	return b.String()
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
