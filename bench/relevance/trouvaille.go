package relevance

import (
	"context"
	"io"

	trouvaille "github.com/encommun/trouvaille"
)

// LoadTrouvaille opens an engine on the data folder dir and ingests the
// notes read from r (JSON lines), as the relevance runs need it.
func LoadTrouvaille(dir string, r io.Reader) (*trouvaille.Engine, error) {
	eng, err := trouvaille.Open(dir, trouvaille.OpenOptions{})
	if err != nil {
		return nil, err
	}
	if _, err := (&trouvaille.Ingester{Engine: eng}).Ingest(r, "notes"); err != nil {
		eng.Close()
		return nil, err
	}
	return eng, nil
}

// TrouvailleSearch returns the search function of an open engine: the top
// K note ids for a query, through the same code path as the API.
func TrouvailleSearch(eng *trouvaille.Engine) func(string) ([]string, error) {
	return func(q string) ([]string, error) {
		res, err := eng.Search(context.Background(), trouvaille.Scope{}, trouvaille.Request{Q: q, PerPage: K, Facets: []string{}, NoSnippets: true})
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
