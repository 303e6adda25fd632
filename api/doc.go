// Package api is Trouvaille's HTTP interface, built on Gin: it turns HTTP
// requests into calls to the core (packages index, store, ingest) and core
// errors into HTTP status codes and French JSON error bodies, in one place
// (errors.go). It serves GET /v1/search, GET /v1/notes/{id} and GET /healthz.
// Only public notes ever leave it.
package api
