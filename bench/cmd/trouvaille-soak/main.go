// Command trouvaille-soak is a bounded load test of a whole Trouvaille
// server: it loads N generated notes into a fresh data folder, serves the
// API on the loopback interface (in this process), then for a fixed
// duration runs concurrent searches at saturation and continuous writes
// through POST /v1/notes, and reports every interval the search latency
// (p50, p99), the errors, the resident memory and the write lag (from the
// write's acknowledgement to the moment it is searchable). It stops by
// itself and writes a CSV, an SVG plot and a Markdown table.
//
//	go run ./bench/cmd/trouvaille-soak -notes 100000 -duration 30m -out soak/
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/api"
	"github.com/encommun/trouvaille/bench"
)

const token = "jeton-soak"

// newPerMille is the share of new notes in each write, in thousandths (the
// rest update existing notes); profile is the CPU profile's file, if any.
var (
	newPerMille          int
	profile, heapProfile string
)

func main() {
	notes := flag.Int("notes", 100000, "notes chargées avant la charge")
	dur := flag.Duration("duration", 30*time.Minute, "durée de la charge (2 h au plus)")
	every := flag.Duration("interval", 30*time.Second, "intervalle des mesures")
	searchers := flag.Int("searchers", 2*runtime.GOMAXPROCS(0), "recherches simultanées")
	batch := flag.Int("write-batch", 20, "notes par écriture")
	data := flag.String("data", "", "dossier de données (vide : un dossier temporaire, effacé à la fin)")
	out := flag.String("out", "soak", "dossier des résultats (CSV, SVG, Markdown)")
	seed := flag.Int64("seed", 1, "graine du générateur")
	newShare := flag.Float64("new", 0, "part des notes nouvelles dans chaque écriture (0 : des mises à jour seulement, le corpus garde sa taille)")
	cpuProfile := flag.String("cpuprofile", "", "fichier du profil CPU de la charge (vide : aucun)")
	memProfile := flag.String("memprofile", "", "fichier du profil de la mémoire vive (tas), pris à la fin de la charge (vide : aucun)")
	flag.Parse()
	if *dur <= 0 || *dur > 2*time.Hour {
		log.Fatal("-duration : de 1 s à 2 h")
	}
	if *newShare < 0 || *newShare > 1 {
		log.Fatal("-new : une part entre 0 et 1")
	}
	newPerMille = int(*newShare * 1000)
	profile, heapProfile = *cpuProfile, *memProfile
	if err := run(*notes, *dur, *every, *searchers, *batch, *data, *out, *seed); err != nil {
		log.Fatalf("trouvaille-soak : %v", err)
	}
}

// sample is one interval's measures.
type sample struct {
	At          time.Duration
	Searches    int
	P50, P99    time.Duration
	Errors      int64
	RSS         int64
	Anon        int64 // RssAnon
	StoreDisk   int64 // bytes of the store's folder
	IndexDisk   int64 // bytes of the index's folder
	Writes      int
	LagP50      time.Duration
	LagMax      time.Duration
	IndexLagSeq uint64
}

func run(n int, dur, every time.Duration, searchers, batch int, data, out string, seed int64) error {
	if data == "" {
		d, err := os.MkdirTemp("", "trouvaille-soak-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		data = d
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	// As `trouvaille ingest` then `trouvaille serve`: a bulk load, the
	// index compacted and the store settled, then the folder opened to serve.
	start := time.Now()
	bulk, err := trouvaille.Open(data, trouvaille.OpenOptions{Logf: log.Printf, Bulk: true})
	if err != nil {
		return err
	}
	if err := load(bulk, n, seed); err != nil {
		bulk.Close()
		return err
	}
	if _, err := bulk.CloseCompacted(context.Background()); err != nil {
		return err
	}
	log.Printf("%d notes chargées en %s", n, time.Since(start).Round(time.Second))
	eng, err := trouvaille.Open(data, trouvaille.OpenOptions{Logf: log.Printf})
	if err != nil {
		return err
	}
	defer eng.Close()
	// Memory as `trouvaille serve` has it: no ceiling unless GOMEMLIMIT says so.
	eng.WarmUp()
	for eng.Ready() != nil {
		time.Sleep(100 * time.Millisecond)
	}
	// The server, on the loopback interface only, with its real bounds.
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// No rate limit: the soak measures the engine at saturation from one
	// loopback address, not the anonymous limiter (600 a minute per IP).
	h := api.New(eng, api.Config{AdminToken: token, AnonymousRatePerMinute: -1, Ops: api.OpsConfig{Logger: quiet}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := api.NewHTTPServer(h, api.ServerLimits{}, 10*time.Second)
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: searchers + 4}, Timeout: 30 * time.Second}

	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var (
		mu        sync.Mutex
		latencies []time.Duration
		lags      []time.Duration
		writes    int
		errs      atomic.Int64
		firstErr  atomic.Value
	)
	// Every error is logged (the first 100) and counted by kind, for the report.
	kinds := map[string]int{}
	fail := func(kind string, err error) {
		n := errs.Add(1)
		firstErr.CompareAndSwap(nil, err.Error())
		mu.Lock()
		kinds[kind]++
		mu.Unlock()
		if n <= 100 {
			log.Printf("erreur %d : %.300s", n, err)
		}
	}
	queries := bench.Queries(2000, seed+1)
	var wg sync.WaitGroup
	for w := 0; w < searchers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(seed), uint64(w)))
			for ctx.Err() == nil {
				q := queries[r.IntN(len(queries))]
				u := base + "/v1/search?q=" + url.QueryEscape(q.Q)
				if q.Kind == bench.KindPlain {
					u += "&facets=none&snippets=false"
				}
				t0 := time.Now()
				resp, err := client.Get(u)
				if err != nil {
					if ctx.Err() == nil {
						fail("recherche : erreur du client HTTP", fmt.Errorf("GET %s après %s : %w", u, time.Since(t0).Round(time.Millisecond), err))
					}
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					var e struct {
						Error struct{ Code string } `json:"error"`
					}
					json.Unmarshal(b, &e)
					fail(fmt.Sprintf("recherche : %d %s", resp.StatusCode, e.Error.Code), fmt.Errorf("GET %s : %d après %s : %.200s", u, resp.StatusCode, time.Since(t0).Round(time.Millisecond), b))
					continue
				}
				d := time.Since(t0)
				mu.Lock()
				latencies = append(latencies, d)
				mu.Unlock()
			}
		}(w)
	}
	// One writer: new notes and updates, acknowledged once durable; the
	// lag is measured until /v1/tasks/{seq} says indexed.
	wg.Add(1)
	go func() {
		defer wg.Done()
		next := n
		r := rand.New(rand.NewPCG(uint64(seed), 1<<40))
		var scratch []byte
		for ctx.Err() == nil {
			var body bytes.Buffer
			for i := 0; i < batch; i++ {
				idx := next
				if r.IntN(1000) >= newPerMille {
					idx = r.IntN(next) // an update of an existing note
				} else {
					next++
				}
				var note bench.Note
				note, scratch = bench.MakeNote(idx, seed+int64(next), scratch)
				note.ID = "soak-" + strconv.Itoa(idx)
				b, _ := json.Marshal(note)
				body.Write(b)
				body.WriteByte('\n')
			}
			t0 := time.Now()
			req, _ := http.NewRequest("POST", base+"/v1/notes", &body)
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/x-ndjson")
			resp, err := client.Do(req)
			if err != nil {
				if ctx.Err() == nil {
					fail("écriture : erreur du client HTTP", err)
				}
				continue
			}
			var wr struct {
				Seq      uint64            `json:"seq"`
				Rejected []json.RawMessage `json:"rejected"`
			}
			err = json.NewDecoder(resp.Body).Decode(&wr)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || len(wr.Rejected) > 0 {
				fail(fmt.Sprintf("écriture : %d", resp.StatusCode), fmt.Errorf("POST /v1/notes : %d %v %d rejets", resp.StatusCode, err, len(wr.Rejected)))
				continue
			}
			for ctx.Err() == nil && !eng.Indexed(wr.Seq) {
				time.Sleep(2 * time.Millisecond)
			}
			if ctx.Err() != nil {
				return
			}
			mu.Lock()
			lags = append(lags, time.Since(t0))
			writes++
			mu.Unlock()
		}
	}()

	var samples []sample
	tick := time.NewTicker(every)
	defer tick.Stop()
	loadStart := time.Now()
	var lastErrs int64
	collect := func() {
		mu.Lock()
		lat, lg, wn := latencies, lags, writes
		latencies, lags, writes = nil, nil, 0
		mu.Unlock()
		st, ix := eng.Seqs()
		e := errs.Load()
		total, anon := rss()
		s := sample{At: time.Since(loadStart).Round(time.Second), Searches: len(lat), Errors: e - lastErrs, RSS: total, Anon: anon, Writes: wn, IndexLagSeq: st - ix,
			StoreDisk: dirSize(filepath.Join(data, "store")), IndexDisk: dirSize(indexDir(data))}
		lastErrs = e
		s.P50, s.P99 = pct(lat, 50), pct(lat, 99)
		s.LagP50 = pct(lg, 50)
		if len(lg) > 0 {
			s.LagMax = slices.Max(lg)
		}
		samples = append(samples, s)
		log.Printf("%6s  %6d recherches  p50 %-8s p99 %-8s erreurs %d  RSS %d Mio (anonyme %d)  écritures %d  délai p50 %s max %s  disque : magasin %d Mio, index %d Mio",
			s.At, s.Searches, s.P50, s.P99, s.Errors, s.RSS>>20, s.Anon>>20, s.Writes, s.LagP50, s.LagMax, s.StoreDisk>>20, s.IndexDisk>>20)
	}
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-tick.C:
			collect()
		}
	}
	wg.Wait()
	if heapProfile != "" {
		runtime.GC()
		f, err := os.Create(heapProfile)
		if err != nil {
			return err
		}
		err = pprof.Lookup("heap").WriteTo(f, 0)
		f.Close()
		if err != nil {
			return err
		}
	}
	if fe, ok := firstErr.Load().(string); ok {
		log.Printf("première erreur : %s", fe)
	}
	return report(out, n, dur, searchers, batch, samples, errs.Load(), kinds)
}

// load ingests n generated notes through the engine (the bulk path when
// eng was opened with Bulk, as `trouvaille ingest` opens it).
func load(eng *trouvaille.Engine, n int, seed int64) error {
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriterSize(pw, 1<<20)
		err := bench.GenerateNotes(n, seed, func(i int, note *bench.Note) error {
			note.ID = "soak-" + strconv.Itoa(i)
			b, err := json.Marshal(note)
			if err != nil {
				return err
			}
			bw.Write(b)
			return bw.WriteByte('\n')
		})
		if err == nil {
			err = bw.Flush()
		}
		pw.CloseWithError(err)
	}()
	rep, err := (&trouvaille.Ingester{Engine: eng, BatchSize: 2000}).Ingest(pr, "soak.jsonl")
	if err != nil {
		return err
	}
	if rep.Rejected > 0 {
		return fmt.Errorf("%d notes générées rejetées", rep.Rejected)
	}
	return nil
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	return d[(len(d)-1)*p/100]
}

// rss reads this process's resident memory (Linux).
// rss returns the process's resident memory (VmRSS), and its anonymous
// part (RssAnon: heaps, stacks) apart from the file pages it maps (the
// index's segments, the store's tables and value log, the binary), which
// the kernel can drop under pressure and which follow the data files.
func rss() (total, anon int64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			total = kb << 10
		case "RssAnon:":
			anon = kb << 10
		}
	}
	return total, anon
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64)
}

// mix says in French what the writes hold.
func mix() string {
	switch newPerMille {
	case 0:
		return "des mises à jour de notes existantes seulement : le corpus garde sa taille"
	case 1000:
		return "des notes nouvelles seulement"
	}
	return fmt.Sprintf("%.0f %% de notes nouvelles, le reste en mises à jour", float64(newPerMille)/10)
}

// report writes soak.csv, soak.svg and soak.md in out.
func report(out string, n int, dur time.Duration, searchers, batch int, s []sample, errs int64, kinds map[string]int) error {
	if len(s) == 0 {
		return errors.New("aucune mesure : durée plus courte que l’intervalle")
	}
	var csv strings.Builder
	csv.WriteString("seconds,searches,p50_ms,p99_ms,errors,rss_mib,rss_anon_mib,writes,write_lag_p50_ms,write_lag_max_ms,index_lag_seq,store_disk_mib,index_disk_mib\n")
	var md strings.Builder
	fmt.Fprintf(&md, "%d notes, %s, %d recherches simultanées, une écriture de %d notes à la fois (%s), %d cœurs (GOMAXPROCS), %s.\n\n",
		n, dur, searchers, batch, mix(), runtime.GOMAXPROCS(0), runtime.Version())
	md.WriteString("| temps | recherches | p50 | p99 | erreurs | RSS | dont anonyme | écritures | délai d’écriture p50 | max | magasin (disque) | index (disque) |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, x := range s {
		fmt.Fprintf(&csv, "%d,%d,%s,%s,%d,%d,%d,%d,%s,%s,%d,%d,%d\n", int(x.At.Seconds()), x.Searches, ms(x.P50), ms(x.P99), x.Errors, x.RSS>>20, x.Anon>>20, x.Writes, ms(x.LagP50), ms(x.LagMax), x.IndexLagSeq, x.StoreDisk>>20, x.IndexDisk>>20)
		fmt.Fprintf(&md, "| %s | %d | %s ms | %s ms | %d | %d Mio | %d Mio | %d | %s ms | %s ms | %d Mio | %d Mio |\n", x.At, x.Searches, ms(x.P50), ms(x.P99), x.Errors, x.RSS>>20, x.Anon>>20, x.Writes, ms(x.LagP50), ms(x.LagMax), x.StoreDisk>>20, x.IndexDisk>>20)
	}
	fmt.Fprintf(&md, "\nErreurs en tout : %d.\n", errs)
	names := slices.Sorted(maps.Keys(kinds))
	for _, k := range names {
		fmt.Fprintf(&md, "- %s : %d\n", k, kinds[k])
	}
	for name, content := range map[string]string{"soak.csv": csv.String(), "soak.md": md.String(), "soak.svg": plot(s)} {
		if err := os.WriteFile(filepath.Join(out, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	fmt.Print(md.String())
	return nil
}

// plot draws p50 and p99 (ms, left axis) and RSS (MiB, right axis) over time.
func plot(s []sample) string {
	const w, h, l, r, t, b = 720, 300, 50, 60, 20, 40
	var maxMS, maxRSS float64 = 1, 1
	for _, x := range s {
		maxMS = max(maxMS, float64(x.P99.Microseconds())/1000)
		maxRSS = max(maxRSS, float64(x.RSS>>20))
	}
	maxRSS *= 1.2
	last := max(s[len(s)-1].At.Seconds(), 1)
	X := func(sec float64) float64 { return l + sec/last*(w-l-r) }
	line := func(color, dash string, val func(sample) float64, top float64) string {
		var p strings.Builder
		for _, x := range s {
			fmt.Fprintf(&p, "%.1f,%.1f ", X(x.At.Seconds()), float64(h-b)-val(x)/top*float64(h-t-b))
		}
		return fmt.Sprintf(`<polyline fill="none" stroke="%s" stroke-width="2" stroke-dasharray="%s" points="%s"/>`, color, dash, strings.TrimSpace(p.String()))
	}
	var g strings.Builder
	fmt.Fprintf(&g, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" font-family="sans-serif" font-size="11">`, w, h, w, h)
	fmt.Fprintf(&g, `<rect width="%d" height="%d" fill="white"/>`, w, h)
	fmt.Fprintf(&g, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/><line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/><line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/>`,
		l, h-b, w-r, h-b, l, t, l, h-b, w-r, t, w-r, h-b)
	fmt.Fprintf(&g, `<text x="4" y="%d">%.0f ms</text><text x="4" y="%d">0</text>`, t+4, maxMS, h-b)
	fmt.Fprintf(&g, `<text x="%d" y="%d">%.0f Mio</text><text x="%d" y="%d">0</text>`, w-r+4, t+4, maxRSS, w-r+4, h-b)
	fmt.Fprintf(&g, `<text x="%d" y="%d">0 s</text><text x="%d" y="%d" text-anchor="end">%.0f s</text>`, l, h-b+14, w-r, h-b+14, last)
	g.WriteString(line("#1f5fa8", "", func(x sample) float64 { return float64(x.P50.Microseconds()) / 1000 }, maxMS))
	g.WriteString(line("#a00000", "", func(x sample) float64 { return float64(x.P99.Microseconds()) / 1000 }, maxMS))
	g.WriteString(line("#2a7a2a", "6 3", func(x sample) float64 { return float64(x.RSS >> 20) }, maxRSS))
	g.WriteString(line("#7a4a00", "2 3", func(x sample) float64 { return float64(x.Anon >> 20) }, maxRSS))
	fmt.Fprintf(&g, `<text x="%d" y="%d" fill="#1f5fa8">p50 recherche</text><text x="%d" y="%d" fill="#a00000">p99 recherche</text><text x="%d" y="%d" fill="#2a7a2a">RSS (axe de droite)</text><text x="%d" y="%d" fill="#7a4a00">dont anonyme</text>`,
		l+10, h-8, l+130, h-8, l+250, h-8, l+400, h-8)
	g.WriteString(`</svg>`)
	return g.String()
}

// dirSize sums the disk space used by the regular files under dir (blocks
// allocated, not apparent sizes: Badger's open value-log file is sparse).
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				if st, ok := fi.Sys().(*syscall.Stat_t); ok {
					n += st.Blocks * 512
				} else {
					n += fi.Size()
				}
			}
		}
		return nil
	})
	return n
}

// indexDir is the folder of the data folder's index in service: the one
// the file index.courant names, if any (after a rebuild beside the old
// index), else index.
func indexDir(data string) string {
	if b, err := os.ReadFile(filepath.Join(data, "index.courant")); err == nil {
		if name := strings.TrimSpace(string(b)); strings.HasPrefix(name, "index.") && !strings.ContainsAny(name, `/\`) {
			return filepath.Join(data, name)
		}
	}
	return filepath.Join(data, "index")
}
