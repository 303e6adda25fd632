package bench

// The relevance peers: PostgreSQL full-text search and stock Bleve set up as
// a developer would for French notes, each returning the top note ids of a
// query so bench/relevance can score them against the judged queries. They
// reuse the benchmark's private PostgreSQL cluster and Bleve mapping.

import (
	"context"
	"fmt"
	"io"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/jackc/pgx/v5"
)

// RelevanceSearch returns the ids of the top k public notes for a query.
type RelevanceSearch func(q string, k int) ([]string, error)

// pgRelevanceSchema weighs the fields as a careful PostgreSQL user would:
// title A, lexicon terms and organisations B, summary C, body D.
const pgRelevanceSchema = pgTextSearchSetup + `
CREATE TABLE notes (
	id text PRIMARY KEY,
	visibility text NOT NULL,
	title text NOT NULL,
	summary text,
	body text,
	organisations text[],
	terms text[],
	tsv tsvector GENERATED ALWAYS AS (
		setweight(to_tsvector('fr_unaccent'::regconfig, coalesce(title, '')), 'A') ||
		setweight(to_tsvector('fr_unaccent'::regconfig, join_words(terms) || ' ' || join_words(organisations)), 'B') ||
		setweight(to_tsvector('fr_unaccent'::regconfig, coalesce(summary, '')), 'C') ||
		setweight(to_tsvector('fr_unaccent'::regconfig, coalesce(body, '')), 'D')
	) STORED
);`

// pgRelevanceAND is the query as typed: websearch_to_tsquery (every word,
// quoted phrases, -exclusions), ranked by ts_rank with the default weights
// {D 0.1, C 0.2, B 0.4, A 1.0}; ties broken by id so runs are repeatable.
const pgRelevanceAND = `SELECT id FROM notes, websearch_to_tsquery('fr_unaccent', $1) AS q
	WHERE tsv @@ q AND visibility = 'public'
	ORDER BY ts_rank(tsv, q) DESC, id LIMIT $2`

// pgRelevanceOR is the fallback when no note has every word: any of the
// query's lexemes (the same lexemes plainto_tsquery would AND together).
const pgRelevanceOR = `SELECT id FROM notes, (
		SELECT string_agg(quote_literal(l), ' | ')::tsquery AS q
		FROM unnest(tsvector_to_array(to_tsvector('fr_unaccent', $1))) AS l) AS o
	WHERE o.q IS NOT NULL AND tsv @@ o.q AND visibility = 'public'
	ORDER BY ts_rank(tsv, o.q) DESC, id LIMIT $2`

// PostgresRelevance starts a private PostgreSQL cluster (the benchmark's:
// initdb, pg_ctl, a private socket, run as the postgres user when root),
// loads the notes file into a GIN-indexed table with the fr_unaccent
// configuration, and returns its search function and a stop function that
// shuts the cluster down and removes it. It returns an error wrapping
// ErrMissing when PostgreSQL is not installed.
func PostgresRelevance(ctx context.Context, notesFile string, log io.Writer) (RelevanceSearch, func(), error) {
	cfg := &Config{Log: log}
	s, conn, err := startPGDatabase(ctx, cfg, "relevance")
	if err != nil {
		return nil, nil, err
	}
	stop := func() {
		conn.Close(context.Background())
		s.stop()
		s.remove()
	}
	if err := pgLoadRelevance(ctx, conn, notesFile); err != nil {
		stop()
		return nil, nil, err
	}
	var version string
	_ = conn.QueryRow(ctx, "SHOW server_version").Scan(&version)
	cfg.logf("postgres %s: notes loaded, GIN index built", version)
	search := func(q string, k int) ([]string, error) {
		ids, err := pgIDs(ctx, conn, pgRelevanceAND, q, k)
		if err == nil && len(ids) == 0 {
			ids, err = pgIDs(ctx, conn, pgRelevanceOR, q, k)
		}
		return ids, err
	}
	return search, stop, nil
}

func pgLoadRelevance(ctx context.Context, conn *pgx.Conn, notesFile string) error {
	if _, err := conn.Exec(ctx, pgRelevanceSchema); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	var rows [][]any
	err := ReadNotes(notesFile, func(n *Note) error {
		rows = append(rows, []any{n.ID, n.Visibility, n.Title, n.Summary, n.Body, n.Organisations, n.Terms})
		return nil
	})
	if err != nil {
		return err
	}
	cols := []string{"id", "visibility", "title", "summary", "body", "organisations", "terms"}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"notes"}, cols, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	for _, stmt := range []string{"CREATE INDEX notes_tsv ON notes USING gin (tsv)", "ANALYZE notes"} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

func pgIDs(ctx context.Context, conn *pgx.Conn, sql, q string, k int) ([]string, error) {
	rows, err := conn.Query(ctx, sql, q, k)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// bleveRelevanceMapping is the benchmark's stock mapping (the built-in "fr"
// analyzer on title, summary and body) with the lexicon terms and the
// organisations also indexed as "fr" text, so a match query on the
// composite _all field sees them as PostgreSQL does. No boosts: stock.
func bleveRelevanceMapping() *mapping.IndexMappingImpl {
	m := bleveMapping()
	for _, f := range []string{"terms", "organisations"} {
		text := bleve.NewTextFieldMapping()
		text.Name = f + "_text"
		text.Analyzer = fr.AnalyzerName
		m.DefaultMapping.Properties[f].AddFieldMapping(text)
	}
	return m
}

// BleveRelevance indexes the notes file into an in-memory stock Bleve index
// and returns its search function: a match query with the AND operator over
// _all, falling back to OR when no note has every word, public notes only.
func BleveRelevance(notesFile string) (RelevanceSearch, func(), error) {
	idx, err := bleve.NewMemOnly(bleveRelevanceMapping())
	if err != nil {
		return nil, nil, err
	}
	batch := idx.NewBatch()
	err = ReadNotes(notesFile, func(n *Note) error { return batch.Index(n.ID, bleveDoc(n)) })
	if err == nil {
		err = idx.Batch(batch)
	}
	if err != nil {
		idx.Close()
		return nil, nil, err
	}
	search := func(q string, k int) ([]string, error) {
		ids, err := bleveIDs(idx, q, k, query.MatchQueryOperatorAnd)
		if err == nil && len(ids) == 0 {
			ids, err = bleveIDs(idx, q, k, query.MatchQueryOperatorOr)
		}
		return ids, err
	}
	return search, func() { idx.Close() }, nil
}

func bleveIDs(idx bleve.Index, q string, k int, op query.MatchQueryOperator) ([]string, error) {
	public := bleve.NewTermQuery("public")
	public.SetField("visibility")
	mq := bleve.NewMatchQuery(q)
	mq.SetOperator(op)
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(mq, public), k, 0, false)
	req.SortBy([]string{"-_score", "_id"}) // ties broken by id so runs are repeatable
	res, err := idx.Search(req)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}
