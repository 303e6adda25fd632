package bench

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// The Trouvaille runner sends its queries as fast as the server answers,
// anonymously: the server's anonymous rate limit (600 a minute, bursts of
// 60) must be off, or most queries come back 429 and count as errors.
func TestTrouvailleRunnerNotRateLimited(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	ctx := context.Background()
	dir := t.TempDir()
	bin, err := BuildTrouvaille(ctx, "..", dir)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "notes.jsonl")
	if err := os.WriteFile(file, generate(t, 100, 3), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := &Config{NotesFile: file, Notes: 100, Queries: Queries(120, 3), Warmup: Queries(4, 4), WorkDir: dir}
	res, err := RunTrouvaille(ctx, cfg, bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Kinds {
		if l := res.Latency[k]; l == nil || l.N != 30 || l.Errors != 0 {
			t.Errorf("kind %s: %+v, want 30 queries without error", k, l)
		}
	}
}
