// Command trouvaille-bench compares Trouvaille with PostgreSQL full-text
// search, stock Bleve and Xapian on the same generated notes and queries.
//
//	go run ./bench/cmd/trouvaille-bench -notes 100000 -queries 500 -out docs/bench-100k.md
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/encommun/trouvaille/bench"
)

type options struct {
	notes, queries, warmup int
	seed                   int64
	engines, work, out     string
	corpus                 string
	repo, bin              string
	requireAll, keep       bool
	// internal: run one phase of the Bleve engine in this process.
	child, childResult, notesFile, queriesFile, engineDir string
}

func main() {
	var o options
	flag.IntVar(&o.notes, "notes", 10000, "number of generated notes")
	flag.IntVar(&o.queries, "queries", 500, "measured queries (kinds in turn: facets+highlight, highlight, plain, prefix)")
	flag.IntVar(&o.warmup, "warmup", 50, "warm-up queries, not measured")
	flag.StringVar(&o.corpus, "corpus", "a", "generated corpus: a (bench.Generate) or b (bench.GenerateB, built differently: its own vocabulary law, notes of 20 to 3,000 words, long Markdown reports, many authors per note)")
	flag.Int64Var(&o.seed, "seed", 42, "generator seed (same seed, same notes and queries)")
	flag.StringVar(&o.engines, "engines", "trouvaille,postgres,bleve,xapian", "engines to run, in order (trouvaille, postgres, bleve, xapian)")
	flag.StringVar(&o.work, "work", filepath.Join(os.TempDir(), "trouvaille-bench"), "work directory (the notes file is cached there)")
	flag.StringVar(&o.out, "out", "", "also write the markdown report to this file")
	flag.StringVar(&o.repo, "repo", ".", "Trouvaille module root, to build ./cmd/trouvaille")
	flag.StringVar(&o.bin, "trouvaille-bin", "", "use this trouvaille binary instead of building one")
	flag.BoolVar(&o.requireAll, "require-all", false, "fail if an engine cannot run (instead of skipping it)")
	flag.BoolVar(&o.keep, "keep", false, "keep each engine's data directory")
	flag.StringVar(&o.child, "child", "", "internal: bleve-ingest or bleve-serve")
	flag.StringVar(&o.childResult, "child-result", "", "internal")
	flag.StringVar(&o.notesFile, "notes-file", "", "internal")
	flag.StringVar(&o.queriesFile, "queries-file", "", "internal")
	flag.StringVar(&o.engineDir, "engine-dir", "", "internal")
	flag.Parse()
	if o.corpus != "a" && o.corpus != "b" {
		fmt.Fprintf(os.Stderr, "-corpus %q: use a or b\n", o.corpus)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if o.child != "" {
		err = runChild(ctx, &o)
	} else {
		err = run(ctx, &o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "trouvaille-bench:", err)
		os.Exit(1)
	}
}

type queryFile struct {
	Queries []bench.Query `json:"queries"`
	Warmup  []bench.Query `json:"warmup"`
}

func run(ctx context.Context, o *options) error {
	if err := os.MkdirAll(o.work, 0o755); err != nil {
		return err
	}
	notesFile, err := notes(o)
	if err != nil {
		return err
	}
	qf := queryFile{Queries: bench.Queries(o.queries, o.seed), Warmup: bench.Queries(o.warmup, o.seed+1)}
	if o.corpus == "b" {
		qf = queryFile{Queries: bench.QueriesB(o.queries, o.seed), Warmup: bench.QueriesB(o.warmup, o.seed+1)}
	}
	queriesFile := filepath.Join(o.work, fmt.Sprintf("queries-%s%d-%d-seed%d.json", corpusTag(o), o.queries, o.warmup, o.seed))
	b, _ := json.Marshal(qf)
	if err := os.WriteFile(queriesFile, b, 0o644); err != nil {
		return err
	}

	var results []*bench.Result
	var skipped []bench.Skipped
	for _, engine := range strings.Split(o.engines, ",") {
		engine = strings.TrimSpace(engine)
		if engine == "" {
			continue
		}
		dir := filepath.Join(o.work, "run-"+engine)
		_ = os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		cfg := &bench.Config{NotesFile: notesFile, Notes: o.notes, Queries: qf.Queries, Warmup: qf.Warmup, WorkDir: dir, Log: os.Stderr}
		fmt.Fprintf(os.Stderr, "== %s\n", engine)
		var res *bench.Result
		switch engine {
		case "trouvaille":
			bin := o.bin
			if bin == "" {
				bin, err = bench.BuildTrouvaille(ctx, o.repo, dir)
			}
			if err == nil {
				res, err = bench.RunTrouvaille(ctx, cfg, bin)
			}
		case "postgres":
			res, err = bench.RunPostgres(ctx, cfg)
		case "bleve":
			res, err = runBleve(ctx, o, notesFile, queriesFile, dir)
		case "xapian":
			res, err = bench.RunXapian(ctx, cfg)
		default:
			err = fmt.Errorf("%w: unknown engine %q (trouvaille, postgres, bleve, xapian)", bench.ErrMissing, engine)
		}
		if !o.keep {
			_ = os.RemoveAll(dir)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			if o.requireAll || !errors.Is(err, bench.ErrMissing) {
				return fmt.Errorf("%s: %w", engine, err)
			}
			fmt.Fprintf(os.Stderr, "%s skipped: %v\n", engine, err)
			skipped = append(skipped, bench.Skipped{Engine: engine, Reason: firstLine(err.Error())})
			continue
		}
		results = append(results, res)
	}

	report := header(o) + bench.Markdown(results, skipped)
	fmt.Println(report)
	if o.out != "" {
		return os.WriteFile(o.out, []byte(report), 0o644)
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// corpusTag names corpus B's files apart ("" for corpus a, whose file names
// stay as they were).
func corpusTag(o *options) string {
	if o.corpus == "b" {
		return "b-"
	}
	return ""
}

// notes returns the cached notes file, generating it if needed.
func notes(o *options) (string, error) {
	path := filepath.Join(o.work, fmt.Sprintf("notes-%s%d-seed%d.jsonl", corpusTag(o), o.notes, o.seed))
	if n, err := bench.CountLines(path); err == nil && n == o.notes {
		fmt.Fprintf(os.Stderr, "reusing %s\n", path)
		return path, nil
	}
	start := time.Now()
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return "", err
	}
	w := bufio.NewWriterSize(f, 4<<20)
	if o.corpus == "b" {
		err = bench.GenerateB(w, o.notes, o.seed)
	} else {
		err = bench.Generate(w, o.notes, o.seed)
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return "", err
	}
	fmt.Fprintf(os.Stderr, "generated %d notes in %v: %s\n", o.notes, time.Since(start).Round(time.Millisecond), path)
	return path, nil
}

// runBleve runs each Bleve phase in a child process of its own, so that peak
// RSS figures are Bleve's alone and serving does not inherit ingest memory.
func runBleve(ctx context.Context, o *options, notesFile, queriesFile, dir string) (*bench.Result, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	res := &bench.Result{Engine: "bleve"}
	for _, phase := range []string{"bleve-ingest", "bleve-serve"} {
		out := filepath.Join(dir, phase+".json")
		cmd := exec.CommandContext(ctx, self, "-child", phase, "-child-result", out,
			"-notes-file", notesFile, "-queries-file", queriesFile, "-engine-dir", dir)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("%s: %w", phase, err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			return nil, err
		}
		var part bench.Result
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, err
		}
		if phase == "bleve-ingest" {
			res.Notes, res.Ingest, res.DiskBytes, res.PeakRSSIngest = part.Notes, part.Ingest, part.DiskBytes, part.PeakRSSIngest
		} else {
			res.Startup, res.Latency, res.RSSServing, res.AnonServing, res.Notes2 = part.Startup, part.Latency, part.RSSServing, part.AnonServing, part.Notes2
		}
	}
	return res, nil
}

func runChild(ctx context.Context, o *options) error {
	b, err := os.ReadFile(o.queriesFile)
	if err != nil {
		return err
	}
	var qf queryFile
	if err := json.Unmarshal(b, &qf); err != nil {
		return err
	}
	cfg := &bench.Config{NotesFile: o.notesFile, Queries: qf.Queries, Warmup: qf.Warmup, WorkDir: o.engineDir, Log: os.Stderr}
	res := &bench.Result{Engine: "bleve"}
	switch o.child {
	case "bleve-ingest":
		err = bench.BleveIngestPhase(ctx, cfg, res)
	case "bleve-serve":
		err = bench.BleveServePhase(ctx, cfg, res)
	default:
		err = fmt.Errorf("unknown child phase %q", o.child)
	}
	if err != nil {
		return err
	}
	b, _ = json.Marshal(res)
	return os.WriteFile(o.childResult, b, 0o644)
}

// header describes the run and the machine.
func header(o *options) string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "model name") {
				_, cpu, _ = strings.Cut(line, ":")
				cpu = strings.TrimSpace(cpu)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		mem = strings.Join(strings.Fields(line)[1:], " ")
	}
	return fmt.Sprintf("## %d notes, %d queries (+%d warm-up), seed %d\n\n"+
		"%s; %d CPUs (%s), RAM %s; %s; `%s`\n\n",
		o.notes, o.queries, o.warmup, o.seed, time.Now().UTC().Format("2006-01-02 15:04 MST"),
		runtime.NumCPU(), cpu, mem, runtime.Version(), strings.Join(os.Args[1:], " "))
}
