package api

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/analytics"
)

func newAnalyticsServer(t *testing.T) (string, *analytics.Recorder) {
	t.Helper()
	eng, err := trouvaille.Open(t.TempDir(), trouvaille.OpenOptions{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	rec := analytics.New(eng.AnalyticsStore(), analytics.Options{})
	srv, _, _ := newOpsServerWith(t, eng, OpsConfig{Analytics: rec})
	return srv, rec
}

func TestEventsAndAnalytics(t *testing.T) {
	base, _ := newAnalyticsServer(t)
	for i := 0; i < 3; i++ {
		opsDo(t, "GET", base+"/v1/search?q=%C3%89conomie+Sociale", "", nil)
	}
	opsDo(t, "GET", base+"/v1/search?q=economie+sociale&page=2", "", nil) // same search, next page: not counted
	opsDo(t, "GET", base+"/v1/search?q=qwxzv", "", nil)
	resp, body := opsDo(t, "POST", base+"/v1/events", "", strings.NewReader(`{"type":"click","q":"economie sociale","position":2,"id":"abc_1"}`), "Content-Type", "text/plain")
	if resp.StatusCode != 204 {
		t.Fatalf("event: %d %s", resp.StatusCode, body)
	}
	checkSpec(t, "POST", "/v1/events", resp, body)
	for _, c := range []struct{ body, param string }{
		{`{"type":"click","position":0}`, "position"},
		{`{"type":"view","position":1}`, "type"},
		{`{"type":"click","position":"2"}`, "position"},
		{`{"type":"click","position":1,"ip":"1.2.3.4"}`, "ip"},
		{`{"type":"click","position":1,"id":"../x"}`, "id"},
		{`{"type":"click",`, "body"},
		{`[]`, "body"},
		{`{"":0}`, "body"},
		{`{"type":"click","position":1}{}`, "body"},
		{"{\"type\":\"click\xff\",\"position\":1}", "body"},
		{`{"type":"click","position":1,"q":"` + strings.Repeat("a", 1001) + `"}`, "q"},
	} {
		resp, body := opsDo(t, "POST", base+"/v1/events", "", strings.NewReader(c.body))
		if resp.StatusCode != 400 || !strings.Contains(string(body), `"param":"`+c.param+`"`) {
			t.Errorf("%.60s: %d %s", c.body, resp.StatusCode, body)
		}
		checkSpec(t, "POST", "/v1/events", resp, body)
	}
	if resp, body := opsDo(t, "POST", base+"/v1/events", "", strings.NewReader(`{"type":"click","position":1,"q":"`+strings.Repeat("a", 5000)+`"}`)); resp.StatusCode != 413 {
		t.Errorf("5 KB event: %d %s", resp.StatusCode, body)
	}

	if resp, _ := opsDo(t, "GET", base+"/v1/analytics", "", nil); resp.StatusCode != 401 {
		t.Errorf("/v1/analytics without the key: %d", resp.StatusCode)
	}
	resp, body = opsDo(t, "GET", base+"/v1/analytics", opsToken, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("/v1/analytics: %d %s", resp.StatusCode, body)
	}
	checkSpec(t, "GET", "/v1/analytics", resp, body)
	s := string(body)
	for _, want := range []string{`"searches":4`, `"zero_results":1`, `"top_queries":[{"query":"economie sociale","count":3}]`, `"top_zero_results":[]`, `"click_through":[{"position":2,"clicks":1,`} {
		if !strings.Contains(s, want) {
			t.Errorf("/v1/analytics lacks %s: %s", want, s)
		}
	}
	for _, c := range []struct{ q, param string }{
		{"from=2026-13-01", "from"}, {"to=hier", "to"}, {"from=2026-05-02&to=2026-05-01", "from"},
		{"from=2020-01-01&to=2026-01-01", "from"}, {"limit=0", "limit"}, {"limite=3", "limite"},
	} {
		resp, body := opsDo(t, "GET", base+"/v1/analytics?"+c.q, opsToken, nil)
		if resp.StatusCode != 400 || !strings.Contains(string(body), `"param":"`+c.param+`"`) {
			t.Errorf("%s: %d %s", c.q, resp.StatusCode, body)
		}
	}
}

// TestAdminPage: the form sets a session cookie (HttpOnly, SameSite=Strict,
// scoped to /admin, holding no token); the page then shows the tables and
// the SVG chart. A wrong token or a forged cookie gets the form again.
func TestAdminPage(t *testing.T) {
	base, _ := newAnalyticsServer(t)
	for i := 0; i < 3; i++ {
		opsDo(t, "GET", base+"/v1/search?q=zzqqxx", "", nil)
	}
	resp, body := opsDo(t, "GET", base+"/admin/recherches", "", nil)
	if resp.StatusCode != 401 || !strings.Contains(string(body), `name="jeton"`) {
		t.Fatalf("without the key: %d %s", resp.StatusCode, body)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(tok string) *http.Response {
		resp, err := noRedirect.PostForm(base+"/admin/recherches", url.Values{"jeton": {tok}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := post("mauvais"); r.StatusCode != 401 || len(r.Cookies()) != 0 {
		t.Errorf("wrong token: %d %v", r.StatusCode, r.Cookies())
	}
	r := post(opsToken)
	if r.StatusCode != http.StatusSeeOther || len(r.Cookies()) != 1 {
		t.Fatalf("login: %d %v", r.StatusCode, r.Cookies())
	}
	ck := r.Cookies()[0]
	if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/admin" || strings.Contains(ck.Value, opsToken) {
		t.Errorf("cookie: %+v", ck)
	}
	resp, body = opsDo(t, "GET", base+"/admin/recherches", "", nil, "Cookie", ck.Name+"="+ck.Value)
	page := string(body)
	if resp.StatusCode != 200 || !strings.Contains(page, "<svg") || !strings.Contains(page, "<td>zzqqxx</td>") || !strings.Contains(page, "Requêtes sans résultat") {
		t.Fatalf("page: %d %s", resp.StatusCode, page)
	}
	// French numbers: 3 searches, all without result, no click.
	if want := "3\u00a0recherches, dont 3 sans résultat (100,0\u00a0%); 0\u00a0clic."; !strings.Contains(page, want) {
		t.Errorf("the totals are not written the French way (%q):\n%s", want, page)
	}
	exp, _, _ := strings.Cut(ck.Value, ".")
	forged := exp + "." + strings.Repeat("0", 64)
	if resp, _ := opsDo(t, "GET", base+"/admin/recherches", "", nil, "Cookie", ck.Name+"="+forged); resp.StatusCode != 401 {
		t.Errorf("forged cookie: %d", resp.StatusCode)
	}
	old := "1." + strings.Repeat("0", 64)
	if resp, _ := opsDo(t, "GET", base+"/admin/recherches", "", nil, "Cookie", ck.Name+"="+old); resp.StatusCode != 401 {
		t.Errorf("expired cookie: %d", resp.StatusCode)
	}
	if resp, _ := opsDo(t, "GET", base+"/admin/recherches", opsToken, nil); resp.StatusCode != 200 {
		t.Errorf("with the Authorization header: %d", resp.StatusCode)
	}
}

func TestAnalyticsDisabled(t *testing.T) {
	srv, _, _ := newOpsServer(t, OpsConfig{})
	resp, body := opsDo(t, "POST", srv.URL+"/v1/events", "", strings.NewReader(`{"type":"click","position":1}`))
	if resp.StatusCode != 404 || !strings.Contains(string(body), "analytics_disabled") {
		t.Errorf("events: %d %s", resp.StatusCode, body)
	}
	checkSpec(t, "POST", "/v1/events", resp, body)
}
