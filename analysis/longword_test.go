package analysis

import (
	"strings"
	"testing"
	"time"
)

// TestLongWordsMakeNoTerm: a run of letters longer than MaxWordBytes gives
// no term (its position kept), whatever its letters, and costs no more than
// its length: a megabyte of « é » took minutes to stem, a letter at a time.
func TestLongWordsMakeNoTerm(t *testing.T) {
	for _, text := range []string{
		strings.Repeat("k", MaxWordBytes+1),
		"q" + strings.Repeat("é", 300000),
		strings.Repeat("e", 1<<20),
		"secretcode" + strings.Repeat("k", 4097),
		strings.Repeat("ab", MaxWordBytes) + "-logement",
		"participant·" + strings.Repeat("e", 200),
	} {
		start := time.Now()
		for _, tok := range Analyze(text + " logement") {
			if len(tok.Term) > MaxWordBytes {
				t.Errorf("%.20q…: term of %d bytes", text, len(tok.Term))
			}
		}
		if d := time.Since(start); d > time.Minute { // a hang guard: minutes before
			t.Errorf("%.20q…: analysed in %v", text, d)
		}
	}
	toks := Analyze(strings.Repeat("k", MaxWordBytes+1) + " logement")
	if len(toks) != 1 || toks[0].Term != Stem("logement") || toks[0].Position != 2 {
		t.Errorf("long word then « logement »: %+v, want one term at position 2", toks)
	}
	// A word of MaxWordBytes is still a term.
	if toks := Analyze(strings.Repeat("k", MaxWordBytes)); len(toks) != 1 {
		t.Errorf("word of %d bytes: %d terms, want 1", MaxWordBytes, len(toks))
	}
}
