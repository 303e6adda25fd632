package relevance

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	trouvaille "github.com/encommun/trouvaille"
)

// A bulk load leaves merged segments (`trouvaille ingest` merges at its
// end), while the relevance runs index each corpus in one batch. Each
// judged query ranks the same notes in the same order on both, for the
// anonymous caller and the admin: the figures above hold for a real data
// folder. (The two differ in how zap stores some postings lists: see
// TestDictionaryCountsOnMergedSegment in package index.)
func TestMergedIndexRanksAlike(t *testing.T) {
	for _, set := range judgedSets {
		t.Run(set.name, func(t *testing.T) {
			qs, err := Load(set.queries)
			if err != nil {
				t.Fatal(err)
			}
			notes, err := os.ReadFile(set.notes)
			if err != nil {
				t.Fatal(err)
			}
			once := loadEngine(t, set.notes)
			merged, err := trouvaille.Open(t.TempDir(), trouvaille.OpenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer merged.Close()
			lines := strings.SplitAfter(string(notes), "\n")
			for at := 0; at < len(lines); at += 20 {
				chunk := strings.Join(lines[at:min(len(lines), at+20)], "")
				if _, err := (&trouvaille.Ingester{Engine: merged}).Ingest(strings.NewReader(chunk), "notes"); err != nil {
					t.Fatal(err)
				}
			}
			if err := merged.Compact(context.Background()); err != nil {
				t.Fatal(err)
			}
			page := func(e *trouvaille.Engine, sc trouvaille.Scope, q string) string {
				res, err := e.Search(context.Background(), sc, trouvaille.Request{Q: q, PerPage: K, Facets: []string{}, NoSnippets: true})
				if err != nil {
					t.Fatal(err)
				}
				ids := make([]string, len(res.Hits))
				for i, h := range res.Hits {
					ids[i] = h.ID
				}
				return fmt.Sprintf("%d %v %v", res.Total, ids, res.Suggestion)
			}
			for _, q := range qs {
				for _, sc := range []trouvaille.Scope{{}, trouvaille.AdminScope} {
					if a, b := page(merged, sc, q.Q), page(once, sc, q.Q); a != b {
						t.Errorf("%q (admin %v): merged %s, one batch %s", q.Q, sc.Admin, a, b)
					}
				}
			}
		})
	}
}
