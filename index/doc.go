// Package index is Trouvaille's Bleve index: the mapping (mapping.go), the
// documents built from notes, writes and catch-up from the store (index.go),
// per-segment facet columns (columns.go), the single-pass execution of a
// plan with disjunctive facets and the date histogram (execute.go,
// histogram.go), phrase verification against the stored text (phrase.go),
// and the page of hits with <mark> titles and snippets (search.go, snippet.go).
// It records the last store sequence number it applied so it can catch up.
package index
