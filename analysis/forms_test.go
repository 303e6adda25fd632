package analysis

import "testing"

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
