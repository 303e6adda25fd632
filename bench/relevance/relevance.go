package relevance

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"
)

// Query is one judged query.
type Query struct {
	Q         string         `json:"q"`
	Judgments map[string]int `json:"judgments"`
	Kind      string         `json:"kind"`
}

// Load reads judged queries (JSON lines).
func Load(path string) ([]Query, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f)
}

// Read reads judged queries (JSON lines) from r.
func Read(r io.Reader) ([]Query, error) {
	var qs []Query
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var q Query
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return nil, fmt.Errorf("requêtes ligne %d : %w", line, err)
		}
		qs = append(qs, q)
	}
	return qs, sc.Err()
}

// K is the cut-off of nDCG@K and recall@K.
const K = 10

// Scores are the metrics of one query or their means over a set.
type Scores struct {
	NDCG   float64
	MRR    float64
	Recall float64
}

// Score computes nDCG@K (gain 2^grade − 1, log2 discount), reciprocal rank of
// the first relevant note, and recall@K (judged notes found in the top K).
func Score(q Query, ranked []string) Scores {
	var s Scores
	dcg := 0.0
	found := 0
	for i, id := range ranked {
		if i >= K {
			break
		}
		g := q.Judgments[id]
		if g > 0 {
			dcg += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i)+2)
			found++
			if s.MRR == 0 {
				s.MRR = 1 / float64(i+1)
			}
		}
	}
	grades := make([]int, 0, len(q.Judgments))
	for _, g := range q.Judgments {
		if g > 0 {
			grades = append(grades, g)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(grades)))
	ideal := 0.0
	for i, g := range grades {
		if i >= K {
			break
		}
		ideal += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i)+2)
	}
	if ideal > 0 {
		s.NDCG = dcg / ideal
	}
	if n := min(len(grades), K); n > 0 {
		s.Recall = float64(found) / float64(n)
	}
	return s
}

// Result is one query's ranking and scores.
type Result struct {
	Query  Query
	Ranked []string
	Scores Scores
}

// Report is an engine's results over a query set.
type Report struct {
	Engine  string
	Results []Result
	Mean    Scores
}

// Evaluate runs every query through search (which returns ranked note ids)
// and averages the scores.
func Evaluate(engine string, qs []Query, search func(q string) ([]string, error)) (*Report, error) {
	rep := &Report{Engine: engine}
	for _, q := range qs {
		ranked, err := search(q.Q)
		if err != nil {
			return nil, fmt.Errorf("%s, requête %q : %w", engine, q.Q, err)
		}
		s := Score(q, ranked)
		rep.Results = append(rep.Results, Result{Query: q, Ranked: ranked, Scores: s})
		rep.Mean.NDCG += s.NDCG
		rep.Mean.MRR += s.MRR
		rep.Mean.Recall += s.Recall
	}
	if n := float64(len(qs)); n > 0 {
		rep.Mean.NDCG /= n
		rep.Mean.MRR /= n
		rep.Mean.Recall /= n
	}
	return rep, nil
}

// ByKind returns mean scores per query kind.
func (r *Report) ByKind() map[string]Scores {
	sums := map[string]Scores{}
	counts := map[string]int{}
	for _, res := range r.Results {
		k := res.Query.Kind
		s := sums[k]
		s.NDCG += res.Scores.NDCG
		s.MRR += res.Scores.MRR
		s.Recall += res.Scores.Recall
		sums[k] = s
		counts[k]++
	}
	for k, s := range sums {
		n := float64(counts[k])
		sums[k] = Scores{s.NDCG / n, s.MRR / n, s.Recall / n}
	}
	return sums
}

// Stats renders the report as the golden stats file of the judged queries
// in the file named queries: overall figures then per kind.
func (r *Report) Stats(queries string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s, %d requêtes jugées (%s)\n", r.Engine, len(r.Results), queries)
	fmt.Fprintf(&b, "ndcg@10 %.4f\nmrr %.4f\nrecall@10 %.4f\n", r.Mean.NDCG, r.Mean.MRR, r.Mean.Recall)
	kinds := r.ByKind()
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		s := kinds[k]
		fmt.Fprintf(&b, "kind %-12s ndcg@10 %.4f mrr %.4f recall@10 %.4f\n", k, s.NDCG, s.MRR, s.Recall)
	}
	return b.String()
}

// ParseStats reads the overall figures back from a stats file.
func ParseStats(s string) (Scores, error) {
	var out Scores
	seen := 0
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		var v float64
		if _, err := fmt.Sscanf(f[1], "%g", &v); err != nil {
			continue
		}
		switch f[0] {
		case "ndcg@10":
			out.NDCG = v
			seen++
		case "mrr":
			out.MRR = v
			seen++
		case "recall@10":
			out.Recall = v
			seen++
		}
	}
	if seen != 3 {
		return out, fmt.Errorf("fichier de statistiques incomplet (%d valeurs sur 3)", seen)
	}
	return out, nil
}
