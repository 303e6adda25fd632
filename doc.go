// Package trouvaille is the search engine as a library: Open a data folder
// and get an Engine, the single writer of the note store and the index and
// the owner of their background work. Its methods are the whole surface the
// API, the page and the CLI use (Search, Suggest, Related, FacetValues,
// FacetSearch, Note, Apply, Ingester, Reindex, Close); the domain types they
// take and return are named here (types.go). It also embeds the demo corpus.
package trouvaille
