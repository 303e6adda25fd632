package discover

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// auditSaintNotes name « Saint » and its abbreviations every way, with a
// word that « st » starts and private and community notes never proposed.
var auditSaintNotes = []*store.Note{
	{ID: "st", Title: "Fête de quartier à St-Jean", Visibility: "public"},
	{ID: "saint", Title: "Comité logement de Saint-Jean", Visibility: "public"},
	{ID: "ste", Title: "Friperie de Ste-Agathe", Visibility: "public"},
	{ID: "sainte", Title: "Marché de Sainte-Agathe", Visibility: "public"},
	{ID: "sts", Title: "Paroisse des Sts-Anges", Visibility: "public"},
	{ID: "stage", Title: "Un stage en économie sociale", Visibility: "public"},
	{ID: "two", Title: "De Saint-Jean à St-Pierre", Visibility: "public"},
	{ID: "priv", Title: "St-Jean en privé", Visibility: "private", Readers: []string{"u1"}},
	{ID: "comm", Title: "Ste-Agathe entre nous", Visibility: "community", Community: "c1"},
}

// auditTitleIDs returns the ids of the titles Suggest proposes for q, sorted.
func auditTitleIDs(t *testing.T, d *Discovery, sc query.Scope, q string) string {
	t.Helper()
	s, err := d.Suggest(context.Background(), sc, q, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, g := range s.Groups {
		if g.Kind == "titles" {
			for _, it := range g.Items {
				ids = append(ids, it.ID)
			}
		}
	}
	slices.Sort(ids)
	return strings.Join(ids, " ")
}

// An abbreviation followed by a hyphen or a period is typed whole, as if a
// space followed it: « ST- » and « ste. » were read as prefixes still
// being typed, so they proposed « Un stage » and not « Saint-Jean », which
// « st-j » proposes a keystroke later.
func TestSuggestSaintTypedWholeBeforePunctuation(t *testing.T) {
	d := openTest(t, auditSaintNotes)
	scopes := []query.Scope{{}, {Admin: true}, {Level: query.LevelPrivate, User: "u1"}, {Level: query.LevelCommunity, Communities: []string{"c1"}}}
	for _, c := range []struct{ q, want string }{
		{"st", "st stage ste sts two"}, // being typed: a prefix
		{"st ", "saint sainte st ste sts two"},
		{"ST-", "saint sainte st ste sts two"},
		{"st-", "saint sainte st ste sts two"},
		{"St.", "saint sainte st ste sts two"},
		{"st-j", "saint st two"},
		{"ste", "ste"},
		{"ste.", "sainte ste"},
		{"Ste-", "sainte ste"},
		{"ste ", "sainte ste"},
		{"sts-", "sts"},
		{"stage", "stage"},
	} {
		for si, sc := range scopes {
			if got := auditTitleIDs(t, d, sc, c.q); got != c.want {
				t.Errorf("%q scope %d: %s, want %s", c.q, si, got, c.want)
			}
		}
	}
}

// A value's abbreviation is one word, though keyed twice (in full and as
// written): two words typed do not both find it. « st st », « saint st »
// and « st ste » proposed « Fête de quartier à St-Jean » and « Friperie de
// Ste-Agathe », one « St » each, where « saint saint » proposed nothing;
// a title with a « Saint » and a « St » keeps both.
func TestSuggestSaintAbbreviationIsOneWord(t *testing.T) {
	d := openTest(t, auditSaintNotes)
	for _, c := range []struct{ q, want string }{
		{"st st", "two"},
		{"saint st", "two"},
		{"st saint", "two"},
		{"saint saint", "two"},
		{"st ste", ""},
		{"sainte ste", ""},
		{"st-jean st", "two"},
		{"st-jean st-p", "two"},
		{"st-jean", "saint st two"},
		{"sts sts", ""},
	} {
		if got := auditTitleIDs(t, d, query.Scope{}, c.q); got != c.want {
			t.Errorf("%q: %q, want %q", c.q, got, c.want)
		}
	}
}

// « St » read as « saint » takes no typo, as the two letters typed take
// none: « st- » completed the carnet « Santé, services sociaux », a typo
// away from « saint », when no carnet had a word in « saint ».
func TestSuggestSaintExpandedTakesNoTypo(t *testing.T) {
	d := openTest(t, []*store.Note{
		{ID: "saine", Title: "Alimentation saine", Carnets: []store.Carnet{{Title: "Santé, services sociaux"}}, Visibility: "public"},
		{ID: "sainte", Title: "Sainte-Agathe en fête", Visibility: "public"},
	})
	for _, q := range []string{"st-", "ST ", "st.", "st s", "sts-"} {
		s, err := d.Suggest(context.Background(), query.Scope{}, q, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range s.Groups {
			for _, it := range g.Items {
				if it.ID != "sainte" {
					t.Errorf("%q: %s %q proposed", q, g.Kind, it.Value)
				}
			}
		}
	}
	if got := auditTitleIDs(t, d, query.Scope{}, "ste-"); got != "sainte" {
		t.Errorf("ste-: %q", got)
	}
}
