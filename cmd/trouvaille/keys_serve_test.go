package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startServeArgs starts `trouvaille serve` with exactly args (plus --addr)
// and env, and waits until it answers.
func startServeArgs(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	return startCommand(t, env, "serve", args...)
}

// startCommand runs `trouvaille command args... --addr ADDR` and waits
// until it answers /healthz.
func startCommand(t *testing.T, env []string, command string, args ...string) *proc {
	t.Helper()
	addr := freeAddr(t)
	p := start(t, env, append(append([]string{command}, args...), "--addr", addr)...)
	p.addr = addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		if resp, err := http.Get(p.url("/healthz")); err == nil {
			resp.Body.Close()
			return p
		}
		select {
		case <-p.done:
			t.Fatalf("%s exited before answering (%v):\n%s", command, p.err, p.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer within 60 s:\n%s", command, p.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func request(t *testing.T, method, url, token, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// serve without an admin key creates one in DATA/admin-token (0600), says
// where once, and keeps it across restarts; with --anonymous=false a search
// needs a key, which that admin key creates.
func TestServeGeneratesAdminKey(t *testing.T) {
	data := t.TempDir()
	env := []string{"TROUVAILLE_ADMIN_TOKEN="}
	p := startServeArgs(t, env, "--data", data, "--anonymous=false")
	path := filepath.Join(data, "admin-token")
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin key file: %v %v\n%s", fi, err, p.out.String())
	}
	raw, _ := os.ReadFile(path)
	admin := strings.TrimSpace(string(raw))
	if strings.Count(p.out.String(), path) != 1 || strings.Contains(p.out.String(), admin) {
		t.Fatalf("the log must name the file once and never show the key:\n%s", p.out.String())
	}
	if code, b := request(t, "GET", p.url("/v1/search?q=jardin"), "", ""); code != 401 {
		t.Fatalf("anonymous search with --anonymous=false: %d %s", code, b)
	}
	// The search page is anonymous search: it says public search is
	// closed; the partners' script is still served.
	for _, page := range []string{"/", "/?q=jardin", "/organisations"} {
		if code, b := request(t, "GET", p.url(page), "", ""); code != 403 || !strings.Contains(string(b), "Recherche publique fermée") {
			t.Errorf("page %s with --anonymous=false: %d %.200s", page, code, b)
		}
	}
	if code, b := request(t, "GET", p.url("/widget.js"), "", ""); code != 200 || !strings.Contains(string(b), "customElements") {
		t.Errorf("/widget.js with --anonymous=false: %d %.200s", code, b)
	}
	code, b := request(t, "POST", p.url("/v1/keys"), admin, `{"name": "essai"}`)
	if code != 201 {
		t.Fatalf("POST /v1/keys with the generated admin key: %d %s", code, b)
	}
	var k struct{ Key string }
	json.Unmarshal(b, &k)
	if code, b := request(t, "GET", p.url("/v1/search?q=jardin&key="+k.Key), "", ""); code != 200 {
		t.Fatalf("search with the new key: %d %s", code, b)
	}
	if strings.Contains(p.out.String(), k.Key) {
		t.Fatalf("the search key is in the log:\n%s", p.out.String())
	}
	p.kill()

	// Restarted: the same admin key, not announced again; the search key lives on.
	p = startServeArgs(t, env, "--data", data, "--anonymous=false")
	if strings.Contains(p.out.String(), "créée") {
		t.Fatalf("restart announced a new key:\n%s", p.out.String())
	}
	if code, b := request(t, "GET", p.url("/v1/keys"), admin, ""); code != 200 || !strings.Contains(string(b), "essai") {
		t.Fatalf("keys after restart: %d %s", code, b)
	}
	if code, _ := request(t, "GET", p.url("/v1/search?q=jardin&key="+k.Key), "", ""); code != 200 {
		t.Fatalf("search key after restart: %d", code)
	}
}
