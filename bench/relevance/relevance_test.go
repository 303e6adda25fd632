package relevance

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	trouvaille "github.com/encommun/trouvaille"
)

var update = flag.Bool("update", false, "rewrite testdata/relevance/stats.txt")

const (
	queriesFile = "../../testdata/relevance/queries.jsonl"
	statsFile   = "../../testdata/relevance/stats.txt"
	tolerance   = 0.0005
)

func TestScore(t *testing.T) {
	q := Query{Judgments: map[string]int{"a": 2, "b": 1}}
	cases := []struct {
		ranked    []string
		ndcg, mrr float64
		recall    float64
	}{
		{[]string{"a", "b"}, 1, 1, 1},
		{[]string{"b", "a"}, (1 + 3/math.Log2(3)) / (3 + 1/math.Log2(3)), 1, 1},
		{[]string{"x", "a"}, (3 / math.Log2(3)) / (3 + 1/math.Log2(3)), 0.5, 0.5},
		{nil, 0, 0, 0},
	}
	for _, c := range cases {
		s := Score(q, c.ranked)
		if math.Abs(s.NDCG-c.ndcg) > 1e-9 || math.Abs(s.MRR-c.mrr) > 1e-9 || math.Abs(s.Recall-c.recall) > 1e-9 {
			t.Errorf("Score(%v) = %+v, want ndcg %.4f mrr %.4f recall %.4f", c.ranked, s, c.ndcg, c.mrr, c.recall)
		}
	}
}

// demoEngine loads the demo corpus into a real engine in a temp folder.
func demoEngine(t *testing.T) *trouvaille.Engine {
	t.Helper()
	eng, err := LoadTrouvaille(t.TempDir(), bytes.NewReader(trouvaille.DemoNotes))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// TestTrouvailleRelevance runs the judged queries over the demo corpus and
// fails when nDCG@10, MRR or recall@10 drop below the golden stats.
func TestTrouvailleRelevance(t *testing.T) {
	qs, err := Load(queriesFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) < 50 {
		t.Fatalf("only %d judged queries", len(qs))
	}
	eng := demoEngine(t)
	rep, err := Evaluate("Trouvaille", qs, TrouvailleSearch(eng))
	if err != nil {
		t.Fatal(err)
	}
	if path := os.Getenv("RELEVANCE_DUMP"); path != "" {
		var b strings.Builder
		for _, r := range rep.Results {
			fmt.Fprintf(&b, "%.3f\t%s\t%q\n", r.Scores.NDCG, r.Query.Kind, r.Query.Q)
		}
		os.WriteFile(path, []byte(b.String()), 0o644)
	}
	stats := rep.Stats()
	t.Logf("\n%s", stats)
	if *update {
		if err := os.WriteFile(statsFile, []byte(stats), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(statsFile)
	if err != nil {
		t.Fatalf("%v (run go test ./bench/relevance -update)", err)
	}
	want, err := ParseStats(string(b))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Mean.NDCG < want.NDCG-tolerance || rep.Mean.MRR < want.MRR-tolerance || rep.Mean.Recall < want.Recall-tolerance {
		t.Errorf("relevance dropped: ndcg@10 %.4f (golden %.4f), mrr %.4f (golden %.4f), recall@10 %.4f (golden %.4f)",
			rep.Mean.NDCG, want.NDCG, rep.Mean.MRR, want.MRR, rep.Mean.Recall, want.Recall)
		for _, r := range rep.Results {
			if r.Scores.NDCG < 0.5 {
				t.Logf("weak: %-35q ndcg %.2f", r.Query.Q, r.Scores.NDCG)
			}
		}
	}
	if rep.Mean.NDCG > want.NDCG+0.01 {
		t.Logf("relevance improved (ndcg@10 %.4f > %.4f): run -update to raise the bar", rep.Mean.NDCG, want.NDCG)
	}
}
