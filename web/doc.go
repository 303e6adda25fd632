// Package web serves Trouvaille's discovery page at / from assets embedded
// with go:embed: no Node build step, no external resource. The page calls the
// same search code as the API and renders on the server, so it works without
// JavaScript.
package web
