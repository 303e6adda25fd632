package analysis

import (
	"testing"
	"unicode/utf8"
)

func TestCompletes(t *testing.T) {
	for _, c := range []struct {
		typed, stem string
		want        bool
	}{
		{"petite", "petit", true},      // a form of petit
		{"petits", "petit", true},      // its plural
		{"petitt", "petit", false},     // no ending makes it one
		{"petition", "petit", false},   // a word of its own
		{"petitio", "petit", false},    // on its way to « petition »
		{"projet", "projet", true},     // the stem itself
		{"logemen", "log", false},      // a stem of three letters is never cut back to
		{"economi", "econom", true},    // on its way to « economie »
		{"financeme", "financ", false}, // past three letters: the words as written complete it
	} {
		if got := Completes(c.typed, c.stem); got != c.want {
			t.Errorf("Completes(%q, %q) = %v, want %v", c.typed, c.stem, got, c.want)
		}
	}
}

func TestFormNear(t *testing.T) {
	for _, c := range []struct {
		typed, stem string
		typos       int
		want        bool
	}{
		{"economei", "econom", 1, true},    // economie, transposed
		{"economi", "econom", 1, true},     // economie, a letter short
		{"petitse", "petit", 1, true},      // petites, transposed
		{"projts", "projet", 1, true},      // projets, a letter dropped
		{"courriel", "cour", 1, false},     // no form of « cour » is one typo away
		{"courriel", "court", 1, false},    // nor of « court »
		{"petition", "petit", 1, false},    // « petit » and « ion » is no form of it
		{"cooperatve", "coop", 2, false},   // too long for any form of « coop »
		{"recrutment", "recrut", 2, false}, // no form three letters past the stem; « recrutement » is indexed as written
		{"benevolse", "benevol", 2, true},  // benevoles, transposed
		{"recrutment", "recu", 2, false},   // every form of « recu » is too short
		{"spotify", "sportif", 1, false},   // two typos from « sportif »
		{"financment", "final", 2, false},  // no form of « final » within two
		{"proces", "proch", 1, true},       // proches, a letter dropped
		{"xyz", "projet", 2, false},
	} {
		if got := FormNear(c.typed, c.stem, c.typos); got != c.want {
			t.Errorf("FormNear(%q, %q, %d) = %v, want %v", c.typed, c.stem, c.typos, got, c.want)
		}
	}
}

func BenchmarkFormNear(b *testing.B) {
	for b.Loop() {
		FormNear("recrutment", "recru", 2)
		FormNear("courriel", "court", 1)
	}
}

func BenchmarkCompletes(b *testing.B) {
	for b.Loop() {
		Completes("petitio", "petit")
	}
}

// formNearByHand is FormNear without its cuts: every ending of up to three
// endingLetters tried.
func formNearByHand(typed, stem string, typos int) bool {
	if len([]rune(stem)) < 4 {
		return false
	}
	var try func(w string, left int) bool
	try = func(w string, left int) bool {
		if WithinTypos(typed, w, typos) && stemUncached(w) == stem {
			return true
		}
		if left == 0 {
			return false
		}
		for i := 0; i < len(endingLetters); i++ {
			if try(w+endingLetters[i:i+1], left-1) {
				return true
			}
		}
		return false
	}
	return try(stem, 3)
}

// TestFormNearCutsNothing: the walk's cuts never lose a form the full walk
// finds, over words of the demo's kind with typos of every sort at every
// place, against their own stem and shorter ones.
func TestFormNearCutsNothing(t *testing.T) {
	words := []string{"economie", "petites", "projets", "benevoles", "logements", "quartiers",
		"jardins", "aidante", "finances", "recrute", "ecoles", "courts", "solidaires", "reseaux"}
	edits := func(w string) []string {
		rs := []rune(w)
		out := []string{w}
		for i := range rs {
			out = append(out, string(rs[:i])+string(rs[i+1:]))     // deletion
			out = append(out, string(rs[:i])+"z"+string(rs[i+1:])) // substitution
			out = append(out, string(rs[:i])+"e"+string(rs[i:]))   // insertion
			if i+1 < len(rs) {                                     // transposition
				out = append(out, string(rs[:i])+string(rs[i+1])+string(rs[i])+string(rs[i+2:]))
			}
		}
		return out
	}
	checked, near := 0, 0
	for _, w := range words {
		stem := Stem(w)
		stems := []string{stem}
		for n := len(stem) - 1; n >= 4; n-- {
			stems = append(stems, stem[:n])
		}
		for _, typed := range edits(w) {
			for _, s := range stems {
				for typos := 1; typos <= 2; typos++ {
					if got, want := FormNear(typed, s, typos), formNearByHand(typed, s, typos); got != want {
						t.Errorf("FormNear(%q, %q, %d) = %v, the full walk says %v", typed, s, typos, got, want)
					} else if got {
						near++
					}
					checked++
				}
			}
		}
	}
	if checked < 1000 || near < checked/10 || near > checked*9/10 {
		t.Fatalf("%d cases checked, %d near: the table does not test both answers", checked, near)
	}
	t.Logf("%d cases, %d near", checked, near)
}

// FuzzFormNear: the cut walk answers as the full walk, for any word typed
// and any stem (short ones: the full walk tries every ending).
func FuzzFormNear(f *testing.F) {
	f.Add("economei", "econom", 1)
	f.Add("courriel", "court", 1)
	f.Add("petitse", "petit", 2)
	f.Fuzz(func(t *testing.T, typed, stem string, typos int) {
		if len([]rune(typed)) > 12 || len([]rune(stem)) > 10 {
			return
		}
		if !utf8.ValidString(typed) || !utf8.ValidString(stem) {
			if FormNear(typed, stem, typos) {
				t.Errorf("FormNear(%q, %q) on invalid UTF-8", typed, stem)
			}
			return
		}
		typos = (typos%3 + 3) % 3
		if got, want := FormNear(typed, stem, typos), formNearByHand(typed, stem, typos); got != want {
			t.Errorf("FormNear(%q, %q, %d) = %v, the full walk says %v", typed, stem, typos, got, want)
		}
	})
}
