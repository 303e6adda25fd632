package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// wellFormedQuery refuses an address whose query string does not decode: a
// "%" not followed by two hexadecimal digits, or a ";" between parameters.
// Go's parser drops such a parameter without a word, which would silently
// widen a search (a filter lost, q lost: every note) or get past a bound
// (per_page=1000%zz) and the check of unknown parameters. The compatible
// routes answer in their own envelope, the pages in plain French text. On
// a route that answers other origins (cors), the refusal allows every
// origin: it carries no note, and the partner's page may read why.
func wellFormedQuery(kind routeKind, compat, cors bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		raw := c.Request.URL.RawQuery
		if raw == "" {
			return
		}
		if _, err := url.ParseQuery(raw); err == nil {
			return
		}
		name, pair, found := badQueryPair(raw)
		name = printable(name) // from the client: may be long or hold control characters
		msg := fmt.Sprintf("paramètre mal encodé dans l’adresse (« %s ») : encodez chaque nom et chaque valeur (encodeURIComponent : « %% » suivi de deux chiffres hexadécimaux, « %%3B » pour « ; »), et séparez les paramètres par « & »", clip(pair))
		if !found {
			// Every pair decodes: Go refused their number (10,000 at most).
			msg = fmt.Sprintf("trop de paramètres dans l’adresse (%d) : quelques dizaines suffisent à toute recherche, retirez les autres", strings.Count(raw, "&")+1)
		}
		if cors && c.GetHeader("Origin") != "" {
			c.Header("Access-Control-Allow-Origin", "*")
		}
		switch {
		case compat:
			compatFail(c, http.StatusBadRequest, "invalid_query_string", name, msg)
		case kind == pageRoute:
			c.Header("X-Content-Type-Options", "nosniff")
			c.Data(http.StatusBadRequest, "text/plain; charset=utf-8", []byte("Adresse invalide : "+msg+"\n"))
			c.Abort()
		default:
			writeError(c, paramError(name, "invalid_query_string", msg))
		}
	}
}

// badQueryPair returns the first parameter of raw that does not decode: its
// name (decoded when the name itself decodes) and the pair as written; found
// is false when every pair decodes.
func badQueryPair(raw string) (name, pair string, found bool) {
	for _, p := range strings.Split(raw, "&") {
		k, v, _ := strings.Cut(p, "=")
		dk, errK := url.QueryUnescape(k)
		_, errV := url.QueryUnescape(v)
		if strings.Contains(p, ";") || errK != nil || errV != nil {
			if errK != nil || strings.Contains(k, ";") {
				dk = k
			}
			return dk, p, true
		}
	}
	return "", raw, false
}
