// Package api is Trouvaille's HTTP interface, built on Gin: it turns HTTP
// requests into calls to the engine (package trouvaille, through the small
// Engine interface: never the store nor the index) and the engine's errors
// into HTTP status codes and French JSON error bodies, in one place
// (errors.go). It serves GET /v1/search, /v1/suggest, /v1/facets/{facet},
// /v1/notes/{id}, /v1/notes/{id}/related, /v1/openapi.yaml, /healthz and
// POST /v1/admin/synonyms/reload (discovery.go; see openapi.yaml), and the
// search keys' routes /v1/keys (keys.go).
//
// access.go is the access layer: Server.access (or Server.AccessWith, for a
// credential a protocol carries elsewhere) authenticates the caller of a read
// route (anonymous, admin key, search key, signed token), checks its origin
// and rate limit, sets the CORS answer headers, and returns the
// trouvaille.Scope the engine applies to every read. A read route is wrapped
// by Server.read and gets its scope back with scopeOf. Without a key, only
// public notes ever leave the API.
//
// routes.go holds the route table of the whole site, API and pages (the
// pages' handlers come from web through the Pages interface): the router,
// HEAD on every GET route, OPTIONS on the API, the 404 message and the 405
// Allow header derive from it. Every response carries
// X-Content-Type-Options: nosniff; unknown addresses get a JSON 404 under
// /v1/ and the site's HTML 404 page elsewhere.
package api
