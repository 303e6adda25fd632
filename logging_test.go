package trouvaille

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// levelLog records an engine's messages with their level, as a server's
// log would (OpenOptions.Logf, Warnf, Errorf).
type levelLog struct {
	t     *testing.T
	mu    sync.Mutex
	lines []string
}

func (l *levelLog) at(level string) func(string, ...any) {
	return func(format string, args ...any) {
		line := level + " " + fmt.Sprintf(format, args...)
		l.t.Log(line)
		l.mu.Lock()
		defer l.mu.Unlock()
		l.lines = append(l.lines, line)
	}
}

func (l *levelLog) options() OpenOptions {
	return OpenOptions{Logf: l.at("INFO"), Warnf: l.at("WARN"), Errorf: l.at("ERROR")}
}

// level returns the level of the first line holding s, or "" if none does.
func (l *levelLog) level(s string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			level, _, _ := strings.Cut(line, " ")
			return level
		}
	}
	return ""
}

// waitLevel waits (10 s at most) for a line holding s and returns its level.
func (l *levelLog) waitLevel(s string) string {
	deadline := time.Now().Add(10 * time.Second)
	for {
		if level := l.level(s); level != "" || time.Now().After(deadline) {
			return level
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// An engine given a function per level reports what went wrong at the
// warning level, where an operator's alerts look, and routine progress at
// the information level: a synonyms file refused on SIGHUP and a damaged
// index are warnings; the warm-up, a good reload, the rebuild that
// repaired the index are information.
func TestOperatorMessagesByLevel(t *testing.T) {
	dir := t.TempDir()
	syn := filepath.Join(dir, "synonymes.txt")
	if err := os.WriteFile(syn, []byte("CP, cuisine partagée\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	e, err := Open(data, OpenOptions{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&Ingester{Engine: e}).Ingest(bytes.NewReader(DemoNotes), "demo.jsonl"); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil { // persists the segments
		t.Fatal(err)
	}

	log := &levelLog{t: t}
	e, err = Open(data, log.options())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	e.WarmUp()
	for _, warm := range []string{"index préchauffé", "autocomplétion prête"} {
		if got := log.waitLevel(warm); got != "INFO" {
			t.Errorf("warm-up (%s) logged at %q, want INFO", warm, got)
		}
	}

	sig := make(chan os.Signal) // unbuffered: a send completes when the watcher receives it
	e.ReloadSynonymsOn(sig, syn)
	sig <- syscall.SIGHUP
	if got := log.waitLevel("SIGHUP : synonymes rechargés"); got != "INFO" {
		t.Errorf("a good reload logged at %q, want INFO", got)
	}
	if err := os.WriteFile(syn, []byte("CP, cuisine partagée\nCP => \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sig <- syscall.SIGHUP
	if got := log.waitLevel("SIGHUP : synonymes non rechargés"); got != "WARN" {
		t.Errorf("an invalid synonyms file refused on SIGHUP logged at %q, want WARN", got)
	}

	// A segment damaged on disk (as in TestDamagedSegmentWhileServing),
	// found by a failed search.
	damageSegments(t, filepath.Join(data, "index"))
	e.mu.RLock()
	err = e.indexFailed(errors.New("lecture impossible"))
	e.mu.RUnlock()
	if !errors.Is(err, ErrIndexDamaged) {
		t.Fatalf("indexFailed on a damaged index = %v", err)
	}
	if got := log.level("index endommagé"); got != "WARN" {
		t.Errorf("a damaged index logged at %q, want WARN", got)
	}
	if got := log.waitLevel("index reconstruit"); got != "INFO" {
		t.Errorf("the rebuild that repaired it logged at %q, want INFO", got)
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	for _, line := range log.lines {
		if strings.HasPrefix(line, "ERROR ") {
			t.Errorf("an error was logged: %s", line)
		}
	}
}

// Without Warnf and Errorf, every message goes to Logf, as before the
// levels.
func TestOperatorMessagesAllToLogf(t *testing.T) {
	dir := t.TempDir()
	syn := filepath.Join(dir, "synonymes.txt")
	if err := os.WriteFile(syn, []byte("CP => \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	log := &levelLog{t: t}
	e, err := Open(filepath.Join(dir, "data"), OpenOptions{Logf: log.at("LOGF")})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	sig := make(chan os.Signal)
	e.ReloadSynonymsOn(sig, syn)
	sig <- syscall.SIGHUP
	if got := log.waitLevel("SIGHUP : synonymes non rechargés"); got != "LOGF" {
		t.Errorf("with Logf alone, a refused reload went to %q", got)
	}
}
