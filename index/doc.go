// Package index holds Trouvaille's search index: a Bleve index with a French
// analyzer (Snowball stemming, elision, inclusive writing, accent folding),
// the parser of the search syntax, disjunctive facets and <mark> snippets.
//
// Bleve keeps only what search needs (inverted index, facet and sort values,
// positions on the phrase-searchable text fields); the text shown in hits is
// read from the note store (package store) for the page of hits only. The
// index records the last store sequence number it applied so it can catch up.
package index
