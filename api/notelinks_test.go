package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/web"
	"github.com/golang-jwt/jwt/v5"
)

// withSite mounts the site's pages (/, /n/{id}) on a test server.
func withSite(t *testing.T) func(*trouvaille.Engine) Pages {
	return func(eng *trouvaille.Engine) Pages { return web.Routes(eng, web.WithLogf(t.Logf)) }
}

// compatHits runs « jardin » through the InstantSearch route with the
// credential cred and returns its hits.
func compatHits(t *testing.T, srv *httptest.Server, cred string) []map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"requests": []any{map[string]any{"indexName": "notes", "params": url.Values{"query": {"jardin"}, "hitsPerPage": {"20"}}.Encode()}}})
	// The admin token in Algolia's header: never in the address
	// (TestAdminTokenNotInURL).
	status, m, _ := compatPostWith(t, srv, "/1/indexes/*/queries?x-algolia-application-id=trouvaille", "application/x-www-form-urlencoded", string(body), map[string]string{"X-Algolia-API-Key": cred})
	if status != http.StatusOK {
		t.Fatalf("InstantSearch route: %d %v", status, m)
	}
	var hits []map[string]any
	for _, h := range m["results"].([]any)[0].(map[string]any)["hits"].([]any) {
		hits = append(hits, h.(map[string]any))
	}
	return hits
}

// TestHitsSayWhereTheyOpen: a partner's search box whose token sees
// community and private notes linked every hit without url to the site's
// page /n/{id}, which shows public notes only: « not found ». Each hit of
// /v1/search now says its visibility (the site's page opens exactly the
// public ones), the result says when the caller sees more than public
// notes (the site's page of results counts fewer), and the InstantSearch
// route gives a url only to the notes whose page opens.
func TestHitsSayWhereTheyOpen(t *testing.T) {
	srv, _, clk := newAccessServer(t, accessNotes, Config{}, withSite(t))
	k := createKey(t, srv, `{"name": "partenaire du quartier", "visibility": "private"}`)
	token := func(claims jwt.MapClaims) string {
		claims["exp"] = clk.Now().Add(10 * time.Minute).Unix()
		return sign(t, k.ID, k.Key, jwt.SigningMethodHS256, claims)
	}
	tok := token(jwt.MapClaims{"communities": []string{"Quartier"}, "user": "u1"})
	want := map[string]string{"pub1": "public", "pub2": "public", "com1": "community", "priv1": "private"}

	type hit struct {
		ID         string  `json:"id"`
		URL        *string `json:"url"`
		Visibility *string `json:"visibility"`
	}
	search := func(cred string) ([]hit, *bool) {
		t.Helper()
		resp, b := call(t, srv, "GET", "/v1/search?q=jardin&per_page=20&facets=none", cred, nil, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("search: %d %s", resp.StatusCode, b)
		}
		var r struct {
			Hits          []hit `json:"hits"`
			SeesNonPublic *bool `json:"sees_non_public"`
		}
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		return r.Hits, r.SeesNonPublic
	}
	hits, sees := search(tok)
	if len(hits) != len(want) {
		t.Fatalf("the token finds %d notes, want %d: %+v", len(hits), len(want), hits)
	}
	for _, h := range hits {
		if h.Visibility == nil || *h.Visibility != want[h.ID] {
			t.Errorf("hit %s: visibility %v, want %q", h.ID, h.Visibility, want[h.ID])
		}
		// What a client relies on: /n/{id} opens exactly the public notes.
		status, _ := get(t, srv.URL+"/n/"+h.ID)
		if opens := status == http.StatusOK; opens != (want[h.ID] == "public") {
			t.Errorf("/n/%s answers %d for a %s note", h.ID, status, want[h.ID])
		}
	}
	if sees == nil || !*sees {
		t.Errorf("the token's result does not say it sees non-public notes: %v", sees)
	}
	if _, sees := search(accessAdmin); sees == nil || !*sees {
		t.Errorf("the admin's result does not say it sees non-public notes: %v", sees)
	}
	// Callers seeing public notes only are told nothing more.
	plain := createKey(t, srv, `{"name": "clé simple", "visibility": "private"}`)
	for name, cred := range map[string]string{"anonymous": "", "key": plain.Key, "token naming no community nor user": token(jwt.MapClaims{})} {
		hits, sees := search(cred)
		if sees != nil {
			t.Errorf("%s: sees_non_public %v", name, *sees)
		}
		if len(hits) != 2 {
			t.Errorf("%s: %d hits, want the 2 public notes", name, len(hits))
		}
		for _, h := range hits {
			if h.Visibility == nil || *h.Visibility != "public" {
				t.Errorf("%s: hit %s has visibility %v", name, h.ID, h.Visibility)
			}
		}
	}

	// InstantSearch: the site's page as url for the public notes only,
	// no url for the others, whose page would answer « not found ».
	var ids []string
	for _, h := range compatHits(t, srv, tok) {
		id := h["objectID"].(string)
		ids = append(ids, id)
		if h["visibility"] != want[id] {
			t.Errorf("InstantSearch hit %s: visibility %v, want %q", id, h["visibility"], want[id])
		}
		u, has := h["url"].(string)
		if want[id] != "public" {
			if has {
				t.Errorf("InstantSearch hit %s (%s): url %q, a page that cannot show it", id, want[id], u)
			}
			continue
		}
		if u != srv.URL+"/n/"+id {
			t.Errorf("InstantSearch hit %s: url %q, want its page %s", id, u, srv.URL+"/n/"+id)
		} else if status, _ := get(t, u); status != http.StatusOK {
			t.Errorf("InstantSearch hit %s: its url %s answers %d", id, u, status)
		}
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"com1", "priv1", "pub1", "pub2"}) {
		t.Errorf("InstantSearch hits %v, want the token's 4 notes", ids)
	}
}

// TestCompatNoPageWhereNoneOpens: a server whose pages are closed to
// anonymous visitors, or that serves no page, gives public notes without
// url no /n/{id} address either: it would answer « closed » or « not
// found ».
func TestCompatNoPageWhereNoneOpens(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cfg   Config
		pages []func(*trouvaille.Engine) Pages
	}{
		{"pages closed to anonymous visitors", Config{NoAnonymous: true}, []func(*trouvaille.Engine) Pages{withSite(t)}},
		{"no pages", Config{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _, _ := newAccessServer(t, accessNotes, tc.cfg, tc.pages...)
			if status, _ := get(t, srv.URL+"/n/pub1"); status == http.StatusOK {
				t.Fatal("/n/pub1 opens: the case proves nothing")
			}
			hits := compatHits(t, srv, accessAdmin)
			if len(hits) != len(accessNotes) {
				t.Fatalf("%d hits for the admin, want %d", len(hits), len(accessNotes))
			}
			for _, h := range hits {
				if u, has := h["url"]; has {
					t.Errorf("hit %v (%v): url %v", h["objectID"], h["visibility"], u)
				}
			}
		})
	}
}

// TestSearchSaysPagesClosed: a partner's box on a server whose pages are
// closed to anonymous visitors (or that serves none) linked its public
// notes to /n/{id} and its « Voir les N résultats » to the site's page of
// results: both answered « closed » (or « not found »). /v1/search now says
// public_pages: false there, for every caller, and nothing on a server
// whose pages open.
func TestSearchSaysPagesClosed(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cfg    Config
		pages  []func(*trouvaille.Engine) Pages
		closed bool
	}{
		{"pages open", Config{}, []func(*trouvaille.Engine) Pages{withSite(t)}, false},
		{"pages closed to anonymous visitors", Config{NoAnonymous: true}, []func(*trouvaille.Engine) Pages{withSite(t)}, true},
		{"no pages", Config{}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _, _ := newAccessServer(t, accessNotes, tc.cfg, tc.pages...)
			status, _ := get(t, srv.URL+"/n/pub1")
			if (status == http.StatusOK) == tc.closed {
				t.Fatalf("/n/pub1 answers %d: the case proves nothing", status)
			}
			key := createKey(t, srv, `{"name": "partenaire", "visibility": "private"}`)
			creds := map[string]string{"key": key.Key, "admin": accessAdmin}
			if !tc.cfg.NoAnonymous {
				creds["anonymous"] = ""
			}
			for name, cred := range creds {
				resp, b := call(t, srv, "GET", "/v1/search?q=jardin&per_page=5&facets=none", cred, nil, "")
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d %s", name, resp.StatusCode, b)
				}
				var r struct {
					Total       int   `json:"total"`
					PublicPages *bool `json:"public_pages"`
				}
				if err := json.Unmarshal(b, &r); err != nil || r.Total == 0 {
					t.Fatalf("%s: %v, total %d: %s", name, err, r.Total, b)
				}
				switch {
				case tc.closed && (r.PublicPages == nil || *r.PublicPages):
					t.Errorf("%s: public_pages %v, want false", name, r.PublicPages)
				case !tc.closed && r.PublicPages != nil:
					t.Errorf("%s: public_pages %v, want none", name, *r.PublicPages)
				}
			}
		})
	}
}
