package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/analytics"
	"github.com/encommun/trouvaille/web"
)

// hostileServer serves the demo corpus with the pages, the admin token and
// the analytics, like `trouvaille serve`.
func hostileServer(t *testing.T) (*httptest.Server, *Server, Pages) {
	t.Helper()
	eng, err := trouvaille.Open(t.TempDir(), trouvaille.OpenOptions{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	if _, err := (&trouvaille.Ingester{Engine: eng}).Ingest(bytes.NewReader(trouvaille.DemoNotes), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	waitReady(t, eng)
	pages := web.Routes(eng, web.WithLogf(t.Logf))
	rec := analytics.New(eng.AnalyticsStore(), analytics.Options{})
	logs := &syncBuffer{}
	ocfg := OpsConfig{Analytics: rec, Logger: newJSONLogger(logs)}
	srv := httptest.NewServer(New(eng, Config{AdminToken: opsToken, Ops: ocfg, AnonymousRatePerMinute: -1}, pages))
	t.Cleanup(srv.Close)
	return srv, &Server{}, pages
}

// hostileBodies are the request bodies sent to every route.
func hostileBodies() map[string]string {
	deepArr := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	deepObj := strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000)
	return map[string]string{
		"malformed JSON":     `{"id":"x","title":`,
		"not JSON":           `<xml>bonjour</xml>`,
		"invalid UTF-8":      "{\"id\":\"a\xff\",\"title\":\"t\xc3\x28\",\"visibility\":\"public\"}",
		"deep array":         deepArr,
		"deep object":        deepObj,
		"deep in a note":     `{"id":"deep","title":` + deepObj + `,"visibility":"public"}`,
		"unknown fields":     `{"id":"u1","title":"T","visibility":"public","tittle":"x","$where":"1"}`,
		"NUL and controls":   "{\"id\":\"c1\",\"title\":\"a\\u0000b\\u001b[31m\",\"visibility\":\"public\"}",
		"huge number":        `{"type":"click","position":1e999999,"id":"x"}`,
		"regex-looking":      `{"id":".*","title":"[a-z]+","visibility":"public"}`,
		"empty":              ``,
		"array of garbage":   `[1,"a",null,{},[]]`,
		"JSON lines garbage": "{\"id\":\"ok1\",\"title\":\"T\",\"visibility\":\"public\"}\n{]\n\xff\n",
	}
}

// TestHostileRoutes sends every hostile body, by its declared method and
// with the admin key, to every route of the route table; then unknown
// parameters and wildcard or regex-looking queries. Never a 500 (nor a
// crash: the server answers to the end), and every 400 names the parameter
// at fault (param) and every rejected note its record (line or element).
func TestHostileRoutes(t *testing.T) {
	srv, s, pages := hostileServer(t)
	table := s.routes(pages)
	bodies := hostileBodies()
	check := func(name, method, u string, resp *http.Response, body []byte) {
		t.Helper()
		if resp.StatusCode >= 500 {
			t.Errorf("%s: %s %s: %d %.300s", name, method, u, resp.StatusCode, body)
			return
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			return
		}
		if resp.StatusCode == 400 {
			var e ErrorBody
			if err := json.Unmarshal(body, &e); err != nil || e.Error.Param == "" || e.Error.Message == "" {
				t.Errorf("%s: %s %s: 400 naming no parameter: %.300s", name, method, u, body)
			}
		}
		var w writeBody
		if json.Unmarshal(body, &w) == nil {
			for _, r := range w.Rejected {
				if (r.Line == 0 && r.Element == 0 && r.ID == "") || r.Message == "" {
					t.Errorf("%s: %s %s: a rejection names no record: %+v", name, method, u, r)
				}
			}
		}
	}
	for _, rt := range table {
		p := samplePath(rt.path)
		if rt.path == "/v1/notes/:id" && rt.method != http.MethodGet {
			p = "/v1/notes/hostile-1" // never alter a demo note the other routes read
		}
		for name, b := range bodies {
			if rt.method == http.MethodGet && name != "malformed JSON" && name != "deep array" {
				continue // a GET body is ignored: two suffice
			}
			for _, ct := range []string{"application/json", "application/x-ndjson", "text/plain", "application/x-www-form-urlencoded"} {
				resp, body := opsDo(t, rt.method, srv.URL+p, opsToken, strings.NewReader(b), "Content-Type", ct)
				check(name+" ("+ct+")", rt.method, p, resp, body)
			}
		}
		// A 10 MB field, to the routes that take a body.
		if rt.method != http.MethodGet {
			big := `{"id":"big-1","title":"T","visibility":"public","body":"` + strings.Repeat("é", 5<<20) + `"}`
			resp, body := opsDo(t, rt.method, srv.URL+p, opsToken, strings.NewReader(big), "Content-Type", "application/json")
			check("10 MB field", rt.method, p, resp, body)
			if rt.path == "/v1/notes" && (len(bodyRejections(body)) != 1 || bodyRejections(body)[0].Line != 1 || !strings.Contains(string(body), "(body)")) {
				t.Errorf("10 MB body field: want one rejection naming line 1 and the field body: %.500s", body)
			}
		}
		// An unknown parameter is named.
		u := srv.URL + p + "?parametre_inconnu=1"
		resp, body := opsDo(t, rt.method, u, opsToken, nil)
		check("unknown parameter", rt.method, p, resp, body)
		if resp.StatusCode != 400 {
			t.Logf("%s %s ignores an unknown parameter (%d)", rt.method, p, resp.StatusCode)
		}
		if resp.StatusCode == 400 && !strings.Contains(string(body), `"param":"parametre_inconnu"`) && !strings.Contains(string(body), "paramètre inconnu « parametre_inconnu »") {
			t.Errorf("%s %s: the unknown parameter is not the one named: %s", rt.method, u, body)
		}
	}
	// Wildcard and regex-looking queries are words like any other.
	for _, q := range []string{"*", "?", ".*", "[a-z]+", "(a|b)", "^economie$", `\d+`, "/regex/", "title:*", "a~2", "+a -b", "a AND b OR NOT c", "%", "_", "'; DROP TABLE notes; --", "{{7*7}}", "${jndi:x}", "<script>"} {
		for _, route := range []string{"/v1/search?q=", "/v1/suggest?q=", "/v1/facets/organisations?q=", "/?q="} {
			u := srv.URL + route + url.QueryEscape(q)
			resp, body := opsDo(t, "GET", u, "", nil)
			check("wildcard query", "GET", u, resp, body)
			if resp.StatusCode != 200 {
				t.Errorf("GET %s: %d %.300s", u, resp.StatusCode, body)
			}
			if strings.Contains(string(body), "<script>") {
				t.Errorf("GET %s echoes <script> unescaped", u)
			}
		}
	}
	// The server is still up and serves.
	if resp, _ := opsDo(t, "GET", srv.URL+"/v1/search?q=economie", "", nil); resp.StatusCode != 200 {
		t.Errorf("after the hostile requests: %d", resp.StatusCode)
	}
}

func bodyRejections(b []byte) []rejectedRec {
	var w writeBody
	json.Unmarshal(b, &w)
	return w.Rejected
}

// TestSlowLorisEveryRoute: against the real http.Server of NewHTTPServer,
// a client that sends its request line and headers a byte at a time, or
// stops in the middle of its body, is cut off on every route, and the
// server keeps answering the others meanwhile.
func TestSlowLorisEveryRoute(t *testing.T) {
	srv, s, pages := hostileServer(t)
	hs := NewHTTPServer(srv.Config.Handler, ServerLimits{ReadHeaderTimeout: 300 * time.Millisecond, ReadTimeout: 500 * time.Millisecond}, time.Second)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	addr := ln.Addr().String()
	type conn struct {
		name string
		c    net.Conn
	}
	var open []conn
	for _, rt := range s.routes(pages) {
		p := samplePath(rt.path)
		for _, partial := range []string{
			rt.method + " " + p + " HTTP/1.1\r\nHost: x\r\n",
			rt.method + " " + p + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + opsToken + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\":",
		} {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			io.WriteString(c, partial)
			open = append(open, conn{rt.method + " " + p, c})
		}
	}
	// Meanwhile, the server answers.
	resp, err := http.Get("http://" + addr + "/v1/search?q=economie")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("while the slow clients hold their connections: %v %v", resp, err)
	}
	resp.Body.Close()
	for _, oc := range open {
		oc.c.SetReadDeadline(time.Now().Add(30 * time.Second))
		b, err := io.ReadAll(oc.c)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Errorf("%s: connection still open", oc.name)
		}
		if bytes.Contains(b, []byte(" 500 ")) {
			t.Errorf("%s: %s", oc.name, b)
		}
	}
}
