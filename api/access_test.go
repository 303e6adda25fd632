package api

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/golang-jwt/jwt/v5"
)

const accessAdmin = "cle-admin-de-test"

// testClock is the access layer's clock in tests: keys, tokens and rate
// limits see the time it says, so nothing depends on the wall clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *testClock {
	return &testClock{t: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)}
}

// accessNotes: every note says "jardin", so q=jardin finds every note the
// caller may see; carnets, organisations, communities and readers vary.
var accessNotes = []*trouvaille.Note{
	{ID: "pub1", Type: "note", Title: "Jardin public du carnet A", Organisations: []string{"X"}, Carnets: []trouvaille.Carnet{{Title: "A"}}, Visibility: "public", Links: []string{"com1", "priv1", "pub2"}},
	{ID: "pub2", Type: "note", Title: "Jardin public du carnet B", Organisations: []string{"Y"}, Carnets: []trouvaille.Carnet{{Title: "B"}}, Visibility: "public"},
	{ID: "com1", Type: "note", Title: "Jardin de la communauté Quartier", Organisations: []string{"X"}, Carnets: []trouvaille.Carnet{{Title: "A"}}, Community: "Quartier", Visibility: "community", Links: []string{"pub1"}},
	{ID: "com2", Type: "note", Title: "Jardin de la communauté Autre", Organisations: []string{"Y"}, Carnets: []trouvaille.Carnet{{Title: "A"}}, Community: "Autre", Visibility: "community"},
	{ID: "priv1", Type: "note", Title: "Jardin privé de u1", Organisations: []string{"X"}, Carnets: []trouvaille.Carnet{{Title: "A"}}, Community: "Quartier", Visibility: "private", Readers: []string{"u1"}},
	{ID: "priv2", Type: "note", Title: "Jardin privé de u2", Organisations: []string{"Y"}, Carnets: []trouvaille.Carnet{{Title: "B"}}, Visibility: "private", Readers: []string{"u2"}},
}

// newAccessServer serves accessNotes (real Badger and Bleve) with the admin
// key accessAdmin and the test clock, and the site's pages when pages is
// given (web.Routes, say).
func newAccessServer(t *testing.T, notes []*trouvaille.Note, cfg Config, pages ...func(*trouvaille.Engine) Pages) (*httptest.Server, *trouvaille.Engine, *testClock) {
	t.Helper()
	eng, err := trouvaille.Open(t.TempDir(), trouvaille.OpenOptions{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	var changes []trouvaille.Change
	for _, n := range notes {
		c := *n
		changes = append(changes, trouvaille.Change{Note: &c})
	}
	if _, err := eng.Apply(changes); err != nil {
		t.Fatal(err)
	}
	clk := newClock()
	cfg.AdminToken = accessAdmin
	cfg.Now = clk.Now
	if cfg.AnonymousRatePerMinute == 0 {
		cfg.AnonymousRatePerMinute = -1
	}
	var p []Pages
	for _, f := range pages {
		p = append(p, f(eng))
	}
	srv := httptest.NewServer(New(eng, cfg, p...))
	t.Cleanup(srv.Close)
	return srv, eng, clk
}

// call makes one request (cred as a bearer, hdr as headers) and checks the
// answer against api/openapi.yaml (but preflights, which it does not list).
func call(t *testing.T, srv *httptest.Server, method, path, cred string, hdr map[string]string, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if cred != "" {
		req.Header.Set("Authorization", "Bearer "+cred)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if method != http.MethodOptions {
		checkSpec(t, method, strings.SplitN(path, "?", 2)[0], resp, b)
	}
	return resp, b
}

// createKey creates a key through the API and returns it with its secret.
// Unless the body names a rate, the key gets the highest (tests make many
// requests at once).
func createKey(t *testing.T, srv *httptest.Server, body string) CreatedKey {
	t.Helper()
	if !strings.Contains(body, "rate_per_minute") {
		body = strings.Replace(body, "{", `{"rate_per_minute": 100000, `, 1)
	}
	resp, b := call(t, srv, "POST", "/v1/keys", accessAdmin, map[string]string{"Content-Type": "application/json"}, body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /v1/keys %s: %d %s", body, resp.StatusCode, b)
	}
	var k CreatedKey
	if err := json.Unmarshal(b, &k); err != nil {
		t.Fatal(err)
	}
	return k
}

// sign makes a token of key k with claims, signed with method and secret
// (the key's own by default).
func sign(t *testing.T, kid string, secret string, method jwt.SigningMethod, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	var key any = []byte(secret)
	if method == jwt.SigningMethodNone {
		key = jwt.UnsafeAllowNoneSignatureType
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// searchIDs returns the ids of a search's hits, sorted, and its total.
func searchIDs(t *testing.T, b []byte) ([]string, int) {
	t.Helper()
	var r struct {
		Total int `json:"total"`
		Hits  []struct {
			ID string `json:"id"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	ids := []string{}
	for _, h := range r.Hits {
		ids = append(ids, h.ID)
	}
	sort.Strings(ids)
	return ids, r.Total
}

func errCode(b []byte) string {
	var e ErrorBody
	json.Unmarshal(b, &e)
	return e.Error.Code
}

// TestAccessDecision: key × token × note visibility × filters. Each case
// names who calls and the notes it must see (search total and hits, and
// /v1/notes/{id} for every note), or the denial it must get.
func TestAccessDecision(t *testing.T) {
	srv, _, clk := newAccessServer(t, accessNotes, Config{})
	now := clk.Now()
	kPub := createKey(t, srv, `{"name": "publique"}`)
	kA := createKey(t, srv, `{"name": "carnet A", "filters": {"carnet": ["A"]}}`)
	kCom := createKey(t, srv, `{"name": "communautés", "visibility": "community"}`)
	kPriv := createKey(t, srv, `{"name": "privée, carnet A", "visibility": "private", "filters": {"carnet": ["A"]}}`)
	kPrivAll := createKey(t, srv, `{"name": "privée", "visibility": "private"}`)
	kAnon := createKey(t, srv, `{"name": "widget", "public_anonymous": true, "origins": ["*"]}`)
	kGone := createKey(t, srv, `{"name": "révoquée", "visibility": "community"}`)
	kShort := createKey(t, srv, fmt.Sprintf(`{"name": "courte", "expires_at": %q}`, now.Add(time.Hour).Format(time.RFC3339)))
	exp := now.Add(10 * time.Minute).Unix()
	tok := func(k CreatedKey, claims jwt.MapClaims) string {
		if _, ok := claims["exp"]; !ok {
			claims["exp"] = exp
		}
		return sign(t, k.ID, k.Key, jwt.SigningMethodHS256, claims)
	}
	gone := tok(kGone, jwt.MapClaims{"communities": []string{"Quartier"}})
	if resp, b := call(t, srv, "DELETE", "/v1/keys/"+kGone.ID, accessAdmin, nil, ""); resp.StatusCode != 204 {
		t.Fatalf("DELETE key: %d %s", resp.StatusCode, b)
	}
	valid := tok(kCom, jwt.MapClaims{"communities": []string{"Quartier"}})
	parts := strings.Split(valid, ".")
	tampered := parts[0] + "." + strings.TrimRight(jwtSeg(t, `{"communities":["Quartier","Autre"],"exp":`+fmt.Sprint(exp)+`}`), "=") + "." + parts[2]

	all := []string{"com1", "com2", "priv1", "priv2", "pub1", "pub2"}
	for _, tc := range []struct {
		name   string
		cred   string
		query  string // extra request filters
		want   []string
		status int
		code   string
		msg    string // in the refusal's message, when given
	}{
		{name: "anonymous", want: []string{"pub1", "pub2"}},
		{name: "anonymous narrows with a request filter", query: "&carnet=A", want: []string{"pub1"}},
		{name: "admin", cred: accessAdmin, want: all},
		{name: "public key", cred: kPub.Key, want: []string{"pub1", "pub2"}},
		{name: "key scoped to carnet A", cred: kA.Key, want: []string{"pub1"}},
		{name: "key scope AND request filter", cred: kA.Key, query: "&carnet=B", want: []string{}},
		{name: "community key alone names no community", cred: kCom.Key, want: []string{"pub1", "pub2"}},
		{name: "public-anonymous key", cred: kAnon.Key, want: []string{"pub1", "pub2"}},
		{name: "token naming Quartier", cred: valid, want: []string{"com1", "pub1", "pub2"}},
		{name: "token naming both communities", cred: tok(kCom, jwt.MapClaims{"communities": []string{"Quartier", "Autre"}}), want: []string{"com1", "com2", "pub1", "pub2"}},
		{name: "community key: a token's user reads no private note", cred: tok(kCom, jwt.MapClaims{"communities": []string{"Quartier"}, "user": "u1"}), want: []string{"com1", "pub1", "pub2"}},
		{name: "public key: a token's communities are ignored", cred: tok(kPub, jwt.MapClaims{"communities": []string{"Quartier"}, "user": "u1"}), want: []string{"pub1", "pub2"}},
		{name: "private key: user u1 in carnet A", cred: tok(kPriv, jwt.MapClaims{"communities": []string{"Quartier"}, "user": "u1"}), want: []string{"com1", "priv1", "pub1"}},
		{name: "private key: u2's note is outside the key's carnet", cred: tok(kPriv, jwt.MapClaims{"user": "u2"}), want: []string{"pub1"}},
		{name: "private key without filters: u2", cred: tok(kPrivAll, jwt.MapClaims{"user": "u2"}), want: []string{"priv2", "pub1", "pub2"}},
		{name: "private key: unknown user", cred: tok(kPrivAll, jwt.MapClaims{"user": "u9"}), want: []string{"pub1", "pub2"}},
		{name: "token narrows by organisation", cred: tok(kCom, jwt.MapClaims{"communities": []string{"Quartier", "Autre"}, "filters": map[string][]string{"organisation": {"X"}}}), want: []string{"com1", "pub1"}},
		{name: "widened token: carnet B on a carnet A key", cred: tok(kA, jwt.MapClaims{"filters": map[string][]string{"carnet": {"B"}}}), want: []string{}},
		{name: "widened token: carnets A and B on a carnet A key", cred: tok(kA, jwt.MapClaims{"filters": map[string][]string{"carnet": {"A", "B"}}}), want: []string{"pub1"}},
		{name: "token as key parameter", cred: "?" + valid, want: []string{"com1", "pub1", "pub2"}},
		{name: "key as key parameter", cred: "?" + kA.Key, want: []string{"pub1"}},
		{name: "token naming 200 communities (5 KB)", cred: tok(kCom, jwt.MapClaims{"communities": manyCommunities(200, "Quartier")}), want: []string{"com1", "pub1", "pub2"}},
		{name: "token over MaxCredentialLength", cred: tok(kCom, jwt.MapClaims{"communities": manyCommunities(450, "Quartier")}), status: 401, code: "invalid_key"},

		{name: "expired token", cred: tok(kCom, jwt.MapClaims{"communities": []string{"Quartier"}, "exp": now.Add(-time.Minute).Unix()}), status: 401, code: "expired_token"},
		// The signing server's clock may be off by up to TokenClockSkew.
		{name: "token expired within the clock skew", cred: tok(kCom, jwt.MapClaims{"communities": []string{"Quartier"}, "exp": now.Add(-10 * time.Second).Unix()}), want: []string{"com1", "pub1", "pub2"}},
		{name: "token valid in 5 s (nbf)", cred: tok(kCom, jwt.MapClaims{"communities": []string{"Quartier"}, "nbf": now.Add(5 * time.Second).Unix()}), want: []string{"com1", "pub1", "pub2"}},
		{name: "token valid in 5 min (nbf)", cred: tok(kCom, jwt.MapClaims{"communities": []string{"Quartier"}, "nbf": now.Add(5 * time.Minute).Unix()}), status: 401, code: "invalid_token", msg: "vérifiez l’horloge du serveur qui signe"},
		{name: "token without exp", cred: sign(t, kCom.ID, kCom.Key, jwt.SigningMethodHS256, jwt.MapClaims{"communities": []string{"Quartier"}}), status: 401, code: "invalid_token"},
		{name: "token valid too long", cred: tok(kCom, jwt.MapClaims{"exp": now.Add(48 * time.Hour).Unix()}), status: 401, code: "invalid_token"},
		{name: "tampered token", cred: tampered, status: 401, code: "invalid_token"},
		{name: "wrong key: signed with another key's secret", cred: sign(t, kCom.ID, kPub.Key, jwt.SigningMethodHS256, jwt.MapClaims{"communities": []string{"Quartier"}, "exp": exp}), status: 401, code: "invalid_token"},
		{name: "unknown kid", cred: sign(t, "inconnu", kCom.Key, jwt.SigningMethodHS256, jwt.MapClaims{"exp": exp}), status: 401, code: "invalid_token"},
		{name: "no kid", cred: sign(t, "", kCom.Key, jwt.SigningMethodHS256, jwt.MapClaims{"exp": exp}), status: 401, code: "invalid_token"},
		{name: "alg none", cred: sign(t, kCom.ID, "", jwt.SigningMethodNone, jwt.MapClaims{"communities": []string{"Quartier"}, "exp": exp}), status: 401, code: "invalid_token"},
		{name: "alg HS512", cred: sign(t, kCom.ID, kCom.Key, jwt.SigningMethodHS512, jwt.MapClaims{"communities": []string{"Quartier"}, "exp": exp}), status: 401, code: "invalid_token"},
		{name: "token of a revoked key", cred: gone, status: 401, code: "invalid_token"},
		{name: "token signed with a public-anonymous key", cred: tok(kAnon, jwt.MapClaims{}), status: 401, code: "invalid_token", msg: "clé public_anonymous"},
		{name: "token with an unknown filter", cred: tok(kCom, jwt.MapClaims{"filters": map[string][]string{"visibility": {"private"}}}), status: 401, code: "invalid_token"},
		{name: "unknown key", cred: "trv_000000000000_inconnue", status: 401, code: "invalid_key"},
		{name: "right id, wrong secret", cred: kA.Key[:len(kA.Key)-2] + "xx", status: 401, code: "invalid_key"},
		{name: "garbage", cred: "n’importe quoi", status: 401, code: "invalid_key"},
		{name: "revoked key", cred: "trv_" + kGone.ID + "_x", status: 401, code: "invalid_key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, cred := "/v1/search?q=jardin&per_page=50", tc.cred
			if strings.HasPrefix(cred, "?") {
				base, cred = base+"&key="+cred[1:], ""
			}
			resp, b := call(t, srv, "GET", base+tc.query, cred, nil, "")
			if tc.status != 0 {
				if resp.StatusCode != tc.status || errCode(b) != tc.code || !strings.Contains(string(b), tc.msg) {
					t.Fatalf("%d %s, want %d %s %q", resp.StatusCode, b, tc.status, tc.code, tc.msg)
				}
				if resp.StatusCode == 401 && resp.Header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
				return
			}
			if resp.StatusCode != 200 {
				t.Fatalf("%d %s", resp.StatusCode, b)
			}
			ids, total := searchIDs(t, b)
			if !slices.Equal(ids, tc.want) || total != len(tc.want) {
				t.Fatalf("hits %v (total %d), want %v", ids, total, tc.want)
			}
			if tc.query != "" {
				return
			}
			// The same scope decides /v1/notes/{id}: 200 for the notes seen, 404
			// (the same answer as an unknown id) for the others.
			for _, id := range append(slices.Clone(all), "inconnue") {
				p := "/v1/notes/" + id
				c := tc.cred
				if strings.HasPrefix(c, "?") {
					p, c = p+"?key="+c[1:], ""
				}
				resp, b := call(t, srv, "GET", p, c, nil, "")
				want := 404
				if slices.Contains(tc.want, id) {
					want = 200
				}
				if resp.StatusCode != want {
					t.Errorf("GET %s: %d, want %d", p, resp.StatusCode, want)
				}
				if want == 404 && !strings.Contains(string(b), `"not_found"`) {
					t.Errorf("GET %s: %s", p, b)
				}
				if want == 200 && id == "pub1" {
					var n trouvaille.Note
					json.Unmarshal(b, &n)
					for _, l := range n.Links {
						if !slices.Contains(tc.want, l) {
							t.Errorf("pub1 links %v name %s, not visible", n.Links, l)
						}
					}
				}
			}
		})
	}

	// A key past its expires_at is refused; its tokens too.
	shortTok := tok(kShort, jwt.MapClaims{})
	if resp, b := call(t, srv, "GET", "/v1/search?q=jardin", kShort.Key, nil, ""); resp.StatusCode != 200 {
		t.Fatalf("key before expiry: %d %s", resp.StatusCode, b)
	}
	clk.Add(2 * time.Hour)
	for _, cred := range []string{kShort.Key, shortTok} {
		if resp, b := call(t, srv, "GET", "/v1/search?q=jardin", cred, nil, ""); resp.StatusCode != 401 || !strings.HasPrefix(errCode(b), "expired_") {
			t.Fatalf("after expiry: %d %s", resp.StatusCode, b)
		}
	}
}

// manyCommunities returns n community names: the given ones, then names
// no note has.
func manyCommunities(n int, first ...string) []string {
	out := append([]string(nil), first...)
	for i := len(out); i < n; i++ {
		out = append(out, fmt.Sprintf("communauté-%03d", i))
	}
	return out
}

// jwtSeg is the base64url encoding of a JSON segment.
func jwtSeg(t *testing.T, js string) string {
	t.Helper()
	return base64.RawURLEncoding.EncodeToString([]byte(js))
}

// TestAnonymousOff: with anonymous access off, a read without a credential
// is a 401 in French; keys still work; the OpenAPI document and /healthz
// stay open.
func TestAnonymousOff(t *testing.T) {
	srv, _, _ := newAccessServer(t, accessNotes, Config{NoAnonymous: true})
	for _, p := range []string{"/v1/search?q=jardin", "/v1/suggest?q=jar", "/v1/facets/organisations", "/v1/notes/pub1", "/v1/notes/pub1/related"} {
		resp, b := call(t, srv, "GET", p, "", nil, "")
		if resp.StatusCode != 401 || errCode(b) != "unauthorized" || !strings.Contains(string(b), "clé de recherche") {
			t.Errorf("GET %s without a key: %d %s", p, resp.StatusCode, b)
		}
	}
	k := createKey(t, srv, `{"name": "site"}`)
	if resp, b := call(t, srv, "GET", "/v1/search?q=jardin&key="+k.Key, "", nil, ""); resp.StatusCode != 200 {
		t.Errorf("with a key: %d %s", resp.StatusCode, b)
	}
	for _, p := range []string{"/v1/openapi.yaml", "/healthz"} {
		if resp, _ := call(t, srv, "GET", p, "", nil, ""); resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}
}

// TestKeyRoutes: admin only; the secret is shown once (201), listings show
// a prefix; PATCH changes what it names; DELETE revokes; bad bodies are 400s
// naming the field.
func TestKeyRoutes(t *testing.T) {
	srv, _, _ := newAccessServer(t, accessNotes, Config{})
	for _, cred := range []string{"", "mauvaise"} {
		if resp, b := call(t, srv, "GET", "/v1/keys", cred, nil, ""); resp.StatusCode != 401 {
			t.Errorf("GET /v1/keys with %q: %d %s", cred, resp.StatusCode, b)
		}
	}
	k := createKey(t, srv, `{"name": "Site du TIESS", "filters": {"organisation": ["TIESS"]}, "origins": ["https://tiess.ca"], "rate_per_minute": 60, "expires_at": "2027-01-01T00:00:00Z"}`)
	if !strings.HasPrefix(k.Key, "trv_"+k.ID+"_") || len(k.Key) < 40 || k.Prefix == "" || !strings.HasPrefix(k.Key, strings.TrimSuffix(k.Prefix, "…")) {
		t.Fatalf("created key %+v", k)
	}
	// A search key is not the admin key.
	if resp, _ := call(t, srv, "GET", "/v1/keys", k.Key, nil, ""); resp.StatusCode != 401 {
		t.Errorf("GET /v1/keys with a search key: %d", resp.StatusCode)
	}
	resp, b := call(t, srv, "GET", "/v1/keys", accessAdmin, nil, "")
	if resp.StatusCode != 200 || strings.Contains(string(b), k.Key) || !strings.Contains(string(b), k.Prefix) {
		t.Fatalf("listing: %d %s", resp.StatusCode, b)
	}
	resp, b = call(t, srv, "GET", "/v1/keys/"+k.ID, accessAdmin, nil, "")
	if resp.StatusCode != 200 || strings.Contains(string(b), k.Key) {
		t.Fatalf("GET key: %d %s", resp.StatusCode, b)
	}
	resp, b = call(t, srv, "PATCH", "/v1/keys/"+k.ID, accessAdmin, nil, `{"name": "TIESS", "origins": ["https://tiess.ca", "http://localhost:8080"]}`)
	var v KeyView
	json.Unmarshal(b, &v)
	if resp.StatusCode != 200 || v.Name != "TIESS" || len(v.Origins) != 2 || v.Filters["organisation"][0] != "TIESS" || v.RatePerMinute != 60 {
		t.Fatalf("PATCH: %d %s", resp.StatusCode, b)
	}
	for _, tc := range []struct{ body, param string }{
		{`{}`, "name"},
		{`{"name": ""}`, "name"},
		{`{"name": "x", "nom": "y"}`, "nom"},
		{`{"name": "x", "visibility": "public", "visibility": "private"}`, "visibility"},
		{`{"name": "x", "rate_per_minute": "60"}`, "rate_per_minute"},
		{`{"name": "x", "rate_per_minute": 1.5}`, "rate_per_minute"},
		{`{"name": "x", "filters": {"carnet": "x"}}`, "filters"},
		{`{"name": 3}`, "name"},
		{`{"name": "a\u0000b"}`, "name"},
		{`{"name": "x", "filters": {"carnet": ["\u0000"]}}`, "filters"},
		{`{"name": "x", "filters": {"type": ["notes"]}}`, "filters"},
		{`{"name": "x", "origins": ["https://*.exemple.org"]}`, "origins"},
		{`{"name": "x", "origins": ["https://exemple.org:99999"]}`, "origins"},
		{`{"name": "x", "origins": ["https://exémple.org"]}`, "origins"},
		{`{"name": "x", "filters": {"carnet": ["A"], "carnet": ["B"]}}`, "filters"},
		{`{"name": "\u200b\u200b"}`, "name"},
		{"{\"name\": \"a\xffb\"}", "body"},
		{`[`, "body"},
		{`{"name": "x"`, "body"},
		{`{"name": "x"} {}`, "body"},
		{`{"name": ` + strings.Repeat("[", 20000) + `}`, "body"},
		{`{"name": "x", "filters": {"visibility": ["private"]}}`, "filters"},
		{`{"name": "x", "filters": {"carnet": []}}`, "filters"},
		{`{"name": "x", "origins": ["https://a.org/chemin"]}`, "origins"},
		{`{"name": "x", "origins": ["a.org"]}`, "origins"},
		{`{"name": "x", "origins": ["*"]}`, "origins"},
		{`{"name": "x", "public_anonymous": true, "visibility": "community"}`, "visibility"},
		{`{"name": "x", "public_anonymous": true}`, "origins"},
		{`{"name": "x", "visibility": "secret"}`, "visibility"},
		{`{"name": "x", "rate_per_minute": 0}`, "rate_per_minute"},
		{`{"name": "x", "expires_at": "2020-01-01T00:00:00Z"}`, "expires_at"},
		{`{"name": "x", "expires_at": "demain"}`, "expires_at"},
		{`[1]`, "body"},
	} {
		resp, b := call(t, srv, "POST", "/v1/keys", accessAdmin, nil, tc.body)
		var e ErrorBody
		json.Unmarshal(b, &e)
		if resp.StatusCode != 400 || e.Error.Param != tc.param {
			t.Errorf("POST %s: %d %s, want 400 naming %s", clipBody(tc.body), resp.StatusCode, b, tc.param)
		}
		// French, never Go's own words nor its type names.
		for _, w := range []string{"json:", "Go ", "keyInput", "unmarshal", "invalid character", "EOF"} {
			if strings.Contains(e.Error.Message, w) {
				t.Errorf("POST %s: message %q holds %q", clipBody(tc.body), e.Error.Message, w)
			}
		}
	}
	if resp, b := call(t, srv, "DELETE", "/v1/keys/"+k.ID, accessAdmin, nil, ""); resp.StatusCode != 204 {
		t.Fatalf("DELETE: %d %s", resp.StatusCode, b)
	}
	if resp, _ := call(t, srv, "GET", "/v1/search", k.Key, nil, ""); resp.StatusCode != 401 {
		t.Errorf("revoked key: %d", resp.StatusCode)
	}
	for _, m := range []string{"GET", "PATCH", "DELETE"} {
		if resp, _ := call(t, srv, m, "/v1/keys/"+k.ID, accessAdmin, nil, `{}`); resp.StatusCode != 404 {
			t.Errorf("%s unknown key: %d", m, resp.StatusCode)
		}
	}
}

// TestCORS: the allowed origin is echoed (never "*" for a key), another is
// refused, anonymous access answers "*", every answer varies by Origin, and
// preflights allow what the key (or any key) allows.
func TestCORS(t *testing.T) {
	srv, _, _ := newAccessServer(t, accessNotes, Config{})
	k := createKey(t, srv, `{"name": "partenaire", "origins": ["https://partenaire.org"]}`)
	anon := createKey(t, srv, `{"name": "widget", "public_anonymous": true, "origins": ["*"]}`)
	origin := func(o string) map[string]string { return map[string]string{"Origin": o} }
	for _, tc := range []struct {
		name, cred, origin string
		status             int
		acao               string
	}{
		{"allowed origin", k.Key, "https://partenaire.org", 200, "https://partenaire.org"},
		// A refusal is readable from any origin (it carries no note): the
		// partner's page can say why instead of a bare CORS failure.
		{"refused origin", k.Key, "https://ailleurs.org", 403, "*"},
		{"origin differs by scheme", k.Key, "http://partenaire.org", 403, "*"},
		{"wrong key", "trv_000000000000_faux", "https://ailleurs.org", 401, "*"},
		{"no origin (a server)", k.Key, "", 200, ""},
		{"anonymous", "", "https://ailleurs.org", 200, "*"},
		{"public-anonymous key", anon.Key, "https://ailleurs.org", 200, "*"},
		{"public-anonymous key from a sandboxed frame", anon.Key, "null", 200, "*"},
		{"key from a sandboxed frame", k.Key, "null", 403, "*"},
		{"admin key", accessAdmin, "https://ailleurs.org", 200, ""},
		{"the server's own origin", k.Key, srv.URL, 200, ""},
	} {
		resp, b := call(t, srv, "GET", "/v1/search?q=jardin", tc.cred, origin(tc.origin), "")
		if resp.StatusCode != tc.status || resp.Header.Get("Access-Control-Allow-Origin") != tc.acao {
			t.Errorf("%s: %d ACAO %q, want %d %q (%s)", tc.name, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), tc.status, tc.acao, b)
		}
		if !slices.Contains(resp.Header.Values("Vary"), "Origin") {
			t.Errorf("%s: no Vary: Origin (%v)", tc.name, resp.Header.Values("Vary"))
		}
		if resp.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("%s: credentials allowed", tc.name)
		}
		if tc.status == 403 && (errCode(b) != "origin_not_allowed" || strings.Contains(string(b), "pub1")) {
			t.Errorf("%s: %s", tc.name, b)
		}
		// « Add it to the key's origins » cannot be done for « null ».
		if tc.status == 403 && tc.origin == "null" && !strings.Contains(string(b), "allow-same-origin") {
			t.Errorf("%s: the refusal does not say what to do: %s", tc.name, b)
		}
	}
	// Algolia's header on /v1, which reads Authorization and key: refused,
	// not ignored (the answer was anonymous, the key's scope unapplied).
	resp, b := call(t, srv, "GET", "/v1/search?q=jardin", "", map[string]string{"X-Algolia-API-Key": k.Key, "Origin": "https://partenaire.org"}, "")
	if resp.StatusCode != 401 || !strings.Contains(string(b), "Authorization: Bearer") {
		t.Errorf("X-Algolia-API-Key on /v1: %d %s", resp.StatusCode, b)
	}
	pre := func(path, o string) *http.Response {
		resp, _ := call(t, srv, "OPTIONS", path, "", map[string]string{"Origin": o, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"}, "")
		return resp
	}
	resp = pre("/v1/search", "https://partenaire.org")
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "https://partenaire.org" ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") || !strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "GET") {
		t.Errorf("preflight of a key's origin: %d %v", resp.StatusCode, resp.Header)
	}
	if resp := pre("/v1/search?key="+k.Key, "https://ailleurs.org"); resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight with the key parameter, other origin: %v", resp.Header)
	}
	if resp := pre("/v1/search?key="+k.Key, "https://partenaire.org"); resp.Header.Get("Access-Control-Allow-Origin") != "https://partenaire.org" {
		t.Errorf("preflight with the key parameter: %v", resp.Header)
	}

	// Without anonymous access nor a public-anonymous key, an unknown origin
	// gets nothing from a preflight.
	closed, _, _ := newAccessServer(t, accessNotes, Config{NoAnonymous: true})
	k2 := createKey(t, closed, `{"name": "partenaire", "origins": ["https://partenaire.org"]}`)
	resp, _ = call(t, closed, "OPTIONS", "/v1/search", "", map[string]string{"Origin": "https://ailleurs.org", "Access-Control-Request-Method": "GET"}, "")
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "" || !slices.Contains(resp.Header.Values("Vary"), "Origin") {
		t.Errorf("closed server, unknown origin: %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = call(t, closed, "OPTIONS", "/v1/notes/pub1", "", map[string]string{"Origin": "https://partenaire.org", "Access-Control-Request-Method": "GET"}, "")
	if resp.Header.Get("Access-Control-Allow-Origin") != "https://partenaire.org" {
		t.Errorf("closed server, key origin: %v", resp.Header)
	}
	if resp, _ := call(t, closed, "GET", "/v1/search", k2.Key, origin("https://partenaire.org"), ""); resp.StatusCode != 200 {
		t.Errorf("closed server, key: %d", resp.StatusCode)
	}
}

// TestRateLimits: a key's bucket holds a tenth of its minute; past it, 429
// with Retry-After; the bucket refills with time; each client IP has its
// own; anonymous access has the global default; the admin key has none; the
// buckets kept are bounded.
func TestRateLimits(t *testing.T) {
	srv, _, clk := newAccessServer(t, accessNotes, Config{AnonymousRatePerMinute: 20, TrustedProxies: []string{"127.0.0.1"}, LimiterEntries: 3})
	k := createKey(t, srv, `{"name": "lente", "rate_per_minute": 6}`) // burst 1, one per 10 s
	from := func(ip string) map[string]string { return map[string]string{"X-Forwarded-For": ip} }
	if resp, b := call(t, srv, "GET", "/v1/search", k.Key, from("192.0.2.1"), ""); resp.StatusCode != 200 {
		t.Fatalf("first: %d %s", resp.StatusCode, b)
	}
	resp, b := call(t, srv, "GET", "/v1/search", k.Key, from("192.0.2.1"), "")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "10" || errCode(b) != "rate_limited" || !strings.Contains(string(b), "réessayez") {
		t.Fatalf("second: %d Retry-After %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), b)
	}
	// A partner's page may read it (the widget waits that long).
	if resp.Header.Get("Access-Control-Expose-Headers") != "Retry-After" {
		t.Errorf("429 without Access-Control-Expose-Headers: Retry-After: %v", resp.Header)
	}
	if resp, _ := call(t, srv, "GET", "/v1/search", k.Key, from("192.0.2.2"), ""); resp.StatusCode != 200 {
		t.Errorf("another IP: %d", resp.StatusCode)
	}
	clk.Add(10 * time.Second)
	if resp, _ := call(t, srv, "GET", "/v1/search", k.Key, from("192.0.2.1"), ""); resp.StatusCode != 200 {
		t.Errorf("after 10 s: %d", resp.StatusCode)
	}
	// Anonymous: 20 a minute, burst 2.
	for i, want := range []int{200, 200, 429} {
		if resp, _ := call(t, srv, "GET", "/v1/suggest?q=jar", "", from("198.51.100.7"), ""); resp.StatusCode != want {
			t.Errorf("anonymous request %d: %d, want %d", i+1, resp.StatusCode, want)
		}
	}
	for range 5 {
		if resp, _ := call(t, srv, "GET", "/v1/search", accessAdmin, from("198.51.100.7"), ""); resp.StatusCode != 200 {
			t.Fatalf("admin limited: %d", resp.StatusCode)
		}
	}
	acc := newAccessState(nil, 3, nil)
	for i := range 50 {
		acc.limiter(fmt.Sprintf("ip|10.0.0.%d", i), 60)
	}
	if n := acc.limiters.Len(); n != 3 {
		t.Errorf("%d buckets kept, want 3", n)
	}
}

// The listed prefix is "trv_<id>_" and 4 characters, whatever the random
// part holds (base64url has '_').
func TestSecretPrefix(t *testing.T) {
	for secret, want := range map[string]string{
		"trv_0a1b2c3d4e5f_Wy4G5Ew_LnR4_Alm": "trv_0a1b2c3d4e5f_Wy4G…",
		"trv_0a1b2c3d4e5f_ab_c":             "trv_0a1b2c3d4e5f_ab_c…",
		"trv_0a1b2c3d4e5f_abc":              "",
		"autre":                             "",
	} {
		if got := secretPrefix(secret); got != want {
			t.Errorf("secretPrefix(%q) = %q, want %q", secret, got, want)
		}
	}
}

// "Vouliez-vous dire" never tells that a hidden note uses a word: a word only
// a private note's body holds is unknown to a caller who cannot see that note
// (corrected like any unknown word), known to one who can.
func TestCorrectionIgnoresHiddenWords(t *testing.T) {
	notes := []*trouvaille.Note{
		// Four letters: the search tolerates no typo, the corrector one.
		{ID: "pub", Type: "note", Title: "Le gato du quartier", Visibility: "public"},
		{ID: "priv", Type: "note", Title: "Note privée", Body: "Le mot de passe est gatu.", Visibility: "private", Readers: []string{"u1"}},
	}
	srv, _, _ := newAccessServer(t, notes, Config{})
	suggestion := func(cred string) string {
		resp, b := call(t, srv, "GET", "/v1/search?q=gatu", cred, nil, "")
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
		var r struct{ Suggestion *struct{ Q string } }
		json.Unmarshal(b, &r)
		if r.Suggestion == nil {
			return ""
		}
		return r.Suggestion.Q
	}
	if got := suggestion(""); !strings.EqualFold(got, "gato") {
		t.Errorf("anonymous: suggestion %q, want gato (as if the private note did not exist)", got)
	}
	if got := suggestion(accessAdmin); got != "" {
		t.Errorf("admin: suggestion %q, want none (the private note has the word)", got)
	}
}

func clipBody(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// TestAdminTokenNotInURL: the admin token works in the Authorization
// header, on read routes as on admin routes, and is refused in the URL
// (key=, x-algolia-api-key=) on every route: a URL ends in proxy logs,
// browser history and Referer headers. It read private notes through key=
// while the admin routes refused it there (a hostile audit, session 38).
func TestAdminTokenNotInURL(t *testing.T) {
	srv, _, _ := newAccessServer(t, accessNotes, Config{})
	for _, path := range []string{
		"/v1/search?q=jardin&key=" + accessAdmin,
		"/v1/suggest?q=jar&key=" + accessAdmin,
		"/v1/keys?key=" + accessAdmin,
	} {
		resp, b := call(t, srv, "GET", path, "", nil, "")
		if resp.StatusCode != http.StatusUnauthorized || (!strings.HasPrefix(path, "/v1/keys") && !strings.Contains(string(b), "admin_token_in_url")) {
			t.Errorf("GET %s: %d %s, want 401", path, resp.StatusCode, b)
		}
	}
	resp, b := call(t, srv, "POST", "/1/indexes/*/queries?x-algolia-api-key="+accessAdmin, "", map[string]string{"Content-Type": "application/json"}, `{"requests":[{"indexName":"notes","params":"query=jardin"}]}`)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("InstantSearch with the admin token in the URL: %d %s, want 401", resp.StatusCode, b)
	}
	// In the header and the URL both: refused all the same.
	resp, b = call(t, srv, "GET", "/v1/search?q=jardin&key="+accessAdmin, accessAdmin, nil, "")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("admin token in the header and the URL: %d %s, want 401", resp.StatusCode, b)
	}
	// In the header: every note, as before.
	resp, b = call(t, srv, "GET", "/v1/search?q=jardin", accessAdmin, nil, "")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("admin token as a bearer: %d %s", resp.StatusCode, b)
	}
	// A partner key in the URL stays welcome (the widget's way).
	key := createKey(t, srv, `{"name": "partenaire"}`)
	resp, b = call(t, srv, "GET", "/v1/search?q=jardin&key="+key.Key, "", nil, "")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("partner key in the URL: %d %s", resp.StatusCode, b)
	}
}

// TestKeyWarnsOfValuesNoNoteHolds: a key whose filter names a value no note
// holds (a carnet's title written short, as the integration guide's own
// example did) was created without a word and found nothing, ever. It is
// still created (notes may come), with a warning naming the value and
// where the exact values are listed; one whose values are held has none.
func TestKeyWarnsOfValuesNoNoteHolds(t *testing.T) {
	srv, _, _ := newAccessServer(t, accessNotes, Config{})
	k := createKey(t, srv, `{"name": "abrégé", "filters": {"carnet": ["A", "Carnet A"], "organisation": ["X"]}}`)
	if len(k.Warnings) != 1 || !strings.Contains(k.Warnings[0], "carnet « Carnet A »") || !strings.Contains(k.Warnings[0], "facets=carnets") {
		t.Errorf("warnings %q, want one naming « Carnet A »", k.Warnings)
	}
	resp, b := call(t, srv, "PATCH", "/v1/keys/"+k.ID, accessAdmin, nil, `{"filters": {"organisation": ["X", "Z"]}}`)
	var v KeyView
	json.Unmarshal(b, &v)
	if resp.StatusCode != 200 || len(v.Warnings) != 1 || !strings.Contains(v.Warnings[0], "organisation « Z »") {
		t.Errorf("PATCH: %d %s", resp.StatusCode, b)
	}
	if ok := createKey(t, srv, `{"name": "juste", "filters": {"carnet": ["A"]}}`); len(ok.Warnings) != 0 {
		t.Errorf("held values warned: %q", ok.Warnings)
	}
	// Bounded: a key of 500 values, 450 of them unheld, gets 21 lines
	// and runs no more than 200 searches.
	vals := []string{"X", "X"}
	for i := range 498 {
		vals = append(vals, fmt.Sprintf("Org %d", i))
	}
	body, _ := json.Marshal(map[string]any{"name": "beaucoup", "filters": map[string][]string{"organisation": vals}})
	if many := createKey(t, srv, string(body)); len(many.Warnings) != 22 || !strings.Contains(many.Warnings[20], "d’autres valeurs") || !strings.Contains(many.Warnings[21], "200 premières valeurs") {
		t.Errorf("%d warnings for 500 values: %q", len(many.Warnings), many.Warnings)
	}
	// The listing says nothing of them.
	if _, b := call(t, srv, "GET", "/v1/keys", accessAdmin, nil, ""); strings.Contains(string(b), "warnings") {
		t.Errorf("listing with warnings: %s", b)
	}
}
