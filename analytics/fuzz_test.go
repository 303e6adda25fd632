package analytics

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzNormalize: the normalised query is valid UTF-8 for valid input,
// bounded, without leading, trailing or double spaces, and normalising it
// again changes nothing.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"  Économie   SOCIALE ", "L’OBNL\tà Trois-Rivières", "ﬁnancement", "\xff\xfe", strings.Repeat("é", 150), "e\u0301cole", "Σίσυφος ΣΑΣ", "İstanbul"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		n := Normalize(q)
		if len(n) > MaxQueryBytes {
			t.Fatalf("%d bytes", len(n))
		}
		if utf8.ValidString(q) && !utf8.ValidString(n) {
			t.Fatalf("invalid UTF-8 from %q: %q", q, n)
		}
		if n != strings.TrimSpace(n) || strings.Contains(n, "  ") {
			t.Fatalf("spaces left in %q", n)
		}
		if utf8.ValidString(q) {
			if again := Normalize(n); again != n {
				t.Fatalf("not idempotent: %q -> %q -> %q", q, n, again)
			}
		}
	})
}
