// Package relevance measures search quality on judged queries: it loads
// testdata/relevance/queries.jsonl (a query, graded judgments 2 = the answer,
// 1 = relevant) and computes nDCG@10, MRR and recall@10 for any engine that
// returns ranked note ids. The Go test keeps Trouvaille's figures in a golden
// file and fails when they drop; the peers (PostgreSQL, stock Bleve) use the
// same code so the comparison is like for like.
package relevance
