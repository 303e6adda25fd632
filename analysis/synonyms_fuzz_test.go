package analysis

import (
	"strings"
	"testing"
)

// FuzzParseSynonyms: the parser never panics; an accepted list expands every
// member it holds without panicking (query/synonyms_fuzz_test.go plans
// queries over such lists).
func FuzzParseSynonyms(f *testing.F) {
	f.Add(defaultSynonymsText)
	f.Add("a, b\nc => d, e f # x\n")
	f.Add("CA, conseil d'administration")
	f.Add("=>,,#")
	f.Fuzz(func(t *testing.T, text string) {
		s, err := ParseSynonyms(text, "fuzz")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "ligne ") {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		for _, line := range strings.Split(text, "\n") {
			for _, part := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == '=' || r == '>' || r == '#' }) {
				s.Expand(part)
			}
		}
	})
}
