package analysis

import (
	"testing"
	"unicode/utf8"
)

// FuzzAnalyze checks that Analyze never panics, that offsets stay within the
// input with Start <= End, that positions never decrease, that no term is
// empty, that the Bleve tokenizer gives the same tokens, and that Fold
// returns valid UTF-8 for valid input.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		"L’équipe des participant·es de Trois-Rivières a lancé 2.2.5.4. 🚀 l’OBNL aujourd’hui",
		"utilisateur·ices contributeur·trices actif·ives rendu•e employé.e ils·elles Tous·tes",
		"organisateur·rice·s participant.e.s étudiant-e-s fin.Le projet.org",
		"**gras** [texte](https://lien.org) # Titre ✅️ ★ ━━ | → —",
		"e\u0301cole Que\u0301bec \xff\xfe ﬁnancement ÉCOLE L'ÉCOLE CdP IA CA",
		"jusqu’au qu’elle peut-être Saint-Jérôme vice-présidente COVID-19 2024-2025",
		"l’l’l’", "a-·.’b", "1.2.3.a·e-s",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks := Analyze(s)
		last := 0
		for _, tk := range toks {
			if tk.Start < 0 || tk.End > len(s) || tk.Start > tk.End {
				t.Fatalf("bad offsets %+v for input of %d bytes", tk, len(s))
			}
			if tk.Position < last || tk.Position < 1 {
				t.Fatalf("position went from %d to %d", last, tk.Position)
			}
			if tk.Term == "" {
				t.Fatalf("empty term %+v", tk)
			}
			last = tk.Position
		}
		stream := frTokenizer{}.Tokenize([]byte(s))
		if len(stream) != len(toks) {
			t.Fatalf("bleve tokenizer: %d tokens, Analyze: %d", len(stream), len(toks))
		}
		for i, bt := range stream {
			if tk := toks[i]; string(bt.Term) != tk.Term || bt.Start != tk.Start || bt.End != tk.End || bt.Position != tk.Position {
				t.Fatalf("token %d: bleve %v, Analyze %+v", i, bt, tk)
			}
		}
		if folded := Fold(s); utf8.ValidString(s) && !utf8.ValidString(folded) {
			t.Fatalf("Fold(%q) = %q is not valid UTF-8", s, folded)
		}
	})
}
