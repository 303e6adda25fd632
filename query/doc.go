// Package query holds what a search asks for: the Request (filters, dates,
// sort, page) and its checks, the parser of the q syntax (words, "phrases",
// -exclusions, the last word as a prefix), and the Plan that turns a parsed
// query into Bleve queries: typo and prefix expansions read from a
// Dictionary, synonyms, the title bonus and the highlighter (Matcher). It
// builds Bleve query objects but never runs them: package index does.
package query
