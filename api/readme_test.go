package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/analysis"
)

// readmeExample is one request the README shows.
type readmeExample struct {
	line   int
	method string
	path   string // path and query
	auth   bool   // sends the admin token
	body   string // -d '…', or the demo notes' first lines for --data-binary @file
	ctype  string
}

var (
	// curl 'http://127.0.0.1:8080/v1/…' or curl -X POST -H "…" localhost:8080/v1/…
	curlRe = regexp.MustCompile(`curl\b([^` + "`" + `\n]*?)\s'?(?:https?://)?(?:127\.0\.0\.1|localhost):8080(/[^'\s` + "`" + `]*)`)
	// `GET /v1/suggest?q=econ&limit=5` in the text
	getRe = regexp.MustCompile("`GET (/[^`\\s{}…?]*\\?[^`\\s{}…]*)`")
)

// readmeExamples extracts every curl example (and every `GET /…` example
// without placeholders) from README.md.
func readmeExamples(t *testing.T) []readmeExample {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []readmeExample
	for i, line := range strings.Split(string(b), "\n") {
		for _, m := range curlRe.FindAllStringSubmatch(line, -1) {
			ex := readmeExample{line: i + 1, method: "GET", path: m[2]}
			if x := regexp.MustCompile(`-X\s+([A-Z]+)`).FindStringSubmatch(m[1]); x != nil {
				ex.method = x[1]
			}
			ex.auth = strings.Contains(m[1], "Authorization: Bearer")
			if d := regexp.MustCompile(`-d\s+'([^']*)'`).FindStringSubmatch(m[1]); d != nil {
				ex.body = d[1]
			}
			if strings.Contains(m[1], "--data-binary @") {
				ex.body = strings.Join(strings.SplitN(string(trouvaille.DemoNotes), "\n", 4)[:3], "\n")
			}
			if c := regexp.MustCompile(`-H\s+'Content-Type:\s*([^']*)'`).FindStringSubmatch(m[1]); c != nil {
				ex.ctype = c[1]
			}
			out = append(out, ex)
		}
		for _, m := range getRe.FindAllStringSubmatch(line, -1) {
			out = append(out, readmeExample{line: i + 1, method: "GET", path: m[1]})
		}
	}
	return out
}

// TestReadmeExamples runs every request example of README.md against the demo
// corpus: each answers 200 with results (the admin routes: their documented
// 200, or 202 for the rebuild, with the token, 401 without), and matches
// api/openapi.yaml.
func TestReadmeExamples(t *testing.T) {
	eng, err := trouvaille.Open(t.TempDir(), trouvaille.OpenOptions{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	if _, err := (&trouvaille.Ingester{Engine: eng}).Ingest(bytes.NewReader(trouvaille.DemoNotes), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	const token = "jeton-du-readme"
	srv := httptest.NewServer(New(eng, Config{AnonymousRatePerMinute: -1, AdminToken: token}))
	t.Cleanup(srv.Close)

	examples := readmeExamples(t)
	curls := 0
	for _, ex := range examples {
		if ex.auth || strings.HasPrefix(ex.path, "/v1/search") {
			curls++
		}
	}
	if curls < 5 {
		t.Fatalf("found %d curl examples in README.md: the extraction is broken", curls)
	}
	for _, ex := range examples {
		name := "README.md:" + strconv.Itoa(ex.line) + " " + ex.method + " " + ex.path
		req, err := http.NewRequest(ex.method, srv.URL+ex.path, strings.NewReader(ex.body))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if ex.ctype != "" {
			req.Header.Set("Content-Type", ex.ctype)
		}
		if ex.auth {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		body.ReadFrom(resp.Body)
		resp.Body.Close()
		checkSpec(t, ex.method, ex.path, resp, body.Bytes())
		want := http.StatusOK
		if ex.path == "/v1/admin/index/rebuild" {
			want = http.StatusAccepted // as the README says: it starts, and answers at once
		}
		if resp.StatusCode != want {
			t.Errorf("%s: %d %s", name, resp.StatusCode, body.Bytes())
			continue
		}
		if ex.auth { // the documented admin route: 401 without the token
			bare, _ := http.NewRequest(ex.method, srv.URL+ex.path, nil)
			r2, err := http.DefaultClient.Do(bare)
			if err != nil {
				t.Fatal(err)
			}
			r2.Body.Close()
			if r2.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s without the token: %d, want 401", name, r2.StatusCode)
			}
			continue
		}
		if n := resultCount(t, ex.path, body.Bytes()); n == 0 {
			t.Errorf("%s finds nothing on the demo corpus: %.300s", name, body.Bytes())
		}
	}
}

// resultCount is how many results an answer holds (1 for a document).
func resultCount(t *testing.T, path string, body []byte) int {
	t.Helper()
	var v struct {
		Total   *int              `json:"total"`
		Groups  []json.RawMessage `json:"groups"`
		Values  []json.RawMessage `json:"values"`
		Related []json.RawMessage `json:"related"`
	}
	if strings.HasSuffix(strings.SplitN(path, "?", 2)[0], ".yaml") {
		return len(body)
	}
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	switch {
	case v.Total != nil:
		return *v.Total
	case strings.HasPrefix(path, "/v1/suggest"):
		return len(v.Groups)
	case strings.HasPrefix(path, "/v1/facets/"):
		return len(v.Values)
	case strings.Contains(path, "/related"):
		return len(v.Related)
	}
	return 1
}

// TestReadmeSynonymGroups: the number of default synonym groups the README
// gives is the number the list holds.
func TestReadmeSynonymGroups(t *testing.T) {
	syn, err := analysis.LoadSynonyms("")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(\d+) (?:default )?(?:groupes|groups)\b`)
	found := re.FindAllStringSubmatch(string(b), -1)
	if len(found) < 2 {
		t.Fatalf("README.md names the number of synonym groups %d times, want at least 2 (French and English)", len(found))
	}
	for _, m := range found {
		if n, _ := strconv.Atoi(m[1]); n != syn.Groups {
			t.Errorf("README.md says %q, the default list holds %d groups", m[0], syn.Groups)
		}
	}
}

// TestReadmeFiles checks that every file or folder of the repository the
// README names in backquotes (`docs/bench-1m.md`, `index/score.go`) exists:
// a renamed file or a run not recorded breaks the sentence that points to it.
func TestReadmeFiles(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// Paths inside a data folder, not the repository.
	inData := map[string]bool{"store/reserve-badger": true}
	checked := 0
	for _, m := range regexp.MustCompile("`([A-Za-z0-9_.-]+/[A-Za-z0-9_./-]*)`").FindAllStringSubmatch(string(b), -1) {
		p := m[1]
		top, _, _ := strings.Cut(p, "/")
		if inData[p] || top == "." || top == ".." {
			continue
		}
		if fi, err := os.Stat("../" + top); err != nil || !fi.IsDir() {
			continue // not a folder of the repository (DATA/…, a media type)
		}
		checked++
		if _, err := os.Stat("../" + p); err != nil {
			t.Errorf("README names %s, which the repository does not hold: %v", p, err)
		}
	}
	if checked < 20 {
		t.Errorf("only %d paths of the repository found in the README: the pattern no longer reads it", checked)
	}
}
