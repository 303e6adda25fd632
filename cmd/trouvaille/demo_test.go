package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestDemoChanged(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, demoMarker)
	cases := []struct {
		name     string
		marker   string // "" : no marker file
		storeSeq uint64
		keep     bool
	}{
		{"new folder", "", 0, false},
		{"notes from elsewhere, no marker", "", 12, true},
		{"only the demo wrote", "337\n", 337, false},
		{"written since the load", "337\n", 338, true},
		{"unreadable marker", "trois cents\n", 337, true},
	}
	for _, c := range cases {
		os.Remove(marker)
		if c.marker != "" {
			writeFile(t, marker, c.marker)
		}
		if got := demoChanged(marker, c.storeSeq) != ""; got != c.keep {
			t.Errorf("%s: keep %v, want %v", c.name, got, c.keep)
		}
	}
}

// Regression (black-box run, 2026-12-04): demo loaded its corpus again at
// every start, which undid the writes made to demo notes meanwhile: a note
// made private came back public, a deleted note came back.
func TestDemoKeepsWritesMadeSinceItsLoad(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	startDemo := func() *proc {
		t.Helper()
		return startCommand(t, nil, "demo", "--data", data, "--admin-token", harnessToken)
	}
	stop := func(p *proc) {
		t.Helper()
		p.cmd.Process.Signal(syscall.SIGTERM)
		if !p.wait(20 * time.Second) {
			t.Fatal("demo did not stop on SIGTERM")
		}
	}
	const private, deleted = "H2wz6U5i8aojdkVP7h59je1g26P", "jUiwmchkFz9nWiTgnf5f53UaX4B"
	p := startDemo()
	if !strings.Contains(p.out.String(), "corpus de démonstration dans") {
		t.Fatalf("first start did not load the corpus:\n%s", p.out.String())
	}
	stop(p)
	p = startDemo() // nothing written since: loads again, changes nothing
	if !strings.Contains(p.out.String(), "337 inchangées") {
		t.Errorf("second start, nothing written: want the corpus loaded again, unchanged:\n%s", p.out.String())
	}
	if code, err := p.do("PUT", "/v1/notes/"+private, "application/json", strings.NewReader(`{"title":"Version privée","visibility":"private","readers":["lecteur-1"]}`), nil); err != nil || code != 200 {
		t.Fatalf("PUT: %d %v", code, err)
	}
	if code, err := p.do("DELETE", "/v1/notes/"+deleted, "", nil, nil); err != nil || code != 200 {
		t.Fatalf("DELETE: %d %v", code, err)
	}
	stop(p)
	p = startDemo()
	if !strings.Contains(p.out.String(), "gardé tel quel") {
		t.Errorf("third start: want the folder kept as it is, said in the log:\n%s", p.out.String())
	}
	var n struct{ Title, Visibility string }
	if code, err := p.do("GET", "/v1/notes/"+private, "", nil, &n); err != nil || code != 200 || n.Visibility != "private" || n.Title != "Version privée" {
		t.Errorf("the note made private: %d %v %+v", code, err, n)
	}
	if code, _ := p.do("GET", "/v1/notes/"+deleted, "", nil, nil); code != 404 {
		t.Errorf("the deleted note: %d, want 404", code)
	}
}

// Regression (new-user audit, 2026-12): the demo's hints printed
// « /v1/search?q=&organisation=… » literally. The line names a real
// organisation of the loaded corpus, URL-encoded: the address answers its
// notes as it is printed.
func TestDemoHintBrowsesARealOrganisation(t *testing.T) {
	p := startCommand(t, nil, "demo", "--data", filepath.Join(t.TempDir(), "data"), "--admin-token", harnessToken)
	var line, count string
	deadline := time.Now().Add(10 * time.Second)
	for line == "" && time.Now().Before(deadline) {
		for _, l := range strings.Split(p.out.String(), "\n") {
			if strings.Contains(l, "organisation=") {
				line = strings.TrimSpace(l)
			}
			if m := regexp.MustCompile(`parcourir par organisation : les (\d+) notes de « `).FindStringSubmatch(l); m != nil {
				count = m[1]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if line == "" || count == "" || strings.Contains(line, "…") || strings.ContainsAny(line, " «") {
		t.Fatalf("no clickable organisation address in the hints:\n%s", p.out.String())
	}
	if !strings.HasPrefix(line, p.url("/v1/search?q=&organisation=")) {
		t.Fatalf("hint %q is not an address of this server", line)
	}
	resp, err := http.Get(line)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Total int `json:"total"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", line, resp.StatusCode, err)
	}
	if strconv.Itoa(r.Total) != count || r.Total < 2 {
		t.Errorf("GET %s: %d notes, the hint says %s", line, r.Total, count)
	}
}
