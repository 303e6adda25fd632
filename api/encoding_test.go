package api

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/encommun/trouvaille"
)

func gzipped(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return b.String()
}

// sendEncoded is send with a Content-Encoding (and an Origin, when not "").
func sendEncoded(t *testing.T, srv string, method, path, token, ctype, enc, origin, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Content-Encoding", enc)
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	checkSpec(t, method, strings.SplitN(path, "?", 2)[0], resp, b)
	return resp, b
}

// TestGzipBodies: the notes' write routes take a gzipped body
// (Content-Encoding: gzip), bounded once decompressed as a plain body is; a
// body that does not decompress is refused naming Content-Encoding, and
// nothing of it is stored. Every other route that reads a body refuses an
// encoding (415) instead of reading the compressed bytes as text: a gzip
// upload was refused line by line as invalid UTF-8.
func TestGzipBodies(t *testing.T) {
	srv, eng := newWriteServer(t, Config{AdminToken: testToken, MaxBody: 64 << 10})
	lines := `{"id":"gz1","title":"Jardin collectif compressé","visibility":"public"}` + "\n" +
		`{"id":"gz2","title":"Cuisine collective compressée","visibility":"public"}` + "\n"
	for _, enc := range []string{"gzip", "x-gzip", "GZIP", "identity, gzip"} {
		resp, b := sendEncoded(t, srv.URL, "POST", "/v1/notes?wait=true", testToken, "application/x-ndjson", enc, "", gzipped(t, lines))
		if resp.StatusCode != 200 {
			t.Fatalf("POST %s: %d %s", enc, resp.StatusCode, b)
		}
	}
	for _, id := range []string{"gz1", "gz2"} {
		if n, err := eng.Note(trouvaille.AdminScope, id); err != nil || !strings.Contains(n.Title, "compress") {
			t.Errorf("%s: %+v %v", id, n, err)
		}
	}
	resp, b := sendEncoded(t, srv.URL, "PUT", "/v1/notes/gz3?wait=true", testToken, "application/json", "gzip", "",
		gzipped(t, `{"title":"Une note mise en gzip","visibility":"public"}`))
	if resp.StatusCode != 200 {
		t.Fatalf("PUT gzip: %d %s", resp.StatusCode, b)
	}
	if _, err := eng.Note(trouvaille.AdminScope, "gz3"); err != nil {
		t.Errorf("gz3: %v", err)
	}

	// Refused, nothing stored: not gzip, damaged, empty, a bomb.
	var bomb strings.Builder
	for bomb.Len() < 1<<20 {
		bomb.WriteString(`{"id":"bombe","title":"` + strings.Repeat("a", 1000) + `","visibility":"public"}` + "\n")
	}
	damaged := []byte(gzipped(t, `{"id":"abime","title":"Abîmée","visibility":"public"}`+"\n"))
	damaged[len(damaged)-6] ^= 0xff // the checksum
	for _, c := range []struct {
		name, method, path, ctype, body string
		status                          int
		code                            string
	}{
		{"plain text announced as gzip", "POST", "/v1/notes", "application/x-ndjson", `{"id":"clair","title":"Claire","visibility":"public"}`, 400, "invalid_body_encoding"},
		{"checksum wrong", "POST", "/v1/notes", "application/x-ndjson", string(damaged), 400, "invalid_body_encoding"},
		{"empty", "POST", "/v1/notes", "application/x-ndjson", "", 400, "invalid_body_encoding"},
		{"PUT plain text announced as gzip", "PUT", "/v1/notes/clair", "application/json", `{"title":"Claire","visibility":"public"}`, 400, "invalid_body_encoding"},
		{"a megabyte from a few kilobytes", "POST", "/v1/notes", "application/x-ndjson", gzipped(t, bomb.String()), 413, "body_too_large"},
		{"PUT bomb", "PUT", "/v1/notes/bombe", "application/json", gzipped(t, `{"title":"`+strings.Repeat("a", 1<<20)+`"}`), 413, "body_too_large"},
	} {
		resp, b := sendEncoded(t, srv.URL, c.method, c.path, testToken, c.ctype, "gzip", "", c.body)
		var e ErrorBody
		json.Unmarshal(b, &e)
		if resp.StatusCode != c.status || e.Error.Code != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.name, resp.StatusCode, b, c.status, c.code)
		}
		if c.code == "invalid_body_encoding" && (e.Error.Param != "Content-Encoding" || !strings.Contains(e.Error.Message, "gzip")) {
			t.Errorf("%s: %s does not name Content-Encoding", c.name, b)
		}
	}
	for _, id := range []string{"clair", "abime", "bombe"} {
		if _, err := eng.Note(trouvaille.AdminScope, id); err == nil {
			t.Errorf("%s stored from a refused body", id)
		}
	}

	// Other encodings, and any encoding on the routes that take none.
	key := `{"name":"partenaire"}`
	for _, c := range []struct {
		method, path, ctype, enc, body string
	}{
		{"POST", "/v1/notes", "application/x-ndjson", "br", "x"},
		{"POST", "/v1/notes", "application/x-ndjson", "deflate", "x"},
		{"POST", "/v1/notes", "application/x-ndjson", "gzip, gzip", gzipped(t, gzipped(t, lines))},
		{"PUT", "/v1/notes/gz9", "application/json", "compress", "x"},
		{"POST", "/v1/keys", "application/json", "gzip", gzipped(t, key)},
		{"PATCH", "/v1/keys/abc", "application/json", "gzip", gzipped(t, key)},
		{"POST", "/1/indexes/notes/queries", "application/json", "gzip", gzipped(t, `{"requests":[]}`)},
		{"POST", "/v1/events", "application/json", "gzip", gzipped(t, `{}`)},
		{"POST", "/v1/admin/synonyms/reload", "application/json", "gzip", gzipped(t, `{}`)},
	} {
		resp, b := sendEncoded(t, srv.URL, c.method, c.path, testToken, c.ctype, c.enc, "https://partenaire.org", c.body)
		if resp.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(string(b), "unsupported_content_encoding") ||
			!strings.Contains(string(b), "Content-Encoding « "+c.enc+" »") {
			t.Errorf("%s %s with %s: %d %s, want 415 naming it", c.method, c.path, c.enc, resp.StatusCode, b)
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s %s: the refusal is not readable by another origin", c.method, c.path)
		}
	}
	// A body in no encoding, or identity, as before.
	resp, b = sendEncoded(t, srv.URL, "POST", "/v1/notes?wait=true", testToken, "application/x-ndjson", "identity", "", `{"id":"clair2","title":"Claire","visibility":"public"}`)
	if resp.StatusCode != 200 {
		t.Errorf("identity: %d %s", resp.StatusCode, b)
	}
}

// TestGunzippedBound: a body of exactly the limit once decompressed is read
// whole, as a plain one is; one byte more is too large.
func TestGunzippedBound(t *testing.T) {
	for _, c := range []struct {
		size int
		over bool
	}{{0, false}, {1, false}, {4095, false}, {4096, false}, {4097, true}, {100000, true}} {
		zr, err := newGunzipped(strings.NewReader(gzipped(t, strings.Repeat("a", c.size))), 4096)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		var mbe *http.MaxBytesError
		if over := errors.As(err, &mbe); over != c.over || (!over && (err != nil || len(b) != c.size)) {
			t.Errorf("%d bytes: read %d, %v; want over the limit %v", c.size, len(b), err, c.over)
		}
	}
}
