// Command trouvaille-latency measures search latency in-process on an
// existing data folder (made by `trouvaille ingest`), without HTTP: the
// speed benchmark's query mix, run in turn, with the median, p90 and p99 of
// the single searches. It is for comparing two builds on the same folder,
// alternately, on a shared machine; -cpuprofile shows where the time goes.
//
//	go run ./bench/cmd/trouvaille-latency -data DIR [-page 1] [-facets=false -snippets=false]
//
// Each query is searched once, as the HTTP benchmark does: caches help
// only across queries, as they would for different people.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/pprof"
	"slices"
	"time"

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
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the measured searches to this file")
	flag.Parse()
	if *data == "" || *n < 1 || *page < 0 || (*corpus != "a" && *corpus != "b") {
		flag.Usage()
		os.Exit(2)
	}
	eng, err := trouvaille.Open(*data, trouvaille.OpenOptions{Logf: func(string, ...any) {}})
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
	queries := bench.Queries
	if *corpus == "b" {
		queries = bench.QueriesB
	}
	warm, qs := queries(500, 7), queries(*n, 42)
	search := func(q string, i int) time.Duration {
		r := trouvaille.Request{Q: q, Page: 1 + i%50, PerPage: 20, NoSnippets: !*snippets}
		if *page > 0 {
			r.Page = *page
		}
		if !*facets {
			r.Facets = []string{}
		}
		t := time.Now()
		if _, err := eng.Search(context.Background(), trouvaille.Scope{}, r); err != nil {
			log.Fatalf("%q: %v", r.Q, err)
		}
		return time.Since(t)
	}
	for i, q := range warm {
		search(q.Q, i) // warm-up: discovery tables, page cache
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
		took[i] = search(q.Q, i)
	}
	slices.Sort(took)
	at := func(p int) float64 { return float64(took[(len(took)-1)*p/100].Microseconds()) / 1000 }
	fmt.Printf("%d searches: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms\n", len(took), at(50), at(90), at(99))
}
