// Package ingest is Trouvaille's ingestion pipeline: it decodes and validates
// notes (JSON lines or a JSON array), stores the valid ones in Badger (the
// source of truth, package store), then indexes them with Bleve (package
// index), batch by batch, and reports what was added, updated, unchanged,
// deleted or rejected, each rejection naming its file, line and field in French.
// Engine opens a data folder and brings its index up to date with the store.
package ingest
