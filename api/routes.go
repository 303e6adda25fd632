package api

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/encommun/trouvaille/widget"
	"github.com/gin-gonic/gin"
)

// Pages is what the web page serves (web.Routes returns one). The API holds
// the route table of the whole site, so the pages' handlers come in here.
type Pages interface {
	Search(*gin.Context)        // GET /
	Note(*gin.Context)          // GET /n/{id}
	Organisations(*gin.Context) // GET /organisations
	Carnets(*gin.Context)       // GET /carnets
	Terms(*gin.Context)         // GET /termes
	Asset(*gin.Context)         // GET /static/{name}
	Help(*gin.Context)          // GET /aide
	NotFound(*gin.Context)      // the HTML 404 page of any unknown address outside /v1/
	Closed(*gin.Context)        // the HTML 403 page of the searching pages when anonymous search is off
}

// routeKind tells the JSON API from the HTML pages: it decides the CORS
// headers and the form of the 404 and 405 answers.
type routeKind int

const (
	apiRoute routeKind = iota
	pageRoute
)

// route is one line of the route table. Every GET route also answers HEAD;
// every API route also answers OPTIONS (CORS preflight).
type route struct {
	method  string
	path    string // Gin pattern: :name is one segment
	kind    routeKind
	handler gin.HandlerFunc
}

// routes is the route table: every address the server answers, API and
// pages, in one place. The router, the HEAD and OPTIONS answers, the 404
// message and the 405 Allow header are all derived from it.
func (s *Server) routes(p Pages) []route {
	t := []route{
		{http.MethodGet, "/v1/search", apiRoute, s.read(s.search)},
		{http.MethodGet, "/v1/suggest", apiRoute, s.read(s.suggest)},
		{http.MethodGet, "/v1/facets/:facet", apiRoute, s.read(s.facetValues)},
		{http.MethodGet, "/v1/notes/:id", apiRoute, s.read(s.note)},
		{http.MethodGet, "/v1/notes/:id/related", apiRoute, s.read(s.related)},
		{http.MethodGet, "/v1/openapi.yaml", apiRoute, anyOrigin(serveOpenAPI)},
		{http.MethodPost, "/v1/admin/synonyms/reload", apiRoute, s.reloadSynonyms},
		{http.MethodPost, "/v1/notes", apiRoute, s.writeRoute(s.postNotes)},
		{http.MethodPut, "/v1/notes/:id", apiRoute, s.writeRoute(s.putNote)},
		{http.MethodDelete, "/v1/notes/:id", apiRoute, s.writeRoute(s.deleteNote)},
		{http.MethodGet, "/v1/tasks/:seq", apiRoute, anyOrigin(s.task)},
		{http.MethodGet, "/v1/admin/backup", apiRoute, s.writeRoute(s.backup)},
		{http.MethodPost, "/v1/admin/index/rebuild", apiRoute, s.writeRoute(s.rebuildIndex)},
		{http.MethodGet, "/v1/admin/index/rebuild", apiRoute, s.writeRoute(s.rebuildState)},
		{http.MethodGet, "/healthz", apiRoute, s.health},
		{http.MethodPost, "/v1/keys", apiRoute, s.keysRoute(s.createKey)},
		{http.MethodGet, "/v1/keys", apiRoute, s.keysRoute(s.listKeys)},
		{http.MethodGet, "/v1/keys/:id", apiRoute, s.keysRoute(s.getKey)},
		{http.MethodPatch, "/v1/keys/:id", apiRoute, s.keysRoute(s.patchKey)},
		{http.MethodDelete, "/v1/keys/:id", apiRoute, s.keysRoute(s.deleteKey)},
		// InstantSearch.js compatibility: the Algolia protocol (compat.go).
		{http.MethodPost, "/1/indexes/:index/queries", apiRoute, s.compatQueries},
		{http.MethodPost, "/1/indexes/:index/query", apiRoute, s.compatQuery},
		{http.MethodPost, "/1/indexes/:index/facets/:facet/query", apiRoute, s.compatFacetQuery},
	}
	t = append(t, s.opsRoutes()...)
	// The partners' search box (widget/), which links to /n/{id}: served
	// whatever the page, for the partners' keys.
	t = append(t,
		route{http.MethodGet, "/widget.js", pageRoute, widget.Script},
		route{http.MethodGet, "/widget/demo", pageRoute, widget.Demo},
	)
	if p != nil {
		// The pages that search share the anonymous callers' limit; they
		// are anonymous search, and say it is closed when it is off.
		searching := func(h gin.HandlerFunc) gin.HandlerFunc {
			if s.cfg.NoAnonymous {
				return p.Closed
			}
			return s.pageLimit(h)
		}
		t = append(t,
			route{http.MethodGet, "/", pageRoute, searching(p.Search)},
			route{http.MethodGet, "/n/:id", pageRoute, searching(p.Note)},
			route{http.MethodGet, "/organisations", pageRoute, searching(p.Organisations)},
			route{http.MethodGet, "/carnets", pageRoute, searching(p.Carnets)},
			route{http.MethodGet, "/termes", pageRoute, searching(p.Terms)},
			route{http.MethodGet, "/static/:name", pageRoute, p.Asset},
			route{http.MethodGet, "/aide", pageRoute, p.Help},
		)
	}
	return t
}

// router builds the Gin engine from the route table.
type router struct {
	table []route
	pages Pages
}

func (rt *router) register(r *gin.Engine, s *Server) {
	options := map[string]bool{}
	for _, e := range rt.table {
		// A query string that does not decode is refused before the
		// handler; on a CORS route the refusal allows every origin, so
		// that a browser of another origin can read it (wellFormedQuery).
		h := []gin.HandlerFunc{wellFormedQuery(e.kind, strings.HasPrefix(e.path, "/1/"), hasCORS(e)), e.handler}
		if readsBody(e.method) {
			// So is a body in an encoding the route does not read.
			h = slices.Insert(h, 1, bodyEncoding(e, hasCORS(e)))
		}
		r.Handle(e.method, e.path, h...)
		if e.method == http.MethodGet {
			r.Handle(http.MethodHead, e.path, h...)
		}
		if hasCORS(e) && !options[e.path] {
			options[e.path] = true
			methods, _ := rt.allowed(e.path)
			r.Handle(http.MethodOptions, e.path, s.preflight(strings.Join(methods, ", ")))
		}
	}
	r.NoRoute(rt.noRoute(s))
}

// hasCORS reports whether a route answers browsers of other origins: every
// API route under /v1/ and every API route outside it but /healthz (the
// compatibility endpoints). Its answers vary by Origin; OPTIONS answers its
// preflight (see Server.preflight).
func hasCORS(e route) bool {
	return e.kind == apiRoute && e.path != "/healthz"
}

// anyOrigin wraps the handler of a route that carries no note (readiness,
// a write's task, the OpenAPI document): it reads no key and answers every
// caller alike, so every origin may read it, as its preflight says.
func anyOrigin(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.GetHeader("Origin") != "" {
			c.Header("Access-Control-Allow-Origin", "*")
		}
		h(c)
	}
}

// allowed lists the methods the table accepts on a path (none: unknown
// address) and the kind of the route.
func (rt *router) allowed(p string) ([]string, routeKind) {
	set := map[string]bool{}
	kind := pageRoute
	for _, e := range rt.table {
		if !matchPattern(e.path, p) {
			continue
		}
		kind = e.kind
		set[e.method] = true
		if e.method == http.MethodGet {
			set[http.MethodHead] = true
		}
		if hasCORS(e) {
			set[http.MethodOptions] = true
		}
	}
	out := make([]string, 0, len(set))
	for m := range set {
		out = append(out, m)
	}
	sort.Strings(out)
	return out, kind
}

// isAPIPath reports whether an address belongs to the API (JSON answers).
func isAPIPath(p string) bool {
	return p == "/v1" || strings.HasPrefix(p, "/v1/") || p == "/healthz" || p == "/readyz" || p == "/metrics"
}

// noRoute answers an address or a method the table does not hold: 405 with
// an Allow header when the address exists with other methods, else 404 (the
// site's HTML page outside /v1/, JSON under it).
func (rt *router) noRoute(s *Server) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !s.cfg.NoAnonymous && c.GetHeader("Origin") != "" && (isAPIPath(c.Request.URL.Path) || strings.HasPrefix(c.Request.URL.Path, "/1/")) {
			// Anonymous callers of every origin may read an API error, as
			// they read the API (no credential is involved in it).
			c.Header("Access-Control-Allow-Origin", "*")
		}
		rt.unknown(c)
	}
}

// unknown answers what the table does not hold (see noRoute). An address
// of the table with a slash added is taken back to it on the pages (a
// person typed it) and named in the API's error (a program must be fixed).
func (rt *router) unknown(c *gin.Context) {
	p := c.Request.URL.Path
	if trimmed := strings.TrimRight(p, "/"); trimmed != p && trimmed != "" {
		if methods, kind := rt.allowed(trimmed); len(methods) > 0 {
			if kind == apiRoute {
				c.AbortWithStatusJSON(http.StatusNotFound, ErrorBody{Error: ErrorDetail{Code: "no_route", Message: "adresse inconnue : retirez la barre oblique finale (" + printable(trimmed) + ")"}})
				return
			}
			if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
				u := *c.Request.URL
				u.Path, u.RawPath = trimmed, ""
				redirect(c, http.StatusMovedPermanently, u.RequestURI())
				c.Abort()
				return
			}
		}
	}
	if methods, kind := rt.allowed(p); len(methods) > 0 {
		c.Header("Allow", strings.Join(methods, ", "))
		if kind == apiRoute {
			c.AbortWithStatusJSON(http.StatusMethodNotAllowed, ErrorBody{Error: ErrorDetail{Code: "method_not_allowed", Message: "méthode " + safeMethod(c.Request.Method) + " non permise sur cette adresse : utilisez " + strings.Join(methods, ", ")}})
			return
		}
		c.Header("Content-Type", "text/plain; charset=utf-8")
		c.String(http.StatusMethodNotAllowed, "méthode non permise sur cette page : utilisez "+strings.Join(methods, ", ")+"\n")
		c.Abort()
		return
	}
	if rt.pages != nil && !isAPIPath(p) {
		rt.pages.NotFound(c)
		c.Abort()
		return
	}
	if rest, ok := strings.CutPrefix(p, "/v1/notes/"); ok && strings.Contains(rest, "/") {
		// An id with a slash (PUT /v1/notes/a/b): no such address, but
		// say why rather than list the read routes.
		c.AbortWithStatusJSON(http.StatusNotFound, ErrorBody{Error: ErrorDetail{Code: "no_route", Param: "id", Message: "« " + printable(rest) + " » n’est pas un identifiant de note : un identifiant ne contient pas de « / » (lettres, chiffres, - et _); adresses : /v1/notes/{id} et /v1/notes/{id}/related"}})
		return
	}
	c.AbortWithStatusJSON(http.StatusNotFound, ErrorBody{Error: ErrorDetail{Code: "no_route", Message: "adresse inconnue : voyez " + rt.apiList()}})
}

// apiList names the public API addresses, from the route table.
func (rt *router) apiList() string {
	var names []string
	for _, e := range rt.table {
		if e.kind == apiRoute && e.method == http.MethodGet && !strings.Contains(e.path, "/admin/") && !strings.HasPrefix(e.path, "/v1/keys") && !adminOnly(e.path) {
			names = append(names, openAPIPath(e.path))
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " et " + names[len(names)-1]
}

// openAPIPath writes a Gin pattern the OpenAPI way: /v1/notes/{id}.
func openAPIPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") {
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(segs, "/")
}

// matchPattern reports whether path p matches the Gin pattern (:name is one
// non-empty segment, *name the rest).
func matchPattern(pattern, p string) bool {
	ps := strings.Split(pattern, "/")
	xs := strings.Split(p, "/")
	for i, s := range ps {
		if strings.HasPrefix(s, "*") {
			return i <= len(xs)
		}
		if i >= len(xs) {
			return false
		}
		if strings.HasPrefix(s, ":") {
			if xs[i] == "" {
				return false
			}
			continue
		}
		if s != xs[i] {
			return false
		}
	}
	return len(ps) == len(xs)
}

// safeMethod keeps a request method printable in a message (it comes from
// the client).
func safeMethod(m string) string {
	if len(m) > 20 {
		m = m[:20]
	}
	return strings.Map(func(r rune) rune {
		if r < 'A' || r > 'Z' {
			return '?'
		}
		return r
	}, m)
}

// metricMethod is a method as the metrics' label holds it: one of HTTP's
// methods, else "other". Any 20 capital letters passed safeMethod, and
// each made series of its own: 25,000 requests of random methods (refused
// before any limit) made a 49 MB /metrics and 74 MB of memory, never freed.
func metricMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// nosniff tells browsers never to guess the type of any response (JSON,
// errors, pages, assets).
func nosniff(c *gin.Context) {
	c.Header("X-Content-Type-Options", "nosniff")
	c.Next()
}

// maxRequestHead bounds a request's address and its headers (each): no
// request of the API or the pages comes near (a query is 1,000 bytes at
// most, filters a few kilobytes).
const maxRequestHead = 64 << 10

// requestBound refuses an address or headers past maxRequestHead with a
// French answer: 414 or 431, in JSON for the API (the compatible routes'
// envelope for theirs), in text for the pages. (The server reads up to
// 1 MiB of them, ServerLimits.MaxHeaderBytes; past that, net/http answers
// alone.)
func requestBound(c *gin.Context) {
	status, code, msg := 0, "", ""
	if n := len(c.Request.RequestURI); n > maxRequestHead {
		status, code = http.StatusRequestURITooLong, "uri_too_long"
		msg = fmt.Sprintf("adresse trop longue (%d octets, %d au plus) : raccourcissez la requête ou retirez des filtres", n, maxRequestHead)
	} else {
		n := 0
		for k, vs := range c.Request.Header {
			for _, v := range vs {
				n += len(k) + len(v) + 4
			}
		}
		if n > maxRequestHead {
			status, code = http.StatusRequestHeaderFieldsTooLarge, "headers_too_large"
			msg = fmt.Sprintf("en-têtes de la requête trop grands (%d octets, %d au plus) : vérifiez la clé ou le jeton envoyé et les témoins (cookies)", n, maxRequestHead)
		}
	}
	if status == 0 {
		return
	}
	path := c.Request.URL.Path
	switch {
	case strings.HasPrefix(path, "/1/"):
		compatFail(c, status, code, "", msg)
	case strings.HasPrefix(path, "/v1/"), path == "/healthz", path == "/readyz", path == "/metrics":
		c.AbortWithStatusJSON(status, ErrorBody{Error: ErrorDetail{Code: code, Message: msg}})
	default:
		c.Data(status, "text/plain; charset=utf-8", []byte("Requête refusée : "+msg+".\n"))
		c.Abort()
	}
}

// redirect sends the browser to loc, an absolute path, without a body: Go's
// own redirect writes one in English (« Moved Permanently »).
func redirect(c *gin.Context, code int, loc string) {
	c.Header("Location", loc)
	c.Status(code)
}
