package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// bleveFacets are the facets asked of stock Bleve.
var bleveFacets = []string{"authors", "organisations", "carnets", "terms"}

// bleveMapping is a plain Bleve mapping, as a newcomer would write it: the
// built-in "fr" analyzer on the text fields (stored, with term vectors, the
// defaults), keyword fields for facets, everything else default.
func bleveMapping() *mapping.IndexMappingImpl {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = fr.AnalyzerName
	kw := bleve.NewKeywordFieldMapping()
	kw.IncludeInAll = false
	date := bleve.NewDateTimeFieldMapping()
	date.IncludeInAll = false

	doc := bleve.NewDocumentMapping()
	for _, f := range []string{"title", "summary", "body"} {
		doc.AddFieldMappingsAt(f, text)
	}
	for _, f := range []string{"authors", "organisations", "carnets", "blocs", "terms", "type", "visibility"} {
		doc.AddFieldMappingsAt(f, kw)
	}
	doc.AddFieldMappingsAt("published_at", date)

	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = fr.AnalyzerName
	im.DefaultMapping = doc
	return im
}

func bleveDoc(n *Note) map[string]any {
	d := map[string]any{
		"title": n.Title, "summary": n.Summary, "body": n.Body,
		"authors": n.Authors, "organisations": n.Organisations, "carnets": n.CarnetTitles(),
		"blocs": n.Blocs(), "terms": n.Terms, "type": n.Type, "visibility": n.Visibility,
	}
	if t, err := time.Parse(time.RFC3339, n.PublishedAt); err == nil {
		d["published_at"] = t
	}
	return d
}

// BleveIngest indexes the notes file into a new Bleve index at dir, in
// batches of 1000, and closes it. It returns the number of notes indexed.
func BleveIngest(ctx context.Context, notesFile, dir string) (int, error) {
	idx, err := bleve.New(dir, bleveMapping())
	if err != nil {
		return 0, err
	}
	count := 0
	batch := idx.NewBatch()
	err = ReadNotes(notesFile, func(n *Note) error {
		if err := batch.Index(n.ID, bleveDoc(n)); err != nil {
			return err
		}
		count++
		if batch.Size() >= 1000 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := idx.Batch(batch); err != nil {
				return err
			}
			batch.Reset()
		}
		return nil
	})
	if err == nil && batch.Size() > 0 {
		err = idx.Batch(batch)
	}
	if cerr := idx.Close(); err == nil {
		err = cerr
	}
	return count, err
}

// BleveSearcher answers benchmark queries on an open index.
func BleveSearcher(idx bleve.Index) Searcher {
	return func(ctx context.Context, q Query) (int, error) {
		res, err := idx.SearchInContext(ctx, bleveRequest(q, query.MatchQueryOperatorAnd))
		if err != nil {
			return 0, err
		}
		if res.Total == 0 && q.Kind != KindPrefix && len(strings.Fields(q.Q)) > 1 {
			// No note has every word: fall back to any word, as engines do.
			res, err = idx.SearchInContext(ctx, bleveRequest(q, query.MatchQueryOperatorOr))
			if err != nil {
				return 0, err
			}
		}
		return int(res.Total), nil
	}
}

func bleveRequest(q Query, op query.MatchQueryOperator) *bleve.SearchRequest {
	public := bleve.NewTermQuery("public")
	public.SetField("visibility")
	var text query.Query
	size := 20
	if q.Kind == KindPrefix {
		size = 5
		words := strings.Fields(q.Q)
		last := strings.ToLower(StripAccents(words[len(words)-1]))
		pq := bleve.NewPrefixQuery(last)
		pq.SetField("_all")
		if len(words) > 1 {
			mq := bleve.NewMatchQuery(strings.Join(words[:len(words)-1], " "))
			mq.SetOperator(query.MatchQueryOperatorAnd)
			text = bleve.NewConjunctionQuery(mq, pq)
		} else {
			text = pq
		}
	} else {
		mq := bleve.NewMatchQuery(q.Q)
		mq.SetOperator(op)
		text = mq
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(text, public), size, 0, false)
	req.Fields = []string{"title"}
	if q.Kind == KindFacetsHighlight || q.Kind == KindHighlight {
		req.Highlight = bleve.NewHighlightWithStyle("html")
		req.Highlight.Fields = []string{"body"}
	}
	if q.Kind == KindFacetsHighlight {
		for _, f := range bleveFacets {
			req.AddFacet(f, bleve.NewFacetRequest(f, 10))
		}
	}
	return req
}

// RunBleve measures stock Bleve in the current process: ingest, reopen
// (start-up), queries. Peak RSS figures are those of this process (VmHWM),
// so the bench command runs each phase in a process of its own.
func RunBleve(ctx context.Context, cfg *Config) (*Result, error) {
	res := &Result{Engine: "bleve"}
	if err := BleveIngestPhase(ctx, cfg, res); err != nil {
		return nil, err
	}
	runtime.GC()
	_ = ResetPeakRSS(0)
	if err := BleveServePhase(ctx, cfg, res); err != nil {
		return nil, err
	}
	return res, nil
}

func bleveDir(cfg *Config) string { return filepath.Join(cfg.WorkDir, "bleve.index") }

// BleveIngestPhase builds the index and fills the ingest figures of res.
func BleveIngestPhase(ctx context.Context, cfg *Config, res *Result) error {
	dir := bleveDir(cfg)
	cfg.logf("bleve: indexing %s", cfg.NotesFile)
	start := time.Now()
	n, err := BleveIngest(ctx, cfg.NotesFile, dir)
	if err != nil {
		return fmt.Errorf("bleve ingest: %w", err)
	}
	res.Ingest = time.Since(start)
	res.Notes = n
	res.PeakRSSIngest = PeakRSS(0)
	if res.DiskBytes, err = DiskUsage(dir); err != nil {
		return err
	}
	cfg.logf("bleve: %d notes in %v (%.0f notes/s), %.1f MB on disk", n, res.Ingest.Round(time.Millisecond), res.IngestRate(), float64(res.DiskBytes)/1e6)
	return nil
}

// BleveServePhase opens the index built by BleveIngestPhase, runs the
// queries and fills the start-up, latency and serving RSS figures of res.
func BleveServePhase(ctx context.Context, cfg *Config, res *Result) error {
	start := time.Now()
	idx, err := bleve.Open(bleveDir(cfg))
	if err != nil {
		return fmt.Errorf("bleve open: %w", err)
	}
	defer idx.Close()
	res.Startup = time.Since(start)
	cfg.logf("bleve: opened in %v, querying", res.Startup.Round(time.Millisecond))
	if err := RunQueries(ctx, cfg, res, BleveSearcher(idx)); err != nil {
		return err
	}
	res.RSSServing = PeakRSS(0)
	res.AnonServing = AnonMemory(0)
	res.Notes2 = append(res.Notes2, "bleve: in-process, so no HTTP or wire protocol in its latencies; 4 facets (authors, organisations, carnets, terms); AND match falling back to OR when nothing matches")
	return nil
}
