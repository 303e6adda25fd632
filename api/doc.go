// Package api is Trouvaille's HTTP interface, built on Gin: it turns HTTP
// requests into calls to the core (packages index, store, ingest) and core
// errors into HTTP status codes and French JSON error bodies, in one place
// (errors.go). It serves GET /v1/search, /v1/suggest, /v1/facets/{facet},
// /v1/notes/{id}, /v1/notes/{id}/related, /v1/openapi.yaml, /healthz and
// POST /v1/admin/synonyms/reload (discovery.go; see openapi.yaml).
// Only public notes ever leave it.
package api
