package api

import (
	"slices"
	"strings"
	"testing"
	"time"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/golang-jwt/jwt/v5"
)

// FuzzVerifyToken feeds arbitrary credentials to the access decision (keys,
// signed tokens, the admin key). Whatever the bytes, it never panics, and it
// grants only what an independent check grants: the admin key itself, a key's
// exact secret, or a token that golang-jwt verifies with its parent key's
// secret (HS256, expiry required) — and a token's scope never exceeds its
// parent key's visibility nor drops its filters.
func FuzzVerifyToken(f *testing.F) {
	eng, err := trouvaille.Open(f.TempDir(), trouvaille.OpenOptions{})
	if err != nil {
		f.Fatal(err)
	}
	defer eng.Close()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	keys := []*trouvaille.Key{
		{ID: "kcom", Name: "communautés", Secret: keyPrefix + "kcom_secretcom", Visibility: "community", CreatedAt: now},
		{ID: "kpriv", Name: "privée A", Secret: keyPrefix + "kpriv_secretpriv", Visibility: "private", Filters: map[string][]string{"carnet": {"A"}}, CreatedAt: now},
		{ID: "kanon", Name: "widget", Secret: keyPrefix + "kanon_secretanon", Visibility: "public", PublicAnonymous: true, Origins: []string{"*"}, CreatedAt: now},
	}
	for _, k := range keys {
		if err := eng.PutKey(k); err != nil {
			f.Fatal(err)
		}
	}
	const admin = "jeton-admin-fuzz"
	s := &Server{eng: eng, cfg: Config{AdminToken: admin}}
	s.acc = newAccessState(eng, 0, func() time.Time { return now })

	signed := func(kid, secret string, m jwt.SigningMethod, claims jwt.MapClaims) string {
		tok := jwt.NewWithClaims(m, claims)
		tok.Header["kid"] = kid
		var key any = []byte(secret)
		if m == jwt.SigningMethodNone {
			key = jwt.UnsafeAllowNoneSignatureType
		}
		out, _ := tok.SignedString(key)
		return out
	}
	exp := now.Add(10 * time.Minute).Unix()
	for _, seed := range []string{
		"", admin, admin + " ", keys[0].Secret, keys[1].Secret, keyPrefix + "kcom_", keyPrefix + "_x", "a.b.c", "..",
		signed("kcom", keys[0].Secret, jwt.SigningMethodHS256, jwt.MapClaims{"exp": exp, "communities": []string{"Quartier"}}),
		signed("kpriv", keys[1].Secret, jwt.SigningMethodHS256, jwt.MapClaims{"exp": exp, "user": "u1", "filters": map[string][]string{"carnet": {"B"}}}),
		signed("kcom", keys[0].Secret, jwt.SigningMethodHS512, jwt.MapClaims{"exp": exp}),
		signed("kcom", keys[0].Secret, jwt.SigningMethodNone, jwt.MapClaims{"exp": exp}),
		signed("kanon", keys[2].Secret, jwt.SigningMethodHS256, jwt.MapClaims{"exp": exp}),
		signed("nope", "x", jwt.SigningMethodHS256, jwt.MapClaims{"exp": exp}),
		signed("kcom", keys[0].Secret, jwt.SigningMethodHS256, jwt.MapClaims{"exp": now.Add(-time.Minute).Unix()}),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, cred string) {
		caller, d, err := s.decide(cred)
		if err != nil || d != nil {
			return // refused: nothing granted
		}
		switch caller.Kind {
		case CallerAnonymous:
			if cred != "" {
				t.Fatalf("%q decided anonymous", cred)
			}
			if caller.Scope.Admin || caller.Scope.Level != trouvaille.LevelPublic {
				t.Fatalf("anonymous scope %+v", caller.Scope)
			}
		case CallerAdmin:
			if cred != admin {
				t.Fatalf("%q decided admin", cred)
			}
		case CallerKey:
			if caller.Key == nil || cred != caller.Key.Secret {
				t.Fatalf("%q decided key %+v", cred, caller.Key)
			}
		case CallerToken:
			parent := caller.Key
			if parent == nil || parent.PublicAnonymous {
				t.Fatalf("%q: token without a parent able to sign (%+v)", cred, parent)
			}
			var claims jwt.MapClaims
			tok, perr := jwt.ParseWithClaims(cred, &claims, func(tk *jwt.Token) (any, error) { return []byte(parent.Secret), nil },
				jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(), jwt.WithTimeFunc(func() time.Time { return now }))
			if perr != nil || !tok.Valid || tok.Header["kid"] != parent.ID {
				t.Fatalf("%q granted a token that does not verify with its parent's secret: %v", cred, perr)
			}
			want, _ := map[string]trouvaille.Level{"public": trouvaille.LevelPublic, "community": trouvaille.LevelCommunity, "private": trouvaille.LevelPrivate}[parent.Visibility]
			if caller.Scope.Admin || caller.Scope.Level > want {
				t.Fatalf("%q: token scope %+v wider than its key (%s)", cred, caller.Scope, parent.Visibility)
			}
			if len(parent.Filters) > 0 && !slices.ContainsFunc(caller.Scope.Filters, func(m map[string][]string) bool {
				return strings.Join(m["carnet"], ",") == strings.Join(parent.Filters["carnet"], ",")
			}) {
				t.Fatalf("%q: token dropped its key's filters: %+v", cred, caller.Scope.Filters)
			}
		default:
			t.Fatalf("%q: unknown caller kind %v", cred, caller.Kind)
		}
	})
}
