package api

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/analytics"
	"github.com/encommun/trouvaille/query"
	"github.com/gin-gonic/gin"
)

// Bounds of the analytics routes.
const (
	maxEventBody   = 4 << 10
	maxReportDays  = 366
	defaultTop     = 20
	maxTop         = 100
	adminCookie    = "trouvaille_admin"
	adminCookieTTL = 12 * time.Hour
)

var noteIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

func (s *Server) analyticsOff(c *gin.Context) bool {
	if s.cfg.Ops.Analytics != nil {
		return false
	}
	c.AbortWithStatusJSON(http.StatusNotFound, ErrorBody{Error: ErrorDetail{Code: "analytics_disabled", Message: "statistiques de recherche désactivées sur ce serveur (--no-analytics)"}})
	return true
}

// event is the body of POST /v1/events.
type event struct {
	Type     string `json:"type"`
	Q        string `json:"q"`
	Position int    `json:"position"`
	ID       string `json:"id"`
}

// postEvent takes a click on a result reported by the page or a widget:
// {"type":"click","q":"…","position":3,"id":"…"}. Only the day and the
// position are kept. JSON or text/plain (navigator.sendBeacon) bodies.
func (s *Server) postEvent(c *gin.Context) {
	if s.analyticsOff(c) {
		return
	}
	if err := checkParams(c.Request.URL.Query(), map[string]bool{}); err != nil {
		writeError(c, err)
		return
	}
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxEventBody+1))
	if err != nil {
		writeError(c, paramError("body", "unreadable_body", "corps de la requête illisible : renvoyez l’événement"))
		return
	}
	if len(body) > maxEventBody {
		c.AbortWithStatusJSON(http.StatusRequestEntityTooLarge, ErrorBody{Error: ErrorDetail{Code: "body_too_large", Message: fmt.Sprintf("un événement fait au plus %d octets", maxEventBody), Param: "body"}})
		return
	}
	ev, err := decodeEvent(body)
	if err != nil {
		writeError(c, err)
		return
	}
	if err := s.cfg.Ops.Analytics.Click(ev.Position); err != nil {
		writeError(c, paramError("position", "invalid_position", fmt.Sprintf("position doit être un entier de 1 à %d", analytics.MaxPosition)))
		return
	}
	s.ops.metrics.Event(ev.Type)
	c.Status(http.StatusNoContent)
}

// decodeEvent reads and checks one event; every refusal names the field.
func decodeEvent(body []byte) (event, error) {
	var ev event
	if !utf8.Valid(body) {
		return ev, paramError("body", "invalid_utf8", "le corps n’est pas de l’UTF-8 valide : encodez-le en UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		var ute *json.UnmarshalTypeError
		switch {
		case errors.As(err, &ute) && ute.Field == "":
			return ev, paramError("body", "invalid_json", "un événement est un objet JSON {\"type\":\"click\",…}")
		case errors.As(err, &ute):
			return ev, paramError(ute.Field, "invalid_type", fmt.Sprintf("le champ %s n’a pas le bon type (%s attendu)", ute.Field, frenchType(ute.Type.Kind().String())))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := printable(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`))
			param := f
			if param == "" {
				param = "body" // a field with an empty name
			}
			return ev, paramError(param, "unknown_field", fmt.Sprintf("champ inconnu « %s » : un événement a les champs type, q, position et id", f))
		default:
			return ev, paramError("body", "invalid_json", "JSON invalide : envoyez un objet {\"type\":\"click\",\"q\":…,\"position\":…,\"id\":…}")
		}
	}
	if dec.More() {
		return ev, paramError("body", "invalid_json", "un seul objet JSON par événement")
	}
	switch {
	case ev.Type != "click":
		return ev, paramError("type", "invalid_type", "type vaut « click » (le seul événement reçu)")
	case len(ev.Q) > query.MaxQueryBytes:
		return ev, paramError("q", "query_too_long", fmt.Sprintf("q fait au plus %d octets", query.MaxQueryBytes))
	case ev.Position < 1 || ev.Position > analytics.MaxPosition:
		return ev, paramError("position", "invalid_position", fmt.Sprintf("position doit être un entier de 1 à %d", analytics.MaxPosition))
	case ev.ID != "" && !noteIDRe.MatchString(ev.ID):
		return ev, paramError("id", "invalid_id", "id est l’identifiant d’une note : 1 à 128 caractères parmi A-Z, a-z, 0-9, _ et -")
	}
	return ev, nil
}

func frenchType(kind string) string {
	switch kind {
	case "int":
		return "nombre entier"
	case "string":
		return "chaîne"
	}
	return kind
}

// reportRange reads from, to and limit: the last 30 days by default.
func (s *Server) reportRange(v map[string][]string) (from, to time.Time, limit int, err error) {
	a := s.cfg.Ops.Analytics
	to, from = a.Today(), a.Today().AddDate(0, 0, -29)
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"from", &from}, {"to", &to}} {
		if vals := v[p.name]; len(vals) > 0 && vals[0] != "" {
			d, perr := a.ParseDay(vals[0])
			if perr != nil {
				return from, to, 0, paramError(p.name, "invalid_date", fmt.Sprintf("date invalide « %s » : écrivez-la AAAA-MM-JJ", printable(vals[0])))
			}
			*p.t = d
		}
	}
	if from.After(to) {
		return from, to, 0, paramError("from", "invalid_range", "from est après to : inversez les dates")
	}
	if to.Sub(from) > maxReportDays*24*time.Hour {
		return from, to, 0, paramError("from", "range_too_long", fmt.Sprintf("la période fait au plus %d jours", maxReportDays))
	}
	limit = defaultTop
	if vals := v["limit"]; len(vals) > 0 && vals[0] != "" {
		n, cerr := strconv.Atoi(vals[0])
		if cerr != nil || n < 1 || n > maxTop {
			return from, to, 0, paramError("limit", "invalid_limit", fmt.Sprintf("limit est un entier de 1 à %d", maxTop))
		}
		limit = n
	}
	return from, to, limit, nil
}

// getAnalytics answers the report of a period (admin key).
func (s *Server) getAnalytics(c *gin.Context) {
	if !s.admin(c) || s.analyticsOff(c) {
		return
	}
	v := c.Request.URL.Query()
	if err := checkSingle(v, map[string]bool{"from": true, "to": true, "limit": true}); err != nil {
		writeError(c, err)
		return
	}
	from, to, limit, err := s.reportRange(v)
	if err != nil {
		writeError(c, err)
		return
	}
	rep, err := s.cfg.Ops.Analytics.Report(from, to, limit)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}

// The admin page. A browser cannot send an Authorization header by itself:
// the page also takes the admin key through a form (POST), which sets a
// cookie scoped to /admin (HttpOnly, SameSite=Strict, Secure over HTTPS)
// holding not the key but an expiry and an HMAC of it keyed by the key:
// changing the key logs every browser out.

func (s *Server) sessionValue(expiry int64) string {
	m := hmac.New(sha256.New, []byte(s.cfg.AdminToken))
	fmt.Fprintf(m, "trouvaille-admin-recherches|%d", expiry)
	return strconv.FormatInt(expiry, 10) + "." + hex.EncodeToString(m.Sum(nil))
}

// adminBrowser reports whether the request carries the admin key, in the
// Authorization header or as a valid session cookie.
func (s *Server) adminBrowser(c *gin.Context) bool {
	if s.cfg.AdminToken == "" {
		return false
	}
	if tok, ok := bearer(c.Request); ok {
		return subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.AdminToken)) == 1
	}
	ck, err := c.Cookie(adminCookie)
	if err != nil {
		return false
	}
	exp, _, ok := strings.Cut(ck, ".")
	n, err := strconv.ParseInt(exp, 10, 64)
	if !ok || err != nil || time.Now().Unix() > n {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(ck), []byte(s.sessionValue(n))) == 1
}

func (s *Server) adminSearches(c *gin.Context) {
	v := c.Request.URL.Query()
	if err := checkSingle(v, map[string]bool{"from": true, "to": true, "limit": true}); err != nil {
		s.adminHTML(c, http.StatusBadRequest, "", adminPageData{Error: err.Error()})
		return
	}
	if s.cfg.AdminToken == "" {
		// No token can open it: say so rather than ask for one.
		s.adminHTML(c, http.StatusForbidden, "", adminPageData{Error: "page d’administration désactivée : démarrez le serveur avec TROUVAILLE_ADMIN_TOKEN (ou --admin-token)"})
		return
	}
	tok, sent := bearer(c.Request)
	sent = sent && tok != ""
	if d := s.credentialsBlocked(c); sent && d != nil {
		s.adminBlocked(c, d)
		return
	}
	if !s.adminBrowser(c) {
		if sent {
			s.credentialRefused(c)
		}
		s.adminHTML(c, http.StatusUnauthorized, "login", adminPageData{})
		return
	}
	if s.cfg.Ops.Analytics == nil {
		s.adminHTML(c, http.StatusNotFound, "", adminPageData{Error: "statistiques de recherche désactivées sur ce serveur"})
		return
	}
	from, to, limit, err := s.reportRange(v)
	if err != nil {
		s.adminHTML(c, http.StatusBadRequest, "", adminPageData{Error: err.Error()})
		return
	}
	rep, err := s.cfg.Ops.Analytics.Report(from, to, limit)
	if err != nil {
		writeError(c, err)
		return
	}
	s.adminHTML(c, http.StatusOK, "report", adminPageData{Report: rep, Chart: chartSVG(rep.Days)})
}

// adminLogin takes the admin key from the form and sets the session cookie.
func (s *Server) adminLogin(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 4<<10)
	if err := c.Request.ParseForm(); err != nil {
		s.adminHTML(c, http.StatusBadRequest, "login", adminPageData{Error: "formulaire illisible : renvoyez-le"})
		return
	}
	tok := c.Request.PostForm.Get("jeton")
	if s.cfg.AdminToken == "" {
		s.adminHTML(c, http.StatusForbidden, "", adminPageData{Error: "page d’administration désactivée : démarrez le serveur avec TROUVAILLE_ADMIN_TOKEN (ou --admin-token)"})
		return
	}
	if d := s.credentialsBlocked(c); d != nil {
		s.adminBlocked(c, d)
		return
	}
	if subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.AdminToken)) != 1 {
		s.credentialRefused(c)
		s.adminHTML(c, http.StatusUnauthorized, "login", adminPageData{Error: "jeton d’administration invalide"})
		return
	}
	exp := time.Now().Add(adminCookieTTL).Unix()
	secure := c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https"
	http.SetCookie(c.Writer, &http.Cookie{Name: adminCookie, Value: s.sessionValue(exp), Path: "/admin",
		MaxAge: int(adminCookieTTL.Seconds()), HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode})
	redirect(c, http.StatusSeeOther, "/admin/recherches")
}

// adminBlocked answers the admin page to a client IP whose refused
// credentials emptied its bucket (see credentialsBlocked).
func (s *Server) adminBlocked(c *gin.Context, d *denial) {
	c.Header("Retry-After", strconv.Itoa(int(d.retry/time.Second)))
	s.adminHTML(c, http.StatusTooManyRequests, "", adminPageData{Error: d.message})
}

type adminPageData struct {
	Report *analytics.Report
	Chart  template.HTML
	Error  string
	Login  bool
}

func (s *Server) adminHTML(c *gin.Context, status int, which string, d adminPageData) {
	d.Login = which == "login"
	var b bytes.Buffer
	if err := adminTmpl.Execute(&b, d); err != nil {
		writeError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	c.Data(status, "text/html; charset=utf-8", b.Bytes())
	c.Abort()
}

var adminTmpl = template.Must(template.New("admin").Funcs(template.FuncMap{
	// French numbers: a decimal comma and a space before %, thousands
	// grouped, the noun singular under 2 (« 1 recherche », « 0 clic »).
	"pct": func(f float64) string {
		return strings.Replace(strconv.FormatFloat(f*100, 'f', 1, 64), ".", ",", 1) + "\u00a0%"
	},
	"num": func(n int64) string { return analysis.FrenchInt(n) },
	"count": func(n int64, one, many string) string {
		if n < 2 {
			return analysis.FrenchInt(n) + "\u00a0" + one
		}
		return analysis.FrenchInt(n) + "\u00a0" + many
	},
}).Parse(`<!doctype html>
<html lang="fr-CA"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Recherches — Trouvaille</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
table{border-collapse:collapse;margin:1rem 0}th,td{border-bottom:1px solid #ccc;padding:.25rem .75rem;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.err{color:#a00000}svg{max-width:100%;height:auto}</style></head>
<body><h1>Recherches des lecteur·trices</h1>
{{if .Error}}<p class="err" role="alert">{{.Error}}</p>{{end}}
{{if .Login}}<form method="post" action="/admin/recherches"><p><label for="jeton">Jeton d’administration</label><br>
<input id="jeton" name="jeton" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Entrer</button></p></form>
<p>Le jeton n’est pas gardé dans le navigateur : un témoin (cookie) de session de 12 heures, limité à /admin, en tient lieu.</p>
{{else}}{{with .Report}}
<form method="get"><label>Du <input type="date" name="from" value="{{.From}}"></label>
<label>au <input type="date" name="to" value="{{.To}}"></label> <button type="submit">Afficher</button></form>
<p>{{count .Searches "recherche" "recherches"}}, dont {{num .ZeroResults}} sans résultat ({{pct .ZeroResultRate}}); {{count .Clicks "clic" "clics"}}.</p>
<h2>Par jour</h2>{{$.Chart}}
<h2>Requêtes les plus fréquentes</h2>
{{if .TopQueries}}<table><thead><tr><th scope="col">Requête</th><th scope="col">Recherches</th></tr></thead><tbody>
{{range .TopQueries}}<tr><td>{{.Query}}</td><td class="n">{{num .Count}}</td></tr>{{end}}</tbody></table>{{else}}<p>Aucune requête vue au moins {{.MinCount}} fois dans une journée.</p>{{end}}
<h2>Requêtes sans résultat</h2>
<p>Les mots que les lecteur·trices emploient et que les notes n’ont pas : pensez aux synonymes.</p>
{{if .TopZeroResults}}<table><thead><tr><th scope="col">Requête</th><th scope="col">Recherches</th></tr></thead><tbody>
{{range .TopZeroResults}}<tr><td>{{.Query}}</td><td class="n">{{num .Count}}</td></tr>{{end}}</tbody></table>{{else}}<p>Aucune.</p>{{end}}
<h2>Clics par position</h2>
{{if .ClickThrough}}<table><thead><tr><th scope="col">Position</th><th scope="col">Clics</th><th scope="col">Taux</th></tr></thead><tbody>
{{range .ClickThrough}}<tr><td class="n">{{.Position}}</td><td class="n">{{num .Clicks}}</td><td class="n">{{pct .Rate}}</td></tr>{{end}}</tbody></table>{{else}}<p>Aucun clic signalé.</p>{{end}}
<p><small>Aucune adresse IP, aucun identifiant, aucun témoin de lecteur·trice. Une requête vue moins de {{.MinCount}} fois dans une journée est comptée sans être listée; tout est effacé après {{.RetentionDays}} jours.</small></p>
{{end}}{{end}}</body></html>`))

// chartSVG draws the daily searches (line) and searches without result
// (dashed line) as a small SVG; only numbers and our own dates go in.
func chartSVG(days []analytics.Day) template.HTML {
	const w, h, pad = 640, 200, 30
	var maxV int64 = 1
	for _, d := range days {
		maxV = max(maxV, d.Searches, d.ZeroResults)
	}
	pts := func(val func(analytics.Day) int64) string {
		var b strings.Builder
		for i, d := range days {
			x := float64(pad)
			if len(days) > 1 {
				x += float64(i) * float64(w-2*pad) / float64(len(days)-1)
			}
			y := float64(h-pad) - float64(val(d))*float64(h-2*pad)/float64(maxV)
			fmt.Fprintf(&b, "%.1f,%.1f ", x, y)
		}
		return strings.TrimSpace(b.String())
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="Recherches par jour (trait plein) et recherches sans résultat (tirets), maximum %d">`, w, h, w, h, maxV)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/>`, pad, h-pad, w-pad, h-pad)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/>`, pad, pad, pad, h-pad)
	fmt.Fprintf(&b, `<text x="2" y="%d" font-size="11">%d</text><text x="2" y="%d" font-size="11">0</text>`, pad+4, maxV, h-pad+4)
	if len(days) > 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11">%s</text><text x="%d" y="%d" font-size="11" text-anchor="end">%s</text>`,
			pad, h-8, days[0].Date, w-pad, h-8, days[len(days)-1].Date)
		fmt.Fprintf(&b, `<polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="%s"/>`, pts(func(d analytics.Day) int64 { return d.Searches }))
		fmt.Fprintf(&b, `<polyline fill="none" stroke="#a00000" stroke-width="2" stroke-dasharray="5 3" points="%s"/>`, pts(func(d analytics.Day) int64 { return d.ZeroResults }))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
