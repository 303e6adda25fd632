package searchbench_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/bench"
	"github.com/encommun/trouvaille/store"
)

// BenchmarkIngest loads generated notes (5,000 by default;
// TROUVAILLE_BENCH_INGEST_NOTES to change) as JSON lines into a new data
// folder per iteration, as `trouvaille ingest` does (decoding, validation,
// store, index, discovery view), and reports notes/s and the bytes a note
// takes on disk (store and index; the store's ballast left out). The bench
// command (trouvaille-bench) measures the same at 100k and 1M notes.
func BenchmarkIngest(b *testing.B) {
	n := 5000
	if s := os.Getenv("TROUVAILLE_BENCH_INGEST_NOTES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	var lines bytes.Buffer
	enc := json.NewEncoder(&lines)
	if err := bench.GenerateNotes(n, 42, func(_ int, g *bench.Note) error { return enc.Encode(g) }); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(lines.Len()))
	var diskBytes int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		eng, err := trouvaille.Open(dir, trouvaille.OpenOptions{Bulk: true})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := (&trouvaille.Ingester{Engine: eng}).Ingest(bytes.NewReader(lines.Bytes()), "bench.jsonl")
		if err != nil {
			b.Fatal(err)
		}
		if rep.Added != n {
			b.Fatalf("%d notes added of %d", rep.Added, n)
		}
		if err := eng.Close(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		diskBytes = folderBytes(b, dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "notes/s")
	b.ReportMetric(float64(diskBytes)/float64(n), "disk-B/note")
}

// folderBytes sums the sizes of a data folder's files, the store's ballast
// left out.
func folderBytes(b *testing.B, dir string) int64 {
	var total int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == store.BallastName {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		total += fi.Size()
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return total
}
