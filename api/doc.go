// Package api is Trouvaille's HTTP interface, built on Gin: it turns HTTP
// requests into calls to the engine (package trouvaille, through the small
// Engine interface: never the store nor the index) and the engine's errors
// into HTTP status codes and French JSON error bodies, in one place
// (errors.go). It serves GET /v1/search, /v1/suggest, /v1/facets/{facet},
// /v1/notes/{id}, /v1/notes/{id}/related, /v1/openapi.yaml, /healthz and
// POST /v1/admin/synonyms/reload (discovery.go; see openapi.yaml).
// Only public notes ever leave it.
//
// routes.go holds the route table of the whole site, API and pages (the
// pages' handlers come from web through the Pages interface): the router,
// HEAD on every GET route, OPTIONS on the API, the 404 message and the 405
// Allow header derive from it. Every response carries
// X-Content-Type-Options: nosniff; unknown addresses get a JSON 404 under
// /v1/ and the site's HTML 404 page elsewhere.
package api
