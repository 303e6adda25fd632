package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/web"
	"github.com/golang-jwt/jwt/v5"
)

// TestAnonymousOffKeepsTheSite: with anonymous search off, the partners'
// script and the site's files and help are still served (the partners
// search with keys), the pages that search say in HTML that public search
// is closed (403), and an unknown address outside /v1/ is still the HTML
// 404 page.
func TestAnonymousOffKeepsTheSite(t *testing.T) {
	eng, err := trouvaille.Open(t.TempDir(), trouvaille.OpenOptions{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	srv := httptest.NewServer(New(eng, Config{NoAnonymous: true, AnonymousRatePerMinute: -1}, web.Routes(eng, web.WithLogf(t.Logf))))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		path   string
		status int
		ctype  string
		body   string
	}{
		{"/widget.js", 200, "text/javascript", "customElements"},
		{"/widget/demo", 200, "text/html", "trouvaille-recherche"},
		{"/static/app.css", 200, "text/css", ""},
		{"/aide", 200, "text/html", "<h1"},
		{"/", 403, "text/html", "Recherche publique fermée"},
		{"/?q=logement", 403, "text/html", "sites partenaires"},
		{"/n/x", 403, "text/html", "Recherche publique fermée"},
		{"/organisations", 403, "text/html", "Recherche publique fermée"},
		{"/carnets?lang=en", 403, "text/html", "Public search closed"},
		{"/termes", 403, "text/html", "Recherche publique fermée"},
		{"/nulle-part", 404, "text/html", "Page introuvable"},
		{"/v1/search?q=logement", 401, "application/json", "unauthorized"},
	} {
		resp, body := do(t, "GET", srv.URL+tc.path)
		if resp.StatusCode != tc.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ctype) || !bytes.Contains(body, []byte(tc.body)) {
			t.Errorf("GET %s: %d %s %.200s, want %d %s with %q", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), body, tc.status, tc.ctype, tc.body)
		}
	}
}

// TestVaryOriginEverywhere: every answer says it varies by Origin — API,
// errors, 404 and 405, pages, files — so that no cache in front of the
// server gives one origin's answer to another; an unknown API address's
// error can be read by a browser of any origin.
func TestVaryOriginEverywhere(t *testing.T) {
	srv, _, _, _ := newSiteServer(t)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/healthz"},
		{"GET", "/v1/search?q=logement"},
		{"GET", "/v1/nulle-part"},
		{"GET", "/1/indexes/notes/query"}, // 405
		{"POST", "/v1/search"},            // 405
		{"GET", "/widget.js"},
		{"GET", "/"},
		{"GET", "/static/app.css"},
		{"GET", "/nulle-part"},
		{"OPTIONS", "/v1/search"},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		req.Header.Set("Origin", "https://exemple.org")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Values("Vary"); strings.Count(strings.Join(got, ","), "Origin") != 1 {
			t.Errorf("%s %s: Vary %q, want Origin once", tc.method, tc.path, got)
		}
		if strings.HasPrefix(tc.path, "/v1/") && resp.Header.Get("Access-Control-Allow-Origin") == "" {
			t.Errorf("%s %s: %d without Access-Control-Allow-Origin", tc.method, tc.path, resp.StatusCode)
		}
	}
}

// TestTrailingSlash: an address of the table with a slash added is taken
// back to it on the pages (301, query kept) and named in the API's JSON
// error; never Gin's HTML redirect under /v1/.
func TestTrailingSlash(t *testing.T) {
	srv, _, _, _ := newSiteServer(t)
	for _, tc := range []struct {
		method, path string
		status       int
		location     string
		body         string
	}{
		{"GET", "/v1/search/?q=logement", 404, "", `retirez la barre oblique finale (/v1/search)`},
		{"GET", "/v1/keys/", 404, "", `(/v1/keys)`},
		{"POST", "/v1/notes/", 404, "", `(/v1/notes)`},
		{"GET", "/aide/", 301, "/aide", ""},
		{"GET", "/organisations/?lettre=b&lang=en", 301, "/organisations?lettre=b&lang=en", ""},
		{"HEAD", "/termes//", 301, "/termes", ""},
		{"POST", "/aide/", 404, "", "Page introuvable"},
	} {
		resp, body := do(t, tc.method, srv.URL+tc.path)
		if resp.StatusCode != tc.status || resp.Header.Get("Location") != tc.location || !bytes.Contains(body, []byte(tc.body)) {
			t.Errorf("%s %s: %d Location %q %.200s, want %d %q %q", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Location"), body, tc.status, tc.location, tc.body)
		}
		if strings.HasPrefix(tc.path, "/v1/") && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: %s", tc.method, tc.path, resp.Header.Get("Content-Type"))
		}
		if tc.status == 301 && len(body) > 0 {
			t.Errorf("%s %s: a redirect's body, %q (Go's is in English)", tc.method, tc.path, body)
		}
	}
}

// TestTokenFilterErrorSaysWhat: a signed token whose filters the server
// cannot take is refused with what to fix, not the generic message.
func TestTokenFilterErrorSaysWhat(t *testing.T) {
	srv, _, clk := newAccessServer(t, accessNotes, Config{})
	k := createKey(t, srv, `{"name": "communautés", "visibility": "community"}`)
	tok := sign(t, k.ID, k.Key, jwt.SigningMethodHS256, jwt.MapClaims{"filters": map[string][]string{"carnets": {"A"}}, "exp": clk.Now().Add(time.Minute).Unix()})
	resp, b := call(t, srv, "GET", "/v1/search?q=jardin", tok, nil, "")
	if resp.StatusCode != 401 || errCode(b) != "invalid_token" || !bytes.Contains(b, []byte("filtre inconnu « carnets »")) {
		t.Errorf("%d %s", resp.StatusCode, b)
	}
}

// TestAdminDisabledEverywhere: without an admin token, every administration
// route answers 403 and says how to turn it on, the browser page included
// (no login form asking for a token that cannot exist).
func TestAdminDisabledEverywhere(t *testing.T) {
	srv := newTestServerOnly(t) // no AdminToken
	for _, tc := range []struct{ method, path, want string }{
		{"POST", "/v1/admin/synonyms/reload", "TROUVAILLE_ADMIN_TOKEN"},
		{"POST", "/v1/notes", "TROUVAILLE_ADMIN_TOKEN"},
		{"GET", "/v1/keys", "TROUVAILLE_ADMIN_TOKEN"},
		{"GET", "/v1/admin/backup", "TROUVAILLE_ADMIN_TOKEN"},
		{"GET", "/admin/recherches", "TROUVAILLE_ADMIN_TOKEN"},
		{"POST", "/admin/recherches", "TROUVAILLE_ADMIN_TOKEN"},
	} {
		resp, b := do(t, tc.method, srv.URL+tc.path)
		if resp.StatusCode != http.StatusForbidden || !bytes.Contains(b, []byte(tc.want)) {
			t.Errorf("%s %s: %d %.200s", tc.method, tc.path, resp.StatusCode, b)
		}
		if bytes.Contains(b, []byte(`name="jeton"`)) {
			t.Errorf("%s %s: a login form", tc.method, tc.path)
		}
	}
}

// TestDateBoundsInclusive: the README's bounds are inclusive, as dates and
// as instants: equal RFC 3339 bounds name one instant and find the notes
// published at it (they were refused as an empty range).
func TestDateBoundsInclusive(t *testing.T) {
	srv, _, _, _ := newSiteServer(t)
	for _, tc := range []struct {
		query string
		min   int
	}{
		{"published_after=2026-02-19T19:00:00Z&published_before=2026-02-19T19:00:00Z", 1},
		{"published_after=2026-02-19T19:00:00%2B00:00&published_before=2026-02-19T14:00:00-05:00", 1},
		{"published_after=2026-02-19&published_before=2026-02-19", 1},
		{"published_before=2026-02-19T18:59:59Z&published_after=2026-02-19T18:00:00Z", 0},
		// A fraction of a second: notes are dated to the second, and a
		// bound past their second leaves them out.
		{"published_after=2026-02-19T19:00:00.5Z&published_before=2026-02-19T19:00:00.9Z", 0},
		{"published_after=2026-02-19T18:59:59.5Z&published_before=2026-02-19T19:00:00.0Z", 1},
		// Ranges wholly outside the dates notes may take find nothing; they
		// were refused as empty once both bounds were clamped to one end.
		{"published_after=2250-01-01&published_before=2300-01-01", 0},
		{"published_after=1600-01-01&published_before=1700-01-01", 0},
		// RFC 3339's lower-case t and z.
		{"published_after=2026-02-19t19:00:00z&published_before=2026-02-19t19:00:00z", 1},
	} {
		resp, b := do(t, "GET", srv.URL+"/v1/search?facets=none&"+tc.query)
		var res struct{ Total int }
		json.Unmarshal(b, &res)
		if resp.StatusCode != 200 || res.Total < tc.min || (tc.min == 0 && res.Total != 0) {
			t.Errorf("%s: %d, %d notes %.200s", tc.query, resp.StatusCode, res.Total, b)
		}
	}
	if resp, b := do(t, "GET", srv.URL+"/v1/search?published_after=2026-02-19T19:00:01Z&published_before=2026-02-19T19:00:00Z"); resp.StatusCode != 400 || !bytes.Contains(b, []byte("empty_date_range")) {
		t.Errorf("a bound before the other: %d %s", resp.StatusCode, b)
	}
	for _, tc := range []struct{ query, want string }{
		{"published_after=2024-05-02T10:00:00-04:60", "décalage horaire impossible"},
		{"published_after=2024-05-02T10:00:00%2B24:00", "décalage horaire impossible"},
		{"published_after=2024-05-02T10:00:00", "fuseau horaire manquant"},
		// A + left unencoded arrives as a space.
		{"published_before=2024-05-02T10:00:00+14:00", "écrivez-le %2B"},
	} {
		resp, b := do(t, "GET", srv.URL+"/v1/search?"+tc.query)
		if resp.StatusCode != 400 || !bytes.Contains(b, []byte("invalid_date")) || !bytes.Contains(b, []byte(tc.want)) {
			t.Errorf("%s: %d %s", tc.query, resp.StatusCode, b)
		}
	}
}
