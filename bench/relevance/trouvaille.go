package relevance

import (
	"context"

	"github.com/encommun/trouvaille/index"
	"github.com/encommun/trouvaille/ingest"
)

// TrouvailleSearch returns the search function of an open engine: the top
// K note ids for a query, through the same code path as the API.
func TrouvailleSearch(eng *ingest.Engine) func(string) ([]string, error) {
	return func(q string) ([]string, error) {
		res, err := eng.Index.Search(context.Background(), index.Request{Q: q, PerPage: K, Facets: []string{}, NoSnippets: true}, eng.Store)
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		return ids, nil
	}
}
