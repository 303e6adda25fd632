package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/dgraph-io/badger/v4"
	trouvaille "github.com/encommun/trouvaille"
	"github.com/gin-gonic/gin"
	bolt "go.etcd.io/bbolt"
)

// logLevel returns the level of the first JSON log line of out whose
// message holds msg ("" if none does).
func logLevel(t *testing.T, out, msg string) string {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "{") {
			continue
		}
		var m struct{ Level, Msg string }
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Errorf("not a JSON log line: %s", sc.Text())
			continue
		}
		if strings.Contains(m.Msg, msg) {
			return m.Level
		}
	}
	return ""
}

// `trouvaille serve` logs the engine's problems as warnings, where an
// operator's alert on WARN and above finds them: a synonyms file made
// invalid, then reloaded by SIGHUP, is refused with a "level":"WARN" line;
// routine messages (the warm-up, a good reload) stay INFO.
func TestServeLogsProblemsAsWarnings(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	seedNotes(t, data, 20)
	syn := writeFile(t, filepath.Join(dir, "synonymes.txt"), "CP, cuisine partagée\n")
	p := startServe(t, data, "--synonyms", syn) // JSON: its stderr is no terminal
	wait := func(msg string) string {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			if level := logLevel(t, p.out.String(), msg); level != "" {
				return level
			}
			if time.Now().After(deadline) {
				t.Fatalf("no log line says %q:\n%s", msg, p.out.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if got := wait("index préchauffé"); got != "INFO" {
		t.Errorf("the warm-up logged at %s, want INFO", got)
	}
	p.cmd.Process.Signal(syscall.SIGHUP)
	if got := wait("SIGHUP : synonymes rechargés"); got != "INFO" {
		t.Errorf("a good reload logged at %s, want INFO", got)
	}
	if err := os.WriteFile(syn, []byte("CP, cuisine partagée\nCP => \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p.cmd.Process.Signal(syscall.SIGHUP)
	if got := wait("SIGHUP : synonymes non rechargés"); got != "WARN" {
		t.Errorf("an invalid synonyms file refused on SIGHUP logged at %s, want WARN:\n%s", got, p.out.String())
	}
	// The list in force stays: the server still answers.
	if _, code, err := p.search("cuisine"); err != nil || code != 200 {
		t.Errorf("search after the refused reload: %d %v", code, err)
	}
	// A reload through the API is logged too (it left no line).
	if err := os.WriteFile(syn, []byte("CP, cuisine partagée\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+p.addr+"/v1/admin/synonyms/reload", nil)
	req.Header.Set("Authorization", "Bearer "+harnessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("reload through the API: %d", resp.StatusCode)
	}
	if got := wait("POST /v1/admin/synonyms/reload : synonymes rechargés"); got != "INFO" {
		t.Errorf("a reload through the API logged at %s, want INFO", got)
	}
}

// A library's line through the log package (Bleve's, English, printed when
// something went wrong) is marked in French with the library's name, at
// WARN; the program's own lines through the log package stay as they are.
// The library's line is a real one: Bleve's scorch reading a root.bolt
// whose snapshot key is not a number.
func TestLibraryLinesAreMarked(t *testing.T) {
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "root.bolt"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte{'s'})
		if err != nil {
			return err
		}
		_, err = b.CreateBucket([]byte{0xff})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	flags, prev := log.Flags(), slog.Default()
	t.Cleanup(func() { slog.SetDefault(prev); log.SetOutput(os.Stderr); log.SetFlags(flags) })
	var out bytes.Buffer
	setServerLogger(newLogger(&out, "json"))
	scorch.RollbackPoints(dir)
	log.Printf("corpus de démonstration dans %s : 3 notes", dir)

	var lines []struct {
		Level, Msg   string
		Bibliotheque string
	}
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m struct {
			Level, Msg   string
			Bibliotheque string
		}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		lines = append(lines, m)
	}
	if len(lines) != 2 {
		t.Fatalf("want two lines, got:\n%s", out.String())
	}
	if l := lines[0]; l.Level != "WARN" || l.Bibliotheque != "Bleve" ||
		!strings.HasPrefix(l.Msg, "message de Bleve (en anglais) : RollbackPoints: unable to parse segment epoch ff") {
		t.Errorf("Bleve's line: %+v", l)
	}
	if l := lines[1]; l.Level != "INFO" || l.Bibliotheque != "" || !strings.HasPrefix(l.Msg, "corpus de démonstration dans ") {
		t.Errorf("the program's own line: %+v", l)
	}
}

func TestLibraryOf(t *testing.T) {
	pc := func(f any) uintptr { return reflect.ValueOf(f).Pointer() }
	for _, c := range []struct {
		pc   uintptr
		want string
	}{
		{0, ""},
		{pc(runServe), ""},
		{pc(trouvaille.Open), ""},
		{pc(scorch.RollbackPoints), "Bleve"},
		{pc(badger.DefaultOptions), "Badger"},
		{pc(gin.New), "Gin"},
		{pc(http.ListenAndServe), "net/http"},
		{pc(json.Marshal), "encoding/json"},
	} {
		if got := libraryOf(c.pc); got != c.want {
			t.Errorf("libraryOf(%s) = %q, want %q", runtime.FuncForPC(c.pc).Name(), got, c.want)
		}
	}
}

// serve on a folder without a store (a misspelled TROUVAILLE_DATA) says so
// at WARN: it served no note with /readyz 200 and nothing in the log. A
// folder with its store does not.
func TestServeSaysNewDataFolder(t *testing.T) {
	dir := t.TempDir()
	p := startServe(t, filepath.Join(dir, "neuf"))
	deadline := time.Now().Add(20 * time.Second)
	for logLevel(t, p.out.String(), "dossier de données neuf") != "WARN" {
		if time.Now().After(deadline) {
			t.Fatalf("no WARN line on a new data folder:\n%s", p.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.kill()
	data := filepath.Join(dir, "data")
	seedNotes(t, data, 3)
	p = startServe(t, data)
	time.Sleep(300 * time.Millisecond)
	if level := logLevel(t, p.out.String(), "dossier de données neuf"); level != "" {
		t.Errorf("a folder with its store is called new (%s):\n%s", level, p.out.String())
	}
}

// The text format (a terminal) prints the French spaces as spaces: it
// quoted « autocomplétion prête en 5\u00a0ms ».
func TestTextLogPlainSpaces(t *testing.T) {
	var out bytes.Buffer
	newLogger(&out, "text").Info("autocomplétion prête en 5\u00a0ms", "notes", "12\u202f345")
	if got := out.String(); strings.Contains(got, `\u00a0`) || strings.Contains(got, `\u202f`) || !strings.Contains(got, "prête en 5 ms") {
		t.Errorf("text log line: %s", got)
	}
}
