package widget

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/sha512"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

//go:embed widget.js
var script []byte

//go:embed demo.html
var demoHTML string

var (
	scriptGz   = mustGzip(script)
	scriptETag = fmt.Sprintf(`"%x"`, sha256.Sum256(script))
	// Integrity is the Subresource Integrity value of /widget.js, for
	// <script integrity="…" crossorigin="anonymous">.
	Integrity = "sha384-" + sri(script)
	demoTpl   = template.Must(template.New("demo").Parse(demoHTML))
)

func mustGzip(b []byte) []byte {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		panic(err)
	}
	if _, err := w.Write(b); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func sri(b []byte) string {
	h := sha512.Sum384(b)
	return base64.StdEncoding.EncodeToString(h[:])
}

// Script serves GET /widget.js: the custom element, gzipped when the
// browser accepts it. Any site may load it (and check it with SRI, hence
// the CORS header).
func Script(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("ETag", scriptETag)
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	h.Add("Vary", "Accept-Encoding")
	if match := c.GetHeader("If-None-Match"); match != "" && strings.Contains(match, scriptETag) {
		c.Status(http.StatusNotModified)
		return
	}
	body := script
	if acceptsGzip(c.GetHeader("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		body = scriptGz
	}
	c.Data(http.StatusOK, "text/javascript; charset=utf-8", body)
}

func acceptsGzip(ae string) bool {
	for _, part := range strings.Split(ae, ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.ReplaceAll(strings.TrimSpace(q), " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// demoData fills demo.html.
type demoData struct {
	Lang      string
	Server    string
	Key       string
	Carnet    string
	Snippet   string
	Integrity string
}

// Demo serves GET /widget/demo: the widget configured against this server
// (anonymous today: no key; ?cle=… and ?carnet=… try a key and a scope),
// French by default, English with ?lang=en.
func Demo(c *gin.Context) {
	lang := "fr"
	if c.Query("lang") == "en" {
		lang = "en"
	}
	scheme := "http"
	if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	d := demoData{Lang: lang, Server: scheme + "://" + c.Request.Host, Key: c.Query("cle"), Carnet: c.Query("carnet"), Integrity: Integrity}
	d.Snippet = Snippet(d.Server, d.Key, d.Carnet, lang)
	var buf bytes.Buffer
	if err := demoTpl.Execute(&buf, d); err != nil {
		c.String(http.StatusInternalServerError, "page de démonstration indisponible : %v", err)
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

// Snippet is the two lines a partner pastes into its page.
func Snippet(server, key, carnet, lang string) string {
	attr := func(name, v string) string {
		if v == "" {
			return ""
		}
		return " " + name + `="` + template.HTMLEscapeString(v) + `"`
	}
	placeholder := "Rechercher dans nos notes…"
	if lang == "en" {
		placeholder = "Search our notes…"
	}
	return `<script src="` + template.HTMLEscapeString(server) + `/widget.js" defer></script>` + "\n" +
		`<trouvaille-recherche` + attr("serveur", server) + attr("cle", key) + attr("carnet", carnet) +
		attr("placeholder", placeholder) + attr("lang", lang) + `></trouvaille-recherche>`
}
