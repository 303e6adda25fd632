package searchbench_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/encommun/trouvaille/bench"
	"github.com/encommun/trouvaille/discover"
	"github.com/encommun/trouvaille/index"
	"github.com/encommun/trouvaille/store"
)

// BenchmarkDiscoveryView builds the discovery view (autocomplete tables and
// the "Vouliez-vous dire" vocabulary) over generated notes in a real store
// and index (10k by default; TROUVAILLE_BENCH_NOTES to change) and reports
// the heap a view keeps (view-MiB, measured once the store's caches are warm)
// and the time of a build (build-s, reading the notes included).
func BenchmarkDiscoveryView(b *testing.B) {
	n := 10000
	if s := os.Getenv("TROUVAILLE_BENCH_NOTES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dir := b.TempDir()
	st, err := store.Open(filepath.Join(dir, "store"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var batch []store.Change
	flush := func() error {
		_, _, err := st.Apply(batch)
		batch = batch[:0]
		return err
	}
	err = bench.GenerateNotes(n, 42, func(i int, g *bench.Note) error {
		raw, _ := json.Marshal(g)
		var sn store.Note
		if err := json.Unmarshal(raw, &sn); err != nil {
			return err
		}
		batch = append(batch, store.Change{Note: &sn})
		if len(batch) == 2000 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		b.Fatal(err)
	}
	ix, err := index.Open(filepath.Join(dir, "index"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.CatchUp(st, 2000); err != nil {
		b.Fatal(err)
	}
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	// A first view fills the store's caches, so that the measured ones add
	// only themselves.
	warm := discover.New(ix, st)
	if err := warm.Warm(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer warm.Close()
	b.ResetTimer()
	var kept uint64
	var took time.Duration
	for i := 0; i < b.N; i++ {
		before := heap()
		d := discover.New(ix, st)
		t0 := time.Now()
		if err := d.Warm(context.Background()); err != nil {
			b.Fatal(err)
		}
		took += time.Since(t0)
		kept += heap() - before
		d.Close()
		runtime.KeepAlive(d)
	}
	b.ReportMetric(float64(kept)/float64(b.N)/(1<<20), "view-MiB")
	b.ReportMetric(took.Seconds()/float64(b.N), "build-s")
}
