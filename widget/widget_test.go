package widget_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/widget"
)

// TestScriptSize: the widget stays within 15 KB gzipped.
func TestScriptSize(t *testing.T) {
	src, err := os.ReadFile("widget.js")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(src)
	w.Close()
	if buf.Len() > 15*1024 {
		t.Errorf("widget.js is %d bytes gzipped, more than 15 KB", buf.Len())
	}
	t.Logf("widget.js: %d bytes, %d gzipped", len(src), buf.Len())
}

// TestScriptServed: /widget.js is the embedded file, gzipped when asked,
// cached by ETag, loadable from any origin with its SRI value.
func TestScriptServed(t *testing.T) {
	s := trouvailleServer(t)
	src, _ := os.ReadFile("widget.js")
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/widget.js", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("%d %v", resp.StatusCode, resp.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, src) {
		t.Error("served script differs from widget.js")
	}
	sum := sha512.Sum384(src)
	if widget.Integrity != "sha384-"+base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("Integrity %s", widget.Integrity)
	}
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	resp, err = http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", resp.StatusCode)
	}
	// Plain for a client that does not take gzip.
	resp, err = http.Get(s.URL + "/widget.js")
	if err != nil {
		t.Fatal(err)
	}
	plain, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(plain, src) {
		t.Error("plain script differs from widget.js")
	}
}

// TestDemoPage: the demo page shows the snippet for this server, with a
// strict CSP, in French and in English; its parameters are escaped.
func TestDemoPage(t *testing.T) {
	s := trouvailleServer(t)
	for _, c := range []struct{ path, want string }{
		{"/widget/demo", "Les deux lignes à coller"},
		{"/widget/demo?lang=en", "The two lines to paste"},
		{"/widget/demo", `lien-note="https://votre-site.org/notes/{id}"`},
		{"/widget/demo?lang=en", `lien-resultats="https://your-site.org/search?q={q}"`},
		{"/widget/demo?carnet=%22%3E%3Cscript%3Ealert(1)%3C/script%3E", "&#34;&gt;&lt;script&gt;"},
	} {
		resp, err := http.Get(s.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := string(b)
		if resp.StatusCode != 200 || !strings.Contains(page, c.want) || !strings.Contains(page, "&lt;trouvaille-recherche serveur=&#34;"+s.URL) {
			t.Errorf("%s: %d\n%.1500s", c.path, resp.StatusCode, page)
		}
		if strings.Contains(page, "<script>alert") {
			t.Errorf("%s: unescaped parameter", c.path)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: CSP %q", c.path, csp)
		}
	}
}

// TestSnippet: the two lines, attributes escaped and omitted when empty.
func TestSnippet(t *testing.T) {
	got := widget.Snippet("https://t.example", "", `a"b`, "fr")
	want := `<script src="https://t.example/widget.js" defer></script>` + "\n" +
		`<trouvaille-recherche serveur="https://t.example" carnet="a&#34;b" placeholder="Rechercher dans nos notes…" lang="fr"></trouvaille-recherche>`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
