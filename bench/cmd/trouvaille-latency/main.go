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
	"cmp"
	"context"
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
	fmt.Print("ready; ")
	printMemory()
	queries := bench.Queries
	if *corpus == "b" {
		queries = bench.QueriesB
	}
	warm, qs := queries(500, 7), queries(*n, 42)
	search := func(q string, i int, perPage int) time.Duration {
		r := trouvaille.Request{Q: q, Page: 1 + i%50, PerPage: perPage, NoSnippets: !*snippets}
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
