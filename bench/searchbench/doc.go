// Package searchbench holds the Go benchmarks of the index's search path on
// generated Praxis-like notes (go test -bench . ./searchbench from bench/):
// facet counting, snippets and the whole search. They live in the bench
// module because the note generator does.
package searchbench
