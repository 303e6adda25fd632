package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/encommun/trouvaille"
	"github.com/gin-gonic/gin"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown renders note bodies: CommonMark plus GitHub tables, strikethrough
// and autolinks. Raw HTML is dropped by goldmark (no WithUnsafe) and the
// output is sanitised again by bluemonday, so a note can never inject script.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(headingShift{}, 100), util.Prioritized(outsideImages{}, 200))),
)

var sanitizer = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	return p
}()

// headingShift moves a body's headings so the highest becomes h2: the page's
// h1 is the note's title, and screen-reader users navigate by heading levels
// that must not skip (notes often start their sections at ###).
type headingShift struct{}

func (headingShift) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	min := 7
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering && h.Level < min {
			min = h.Level
		}
		return ast.WalkContinue, nil
	})
	if min == 7 {
		return
	}
	shift := 2 - min
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			h.Level += shift
			if h.Level > 6 {
				h.Level = 6
			}
		}
		return ast.WalkContinue, nil
	})
}

// outsideImages turns an image from another site into a link to it. The
// page loads nothing from elsewhere (its Content-Security-Policy allows
// images from itself only, so that no reader is tracked): such an image
// would show as a broken icon, its picture lost to the reader. A link
// named by the image's description keeps it one click away.
type outsideImages struct{}

func (outsideImages) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	var images []*ast.Image
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering {
			dest := strings.ToLower(string(img.Destination))
			if strings.HasPrefix(dest, "http:") || strings.HasPrefix(dest, "https:") || strings.HasPrefix(dest, "//") {
				images = append(images, img)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, img := range images {
		label := strings.TrimSpace(string(img.Text(reader.Source()))) //nolint:staticcheck // the alt text, as goldmark renders it
		if label == "" {
			label = "image"
		}
		text := ast.NewString([]byte("Image : " + label))
		if _, inLink := img.Parent().(*ast.Link); inLink {
			// Already the text of a link (links never nest): its words.
			img.Parent().ReplaceChild(img.Parent(), img, text)
			continue
		}
		link := ast.NewLink()
		link.Destination = img.Destination
		link.Title = img.Title
		link.AppendChild(link, text)
		img.Parent().ReplaceChild(img.Parent(), img, link)
	}
}

// renderMarkdown turns a note body into safe HTML.
func renderMarkdown(src string) template.HTML {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(sanitizer.SanitizeBytes(buf.Bytes()))
}

type noteView struct {
	ID, Type, TypeLabel, Title string
	Summary                    string
	Body                       template.HTML
	Authors                    []string
	Curator                    string
	Orgs, Terms                []link
	Carnets                    []carnetLink
	Community                  link
	Published, PublishedISO    string
	Updated, UpdatedISO        string
	Original                   string
	Related                    []relatedView // linked notes first, then the related ones
	BackURL                    string
}

type link struct{ Label, URL string }

type relatedView struct {
	URL, Title, TypeLabel, Reasons string
}

func (s *Site) Note(c *gin.Context) {
	p := s.newPage(c, "", "")
	n, err := s.eng.Note(trouvaille.Scope{}, c.Param("id")) // ErrNotFound for a non-public note too
	if err != nil {
		if !errors.Is(err, trouvaille.ErrNotFound) {
			s.logf("web: note %s: %v", c.Param("id"), err)
		}
		s.notFound(c, "not_found", "not_found_text")
		return
	}
	lang := p.Explicit
	v := &noteView{
		ID: n.ID, Type: n.Type, TypeLabel: typeLabel(p.T, n.Type), Title: n.Title, Summary: n.Summary,
		Body: renderMarkdown(n.Body), Authors: n.Authors, Curator: n.Curator, Original: n.URL,
		Published: formatDate(n.PublishedAt, p.Lang), Updated: formatDate(n.UpdatedAt, p.Lang),
		BackURL: langURL("/", lang),
	}
	if back := backURL(c); back != "" {
		v.BackURL = back
	}
	if n.PublishedAt != nil {
		v.PublishedISO = n.PublishedAt.UTC().Format("2006-01-02")
	}
	if n.UpdatedAt != nil && (n.PublishedAt == nil || !n.UpdatedAt.Equal(*n.PublishedAt)) {
		v.UpdatedISO = n.UpdatedAt.UTC().Format("2006-01-02")
	} else {
		v.Updated = ""
	}
	for _, o := range n.Organisations {
		v.Orgs = append(v.Orgs, link{o, filterURL("organisation", o, lang)})
	}
	for _, t := range n.Terms {
		v.Terms = append(v.Terms, link{t, filterURL("term", t, lang)})
	}
	for _, cn := range n.Carnets {
		cl := carnetLink{Label: cn.Title, URL: filterURL("carnet", cn.Title, lang)}
		if cn.Bloc != "" {
			bs := state{Filters: map[string][]string{"carnet": {cn.Title}, "bloc": {cn.Bloc}}, Page: 1, Lang: lang}
			cl.Bloc, cl.BlocURL = cn.Bloc, bs.URL()
		}
		v.Carnets = append(v.Carnets, cl)
	}
	if n.Community != "" {
		v.Community = link{n.Community, filterURL("community", n.Community, lang)}
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.timeout)
	defer cancel()
	linked := s.linked(n, p)
	v.Related = append(linked, s.related(ctx, n, p, linked)...)
	p.Title = n.Title
	p.Data = v
	s.render(c, http.StatusOK, "note", p)
}

// backURL is the search the person came from (the Referer, when it is this
// site's search page), so "Retour à la recherche" keeps their query and filters.
func backURL(c *gin.Context) string {
	ref, err := url.Parse(c.Request.Referer())
	if err != nil || ref.Host != c.Request.Host || ref.Path != "/" {
		return ""
	}
	if ref.RawQuery == "" {
		return "/"
	}
	return "/?" + ref.RawQuery
}

// linked lists the public notes the note links to (rétroliens).
func (s *Site) linked(n *trouvaille.Note, p *page) []relatedView {
	if len(n.Links) == 0 {
		return nil
	}
	got, err := s.eng.PublicNotes(n.Links)
	if err != nil {
		return nil
	}
	var out []relatedView
	for _, id := range n.Links {
		if l, ok := got[id]; ok && l.Public() && id != n.ID {
			out = append(out, relatedView{URL: langURL("/n/"+id, p.Explicit), Title: l.Title, TypeLabel: typeLabel(p.T, l.Type), Reasons: p.T["reason_link"]})
		}
	}
	return out
}

// relatedLimit is how many related notes a note page shows.
const relatedLimit = 5

// related lists the public notes related to n (Engine.Related), leaving out
// n itself and the notes it links to (already shown).
func (s *Site) related(ctx context.Context, n *trouvaille.Note, p *page, linked []relatedView) []relatedView {
	skip := map[string]bool{n.ID: true}
	for _, l := range linked {
		skip[l.URL] = true
	}
	hits, err := s.eng.Related(ctx, trouvaille.Scope{}, n.ID, relatedLimit)
	if err != nil {
		s.logf("web: related %s: %v", n.ID, err)
		return nil
	}
	var out []relatedView
	for _, h := range hits {
		u := langURL("/n/"+h.ID, p.Explicit)
		if skip[h.ID] || skip[u] || len(out) == relatedLimit {
			continue
		}
		skip[h.ID] = true
		out = append(out, relatedView{URL: u, Title: h.Title, TypeLabel: typeLabel(p.T, h.Type), Reasons: reasonSentences(p.T, h.Reasons)})
	}
	return out
}

// reasonSentences writes the reasons of a related note (discover's
// "terme : logement social") as sentences: « Même terme : logement social. »
func reasonSentences(t map[string]string, reasons []string) string {
	var out []string
	for _, r := range reasons {
		switch {
		case r == "lien":
			out = append(out, t["reason_link"])
		case r == "rétrolien":
			out = append(out, t["reason_back"])
		case r == "texte semblable":
			out = append(out, t["reason_text"])
		case strings.HasPrefix(r, "terme : "):
			out = append(out, fmt.Sprintf(t["reason_term"], strings.TrimPrefix(r, "terme : ")))
		case strings.HasPrefix(r, "organisation : "):
			out = append(out, fmt.Sprintf(t["reason_org"], strings.TrimPrefix(r, "organisation : ")))
		case strings.HasPrefix(r, "carnet : "):
			out = append(out, fmt.Sprintf(t["reason_carnet"], strings.TrimPrefix(r, "carnet : ")))
		default:
			out = append(out, r)
		}
	}
	return strings.Join(out, " ")
}
