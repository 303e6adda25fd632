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
	if !strings.Contains(b.String(), "réessayez dans") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("page past the limit says %q", b.String())
	}
}
