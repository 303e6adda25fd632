// Command trouvaille-latency measures search latency in-process on an
// existing data folder (made by `trouvaille ingest`), without HTTP: the
// speed benchmark's query mix, run in turn, with the median, p90 and p99 of
// the single searches. It is for comparing two builds on the same folder,
// alternately, on a shared machine; -cpuprofile shows where the time goes.
//
//	go run ./bench/cmd/trouvaille-latency -data DIR [-page 1] [-facets=false -snippets=false]
//	go run ./bench/cmd/trouvaille-latency -data DIR -page 1 -kind facets+highlight
//
// -kind keeps one kind of the mix, asked as the HTTP benchmark asks it: the
// engine's share of that kind's latency, without HTTP, the API and the client.
//
// Each query is searched once, as the HTTP benchmark does: caches help
// only across queries, as they would for different people.
//
//	go run ./bench/cmd/trouvaille-latency -data DIR -suggest [-n 2000]
//
// -suggest measures the completions instead (Engine.Suggest, 5 per kind, as
// the page asks): each query of the mix typed a letter at a time, every
// prefix from two characters on asked once, then the same queries with
// their words spelled by ear (bench.ByEar); the median, p90 and p99 of
// the keystrokes, each way, and the share that got a completion.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/bench"
)

func main() {
	data := flag.String("data", "", "data folder to search (required; opened read-only in practice)")
	n := flag.Int("n", 2000, "searches measured, each query of the mix once (bench.Queries, seed 42), after 500 others (seed 7) to warm up")
	page := flag.Int("page", 0, "page asked for; 0: pages 1 to 50 in turn")
	facets := flag.Bool("facets", true, "ask for every facet and the histogram")
	snippets := flag.Bool("snippets", true, "ask for snippets")
	corpus := flag.String("corpus", "a", "query mix: a (bench.Queries) or b (bench.QueriesB, for a folder of corpus B)")
	slowest := flag.Int("slowest", 0, "print the N slowest queries, each with the median of five more runs")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the measured searches to this file")
	memprofile := flag.String("memprofile", "", "write a heap profile (live objects, after a GC) to this file once the searches are done")
	kind := flag.String("kind", "", "measure only the queries of the mix of this kind (facets+highlight, highlight or plain), each asked with the facets and snippets the HTTP benchmark asks for that kind (-facets and -snippets ignored); empty: every query of the mix, with -facets and -snippets")
	suggest := flag.Bool("suggest", false, "measure the completions of the mix's queries typed a letter at a time, as written and spelled by ear, instead of searches")
	upgrade := flag.Bool("upgrade", false, "as after an upgrade that changed the analysis of words: mark the folder's index as built by the previous analysis, open it as a server does, and search without pause while its successor is built beside it (the folder's index is rebuilt)")
	flag.Parse()
	if *data == "" || *n < 1 || *page < 0 || (*corpus != "a" && *corpus != "b") || !slices.Contains([]string{"", bench.KindFacetsHighlight, bench.KindHighlight, bench.KindPlain}, *kind) {
		flag.Usage()
		os.Exit(2)
	}
	opts := trouvaille.OpenOptions{Logf: func(string, ...any) {}}
	if *upgrade {
		if err := markPreviousAnalysis(*data); err != nil {
			log.Fatal(err)
		}
		opts = trouvaille.OpenOptions{Logf: log.Printf, RebuildInBackground: true}
	}
	start := time.Now()
	eng, err := trouvaille.Open(*data, opts)
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	// As the HTTP benchmark waits for /readyz: the discovery tables are
	// built before anything is measured.
	eng.WarmUp()
	for eng.Ready() != nil {
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Print("ready; ")
	printMemory()
	queries := bench.Queries
	if *corpus == "b" {
		queries = bench.QueriesB
	}
	warm, qs := queries(500, 7), queries(*n, 42)
	if *kind != "" {
		qs = slices.DeleteFunc(qs, func(q bench.Query) bool { return q.Kind != *kind })
		if len(qs) == 0 {
			log.Fatalf("-kind %q: no query of the mix has that kind", *kind)
		}
	}
	if *suggest {
		measureSuggest(eng, warm, qs, *cpuprofile)
		printMemory()
		return
	}
	search := func(q string, i int, perPage int) time.Duration {
		r := trouvaille.Request{Q: q, Page: 1 + i%50, PerPage: perPage, NoSnippets: !*snippets}
		if *page > 0 {
			r.Page = *page
		}
		if !*facets {
			r.Facets = []string{}
		}
		switch *kind { // as bench.TrouvailleURL asks each kind
		case bench.KindFacetsHighlight:
			r.Facets, r.NoSnippets = nil, false
		case bench.KindHighlight:
			r.Facets, r.NoSnippets = []string{}, false
		case bench.KindPlain:
			r.Facets, r.NoSnippets = []string{}, true
		}
		t := time.Now()
		if _, err := eng.Search(context.Background(), trouvaille.Scope{}, r); err != nil {
			log.Fatalf("%q: %v", r.Q, err)
		}
		return time.Since(t)
	}
	if *upgrade {
		searchDuringUpgrade(eng, start, qs, *facets, *snippets)
	}
	for i, q := range warm {
		search(q.Q, i, 20) // warm-up: discovery tables, page cache
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	took := make([]time.Duration, len(qs))
	for i, q := range qs {
		took[i] = search(q.Q, i, 20)
	}
	if *slowest > 0 {
		// The slowest queries, each searched again five times (median): a
		// query slow every time is the engine's, one slow once was the host.
		order := make([]int, len(qs))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int { return cmp.Compare(took[b], took[a]) })
		for _, i := range order[:min(*slowest, len(order))] {
			again := make([]time.Duration, 5)
			for k := range again {
				again[k] = search(qs[i].Q, i, 21+k) // another page size: not the cached result
			}
			slices.Sort(again)
			fmt.Printf("%8.1f ms (again: %.1f ms)  %q\n", float64(took[i].Microseconds())/1000, float64(again[2].Microseconds())/1000, qs[i].Q)
		}
	}
	slices.Sort(took)
	at := func(p int) float64 { return float64(took[(len(took)-1)*p/100].Microseconds()) / 1000 }
	fmt.Printf("%d searches: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms\n", len(took), at(50), at(90), at(99))
	printMemory()
	if *memprofile != "" {
		runtime.GC()
		f, err := os.Create(*memprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
			log.Fatal(err)
		}
		f.Close()
	}
}

// measureSuggest types each query of warm (not measured), then of qs, a
// letter at a time, asking the completions of every prefix from two
// characters on; then qs again with each word spelled by ear. It prints the
// keystrokes' median, p90 and p99 each way.
func measureSuggest(eng *trouvaille.Engine, warm, qs []bench.Query, cpuprofile string) {
	answered := 0 // keystrokes with at least one completion
	typeOut := func(q string) []time.Duration {
		var took []time.Duration
		rs := []rune(q)
		for i := 2; i <= len(rs); i++ {
			t := time.Now()
			s, err := eng.Suggest(context.Background(), trouvaille.Scope{}, string(rs[:i]), 5)
			if err != nil {
				log.Fatalf("%q: %v", string(rs[:i]), err)
			}
			took = append(took, time.Since(t))
			if len(s.Groups) > 0 {
				answered++
			}
		}
		return took
	}
	byEar := func(q string) string {
		ws := strings.Fields(q)
		for i, w := range ws {
			ws[i] = bench.ByEar(w)
		}
		return strings.Join(ws, " ")
	}
	for _, q := range warm {
		typeOut(q.Q)
	}
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	for _, way := range []struct {
		name  string
		spell func(string) string
	}{{"as written", func(q string) string { return q }}, {"spelled by ear", byEar}} {
		var took []time.Duration
		answered = 0
		for _, q := range qs {
			took = append(took, typeOut(way.spell(q.Q))...)
		}
		if len(took) == 0 {
			continue
		}
		slices.Sort(took)
		at := func(p int) float64 { return float64(took[(len(took)-1)*p/100].Microseconds()) / 1000 }
		fmt.Printf("completions, %d queries %s, %d keystrokes (%.1f %% with completions): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms\n", len(qs), way.name, len(took), 100*float64(answered)/float64(len(took)), at(50), at(90), at(99))
	}
}

// printMemory prints where the process's memory is: resident (now and at
// peak, anonymous and file-backed: the index's mapped segments are the
// latter) and the Go heap (live after a GC, and what the runtime holds).
func printMemory() {
	status, err := os.ReadFile("/proc/self/status")
	if err == nil {
		var parts []string
		for _, line := range strings.Split(string(status), "\n") {
			for _, k := range []string{"VmRSS:", "VmHWM:", "RssAnon:", "RssFile:"} {
				if strings.HasPrefix(line, k) {
					parts = append(parts, strings.Join(strings.Fields(line), " "))
				}
			}
		}
		fmt.Println("memory:", strings.Join(parts, ", "))
	}
	printMapped()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Printf("go heap: live %d MiB, heap held %d MiB, runtime total %d MiB\n", m.HeapAlloc>>20, (m.HeapSys-m.HeapReleased)>>20, (m.Sys-m.HeapReleased)>>20)
}

// printMapped prints the resident pages of the files the process maps,
// summed by kind (the index's segments, the store's tables and value log,
// others), from /proc/self/smaps.
func printMapped() {
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return
	}
	kb := map[string]int{}
	size := map[string]int{}
	kind := ""
	for _, line := range strings.Split(string(smaps), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 6 && strings.Contains(f[0], "-") && strings.HasPrefix(f[5], "/"):
			kind = "other files"
			switch ext := filepath.Ext(f[5]); ext {
			case ".zap", ".sst", ".vlog", ".mem":
				kind = ext
			}
		case len(f) >= 1 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":"):
			kind = "" // an anonymous mapping
		case kind != "" && len(f) == 3 && (f[0] == "Rss:" || f[0] == "Size:"):
			n, _ := strconv.Atoi(f[1])
			if f[0] == "Rss:" {
				kb[kind] += n
			} else {
				size[kind] += n
			}
		}
	}
	var parts []string
	for _, k := range []string{".zap", ".sst", ".vlog", ".mem", "other files"} {
		parts = append(parts, fmt.Sprintf("%s %d of %d MiB", k, kb[k]>>10, size[k]>>10))
	}
	fmt.Println("mapped files resident:", strings.Join(parts, ", "))
}

// markPreviousAnalysis writes in the index of the data folder dir the
// version an index of the previous analysis of words holds (the engine
// serves such an index while it builds its successor).
func markPreviousAnalysis(dir string) error {
	idir := filepath.Join(dir, "index")
	if b, err := os.ReadFile(filepath.Join(dir, "index.courant")); err == nil {
		idir = filepath.Join(dir, strings.TrimSpace(string(b)))
	}
	bi, err := bleve.OpenUsing(idir, map[string]any{"unsafe_batch": false})
	if err != nil {
		return err
	}
	v, err := bi.GetInternal([]byte("trouvaille_mapping"))
	if err == nil {
		var f, a int
		if _, err = fmt.Sscanf(string(v), "trouvaille-format-%d-analyse-%d", &f, &a); err == nil {
			err = bi.SetInternal([]byte("trouvaille_mapping"), fmt.Appendf(nil, "trouvaille-format-%d-analyse-%d", f, a-1))
		} else if string(v) == "trouvaille-mapping-21" {
			err = bi.SetInternal([]byte("trouvaille_mapping"), []byte("trouvaille-format-1-analyse-20"))
		}
	}
	return errors.Join(err, bi.Close())
}

// searchDuringUpgrade searches without pause, one query after another (each
// of the mix once, in turn), from the moment the stale index serves until
// its successor is in service, then prints how long the successor took and
// the latencies and errors of those searches.
func searchDuringUpgrade(eng *trouvaille.Engine, start time.Time, qs []bench.Query, facets, snippets bool) {
	var took []time.Duration
	errs := map[string]int{}
	for i := 0; eng.Stats().IndexBuildingBeside; i++ {
		q := qs[i%len(qs)]
		r := trouvaille.Request{Q: q.Q, Page: 1 + i%50, PerPage: 20, NoSnippets: !snippets}
		if !facets {
			r.Facets = []string{}
		}
		t := time.Now()
		_, err := eng.Search(context.Background(), trouvaille.Scope{}, r)
		took = append(took, time.Since(t))
		if err != nil {
			errs[err.Error()]++
		}
	}
	fmt.Printf("successor in service %.1f s after the start; %d searches meanwhile, %d errors %v\n", time.Since(start).Seconds(), len(took), func() (n int) {
		for _, c := range errs {
			n += c
		}
		return n
	}(), errs)
	if len(took) > 0 {
		slices.Sort(took)
		at := func(p int) float64 { return float64(took[(len(took)-1)*p/100].Microseconds()) / 1000 }
		fmt.Printf("searches while it was built: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, slowest %.1f ms\n", at(50), at(90), at(99), float64(took[len(took)-1].Microseconds())/1000)
	}
}
