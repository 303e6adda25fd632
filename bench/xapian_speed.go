package bench

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Xapian in the speed runs: Debian's python3-xapian driven as a subprocess
// (bench/xapian/speed.py), set up like the relevance peer (French stemmer,
// accents folded, title weighted, BM25).

//go:embed xapian/speed.py
var xapianSpeedScript []byte

// XapianHit is one hit of a Xapian answer.
type XapianHit struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Snippet string `json:"snippet,omitempty"`
}

// XapianFacetValue is one value of a facet and its number of matching notes.
type XapianFacetValue struct {
	Value string
	Count int
}

// UnmarshalJSON reads the ["value", count] pairs speed.py writes.
func (v *XapianFacetValue) UnmarshalJSON(b []byte) error {
	var pair []json.RawMessage
	if err := json.Unmarshal(b, &pair); err != nil {
		return err
	}
	if len(pair) != 2 {
		return fmt.Errorf("facet value %s: want [value, count]", b)
	}
	if err := json.Unmarshal(pair[0], &v.Value); err != nil {
		return err
	}
	return json.Unmarshal(pair[1], &v.Count)
}

// XapianAnswer is speed.py's answer to one query.
type XapianAnswer struct {
	Total    int                           `json:"total"`
	Hits     []XapianHit                   `json:"hits"`
	Facets   map[string][]XapianFacetValue `json:"facets,omitempty"`
	Fallback bool                          `json:"fallback,omitempty"` // no note had every word: any word
	Error    string                        `json:"error,omitempty"`
}

// xapianScript writes speed.py into dir and finds a Python that imports
// xapian (the error wraps ErrMissing when there is none).
func xapianScript(dir string) (py, script string, err error) {
	if py, err = xapianPython(); err != nil {
		return "", "", err
	}
	script = filepath.Join(dir, "xapian-speed.py")
	if err := os.WriteFile(script, xapianSpeedScript, 0o644); err != nil {
		return "", "", err
	}
	return py, script, nil
}

// XapianIngest indexes the notes file into a new Xapian database at db with
// speed.py in a child process. It returns the number of notes indexed and
// the peak RSS speed.py reports (large files are indexed by one process
// per core at once: the sum of their peaks).
func XapianIngest(ctx context.Context, py, script, notesFile, db string) (notes int, peakRSS int64, err error) {
	cmd := exec.CommandContext(ctx, py, script, "ingest", notesFile, db)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, 0, fmt.Errorf("xapian ingest: %w\n%s", err, stderr.String())
	}
	line := strings.TrimSpace(string(out))
	if _, err := fmt.Sscanf(line, "indexed %d rss %d", &notes, &peakRSS); err != nil {
		return 0, 0, fmt.Errorf("xapian ingest: unexpected output %q: %w", line, err)
	}
	return notes, peakRSS, nil
}

// XapianServer is a running `speed.py serve` process.
type XapianServer struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Reader
	Docs int // documents in the database ("ready <n>")
}

// StartXapian opens the database db in a `speed.py serve` child and returns
// once it has printed "ready".
func StartXapian(ctx context.Context, py, script, db string) (*XapianServer, error) {
	cmd := exec.CommandContext(ctx, py, script, "serve", db)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start xapian serve: %w", err)
	}
	s := &XapianServer{cmd: cmd, in: in, out: bufio.NewReaderSize(outPipe, 1<<20)}
	ready, err := s.out.ReadString('\n')
	n, ok := strings.CutPrefix(strings.TrimSpace(ready), "ready ")
	if err == nil && ok {
		s.Docs, err = strconv.Atoi(n)
	}
	if err != nil || !ok {
		s.Close()
		return nil, fmt.Errorf("xapian serve did not open %s (%q): %w", db, strings.TrimSpace(ready), errors.Join(err, io.ErrUnexpectedEOF))
	}
	return s, nil
}

// Pid returns the serving process's pid.
func (s *XapianServer) Pid() int { return s.cmd.Process.Pid }

// Search sends one query and reads its answer (one JSON line each way).
func (s *XapianServer) Search(q Query) (*XapianAnswer, error) {
	req, err := json.Marshal(q)
	if err != nil {
		return nil, err
	}
	if _, err := s.in.Write(append(req, '\n')); err != nil {
		return nil, fmt.Errorf("xapian serve: %w", err)
	}
	line, err := s.out.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("xapian serve: %w", err)
	}
	var ans XapianAnswer
	if err := json.Unmarshal(line, &ans); err != nil {
		return nil, fmt.Errorf("xapian serve answer %.200q: %w", line, err)
	}
	if ans.Error != "" {
		return nil, fmt.Errorf("xapian serve: %s", ans.Error)
	}
	return &ans, nil
}

// Close ends the process (end of its input) and waits for it.
func (s *XapianServer) Close() error {
	s.in.Close()
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		return <-done
	}
}

// RunXapian measures Xapian: `speed.py ingest` timed as a child process
// (peak RSS = its rusage Maxrss, disk = du of the database), then
// `speed.py serve` (start-up = until it prints "ready"; serving RSS = its
// VmHWM after the queries), queried over its stdin/stdout pipes.
func RunXapian(ctx context.Context, cfg *Config) (*Result, error) {
	py, script, err := xapianScript(cfg.WorkDir)
	if err != nil {
		return nil, err
	}
	var version string
	if out, err := exec.Command(py, "-c", "import xapian; print(xapian.version_string())").Output(); err == nil {
		version = strings.TrimSpace(string(out))
	}
	db := filepath.Join(cfg.WorkDir, "xapian.db")
	res := &Result{Engine: "xapian"}
	cfg.logf("xapian %s: indexing %s", version, cfg.NotesFile)
	start := time.Now()
	res.Notes, res.PeakRSSIngest, err = XapianIngest(ctx, py, script, cfg.NotesFile, db)
	res.Ingest = time.Since(start)
	if err != nil {
		return nil, err
	}
	if res.DiskBytes, err = DiskUsage(db); err != nil {
		return nil, err
	}
	cfg.logf("xapian: %d notes in %v (%.0f notes/s), %.1f MB on disk", res.Notes, res.Ingest.Round(time.Millisecond), res.IngestRate(), float64(res.DiskBytes)/1e6)

	start = time.Now()
	srv, err := StartXapian(ctx, py, script, db)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	res.Startup = time.Since(start)
	cfg.logf("xapian: ready in %v, querying", res.Startup.Round(time.Millisecond))
	search := func(ctx context.Context, q Query) (int, error) {
		ans, err := srv.Search(q)
		if err != nil {
			return 0, err
		}
		return ans.Total, nil
	}
	if err := RunQueries(ctx, cfg, res, search); err != nil {
		return nil, err
	}
	res.RSSServing = PeakRSS(srv.Pid())
	res.AnonServing = AnonMemory(srv.Pid())
	res.Notes2 = append(res.Notes2, "xapian "+version+": Debian's python3-xapian in a Python child process; latency = round trip over its pipes (JSON request written → JSON answer line read and decoded), so no network but Python's JSON and loop; 6 facets (authors, organisations, carnets, blocs, terms, type) by ValueCountMatchSpy, exact totals (check_at_least = database size); AND of the words falling back to OR when nothing matches")
	return res, nil
}
