package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
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
}
