package index

import (
	"slices"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// TestWordsSpelledByEar: a word written the way it sounds, too far from the
// word meant for the typo budget, finds the notes of the word meant
// (analysis.SoundsLike), through the words as written or their stems; a
// word that sounds like nothing the notes write finds nothing, and a
// private note's word is not heard for an anonymous caller.
func TestWordsSpelledByEar(t *testing.T) {
	priv := bodyNote("priv", "Notre philosophie d’intervention.")
	priv.Visibility, priv.Authors = "private", []string{"Ana Roy"}
	ix, m := openTestIndex(t, []*store.Note{
		bodyNote("commu", "La vie de la communauté du quartier."),
		bodyNote("assoc", "L’association des locataires se réunit."),
		bodyNote("soc", "Le logement social en région."),
		bodyNote("q4", "Un quart de la population."),
		bodyNote("maison", "La maison des jeunes ouvre le soir."),
		{ID: "amb", Type: "note", Title: "Ambulance et premiers soins", Visibility: "public"},
		bodyNote("spot", "Un spot de baignade."),
		priv,
	})
	for _, tc := range []struct{ q, want string }{
		{"comunoté ", "commu"},          // mm, au: three typos from « communauté »
		{"asociassion ", "assoc"},       // ss for s, ss for t: the stem « associ »
		{"logemen sossial ", "soc"},     // ss for c
		{"kartier ", "commu q4"},        // qu for k: « quartier » first (below), then its close form « quart », as for a typo
		{"mezon des jeunes ", "maison"}, // e for ai, z for s
		{"anbulanse ", "amb"},           // an for am, s for c, in a title
		{"spotify ", ""},                // « ify » sounds like no ending: not « spot »
		{"filosofie ", ""},              // only a private note writes « philosophie »
	} {
		ids, res := sortedHits(t, ix, m, query.Request{Q: tc.q, PerPage: 10})
		if got := strings.Join(ids, " "); got != tc.want {
			t.Errorf("%q: %q (words %q), want %q", tc.q, got, res.Words, tc.want)
		}
		if tc.q == "kartier " && len(res.Hits) > 0 && res.Hits[0].ID != "commu" {
			t.Errorf("%q: %s first, want the note on « quartier »", tc.q, res.Hits[0].ID)
		}
	}
}

// TestSpelledByEarOnTheDemo: the README's examples, on the demo corpus. A
// word spelled by ear finds the notes of the word meant: the same first
// notes as the word spelled right.
func TestSpelledByEarOnTheDemo(t *testing.T) {
	ix, notes := openDemoIndex(t)
	for _, c := range []struct{ heard, meant string }{
		{"comunoté", "communauté"},
		{"asociassion", "association"},
		{"sossial", "social"},
		{"kartier", "quartier"},
		{"sitoyens", "citoyens"},
		{"rezo", "réseau"},      // four letters
		{"kartie|", "quartie|"}, // being typed (« |»: no space after)
		{"rezo|", "rése|"},
	} {
		typed := func(q string) string {
			if strings.HasSuffix(q, "|") {
				return strings.TrimSuffix(q, "|")
			}
			return q + " "
		}
		heard, meant := hits(t, ix, notes, typed(c.heard), 3), hits(t, ix, notes, typed(c.meant), 10)
		if heard.Total == 0 || len(heard.Hits) != min(3, len(meant.Hits)) {
			t.Errorf("%q found %d notes, %q %d", c.heard, heard.Total, c.meant, meant.Total)
			continue
		}
		// Typed whole, the same first notes in the same order; being
		// typed, among the word's first ten (a completion heard counts
		// as a typo: « kartie » orders its notes otherwise).
		being := strings.HasSuffix(c.heard, "|")
		for i, h := range heard.Hits {
			if !being && h.ID != meant.Hits[i].ID {
				t.Errorf("%q: hit %d is %q, %q's is %q", c.heard, i, h.Title, c.meant, meant.Hits[i].Title)
			}
			if being && !slices.ContainsFunc(meant.Hits, func(m Hit) bool { return m.ID == h.ID }) {
				t.Errorf("%q: hit %d %q is not among %q's first ten", c.heard, i, h.Title, c.meant)
			}
		}
	}
}

// TestSpelledByEarBeingTyped: a word being typed that no note writes, nor
// begins within its typos, completes the way it sounds; a word the notes
// write keeps its own completions.
func TestSpelledByEarBeingTyped(t *testing.T) {
	ix, m := openTestIndex(t, []*store.Note{
		bodyNote("allo", "Accueillir une personne allophone."),
		bodyNote("freire", "La pédagogie de Paulo Freire."),
		bodyNote("ados", "Les ados du quartier."),
		bodyNote("adop", "Une adoption internationale."),
		bodyNote("sentent", "Les jeunes se sentent écoutés."),
		bodyNote("sante", "La santé des aînés."),
		bodyNote("reseau", "Le réseau des bénévoles."),
		bodyNote("cote", "Sur la Côte-Nord, de notre côté."),
		bodyNote("carrefour", "Le carrefour jeunesse-emploi."),
	})
	for _, tc := range []struct{ q, want string }{
		{"sent", "sentent"}, // a term begins as typed: its notes, nothing heard
		{"kart", "ados"},    // « quartier », not « carrefour »: the last letter typed is sounded
		{"rezo ", "reseau"}, // four letters typed whole: heard too
		{"rezo", "reseau"},
		{"sauter ", ""},    // s is not the c of « côté »
		{"alofo", "allo"},  // f for ph, l for ll
		{"alofon", "allo"}, //
		{"frer", "freire"}, // four letters: no typo budget, still heard
		{"paulo frer", "freire"},
		{"ados", "ados"}, // written: its own notes, nothing heard
		{"zzzzz", ""},
	} {
		ids, res := sortedHits(t, ix, m, query.Request{Q: tc.q, PerPage: 10})
		if got := strings.Join(ids, " "); got != tc.want {
			t.Errorf("%q: %q (words %q, relaxed %v), want %q", tc.q, got, res.Words, res.Relaxed, tc.want)
		}
	}
}
