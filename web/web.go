package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
	"github.com/gin-gonic/gin"
)

//go:embed static templates
var assets embed.FS

// Engine is what the page needs of the engine; *trouvaille.Engine
// implements it. The page never sees the store or the index.
type Engine interface {
	Search(ctx context.Context, sc trouvaille.Scope, r trouvaille.Request) (*trouvaille.Result, error)
	Note(sc trouvaille.Scope, id string) (*trouvaille.Note, error)
	PublicNotes(ids []string) (map[string]*trouvaille.Note, error)
	Related(ctx context.Context, sc trouvaille.Scope, id string, limit int) ([]trouvaille.RelatedHit, error)
	// FacetValues lists every value of a facet (the browse pages).
	FacetValues(ctx context.Context, facet string) ([]trouvaille.FacetValue, error)
	// Synonyms is the engine's synonym list (French words for an English search).
	Synonyms() *trouvaille.Synonyms
}

// Option tunes the page.
type Option func(*Site)

// WithLogf sets where the page logs server faults (log.Printf by default).
func WithLogf(logf func(string, ...any)) Option { return func(s *Site) { s.logf = logf } }

// Site serves the pages over an open engine.
type Site struct {
	eng     Engine
	tpl     map[string]*template.Template
	static  map[string]staticFile // by name under static/
	logf    func(string, ...any)
	timeout time.Duration
}

type staticFile struct {
	body, gz []byte
	ctype    string
	hash     string
}

// Routes returns the page's handlers: / (search), /n/{id} (a note),
// /organisations, /carnets, /termes (browse), /static/* (the CSS and
// JavaScript, embedded) and the HTML 404 page. api.New mounts them from its
// route table.
func Routes(eng Engine, opts ...Option) *Site {
	s := &Site{eng: eng, logf: log.Printf, timeout: 10 * time.Second}
	for _, o := range opts {
		o(s)
	}
	s.load()
	return s
}

// Organisations serves /organisations.
func (s *Site) Organisations(c *gin.Context) { s.browse(c, "organisations") }

// Carnets serves /carnets.
func (s *Site) Carnets(c *gin.Context) { s.browse(c, "carnets") }

// Terms serves /termes.
func (s *Site) Terms(c *gin.Context) { s.browse(c, "terms") }

// Help serves /aide: how to search, in plain language.
func (s *Site) Help(c *gin.Context) {
	p := s.newPage(c, "", "help")
	p.Title = p.T["help_title"]
	s.render(c, http.StatusOK, "help", p)
}

// load parses the templates and reads the static files once; a mistake in
// them is a programming error caught by the tests, so it panics.
func (s *Site) load() {
	s.static = map[string]staticFile{}
	entries, err := fs.ReadDir(assets, "static")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		b, err := assets.ReadFile("static/" + e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		ctype := "application/octet-stream"
		switch path.Ext(e.Name()) {
		case ".css":
			ctype = "text/css; charset=utf-8"
		case ".js":
			ctype = "text/javascript; charset=utf-8"
		case ".svg":
			ctype = "image/svg+xml"
		}
		s.static[e.Name()] = staticFile{body: b, gz: gzipBytes(b), ctype: ctype, hash: hex.EncodeToString(sum[:6])}
	}
	funcs := template.FuncMap{
		"asset": func(name string) string { return "/static/" + name + "?v=" + s.static[name].hash },
		"safe":  func(h string) template.HTML { return template.HTML(h) }, // only for index-made HTML (escaped text with <mark>) and sanitised Markdown
		"facetCtx": func(t map[string]string, f any) facetCtx {
			if fp, ok := f.(*facetView); ok {
				return facetCtx{T: t, F: *fp}
			}
			return facetCtx{T: t, F: f.(facetView)}
		},
		"whatCtx": func(t map[string]string, label, text string) whatCtx {
			return whatCtx{T: t, Label: label, Text: text}
		},
		"json": func(v any) (template.JS, error) {
			b, err := json.Marshal(v)
			return template.JS(b), err
		},
	}
	s.tpl = map[string]*template.Template{}
	for _, page := range []string{"search", "note", "browse", "notfound", "closed", "help"} {
		s.tpl[page] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/parts.html", "templates/"+page+".html"))
	}
}

// facetCtx is what the "facet" template receives (it nests).
type facetCtx struct {
	T map[string]string
	F facetView
}

// whatCtx is what the "what" template (« C’est quoi ? ») receives.
type whatCtx struct {
	T           map[string]string
	Label, Text string
}

// page is what every template receives.
type page struct {
	Lang     string            // "fr" or "en"
	LangTag  string            // lang attribute
	Explicit string            // "en"/"fr" when chosen with ?lang=, carried by links
	T        map[string]string // messages
	Title    string
	Nav      string // current section
	OtherURL string // same page in the other language
	// Filters are the filter parameters (schema.Dimensions), for the JavaScript.
	Filters []string
	Data    any
}

func (s *Site) newPage(c *gin.Context, title, nav string) *page {
	lang, explicit := pickLang(c.Request)
	p := &page{Lang: lang, T: messages[lang], Title: title, Nav: nav, Filters: schema.FilterNames()}
	p.LangTag = p.T["html_lang"]
	if explicit {
		p.Explicit = lang
	}
	other := langEN
	if lang == langEN {
		other = langFR
	}
	q := c.Request.URL.Query()
	q.Set("lang", other)
	p.OtherURL = c.Request.URL.Path + "?" + q.Encode()
	return p
}

// render executes a template into a buffer (so a failure never sends half a
// page) and writes it, compressed when the browser accepts it.
func (s *Site) render(c *gin.Context, status int, name string, p *page) {
	var buf bytes.Buffer
	if err := s.tpl[name].Execute(&buf, p); err != nil {
		s.logf("web: template %s: %v", name, err)
		c.String(http.StatusInternalServerError, "erreur interne / internal error")
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Language", p.LangTag)
	h.Add("Vary", "Accept-Encoding")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	writeMaybeGzip(c, status, "text/html; charset=utf-8", buf.Bytes(), nil)
}

func (s *Site) Asset(c *gin.Context) {
	f, ok := s.static[c.Param("name")]
	if !ok {
		// An unknown address outside /v1/: the site's 404 page, as for
		// any other (an old asset name from a cached page, a typo).
		s.NotFound(c)
		return
	}
	if c.Query("v") == f.hash {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "public, max-age=300")
	}
	c.Header("X-Content-Type-Options", "nosniff")
	c.Writer.Header().Add("Vary", "Accept-Encoding")
	writeMaybeGzip(c, http.StatusOK, f.ctype, f.body, f.gz)
}

// search serves / : the search page, rendered on the server for any state.
func (s *Site) Search(c *gin.Context) {
	raw := c.Request.URL.Query()
	st := parseState(raw)
	p := s.newPage(c, "", "search")
	// A form submitted without JavaScript sends its empty fields
	// (published_after=&sort=…): send the browser to the clean address.
	for _, vals := range raw {
		if len(vals) == 1 && vals[0] == "" {
			redirect(c, http.StatusSeeOther, st.URL())
			return
		}
	}
	st.Lang = p.Explicit
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.timeout)
	defer cancel()
	view := &searchView{State: st}
	status := http.StatusOK
	var res *trouvaille.Result
	var err error
	if bad, label := st.badDate(); bad != "" {
		view.Error = fmtPage(p, "date_invalid", p.T[label], bad)
		status = http.StatusBadRequest
		res = &trouvaille.Result{Facets: map[string][]trouvaille.FacetValue{}}
	} else if st.After != "" && st.Before != "" && st.Before < st.After {
		// Dates typed the wrong way round: said with the fields' own
		// names, not the API's (« published_before doit être après… »).
		after, _ := time.Parse("2006-01-02", st.After)
		before, _ := time.Parse("2006-01-02", st.Before)
		view.Error = fmtPage(p, "dates_reversed", formatDate(&before, p.Lang), formatDate(&after, p.Lang))
		status = http.StatusBadRequest
		res = &trouvaille.Result{Facets: map[string][]trouvaille.FacetValue{}}
	} else if st.tooFar() {
		view.Error = fmtPage(p, "page_too_far", formatCount(st.Page, p.Lang), formatCount(query.MaxResultWindow, p.Lang), formatCount(maxPage, p.Lang))
		status = http.StatusBadRequest
		res = &trouvaille.Result{Facets: map[string][]trouvaille.FacetValue{}}
	} else {
		res, err = s.eng.Search(ctx, trouvaille.Scope{}, st.request()) // the public site: public notes only
		if err == nil && st.Page > 1 && res.Total > 0 && uint64(st.Page-1)*perPage >= res.Total {
			last := int((res.Total + perPage - 1) / perPage)
			// A page past the last (an old link, a hand-typed number):
			// the last page, rather than « Page 999 sur 3 » and nothing.
			redirect(c, http.StatusFound, st.atPage(last).URL())
			return
		}
	}
	if err != nil {
		var re *trouvaille.RequestError
		if errors.As(err, &re) {
			view.Error = re.Message
			status = http.StatusBadRequest
		} else if errors.Is(err, trouvaille.ErrRebuilding) || errors.Is(err, trouvaille.ErrIndexDamaged) {
			view.Error = p.T["error_rebuilding"]
			status = http.StatusServiceUnavailable
			c.Header("Retry-After", "30")
		} else {
			s.logf("web: search %q: %v", st.Q, err)
			view.Error = p.T["error"]
			status = http.StatusInternalServerError
		}
		res = &trouvaille.Result{Facets: map[string][]trouvaille.FacetValue{}}
	}
	view.build(p, res)
	if view.Error == "" && st.Q != "" {
		view.Entity = s.entity(ctx, st, p)
		if view.Entity == nil && st.Page == 1 {
			view.Entity = facetEntity(st, p, res)
		}
		// English words that find nothing: the French ones for them, in
		// either language of the page (someone who types « housing » on the
		// French page did not see that the notes are in French either).
		if view.Empty {
			lists := []*analysis.Synonyms{glossary}
			if p.Lang == langEN {
				// The English page also offers the French words'
				// synonyms; the French page, only translations (a French
				// word is not told to be « in English »).
				lists = append(lists, s.eng.Synonyms())
			}
			for _, w := range frenchWords(st.Q, lists...) {
				fs := state{Q: w, Page: 1, Lang: st.Lang}
				view.French = append(view.French, chip{Label: w, URL: fs.URL()})
			}
		}
	}
	if st.Q != "" && utf8.ValidString(st.Q) {
		p.Title = st.Q // a query in invalid UTF-8 (refused) is not echoed as « � »
	}
	p.Data = view
	s.render(c, status, "search", p)
}

// suggestion is the corrected query the page offers ("Vouliez-vous dire…?").
type suggestion struct {
	Q     string
	Total uint64
	URL   string
}

// NotFound renders the HTML 404 page of an unknown address.
func (s *Site) NotFound(c *gin.Context) {
	s.notFound(c, "page_not_found", "page_not_found_text")
}

// Closed renders the HTML page a searching page answers when the server
// takes no anonymous search (403): the search is the partners', with keys.
func (s *Site) Closed(c *gin.Context) {
	p := s.newPage(c, "", "")
	p.Title = p.T["search_closed"]
	p.Data = p.T["search_closed_text"]
	s.render(c, http.StatusForbidden, "closed", p)
}

// notFound renders the HTML 404 page with a title and a text (message keys).
func (s *Site) notFound(c *gin.Context, title, text string) {
	p := s.newPage(c, "", "")
	p.Title = p.T[title]
	p.Data = p.T[text]
	s.render(c, http.StatusNotFound, "notfound", p)
}

func fmtPage(p *page, key string, args ...any) string { return fmt.Sprintf(p.T[key], args...) }

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// redirect sends the browser to loc, an absolute path, without a body: Go's
// own redirect writes one in English (« See Other »).
func redirect(c *gin.Context, code int, loc string) {
	c.Header("Location", loc)
	c.Status(code)
}
