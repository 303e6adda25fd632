// Package store keeps Trouvaille's notes in Badger, the source of truth.
//
// Every accepted note is stored with the SHA-256 of its canonical JSON and a
// monotonically increasing sequence number; a change log keyed by sequence
// number lets the search index (package index) catch up after a crash or be
// rebuilt from nothing. The package knows nothing of HTTP or of Bleve.
//
// The key layout is documented at the top of store.go.
package store
