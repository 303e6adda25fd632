// Package ops holds what the people who run Trouvaille need to see how it
// is doing: the build's version (Version), and the Prometheus metrics of the
// server (Metrics), registered on their own registry.
package ops
