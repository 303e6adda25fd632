package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestTokenClaimOfTheWrongType: a token signed by its key's holder with a
// claim of the wrong type (a filter's value not in a list, communities as
// one string, user as a number, exp as text) is refused naming the claim and
// the form it takes, and is no guess: it does not count toward the lockout
// of an address that presents refused credentials. The same token unsigned
// gets the plain refusal. An exp too large for a date (1e19) is « valid too
// long », not « expired ».
func TestTokenClaimOfTheWrongType(t *testing.T) {
	srv, _, clk := newAccessServer(t, accessNotes, Config{})
	k := createKey(t, srv, `{"name": "communautés", "visibility": "community"}`)
	exp := clk.Now().Add(10 * time.Minute).Unix()
	for _, c := range []struct {
		claims jwt.MapClaims
		claim  string
	}{
		{jwt.MapClaims{"exp": exp, "filters": map[string]any{"organisation": "TIESS"}}, "filters"},
		{jwt.MapClaims{"exp": exp, "filters": []string{"TIESS"}}, "filters"},
		{jwt.MapClaims{"exp": exp, "communities": "Quartier"}, "communities"},
		{jwt.MapClaims{"exp": exp, "user": 5}, "user"},
		{jwt.MapClaims{"exp": "demain"}, "exp"},
		{jwt.MapClaims{"exp": exp, "nbf": "hier"}, "nbf"},
		{jwt.MapClaims{"exp": exp, "aud": 7}, "aud"},
	} {
		tok := sign(t, k.ID, k.Key, jwt.SigningMethodHS256, c.claims)
		// More than the lockout's 30 refusals a minute: a signed token
		// with a claim to fix is not counted as a guess.
		for i := 0; i < 35; i++ {
			resp, b := call(t, srv, "GET", "/v1/search?q=jardin", tok, nil, "")
			var e ErrorBody
			json.Unmarshal(b, &e)
			if resp.StatusCode != http.StatusUnauthorized || e.Error.Code != "invalid_token" ||
				!strings.Contains(e.Error.Message, "revendication "+c.claim+" : elle doit être") {
				t.Fatalf("%v (try %d): %d %s, want 401 naming %s", c.claims, i+1, resp.StatusCode, b, c.claim)
			}
		}
		// The same claims signed with another secret: the plain refusal,
		// which says nothing of the claims.
		forged := sign(t, k.ID, "un autre secret", jwt.SigningMethodHS256, c.claims)
		if resp, b := call(t, srv, "GET", "/v1/search?q=jardin", forged, nil, ""); resp.StatusCode != 401 || strings.Contains(string(b), "revendication") {
			t.Errorf("%v unsigned: %d %s", c.claims, resp.StatusCode, b)
		}
	}
	for _, far := range []any{1e19, 9.3e18, 1e300} {
		tok := sign(t, k.ID, k.Key, jwt.SigningMethodHS256, jwt.MapClaims{"exp": far})
		resp, b := call(t, srv, "GET", "/v1/search?q=jardin", tok, nil, "")
		if resp.StatusCode != 401 || errCode(b) != "invalid_token" || !strings.Contains(string(b), "valide trop longtemps") {
			t.Errorf("exp %v: %d %s, want « valide trop longtemps »", far, resp.StatusCode, b)
		}
	}
	// A good token still passes.
	good := sign(t, k.ID, k.Key, jwt.SigningMethodHS256, jwt.MapClaims{"exp": exp, "communities": []string{"Quartier"}})
	if resp, b := call(t, srv, "GET", "/v1/search?q=jardin", good, nil, ""); resp.StatusCode != 200 {
		t.Errorf("good token: %d %s", resp.StatusCode, b)
	}
}
