package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/ops"
	"github.com/gin-gonic/gin"
)

const opsToken = "jeton-ops"

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newOpsServer serves the demo corpus (real Badger and Bleve) with the
// admin token and the given operations settings; the logs go to the
// returned buffer.
func newOpsServer(t *testing.T, ocfg OpsConfig) (*httptest.Server, *trouvaille.Engine, *syncBuffer) {
	t.Helper()
	eng, err := trouvaille.Open(t.TempDir(), trouvaille.OpenOptions{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	_, srv, logs := newOpsServerWith(t, eng, ocfg)
	return srv, eng, logs
}

// newOpsServerWith loads the demo corpus into eng and serves it.
func newOpsServerWith(t *testing.T, eng *trouvaille.Engine, ocfg OpsConfig) (string, *httptest.Server, *syncBuffer) {
	t.Helper()
	in := &trouvaille.Ingester{Engine: eng}
	if _, err := in.Ingest(bytes.NewReader(trouvaille.DemoNotes), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	if ocfg.Logger == nil {
		ocfg.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	}
	srv := httptest.NewServer(New(eng, Config{AdminToken: opsToken, Ops: ocfg}))
	t.Cleanup(srv.Close)
	return srv.URL, srv, logs
}

func opsDo(t *testing.T, method, url, token string, body io.Reader, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestHealthzReportsVersion(t *testing.T) {
	srv, _, _ := newOpsServer(t, OpsConfig{Version: "v9.8.7"})
	resp, body := opsDo(t, "GET", srv.URL+"/healthz", "", nil)
	var h struct {
		Status, Version string
	}
	if err := json.Unmarshal(body, &h); err != nil || resp.StatusCode != 200 || h.Status != "ok" || h.Version != "v9.8.7" {
		t.Fatalf("/healthz: %d %s", resp.StatusCode, body)
	}
	checkSpec(t, "GET", "/healthz", resp, body)
}

// TestReadyz: 503 with a French reason until the discovery tables are
// built, then 200.
func TestReadyz(t *testing.T) {
	srv, eng, _ := newOpsServer(t, OpsConfig{})
	resp, body := opsDo(t, "GET", srv.URL+"/readyz", "", nil)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "découverte") || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("/readyz before warm-up: %d %s", resp.StatusCode, body)
	}
	checkSpec(t, "GET", "/readyz", resp, body)
	eng.WarmUp()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, body = opsDo(t, "GET", srv.URL+"/readyz", "", nil)
		if resp.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz never ready: %d %s", resp.StatusCode, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(string(body), `"status":"ready"`) {
		t.Errorf("/readyz: %s", body)
	}
	checkSpec(t, "GET", "/readyz", resp, body)
}

func TestMetrics(t *testing.T) {
	srv, _, _ := newOpsServer(t, OpsConfig{})
	resp, body := opsDo(t, "GET", srv.URL+"/metrics", "", nil)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("/metrics without the key: %d %s", resp.StatusCode, body)
	}
	checkSpec(t, "GET", "/metrics", resp, body)
	opsDo(t, "GET", srv.URL+"/v1/search?q=economie+sociale", "", nil)
	opsDo(t, "GET", srv.URL+"/v1/search?q=zzzqqqxxx", "", nil)
	opsDo(t, "GET", srv.URL+"/v1/notes/nexistepas-123", "", nil)
	// Methods of no HTTP: one label value for all (each made series of its
	// own, without bound).
	for _, m := range []string{"QWERTY", "ABCDEFGHIJ", "ZZZZZZZZZZZZZZZZZZZZ"} {
		opsDo(t, m, srv.URL+"/v1/search", "", nil)
	}
	// wait=true: the note is indexed before /metrics counts it (without
	// it, a loaded host read 337 now and then).
	opsDo(t, "POST", srv.URL+"/v1/notes?wait=true", opsToken, strings.NewReader(`{"id":"m1","title":"Note de métrique","visibility":"public"}
{"id":"bad id","title":"x","visibility":"public"}`))
	resp, body = opsDo(t, "GET", srv.URL+"/metrics", opsToken, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d %s", resp.StatusCode, body)
	}
	text := string(body)
	if strings.Contains(text, "QWERTY") || strings.Contains(text, "ABCDEFGHIJ") {
		t.Error("a method of no HTTP is a label value of its own")
	}
	for _, want := range []string{
		`trouvaille_http_request_duration_seconds_count{method="GET",route="/v1/search",status="200"} 2`,
		`trouvaille_http_request_duration_seconds_count{method="other",route="(aucune)",status="405"} 3`,
		`trouvaille_http_request_duration_seconds_count{method="GET",route="/v1/notes/:id",status="404"} 1`,
		`trouvaille_searches_total 2`,
		`trouvaille_searches_zero_results_total 1`,
		`trouvaille_search_results_count 2`,
		`trouvaille_writes_total{outcome="added"} 1`,
		`trouvaille_write_rejects_total 1`,
		// At 0 before the first: the alert's increase() sees the first.
		`trouvaille_write_errors_total{kind="disk_full"} 0`,
		`trouvaille_index_lag_sequences `,
		`trouvaille_store_disk_bytes `,
		`trouvaille_index_disk_bytes `,
		`trouvaille_index_segments `,
		`trouvaille_index_write_failures_total 0`,
		`trouvaille_store_compactions_off 0`,
		`go_goroutines `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	for _, re := range []string{`(?m)^trouvaille_index_segments [1-9]`, `(?m)^trouvaille_store_disk_bytes [1-9]`, `(?m)^trouvaille_index_disk_bytes [1-9]`, `(?m)^trouvaille_indexed_notes 338$`} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("/metrics does not match %s", re)
		}
	}
	if strings.Contains(text, "nexistepas") {
		t.Error("/metrics holds a raw path: the route label must be the pattern")
	}

	pub, _, _ := newOpsServer(t, OpsConfig{MetricsPublic: true})
	if resp, body := opsDo(t, "GET", pub.URL+"/metrics", "", nil); resp.StatusCode != 200 {
		t.Errorf("--metrics-public: %d %s", resp.StatusCode, body)
	}
}

// TestRequestLog: one JSON line per request with the request id (echoed),
// the route pattern, the status and the duration; never a parameter value,
// a token or a key.
func TestRequestLog(t *testing.T) {
	srv, _, logs := newOpsServer(t, OpsConfig{})
	resp, _ := opsDo(t, "GET", srv.URL+"/v1/search?q=secret-de-lecteur&key=cle-partenaire-123", "", nil, "X-Request-Id", "abc-123")
	if got := resp.Header.Get("X-Request-Id"); got != "abc-123" {
		t.Errorf("X-Request-Id echoed as %q", got)
	}
	resp, _ = opsDo(t, "POST", srv.URL+"/v1/notes", opsToken, strings.NewReader(`{"id":"l1","title":"Texte privé de la note","visibility":"public"}`), "X-Request-Id", "bad id with spaces")
	generated := resp.Header.Get("X-Request-Id")
	if generated == "" || strings.Contains(generated, " ") {
		t.Errorf("invalid X-Request-Id not replaced: %q", generated)
	}
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %s", sc.Text())
		}
		lines = append(lines, m)
	}
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %d:\n%s", len(lines), logs.String())
	}
	if l := lines[0]; l["request_id"] != "abc-123" || l["route"] != "/v1/search" || l["status"] == nil || l["duration_ms"] == nil || l["params"] != "key,q" {
		t.Errorf("search line: %v", l)
	}
	if l := lines[1]; l["request_id"] != generated || l["route"] != "/v1/notes" || l["method"] != "POST" {
		t.Errorf("write line: %v", l)
	}
	for _, secret := range []string{"secret-de-lecteur", "cle-partenaire", "key=", opsToken, "Texte privé"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("logs hold %q:\n%s", secret, logs.String())
		}
	}
}

func TestParamNames(t *testing.T) {
	for in, want := range map[string]string{
		"":                                      "",
		"q=a&key=b&q=c":                         "key,q",
		"%6Bey=x":                               "?",
		"a=1&" + strings.Repeat("x", 40) + "=2": "?,a",
		"=nothing&page":                         "page",
	} {
		if got := paramNames(in); got != want {
			t.Errorf("paramNames(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestConcurrencyLimit: past MaxInFlight, MaxQueue requests wait; past the
// queue, a request gets 503 with Retry-After at once, and so does a queued
// one when its wait is over. The probes are never limited.
func TestConcurrencyLimit(t *testing.T) {
	o := &opsState{cfg: OpsConfig{QueueWait: 50 * time.Millisecond}, slots: make(chan struct{}, 1), queue: make(chan struct{}, 1)}
	o.metrics = newMetricsForTest()
	release := make(chan struct{})
	entered := make(chan struct{}, 4)
	r := gin.New()
	r.Use(o.limit)
	r.GET("/v1/slow", func(c *gin.Context) {
		entered <- struct{}{}
		<-release
		c.String(200, "ok")
	})
	r.GET("/healthz", func(c *gin.Context) { c.String(200, "ok") })
	srv := httptest.NewServer(r)
	defer srv.Close()

	first := make(chan int, 1)
	go func() {
		resp, err := http.Get(srv.URL + "/v1/slow")
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	<-entered // the only slot is taken
	// The queue (1) takes one more, which times out after QueueWait.
	queued := make(chan *http.Response, 1)
	go func() {
		resp, err := http.Get(srv.URL + "/v1/slow")
		if err != nil {
			queued <- nil
			return
		}
		queued <- resp
	}()
	// Wait until the second request sits in the queue, then a third finds
	// the queue full.
	for len(o.queue) == 0 {
		time.Sleep(time.Millisecond)
	}
	resp, body := opsDo(t, "GET", srv.URL+"/v1/slow", "", nil)
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "1" || !strings.Contains(string(body), "serveur occupé") || !strings.Contains(string(body), `"code":"overloaded"`) {
		t.Errorf("queue full: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	if resp, _ := opsDo(t, "GET", srv.URL+"/healthz", "", nil); resp.StatusCode != 200 {
		t.Errorf("/healthz limited: %d", resp.StatusCode)
	}
	q := <-queued
	if q == nil || q.StatusCode != 503 {
		t.Errorf("queued request past its wait: %v", q)
	} else {
		q.Body.Close()
	}
	close(release)
	if code := <-first; code != 200 {
		t.Errorf("first request: %d", code)
	}
	// Free again: a request goes through.
	if resp, _ := opsDo(t, "GET", srv.URL+"/v1/slow", "", nil); resp.StatusCode != 200 {
		t.Errorf("after the load: %d", resp.StatusCode)
	}
}

// TestHTTPServerBounds runs the real http.Server of NewHTTPServer: a
// slow-loris client (headers never finished) is cut off after
// ReadHeaderTimeout, a client sending its body too slowly after
// ReadTimeout, and headers past MaxHeaderBytes get 431.
func TestHTTPServerBounds(t *testing.T) {
	srv, _, _ := newOpsServer(t, OpsConfig{})
	hs := NewHTTPServer(srv.Config.Handler, ServerLimits{ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 300 * time.Millisecond, MaxHeaderBytes: 4 << 10}, time.Second)
	if hs.WriteTimeout < 11*time.Second || hs.IdleTimeout == 0 {
		t.Errorf("bounds: %+v", hs)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	defer hs.Close()
	addr := ln.Addr().String()

	closedWithin := func(name, send string) {
		t.Helper()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := io.WriteString(c, send); err != nil {
			t.Fatal(err)
		}
		// The server must drop us: a read returns (EOF, or a 408 then EOF)
		// long before this generous deadline.
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		b, err := io.ReadAll(c)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Errorf("%s: the server kept the connection open", name)
		}
		// The status line only: a random request id may hold "500" (it
		// did once in CI: X-Request-Id 86ab500c755e3ecb).
		if strings.HasPrefix(string(b), "HTTP/1.1 5") {
			t.Errorf("%s: %s", name, b)
		}
	}
	closedWithin("slow-loris headers", "GET /v1/search?q=a HTTP/1.1\r\nHost: x\r\nX-Slow: ")
	closedWithin("slow body", "POST /v1/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+opsToken+"\r\nContent-Length: 100000\r\n\r\n{\"id\":")

	req, _ := http.NewRequest("GET", "http://"+addr+"/v1/search", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 16<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("16 KiB header: %d", resp.StatusCode)
	}
	// The server still answers.
	resp, err = http.Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after the hostile clients: %v %v", resp, err)
	}
	resp.Body.Close()
}

// TestQueryBounds: the query length and its words are bounded (query
// package); the API answers 400 naming q.
func TestQueryBounds(t *testing.T) {
	srv, _, _ := newOpsServer(t, OpsConfig{})
	for name, q := range map[string]string{
		"too long":       strings.Repeat("a", 1001),
		"too many words": distinctWords(33),
	} {
		resp, body := opsDo(t, "GET", srv.URL+"/v1/search?q="+strings.ReplaceAll(q, " ", "+"), "", nil)
		if resp.StatusCode != 400 || !strings.Contains(string(body), `"param":"q"`) {
			t.Errorf("%s: %d %s", name, resp.StatusCode, body)
		}
	}
	resp, body := opsDo(t, "GET", srv.URL+"/v1/search?q="+strings.ReplaceAll(distinctWords(32), " ", "+"), "", nil)
	if resp.StatusCode != 200 {
		t.Errorf("32 words: %d %s", resp.StatusCode, body)
	}
	// A word typed twice counts once (query.distinctClauses).
	resp, body = opsDo(t, "GET", srv.URL+"/v1/search?q="+strings.Repeat("mot+", 40)+"mot", "", nil)
	if resp.StatusCode != 200 {
		t.Errorf("one word typed 41 times: %d %s", resp.StatusCode, body)
	}
}

// distinctWords returns n different words, separated by spaces.
func distinctWords(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "mot%c%c ", 'a'+i/26, 'a'+i%26)
	}
	return strings.TrimSpace(b.String())
}

func newMetricsForTest() *ops.Metrics { return ops.NewMetrics(nil) }

// waitReady warms the engine up and waits until it is ready (/readyz 200).
func waitReady(t *testing.T, eng *trouvaille.Engine) {
	t.Helper()
	eng.WarmUp()
	deadline := time.Now().Add(60 * time.Second)
	for eng.Ready() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("engine never ready: %v", eng.Ready())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func newJSONLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewJSONHandler(w, nil)) }

// TestUnknownParamNamePrintable: an unknown parameter whose name is invalid
// UTF-8, holds control characters or is very long is named printably, and
// bounded (found by FuzzSearchParams: the message held the raw bytes).
func TestUnknownParamNamePrintable(t *testing.T) {
	srv, _, _ := newOpsServer(t, OpsConfig{})
	for _, raw := range []string{"%8D=1", "=1", "a%1B%5B31m=1", strings.Repeat("x", 5000) + "=1"} {
		resp, body := opsDo(t, "GET", srv.URL+"/v1/search?"+raw, "", nil)
		var e ErrorBody
		if resp.StatusCode != 400 || json.Unmarshal(body, &e) != nil || e.Error.Param == "" || len(e.Error.Param) > 90 ||
			strings.ContainsAny(e.Error.Param+e.Error.Message, "\x1b\ufffd") || len(body) > 2000 {
			t.Errorf("%.40s: %d %s", raw, resp.StatusCode, body)
		}
	}
}

// A write whose body takes longer to arrive than the write deadline (but
// within the read deadline) still gets its answer: the server's deadline
// counts from the start of the request, and a body of 30 to 60 s was
// stored while its answer was cut (a black-box run). A client that hangs
// up in the middle of its body is its own doing: 408, never a 500.
func TestSlowWriteStillAnswered(t *testing.T) {
	srv, _, _ := newOpsServer(t, OpsConfig{})
	hs := NewHTTPServer(srv.Config.Handler, ServerLimits{ReadTimeout: 5 * time.Second, WriteTimeout: 300 * time.Millisecond}, time.Second)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	defer hs.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	body := `{"id":"lente","title":"Une note lente","visibility":"public"}` + "\n"
	fmt.Fprintf(c, "POST /v1/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/x-ndjson\r\nContent-Length: %d\r\n\r\n", opsToken, len(body))
	for i := range len(body) {
		if _, err := c.Write([]byte{body[i]}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second / time.Duration(len(body))) // about 1 s for the body
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to a body slower than the write deadline: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"added":1`) {
		t.Errorf("slow body: %d %s", resp.StatusCode, b)
	}
	if !bodyReadFailed(fmt.Errorf("ingérer : %w", io.ErrUnexpectedEOF)) {
		t.Error("a body cut by the client is not taken as the client's doing")
	}
}

// TestServiceRoutesReadNoKey: the routes that carry no note (health,
// readiness, a write's task, the OpenAPI document) read no key: a wrong
// key, a malformed Authorization header or the admin token in the URL get
// the answer anyone gets (the README says so; the search routes refuse
// them, TestAdminTokenNotInURL and the access tests).
func TestServiceRoutesReadNoKey(t *testing.T) {
	srv, _, _ := newOpsServer(t, OpsConfig{})
	for _, path := range []string{"/healthz", "/readyz", "/v1/tasks/1", "/v1/openapi.yaml"} {
		want, _ := opsDo(t, "GET", srv.URL+path, "", nil)
		for name, call := range map[string]func() *http.Response{
			"wrong key": func() *http.Response { r, _ := opsDo(t, "GET", srv.URL+path+"?key=cle-fausse", "", nil); return r },
			"malformed header": func() *http.Response {
				r, _ := opsDo(t, "GET", srv.URL+path, "", nil, "Authorization", "Token x")
				return r
			},
			"wrong bearer": func() *http.Response { r, _ := opsDo(t, "GET", srv.URL+path, "faux", nil); return r },
		} {
			if got := call(); got.StatusCode != want.StatusCode {
				t.Errorf("%s with a %s: %d, without %d", path, name, got.StatusCode, want.StatusCode)
			}
		}
	}
}
