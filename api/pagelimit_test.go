package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/web"
)

// The pages that search count against the anonymous limit, shared with the
// API: past it they answer 429 in French with Retry-After (they used to be
// a way around the limit); the static assets (the widget's script) do not count.
func TestPagesShareTheAnonymousLimit(t *testing.T) {
	_, eng := newTestServer(t)
	srv := httptest.NewServer(New(eng, Config{AnonymousRatePerMinute: 10}, web.Routes(eng, web.WithLogf(t.Logf))))
	defer srv.Close()
	get := func(path string) *http.Response {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	// Burst(10) is 1: one search, then the limit.
	if r := get("/?q=logement"); r.StatusCode != 200 {
		t.Fatalf("first page search: %d", r.StatusCode)
	}
	for _, path := range []string{"/?q=logement+social", "/organisations", "/v1/search?q=logement"} {
		r := get(path)
		if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Errorf("%s past the limit: %d, Retry-After %q", path, r.StatusCode, r.Header.Get("Retry-After"))
		}
	}
	if r := get("/widget.js"); r.StatusCode != 200 {
		t.Errorf("a static asset past the limit: %d", r.StatusCode)
	}
	resp, err := http.Get(srv.URL + "/?q=emploi")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	buf := make([]byte, 1024)
	n, _ := resp.Body.Read(buf)
	b.Write(buf[:n])
	resp.Body.Close()
	// A page a person reads (the wait in words, reloading itself), not
	// « depuis cette adresse : réessayez dans 6 s » in plain text.
	if !strings.Contains(b.String(), "secondes : la page se recharge d’elle-même.") || !strings.Contains(b.String(), `http-equiv="refresh"`) ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("page past the limit says %q", b.String())
	}
}

// Without trusted proxies, X-Forwarded-For is not believed: a client cannot
// get a fresh bucket by naming another address. Behind a proxy named in
// TrustedProxies (serve --trusted-proxies), each visitor has their own.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	_, eng := newTestServer(t)
	for _, tc := range []struct {
		trusted []string
		second  int // the second client's first page search
	}{
		{nil, http.StatusTooManyRequests},
		{[]string{"127.0.0.1"}, http.StatusOK},
	} {
		srv := httptest.NewServer(New(eng, Config{AnonymousRatePerMinute: 10, TrustedProxies: tc.trusted}, web.Routes(eng, web.WithLogf(t.Logf))))
		get := func(ip string) int {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/?q=logement", nil)
			req.Header.Set("X-Forwarded-For", ip)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if code := get("192.0.2.1"); code != http.StatusOK {
			t.Errorf("trusted %v: first client: %d", tc.trusted, code)
		}
		if code := get("192.0.2.2"); code != tc.second {
			t.Errorf("trusted %v: a second client behind the same proxy: %d, want %d", tc.trusted, code, tc.second)
		}
		srv.Close()
	}
}
