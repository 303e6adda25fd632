package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestVersionCommand: `trouvaille version` and `--version` print the
// version, the commit and the Go version of the build.
func TestVersionCommand(t *testing.T) {
	bin := binary(t)
	for _, arg := range []string{"version", "--version"} {
		out, err := exec.Command(bin, arg).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v %s", arg, err, out)
		}
		s := string(out)
		if !strings.HasPrefix(s, "trouvaille ") || !strings.Contains(s, "commit ") || !strings.Contains(s, runtime.Version()) {
			t.Errorf("%s: %q", arg, s)
		}
	}
}

// TestServeOperations runs the real binary: /readyz turns 200 after the
// warm-up, /metrics takes the admin key, every request is one JSON log line
// with its id, and the search analytics survive a restart (flushed on
// SIGTERM) and never list a query seen fewer than 3 times.
func TestServeOperations(t *testing.T) {
	data := t.TempDir()
	p := startServe(t, data)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(p.url("/readyz"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 200 {
			break
		}
		if resp.StatusCode != 503 || time.Now().After(deadline) {
			t.Fatalf("/readyz: %d", resp.StatusCode)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code, err := p.do("POST", "/v1/notes?wait=true", "application/x-ndjson", strings.NewReader(`{"id":"o1","title":"Coopérative d’habitation","visibility":"public"}`), nil); err != nil || code != 200 {
		t.Fatalf("write: %d %v", code, err)
	}
	for i := 0; i < 3; i++ {
		opsGet(t, p.url("/v1/search?q=Coop%C3%A9rative"))
	}
	opsGet(t, p.url("/v1/search?q=rarissime"))
	if resp := opsGet(t, p.url("/metrics")); resp.StatusCode != 401 {
		t.Errorf("/metrics without the key: %d", resp.StatusCode)
	}
	var metrics string
	req, _ := http.NewRequest("GET", p.url("/metrics"), nil)
	req.Header.Set("Authorization", "Bearer "+harnessToken)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		metrics = string(b)
	}
	if !strings.Contains(metrics, "trouvaille_searches_total 4") {
		t.Errorf("/metrics: %.2000s", metrics)
	}

	p.cmd.Process.Signal(syscall.SIGTERM)
	if !p.wait(20 * time.Second) {
		t.Fatalf("still running after SIGTERM:\n%s", p.out.String())
	}
	lines := 0
	sc := bufio.NewScanner(strings.NewReader(p.out.String()))
	for sc.Scan() {
		var m map[string]any
		if !strings.HasPrefix(sc.Text(), "{") {
			continue
		}
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Errorf("not a JSON log line: %s", sc.Text())
			continue
		}
		if m["msg"] == "requête" {
			lines++
			if m["request_id"] == "" || m["route"] == nil || m["status"] == nil {
				t.Errorf("request line: %v", m)
			}
		}
	}
	if lines < 6 {
		t.Errorf("%d request lines:\n%s", lines, p.out.String())
	}
	if strings.Contains(p.out.String(), "rarissime") || strings.Contains(p.out.String(), harnessToken) {
		t.Errorf("the logs hold a query or the token:\n%s", p.out.String())
	}

	p = startServe(t, data)
	var rep struct {
		Searches   int `json:"searches"`
		TopQueries []struct {
			Query string `json:"query"`
			Count int    `json:"count"`
		} `json:"top_queries"`
	}
	if code, err := p.do("GET", "/v1/analytics", "", nil, &rep); err != nil || code != 200 {
		t.Fatalf("/v1/analytics: %d %v", code, err)
	}
	if rep.Searches != 4 || len(rep.TopQueries) != 1 || rep.TopQueries[0].Query != "cooperative" || rep.TopQueries[0].Count != 3 {
		t.Errorf("analytics after a restart: %+v", rep)
	}
}

func opsGet(t *testing.T, url string) *http.Response {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}
