// Package ingest reads notes for the engine: it frames the input (JSON lines
// or a JSON array), decodes and validates each note's fields, and reports
// each rejection naming its file, line and field in French. The engine
// (package trouvaille, engine.go) stores what it decodes, then indexes it.
package ingest
