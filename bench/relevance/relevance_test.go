package relevance

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	trouvaille "github.com/encommun/trouvaille"
)

var update = flag.Bool("update", false, "rewrite the judged sets' stats.txt (testdata/relevance, testdata/praxis, testdata/besoins, testdata/milieux)")

const (
	queriesFile = "../../testdata/relevance/queries.jsonl"
	statsFile   = "../../testdata/relevance/stats.txt"
	tolerance   = 0.0005
)

// judgedSet is a corpus and its judged queries, with Trouvaille's golden
// figures on them (paths from this package).
type judgedSet struct {
	name                  string
	notes, queries, stats string
	minQueries            int
}

// judgedSets are the six sets, built apart: the demo corpus (generated
// from hand-written topics, testdata/demo/src) with its 158 queries; the
// Praxis-style notes written freely by hand with their own queries
// (testdata/praxis/README.md); and notes on three other themes with queries
// typed from information needs by someone who never saw the notes, each
// judged against every public note (testdata/besoins/README.md); and, the
// same way with other writers, typist and judges, notes on three more
// themes (testdata/milieux/README.md); and the needs of the last two typed
// again by someone writing by ear (testdata/oreille/README.md), over the
// same notes.
var judgedSets = []judgedSet{
	{"demo", demoNotesFile, queriesFile, statsFile, 150},
	{"praxis", "../../testdata/praxis/notes.jsonl", "../../testdata/praxis/queries.jsonl", "../../testdata/praxis/stats.txt", 50},
	{"besoins", "../../testdata/besoins/notes.jsonl", "../../testdata/besoins/queries.jsonl", "../../testdata/besoins/stats.txt", 50},
	{"milieux", "../../testdata/milieux/notes.jsonl", "../../testdata/milieux/queries.jsonl", "../../testdata/milieux/stats.txt", 50},
	{"oreille-besoins", "../../testdata/besoins/notes.jsonl", "../../testdata/oreille/besoins.jsonl", "../../testdata/oreille/stats-besoins.txt", 50},
	{"oreille-milieux", "../../testdata/milieux/notes.jsonl", "../../testdata/oreille/milieux.jsonl", "../../testdata/oreille/stats-milieux.txt", 50},
}

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

// nonPublic returns the ids of the corpus's notes that are not public.
func nonPublic(t *testing.T, notesFile string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(notesFile)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, line := range bytes.Split(b, []byte("\n")) {
		var n struct{ ID, Visibility string }
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if err := json.Unmarshal(line, &n); err != nil {
			t.Fatal(err)
		}
		if n.Visibility != "public" {
			out[n.ID] = true
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s has no private or community note: the leak check checks nothing", notesFile)
	}
	return out
}

// evaluated caches Trouvaille's evaluation of each judged set: the tests of
// a set (golden figures, stock Bleve, Xapian) share one load and one run.
var evaluated struct {
	sync.Mutex
	qs  map[string][]Query
	rep map[string]*Report
}

// trouvailleOn returns a judged set's queries and Trouvaille's report on
// them (a real engine loaded with the set's corpus, anonymous searches).
func trouvailleOn(t *testing.T, set judgedSet) ([]Query, *Report) {
	t.Helper()
	evaluated.Lock()
	defer evaluated.Unlock()
	if rep, ok := evaluated.rep[set.name]; ok {
		return evaluated.qs[set.name], rep
	}
	qs, err := Load(set.queries)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Evaluate("Trouvaille", qs, TrouvailleSearch(loadEngine(t, set.notes)))
	if err != nil {
		t.Fatal(err)
	}
	if evaluated.rep == nil {
		evaluated.qs, evaluated.rep = map[string][]Query{}, map[string]*Report{}
	}
	evaluated.qs[set.name], evaluated.rep[set.name] = qs, rep
	return qs, rep
}

// loadEngine loads a corpus file into a real engine in a temp folder.
func loadEngine(t *testing.T, notesFile string) *trouvaille.Engine {
	t.Helper()
	notes, err := os.ReadFile(notesFile)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := LoadTrouvaille(t.TempDir(), bytes.NewReader(notes))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// TestTrouvailleRelevance runs each set's judged queries over its corpus and
// fails when nDCG@10, MRR or recall@10 drop below its golden stats.
func TestTrouvailleRelevance(t *testing.T) {
	for _, set := range judgedSets {
		t.Run(set.name, func(t *testing.T) { checkRelevance(t, set) })
	}
}

func checkRelevance(t *testing.T, set judgedSet) {
	queriesFile, statsFile := set.queries, set.stats
	qs, rep := trouvailleOn(t, set)
	if len(qs) < set.minQueries {
		t.Fatalf("only %d judged queries", len(qs))
	}
	// The searches are anonymous: a private or community note of the
	// corpus (several match the queries closely) must never come back.
	hidden := nonPublic(t, set.notes)
	for _, r := range rep.Results {
		for _, id := range r.Ranked {
			if hidden[id] {
				t.Errorf("%q: non-public note %s returned to an anonymous search", r.Query.Q, id)
			}
		}
	}
	if path := os.Getenv("RELEVANCE_DUMP"); path != "" {
		var b strings.Builder
		for _, r := range rep.Results {
			fmt.Fprintf(&b, "%.3f\t%s\t%q\t%v\n", r.Scores.NDCG, r.Query.Kind, r.Query.Q, r.Ranked)
		}
		os.WriteFile(path, []byte(b.String()), 0o644)
	}
	stats := rep.Stats(strings.TrimPrefix(queriesFile, "../../"))
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

// The README's tables of Trouvaille's figures (the project's set, then the
// second set) say what the golden stats say, to the third decimal.
func TestReadmeFigures(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "| Trouvaille | 0,") {
			rows = append(rows, line)
		}
	}
	if len(rows) != len(judgedSets) {
		t.Fatalf("README has %d rows of Trouvaille's figures, want one per judged set (%d):\n%s", len(rows), len(judgedSets), strings.Join(rows, "\n"))
	}
	// The English summary names each set's nDCG@10 in prose, in order.
	prose := regexp.MustCompile(`Trouvaille (?:nDCG@10 )?(0\.\d{3})`).FindAllStringSubmatch(string(b), -1)
	if len(prose) != len(judgedSets) {
		t.Fatalf("README's English summary names %d figures of Trouvaille, want one per judged set (%d): %q", len(prose), len(judgedSets), prose)
	}
	for i, set := range judgedSets {
		st, err := os.ReadFile(set.stats)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ParseStats(string(st))
		if err != nil {
			t.Fatal(err)
		}
		row := strings.ReplaceAll(fmt.Sprintf("| Trouvaille | %.3f | %.3f | %.3f |", want.NDCG, want.MRR, want.Recall), ".", ",")
		if rows[i] != row {
			t.Errorf("README, set %s: %q, the golden stats give %q", set.name, rows[i], row)
		}
		if got := fmt.Sprintf("%.3f", want.NDCG); prose[i][1] != got {
			t.Errorf("README's English summary, set %s: nDCG@10 %s, the golden stats give %s", set.name, prose[i][1], got)
		}
	}
}
