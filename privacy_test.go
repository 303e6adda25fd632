package trouvaille

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// No note an anonymous caller may not see changes what it gets: the same
// searches on the demo corpus and on its public notes alone give the same
// totals, hits in the same order, facets, corrections and relaxations.
// Words that only hidden notes hold (confidentiel, prochaine, quenouille…)
// behave as words no note holds: before, three hidden notes made a word
// count as spelled right, without typo expansion, so that it found nothing
// where a misspelling of it found public notes.
func TestHiddenNotesChangeNoAnonymousAnswer(t *testing.T) {
	var public bytes.Buffer
	var publicIDs []string
	for _, line := range bytes.Split(DemoNotes, []byte("\n")) {
		var n struct {
			ID         string `json:"id"`
			Visibility string `json:"visibility"`
		}
		if json.Unmarshal(line, &n) == nil && n.Visibility == "public" {
			public.Write(line)
			public.WriteByte('\n')
			publicIDs = append(publicIDs, n.ID)
		}
	}
	open := func(notes []byte) *Engine {
		e := openEngine(t, t.TempDir())
		t.Cleanup(func() { e.Close() })
		if _, err := (&Ingester{Engine: e}).Ingest(bytes.NewReader(notes), "notes.jsonl"); err != nil {
			t.Fatal(err)
		}
		return e
	}
	all, pub := open(DemoNotes), open(public.Bytes())
	queries := []string{
		"confidentiel", "confidentiels", "confidentiel budget", "prochaine", "prochaine rencontre",
		"quenouille", "qu", "quen", "ouananiche", "grille salariale", "donateurs", "relève direction",
		"mots de passe", "plainte", "enquête", "budget", "logement", "economie sociale", "finacement",
		"participantes", "l’OBNL", "trois rivieres", "comite", "interne", "brouillon", "-logement budget",
		`"plan de relève"`, "relocalisation bureaux", "fondation aurore", "épinette", "carcajou",
	}
	for _, q := range queries {
		for _, r := range []Request{{Q: q}, {Q: q, Facets: []string{"authors", "organisations", "carnets", "blocs", "terms", "type", "published"}}} {
			a, err := all.Search(context.Background(), Scope{}, r)
			if err != nil {
				t.Fatal(err)
			}
			b, err := pub.Search(context.Background(), Scope{}, r)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := answer(a), answer(b); got != want {
				t.Errorf("%q: anonymous answer with the hidden notes:\n%s\nwith the public notes alone:\n%s", q, got, want)
			}
		}
	}
	// The related notes of every public note, in order, with their reasons
	// (found by a second hostile run: Bleve's scores, counted on every note,
	// ordered them).
	for _, id := range publicIDs {
		a, err := all.Related(context.Background(), Scope{}, id, 5)
		if err != nil {
			t.Fatal(err)
		}
		b, err := pub.Related(context.Background(), Scope{}, id, 5)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := related(a), related(b); got != want {
			t.Errorf("notes related to %s with the hidden notes:\n%s\nwith the public notes alone:\n%s", id, got, want)
		}
	}
}

func related(hits []RelatedHit) string {
	var b strings.Builder
	for _, h := range hits {
		fmt.Fprintf(&b, "%s %v\n", h.ID, h.Reasons)
	}
	return b.String()
}

// answer is what a caller learns from a result, timings aside.
func answer(r *Result) string {
	var ids []string
	for _, h := range r.Hits {
		ids = append(ids, h.ID+" "+fmt.Sprint(h.MatchedWords)+" "+h.SnippetHTML)
	}
	facets := ""
	if !reflect.DeepEqual(r.Facets, map[string][]FacetValue{}) {
		b, _ := json.Marshal(r.Facets)
		facets = string(b)
	}
	sug := ""
	if r.Suggestion != nil {
		sug = fmt.Sprintf("%s (%d)", r.Suggestion.Q, r.Suggestion.Total)
	}
	return fmt.Sprintf("total %d relaxed %v suggestion %q\nhits %v\nfacets %s", r.Total, r.Relaxed, sug, ids, facets)
}
