package api

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/gin-gonic/gin"
)

// FuzzKeyBody decodes arbitrary bodies as POST and PATCH /v1/keys do
// (readKeyInput, then the checks of apply): it never panics, and a refusal
// always names a field or the body with a French message, never Go's own
// words; an accepted key has a name, a known visibility and exact origins.
func FuzzKeyBody(f *testing.F) {
	for _, s := range []string{
		`{"name": "Site du TIESS", "filters": {"organisation": ["TIESS"]}, "origins": ["https://tiess.ca"], "rate_per_minute": 60, "expires_at": "2027-01-01T00:00:00Z"}`,
		`{"name": "x", "visibility": "public", "visibility": "private"}`, `{"name": "x", "public_anonymous": true, "origins": ["*"]}`,
		`{"name": 3}`, `{"name": "x", "filters": {"type": ["notes"]}}`, `[`, `{"name": "x"} {}`, `{"name":"a\u0000b"}`, `null`, `{}`,
		`{"name": "x", "origins": ["https://*.a.org"]}`, `{"name": "x", "rate_per_minute": 1e9}`, `{"name": "x", "expires_at": ""}`,
	} {
		f.Add(s)
	}
	gin.SetMode(gin.ReleaseMode)
	now := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body string) {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodPost, "/v1/keys", strings.NewReader(body))
		in, err := readKeyInput(c)
		k := &trouvaille.Key{Visibility: "public"}
		if err == nil {
			err = in.apply(k, now)
		}
		if err != nil {
			var re *trouvaille.RequestError
			if !errors.As(err, &re) || re.Param == "" || re.Message == "" || !utf8.ValidString(re.Message) {
				t.Fatalf("%q: refusal %#v does not name a field", body, err)
			}
			for _, w := range []string{"json:", "Go struct", "keyInput", "unmarshal", "invalid character"} {
				if strings.Contains(re.Message, w) {
					t.Fatalf("%q: message %q holds Go's words (%q)", body, re.Message, w)
				}
			}
			return
		}
		if in.Name != nil && (strings.TrimSpace(k.Name) == "" || !utf8.ValidString(k.Name)) {
			t.Fatalf("%q: accepted name %q", body, k.Name)
		}
		for _, o := range k.Origins {
			if o != "*" && !validOrigin(o) {
				t.Fatalf("%q: accepted origin %q", body, o)
			}
		}
	})
}
