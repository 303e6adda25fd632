package web

import "testing"

// TestOneLetter: the empty state says to keep typing when the query ends
// with a single letter, alone, after an elided article or after other
// words (the search leaves such a letter out beside words it finds).
func TestOneLetter(t *testing.T) {
	for q, want := range map[string]bool{
		"é": true, "f": true, " f ": true, "l'i": true, "d’h": true, "aujourd’h": true,
		"c'est q": true, "le g": true, "qu'est-ce que l'é": true,
		"": false, "fa": false, "l'": false, "7": false, "maison": false, "l'ia": false, "c'est": false,
	} {
		if got := oneLetter(q); got != want {
			t.Errorf("%q: %v, want %v", q, got, want)
		}
	}
}
