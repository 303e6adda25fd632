// Command trouvaille-relevance scores Trouvaille, PostgreSQL full-text search
// and stock Bleve on the same judged queries over the same notes (nDCG@10,
// MRR, recall@10, per engine and per query kind) and writes the comparison,
// with the per-query table and each engine's misses, to docs/relevance.md.
//
//	go run ./bench/cmd/trouvaille-relevance
//	go run ./bench/cmd/trouvaille-relevance -engines trouvaille,bleve -out ''
//
// PostgreSQL runs as a private cluster (initdb, pg_ctl) in a temporary
// directory; install it with `apt-get install -y postgresql` or set PGBIN.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/encommun/trouvaille/bench"
	"github.com/encommun/trouvaille/bench/relevance"
)

type options struct {
	queries, notes, engines, out string
	explain                      string
	requireAll, verbose          bool
}

// The project's judged set, the default.
const (
	defaultQueries = "testdata/relevance/queries.jsonl"
	defaultNotes   = "testdata/demo/notes.jsonl"
)

func main() {
	var o options
	flag.StringVar(&o.queries, "queries", defaultQueries, "judged queries (JSON lines); the second set: testdata/praxis/queries.jsonl")
	flag.StringVar(&o.notes, "notes", defaultNotes, "notes loaded into every engine (ingest format, JSON lines); the second set: testdata/praxis/notes.jsonl")
	flag.StringVar(&o.engines, "engines", "trouvaille,postgres,bleve,xapian", "engines to compare, the first is the reference of the ratios")
	flag.StringVar(&o.out, "out", "docs/relevance.md", "write the markdown report here ('' for none); its section \""+strings.TrimPrefix(relevance.WhyHeading, "## ")+"\" is kept")
	flag.BoolVar(&o.requireAll, "require-all", false, "fail if an engine cannot run (instead of skipping it)")
	flag.BoolVar(&o.verbose, "v", false, "print each engine's misses")
	flag.StringVar(&o.explain, "explain", "", "print each engine's top 10 for the judged queries containing this text (* for all): grade, id and title, then the judged notes it left out")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, &o); err != nil {
		fmt.Fprintln(os.Stderr, "trouvaille-relevance:", err)
		os.Exit(1)
	}
}

// engines maps an engine name to its display name, description and set-up.
var engines = map[string]struct {
	name, desc string
	open       func(ctx context.Context, notes string) (func(string) ([]string, error), func(), error)
}{
	"trouvaille": {"Trouvaille", "the real engine in-process (`trouvaille.Open` on a temporary directory, `trouvaille.Ingester`, then `Engine.Search` as the API calls it, with its defaults: French analysis, accent folding, elisions, synonyms, typo tolerance, field weights); only public notes are searchable.", openTrouvaille},
	"postgres":   {"PostgreSQL", "a private PostgreSQL cluster; `fr_unaccent` text search configuration (`unaccent` then the `french` snowball stemmer); a stored `tsvector` weighted title A, lexicon terms + organisations B, summary C, body D, with a GIN index; `websearch_to_tsquery('fr_unaccent', q)` ranked by `ts_rank` (default weights), falling back to OR of the query's lexemes when no note has them all; public notes only.", openPostgres},
	"bleve":      {"stock Bleve", "stock Bleve (in memory): the built-in `fr` analyzer on title, summary and body, lexicon terms and organisations also indexed as `fr` text, all in the default `_all` field, no boosts; a `MatchQuery` with the AND operator, falling back to OR when nothing matches; public notes only.", openBleve},
	"xapian":     {"Xapian", "Xapian 1.4 (Debian's `python3-xapian`, driven as a subprocess, bench/xapian/peer.py): French Snowball stemmer, accents folded and apostrophes split (elisions), title words counted three times, lexicon terms and organisations twice, summary and body once; BM25 (Xapian's default) over an OR of the query's words; public notes only.", openXapian},
}

func openTrouvaille(ctx context.Context, notes string) (func(string) ([]string, error), func(), error) {
	dir, err := os.MkdirTemp("", "trouvaille-relevance-")
	if err != nil {
		return nil, nil, err
	}
	f, err := os.Open(notes)
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	defer f.Close()
	eng, err := relevance.LoadTrouvaille(dir, f)
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return relevance.TrouvailleSearch(eng), func() { eng.Close(); os.RemoveAll(dir) }, nil
}

func openPostgres(ctx context.Context, notes string) (func(string) ([]string, error), func(), error) {
	search, stop, err := bench.PostgresRelevance(ctx, notes, os.Stderr)
	if err != nil {
		return nil, nil, err
	}
	return topK(search), stop, nil
}

func openBleve(ctx context.Context, notes string) (func(string) ([]string, error), func(), error) {
	search, stop, err := bench.BleveRelevance(notes)
	if err != nil {
		return nil, nil, err
	}
	return topK(search), stop, nil
}

func openXapian(ctx context.Context, notes string) (func(string) ([]string, error), func(), error) {
	search, stop, err := bench.XapianRelevance(ctx, notes)
	if err != nil {
		return nil, nil, err
	}
	return topK(search), stop, nil
}

func topK(s bench.RelevanceSearch) func(string) ([]string, error) {
	return func(q string) ([]string, error) { return s(q, relevance.K) }
}

func run(ctx context.Context, o *options) error {
	qs, err := relevance.Load(o.queries)
	if err != nil {
		return err
	}
	titles := map[string]string{}
	notes, public := 0, 0
	err = bench.ReadNotes(o.notes, func(n *bench.Note) error {
		titles[n.ID] = n.Title
		notes++
		if n.Visibility == "public" {
			public++
		}
		return nil
	})
	if err != nil {
		return err
	}
	judged := 0
	for _, q := range qs {
		judged += len(q.Judgments)
	}
	fmt.Printf("%d judged queries (%d judgments) over %d notes (%d public)\n\n", len(qs), judged, notes, public)

	var reports []*relevance.Report
	var descs []string
	for _, key := range strings.Split(o.engines, ",") {
		key = strings.TrimSpace(key)
		e, ok := engines[key]
		if !ok {
			return fmt.Errorf("unknown engine %q (trouvaille, postgres, bleve, xapian)", key)
		}
		search, stop, err := e.open(ctx, o.notes)
		if err != nil {
			if o.requireAll || !errors.Is(err, bench.ErrMissing) {
				return fmt.Errorf("%s: %w", e.name, err)
			}
			fmt.Fprintf(os.Stderr, "skipping %s: %v\n", e.name, err)
			continue
		}
		rep, err := relevance.Evaluate(e.name, qs, search)
		stop()
		if err != nil {
			return err
		}
		reports = append(reports, rep)
		descs = append(descs, fmt.Sprintf("- **%s**: %s", e.name, e.desc))
	}
	if len(reports) == 0 {
		return errors.New("no engine ran")
	}
	printReports(reports, o.verbose)
	if o.explain != "" {
		explain(reports, titles, o.explain)
	}

	if o.out == "" {
		return nil
	}
	old, _ := os.ReadFile(o.out)
	doc := &relevance.Document{
		Title:   title(o),
		Reports: reports,
		Titles:  titles,
		Why:     relevance.KeepWhy(string(old)),
		Method:  method(o, qs, judged, notes, public, descs),
	}
	f, err := os.Create(o.out)
	if err != nil {
		return err
	}
	if err := doc.Render(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s\n", o.out)
	return nil
}

// otherSet reports whether the run is on another judged set than the
// project's.
func (o *options) otherSet() bool { return o.notes != defaultNotes || o.queries != defaultQueries }

// title is the report's heading: the engines, and the judged set when it
// is not the project's.
func title(o *options) string {
	if o.otherSet() {
		return fmt.Sprintf("%s (`%s`)", relevance.DefaultTitle, o.queries)
	}
	return relevance.DefaultTitle
}

func method(o *options, qs []relevance.Query, judged, notes, public int, descs []string) string {
	kinds := map[string]int{}
	for _, q := range qs {
		kinds[q.Kind]++
	}
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s %d", k, kinds[k])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Every engine loads the same %d notes (`%s`, %d of them public) and answers the same %d judged queries (`%s`, %d judgments), written as people type them: two or three words, acronyms of the Québec community sector, missing accents, typos, questions. Kinds: %s.\n\n",
		notes, o.notes, public, len(qs), o.queries, judged, strings.Join(parts, ", "))
	b.WriteString("Judgments are graded: 2 = the answer, 1 = relevant; any other note counts as not relevant. Only public notes are judged, and every engine searches public notes only.\n\n")
	b.WriteString("Metrics (package `bench/relevance`, the same code for every engine), averaged over the queries:\n\n")
	b.WriteString("- **nDCG@10**: gain 2^grade − 1, discount log2(rank + 1), divided by the ideal ordering of the judged notes;\n")
	b.WriteString("- **MRR**: 1 / rank of the first judged note (0 when none is in the top 10);\n")
	b.WriteString("- **recall@10**: judged notes in the top 10 / min(judged notes, 10).\n\n")
	b.WriteString("Engines:\n\n")
	b.WriteString(strings.Join(descs, "\n"))
	cmd := "go run ./bench/cmd/trouvaille-relevance"
	if o.otherSet() {
		cmd += fmt.Sprintf(" -notes %s -queries %s -out %s", o.notes, o.queries, o.out)
	}
	fmt.Fprintf(&b, "\n\nReproduce with `%s` from the repository root (PostgreSQL: `apt-get install -y postgresql`, or `PGBIN` pointing at its binaries; Xapian: `apt-get install -y python3-xapian`). The Go tests `go test ./bench/relevance` check, without PostgreSQL, that Trouvaille keeps its golden figures on each of the judged sets (six, `testdata/*/stats*.txt`) and stays above stock Bleve and Xapian.", cmd)
	return b.String()
}

func printReports(reports []*relevance.Report, verbose bool) {
	fmt.Printf("%-12s %8s %8s %10s %8s\n", "engine", "nDCG@10", "MRR", "recall@10", "misses")
	for _, r := range reports {
		fmt.Printf("%-12s %8.4f %8.4f %10.4f %4d/%d\n", r.Engine, r.Mean.NDCG, r.Mean.MRR, r.Mean.Recall, len(r.Misses()), len(r.Results))
	}
	ref := reports[0]
	for _, r := range reports[1:] {
		fmt.Printf("%s/%s: nDCG@10 ×%.2f, MRR ×%.2f, recall@10 ×%.2f\n", ref.Engine, r.Engine,
			relevance.Ratio(ref.Mean.NDCG, r.Mean.NDCG), relevance.Ratio(ref.Mean.MRR, r.Mean.MRR), relevance.Ratio(ref.Mean.Recall, r.Mean.Recall))
	}
	fmt.Printf("\nnDCG@10 by query kind\n%-13s", "kind")
	for _, r := range reports {
		fmt.Printf(" %11s", r.Engine)
	}
	fmt.Println()
	byKind := make([]map[string]relevance.Scores, len(reports))
	for i, r := range reports {
		byKind[i] = r.ByKind()
	}
	var kinds []string
	for k := range byKind[0] {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Printf("%-13s", k)
		for i := range reports {
			fmt.Printf(" %11.3f", byKind[i][k].NDCG)
		}
		fmt.Println()
	}
	if !verbose {
		return
	}
	for _, r := range reports {
		fmt.Printf("\n%s misses:\n", r.Engine)
		for _, m := range r.Misses() {
			fmt.Printf("  %.2f %-12s %q -> %v\n", m.Scores.NDCG, m.Query.Kind, m.Query.Q, m.Ranked)
		}
	}
}

// explain prints, for every judged query containing text, each engine's top
// 10 with grades and titles, then the judged notes it did not return.
func explain(reports []*relevance.Report, titles map[string]string, text string) {
	for i, res := range reports[0].Results {
		q := res.Query
		if text != "*" && !strings.Contains(strings.ToLower(q.Q), strings.ToLower(text)) {
			continue
		}
		fmt.Printf("\n=== %q (%s)\n", q.Q, q.Kind)
		for _, r := range reports {
			got := r.Results[i]
			fmt.Printf("  %s: nDCG@10 %.2f\n", r.Engine, got.Scores.NDCG)
			seen := map[string]bool{}
			for rank, id := range got.Ranked {
				seen[id] = true
				fmt.Printf("    %2d. [%d] %s  %s\n", rank+1, q.Judgments[id], id, titles[id])
			}
			for id, g := range q.Judgments {
				if !seen[id] && g > 0 {
					fmt.Printf("     -  [%d] %s  %s\n", g, id, titles[id])
				}
			}
		}
	}
}
