package main

import (
	"bytes"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// serve on a folder whose index an upgrade left of another analysis of
// words: every search answers 200 with every note while the successor is
// built beside it; then index.2 serves, the metrics measure it, and after a
// kill the folder's commands (export, reindex) and the next serve work on
// index.2.
func TestServeBuildsSuccessorBesideStaleIndex(t *testing.T) {
	const n = 3000
	data := filepath.Join(t.TempDir(), "data")
	seedNotes(t, data, n)
	bi, err := bleve.OpenUsing(filepath.Join(data, "index"), map[string]any{"unsafe_batch": false})
	if err != nil {
		t.Fatal(err)
	}
	if err := bi.SetInternal([]byte("trouvaille_mapping"), []byte("trouvaille-format-1-analyse-20")); err != nil {
		t.Fatal(err)
	}
	if err := bi.Close(); err != nil {
		t.Fatal(err)
	}
	p := startServe(t, data)
	deadline := time.Now().Add(90 * time.Second)
	searches := 0
	for !strings.Contains(p.out.String(), "nouvel index en service") {
		if time.Now().After(deadline) {
			t.Fatalf("no successor in service within 90 s:\n%s", p.out.String())
		}
		r, code, err := p.search("note")
		if code != 200 || err != nil || r.Total != n {
			t.Fatalf("search while the successor is built: %d %v, %d notes of %d", code, err, r.Total, n)
		}
		searches++
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("%d searches while the successor was built", searches)
	if b, _ := os.ReadFile(filepath.Join(data, "index.courant")); strings.TrimSpace(string(b)) != "index.2" {
		t.Errorf("index.courant: %q, want index.2", b)
	}
	if _, err := os.Stat(filepath.Join(data, "index")); err == nil {
		t.Error("the stale folder is still there")
	}
	req, _ := http.NewRequest("GET", p.url("/metrics"), nil)
	req.Header.Set("Authorization", "Bearer "+harnessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	metrics := string(b)
	m := regexp.MustCompile(`(?m)^trouvaille_index_disk_bytes (\S+)$`).FindStringSubmatch(metrics)
	var got float64
	if m != nil {
		got, _ = strconv.ParseFloat(m[1], 64)
	}
	if size := float64(dirBytes(filepath.Join(data, "index.2"))); got <= 0 || got < size/2 || got > size*2 {
		t.Errorf("trouvaille_index_disk_bytes %v, index.2 holds %v bytes", got, size)
	}
	if !strings.Contains(metrics, "trouvaille_index_building_beside 0") {
		t.Errorf("trouvaille_index_building_beside not 0 after the swap")
	}
	p.kill()

	out, err := exec.Command(binary(t), "export", "--data", data).Output()
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	if lines := bytes.Count(out, []byte("\n")); lines != n {
		t.Errorf("export: %d notes, want %d", lines, n)
	}
	if out, err := exec.Command(binary(t), "reindex", "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("reindex: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(filepath.Join(data, "index.courant")); strings.TrimSpace(string(b)) != "index.2" {
		t.Errorf("after reindex, index.courant: %q, want index.2", b)
	}
	if _, err := os.Stat(filepath.Join(data, "index")); err == nil {
		t.Error("reindex rebuilt the default folder, not the one in service")
	}
	p = startServe(t, data)
	checkAll(t, p, n)
	if strings.Contains(p.out.String(), "reconstruction") {
		t.Errorf("the next serve rebuilt the index:\n%s", p.out.String())
	}
}

func dirBytes(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
