package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/encommun/trouvaille/query"
	"github.com/golang-jwt/jwt/v5"
)

// TestTokenFiltersClaimMessageWhole: a signed token's filters claim that
// CheckFilters refuses gets CheckFilters' whole message, its advice
// included; only the names and values the token's signer wrote are cut.
func TestTokenFiltersClaimMessageWhole(t *testing.T) {
	srv, _, clk := newAccessServer(t, accessNotes, Config{})
	k := createKey(t, srv, `{"name": "partenaire"}`)
	long := strings.Repeat("x", 200) + "\x01"
	for _, tc := range []struct {
		name    string
		filters map[string][]string
		says    []string
		notSays string
	}{
		{"unknown filter", map[string][]string{"organisations": {"TIESS"}}, nil, ""},
		{"filter without values", map[string][]string{"organisation": {}}, []string{"donnez-en au moins une ou retirez-le"}, ""},
		{"long unknown filter name", map[string][]string{long: {"TIESS"}}, []string{"« " + printable(long) + " »", "utilisez author, organisation"}, long},
		{"long unknown type", map[string][]string{"type": {long[:200]}}, []string{"« " + printable(long[:200]) + " »", "utilisez note"}, long[:200]},
	} {
		want := query.CheckFilters("filters", tc.filters)
		var re *query.RequestError
		if !errors.As(want, &re) {
			t.Fatalf("%s: CheckFilters gives %v, want a RequestError", tc.name, want)
		}
		claims := jwt.MapClaims{"exp": clk.Now().Add(10 * time.Minute).Unix(), "filters": tc.filters}
		resp, b := call(t, srv, "GET", "/v1/search?q=jardin", sign(t, k.ID, k.Key, jwt.SigningMethodHS256, claims), nil, "")
		var e ErrorBody
		if err := json.Unmarshal(b, &e); err != nil || resp.StatusCode != 401 || e.Error.Code != "invalid_token" {
			t.Errorf("%s: %d %s, want 401 invalid_token", tc.name, resp.StatusCode, clipBody(string(b)))
			continue
		}
		msg := e.Error.Message
		if tc.notSays == "" && !strings.HasSuffix(msg, " : "+re.Message) {
			t.Errorf("%s: %q, want it to end with the whole %q", tc.name, msg, re.Message)
		}
		for _, s := range tc.says {
			if !strings.Contains(msg, s) {
				t.Errorf("%s: %q, want it to say %q", tc.name, msg, s)
			}
		}
		if tc.notSays != "" && (strings.Contains(msg, tc.notSays) || strings.ContainsRune(msg, '\x01')) {
			t.Errorf("%s: %.300q quotes the token's whole string", tc.name, msg)
		}
	}
}

// TestAdminTokenInURLOnAdminRoutes: the admin key in the URL of an admin
// route gets admin_token_in_url, as on the search routes, with the header
// or without it; a wrong key there stays unauthorized, and counts as a
// refused credential, so that the answer confirms no guess.
func TestAdminTokenInURLOnAdminRoutes(t *testing.T) {
	srv, _, _ := newAccessServer(t, accessNotes, Config{TrustedProxies: []string{"127.0.0.1"}})
	for _, tc := range []struct {
		method, path, header, code string
	}{
		{"GET", "/v1/keys?key=" + accessAdmin, "", "admin_token_in_url"},
		{"GET", "/v1/keys?x-algolia-api-key=" + accessAdmin, "", "admin_token_in_url"},
		{"GET", "/v1/keys?key=" + accessAdmin, accessAdmin, "admin_token_in_url"},
		{"GET", "/v1/analytics?key=" + accessAdmin, "", "admin_token_in_url"},
		{"GET", "/v1/admin/backup?key=" + accessAdmin, "", "admin_token_in_url"},
		{"GET", "/metrics?key=" + accessAdmin, "", "admin_token_in_url"},
		{"POST", "/v1/notes?key=" + accessAdmin, "", "admin_token_in_url"},
		{"POST", "/v1/admin/synonyms/reload?key=" + accessAdmin, "", "admin_token_in_url"},
		{"GET", "/v1/keys?key=pas-le-jeton", "", "unauthorized"},
		{"GET", "/v1/keys", "", "unauthorized"},
	} {
		resp, b := call(t, srv, tc.method, tc.path, tc.header, map[string]string{"X-Forwarded-For": "198.51.100.7"}, "")
		if resp.StatusCode != 401 || errCode(b) != tc.code || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s %s (header %q): %d %s, want 401 %s", tc.method, tc.path, tc.header, resp.StatusCode, clipBody(string(b)), tc.code)
		}
		if tc.code == "admin_token_in_url" && !strings.Contains(string(b), "Authorization: Bearer") {
			t.Errorf("%s %s: %s, want it to say to send the header", tc.method, tc.path, clipBody(string(b)))
		}
	}

	// Guesses in the URL are counted: once blocked, the right key in the
	// URL gets the same 429 as a wrong one.
	attacker := map[string]string{"X-Forwarded-For": "203.0.113.44"}
	for i := range FailedCredentialsPerMinute {
		if resp, b := call(t, srv, "GET", "/v1/keys?key=jeton-devine", "", attacker, ""); resp.StatusCode != 401 {
			t.Fatalf("guess %d: %d %s, want 401", i+1, resp.StatusCode, clipBody(string(b)))
		}
	}
	if resp, b := call(t, srv, "GET", "/v1/keys?key="+accessAdmin, "", attacker, ""); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the right key in the URL after %d wrong ones: %d %s, want 429", FailedCredentialsPerMinute, resp.StatusCode, clipBody(string(b)))
	}
}

// TestNoParameterMessages: a route that reads no key does not offer key
// in its refusal of an unknown parameter; a route that reads one does.
func TestNoParameterMessages(t *testing.T) {
	srv, _ := newWriteServer(t, Config{AdminToken: testToken})
	for _, tc := range []struct {
		method, path, token string
		key                 bool
	}{
		{"GET", "/healthz?x=1", "", false},
		{"GET", "/readyz?x=1", "", false},
		{"GET", "/v1/tasks/1?x=1", "", false},
		{"GET", "/v1/openapi.yaml?x=1", "", false},
		{"GET", "/v1/admin/backup?x=1", testToken, false},
		{"GET", "/v1/admin/index/rebuild?x=1", testToken, false},
		{"POST", "/v1/admin/synonyms/reload?x=1", testToken, false},
		{"GET", "/v1/keys?x=1", testToken, false},
		{"GET", "/v1/notes/x?x=1", "", true},
	} {
		code, b := send(t, srv, tc.method, tc.path, tc.token, "", "")
		var e ErrorBody
		if err := json.Unmarshal(b, &e); err != nil || code != 400 || e.Error.Code != "unknown_parameter" || e.Error.Param != "x" || !strings.Contains(e.Error.Message, "aucun paramètre") {
			t.Errorf("%s %s: %d %s, want 400 unknown_parameter naming x", tc.method, tc.path, code, clipBody(string(b)))
			continue
		}
		if says := strings.Contains(e.Error.Message, "key"); says != tc.key {
			t.Errorf("%s %s: %q, mentions key: %v, want %v", tc.method, tc.path, e.Error.Message, says, tc.key)
		}
	}
}

// TestCompatAndFacetRefusalsNameWhatWasSent: the InstantSearch routes name
// a non-number as sent and a missing attribute; /v1/facets/{facet} refuses
// a facet name that is not UTF-8 as the other routes do.
func TestCompatAndFacetRefusalsNameWhatWasSent(t *testing.T) {
	srv, _, _, _ := newSiteServer(t)
	for _, tc := range []struct {
		name, method, path, body string
		code, param              string
		says                     []string
	}{
		{"hitsPerPage true", "POST", "/1/indexes/notes/query", `{"hitsPerPage":true}`, "invalid_integer", "hitsPerPage", []string{"reçu « true »"}},
		{"hitsPerPage an array", "POST", "/1/indexes/notes/query", `{"hitsPerPage":[5]}`, "invalid_integer", "hitsPerPage", []string{"reçu « [5] »"}},
		{"page an object", "POST", "/1/indexes/notes/query", `{"page":{"n":1}}`, "invalid_integer", "page", []string{`reçu « {"n":1} »`}},
		{"facetFilters without attribute", "POST", "/1/indexes/notes/query", `{"facetFilters":[":x"]}`, "invalid_facet_filter", "facetFilters", []string{"« :x »", "l’attribut manque avant « : »", "organisations:TIESS"}},
		{"facetFilters with a blank attribute", "POST", "/1/indexes/notes/query", `{"facetFilters":[[" :x"]]}`, "invalid_facet_filter", "facetFilters", []string{"l’attribut manque"}},
		{"facet name not UTF-8", "GET", "/v1/facets/%ff", "", "invalid_utf8", "facet", []string{"/v1/facets/{facet}", "UTF-8", "organisations"}},
		{"facet name not UTF-8, with a query", "GET", "/v1/facets/a%ffb?q=ha", "", "invalid_utf8", "facet", []string{"UTF-8"}},
		{"index name not UTF-8", "POST", "/1/indexes/%ff/query", `{"query":"jardin"}`, "invalid_utf8", "indexName", []string{"UTF-8", "« notes »"}},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e ErrorBody
		err = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 400 || e.Error.Code != tc.code || e.Error.Param != tc.param {
			t.Errorf("%s: %d %+v, want 400 %s naming %s", tc.name, resp.StatusCode, e.Error, tc.code, tc.param)
			continue
		}
		for _, s := range tc.says {
			if !strings.Contains(e.Error.Message, s) {
				t.Errorf("%s: %q, want it to say %q", tc.name, e.Error.Message, s)
			}
		}
		if strings.Contains(e.Error.Message, "« ? »") || strings.Contains(e.Error.Message, "«  »") || strings.ContainsRune(e.Error.Message, '\ufffd') {
			t.Errorf("%s: %q names nothing", tc.name, e.Error.Message)
		}
	}
}

// TestWriteFramingSaysBody: ingest's reasons, written for a file, say
// "the body" in an HTTP write; a problem of the array itself (no element)
// keeps its line.
func TestWriteFramingSaysBody(t *testing.T) {
	srv, _ := newWriteServer(t, Config{AdminToken: testToken})
	for _, tc := range []struct {
		name, method, path, body string
		says                     string
		line                     int
	}{
		{"content after the array", "POST", "/v1/notes", `[{"id":"a6","title":"ok","visibility":"public"}] trailing`, "après la fin du tableau", 1},
		{"array not closed", "POST", "/v1/notes", "[{\"id\":\"a7\",\"title\":\"ok\",\"visibility\":\"public\"}\n", "à la fin du corps de la requête", 2},
		{"object not closed", "POST", "/v1/notes", `[{"id":"a8","title":"ok"`, "la fin du corps de la requête arrive avant", 0},
		{"not UTF-8", "POST", "/v1/notes", "[{\"id\":\"a9\",\"title\":\"o\xffk\",\"visibility\":\"public\"}]", "envoyez le corps en UTF-8", 0},
		{"PUT not UTF-8", "PUT", "/v1/notes/a10", "{\"title\":\"o\xffk\",\"visibility\":\"public\"}", "envoyez le corps en UTF-8", 0},
	} {
		code, b := send(t, srv, tc.method, tc.path, testToken, "application/json", tc.body)
		if strings.Contains(string(b), "fichier") || !strings.Contains(string(b), tc.says) {
			t.Errorf("%s: %d %s, want it to say %q and not « fichier »", tc.name, code, clipBody(string(b)), tc.says)
			continue
		}
		if tc.method != "POST" {
			continue
		}
		w := decodeWrite(t, b)
		if code != 200 || len(w.Rejected) == 0 {
			t.Errorf("%s: %d %s, want a rejection", tc.name, code, clipBody(string(b)))
			continue
		}
		r := w.Rejected[len(w.Rejected)-1]
		if tc.line > 0 && (r.Line != tc.line || r.Element != 0) {
			t.Errorf("%s: %+v, want line %d (a problem of the array, not of an element)", tc.name, r, tc.line)
		}
		if tc.line == 0 && (r.Element != 1 || r.Line != 0) {
			t.Errorf("%s: %+v, want element 1 and no line", tc.name, r)
		}
	}
}

// TestPublishedFacetIgnoresFacetSize: facet_size bounds every facet's
// values but the dates' histogram, which gives all its years (README).
func TestPublishedFacetIgnoresFacetSize(t *testing.T) {
	srv, _ := newTestServer(t)
	years := func(size string) int {
		_, body := get(t, srv.URL+"/v1/search?per_page=1&facets=published,authors&facet_size="+size)
		var res struct {
			Facets map[string][]struct{ Value string }
		}
		if err := json.Unmarshal(body, &res); err != nil {
			t.Fatal(err)
		}
		if size == "2" && len(res.Facets["authors"]) != 2 {
			t.Errorf("facet_size=2: %d authors, want 2", len(res.Facets["authors"]))
		}
		return len(res.Facets["published"])
	}
	if two, all := years("2"), years("100"); two != all || two <= 2 {
		t.Errorf("published: %d years with facet_size=2, %d with 100; want the same, over 2", two, all)
	}
}
