package index

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

type memNotes map[string]*store.Note

func (m memNotes) GetMany(ids []string) (map[string]*store.Note, error) {
	out := map[string]*store.Note{}
	for _, id := range ids {
		if n, ok := m[id]; ok {
			out[id] = n
		}
	}
	return out, nil
}

func day(s string) *time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return &t
}

var testNotes = []*store.Note{
	{ID: "eco", Type: "note", Title: "L’économie sociale au Québec", Body: "Les participant·es ont parlé du financement des organismes communautaires à Trois-Rivières. 🚀", Visibility: "public", Organisations: []string{"TIESS"}, Authors: []string{"Émilie Tremblay"}, Carnets: []store.Carnet{{Title: "Carnet A", Bloc: "Bloc 1"}}, PublishedAt: day("2024-05-02")},
	{ID: "alim", Type: "note", Title: "Sécurité alimentaire", Body: "Un OBNL distribue des repas. L'économie locale en profite.", Visibility: "public", Organisations: []string{"Moisson"}, Authors: []string{"Jean Gagnon"}, PublishedAt: day("2023-01-02")},
	{ID: "terme", Type: "terme", Title: "Économie sociale", Summary: "Ensemble des entreprises collectives.", Visibility: "public", Organisations: []string{"TIESS"}, Terms: []string{"Économie sociale"}, PublishedAt: day("2022-01-02")},
	{ID: "priv", Type: "note", Title: "Budget confidentiel économie", Body: "secret", Visibility: "private", Organisations: []string{"TIESS"}},
	{ID: "comm", Type: "note", Title: "Économie entre membres", Body: "communauté", Visibility: "community", Organisations: []string{"Moisson"}},
}

func openTestIndex(t testing.TB, notes []*store.Note) (*Index, memNotes) {
	t.Helper()
	ix, err := Open(t.TempDir()+"/index", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	m := memNotes{}
	var entries []store.Entry
	for i, n := range notes {
		m[n.ID] = n
		entries = append(entries, store.Entry{Seq: uint64(i + 1), ID: n.ID, Note: n})
	}
	if err := ix.Apply(entries); err != nil {
		t.Fatal(err)
	}
	return ix, m
}

func ids(r *Result) string {
	var s []string
	for _, h := range r.Hits {
		s = append(s, h.ID)
	}
	return strings.Join(s, ",")
}

func TestSearchBasics(t *testing.T) {
	ix, notes := openTestIndex(t, testNotes)
	cases := []struct {
		name, q string
		filters map[string][]string
		want    string // ids in order, or prefix
		relaxed bool
	}{
		{"accents omitted", "economie sociale", nil, "terme,eco", false},
		// A word misspelled inside a synonym of several words (« économie
		// sociale », ÉS) is read as the member writes it: the answers of
		// the words spelled right.
		{"typo", "economei sociale", nil, "terme,eco", false},
		{"inclusive", "participantes", nil, "eco", false},
		{"hyphenated part", "rivieres", nil, "eco", false},
		{"acronym", "obnl", nil, "alim", false},
		{"prefix while typing", "alimen", nil, "alim", false},
		{"phrase", `"economie locale"`, nil, "alim", false},
		{"exclusion", "economie -sociale", nil, "alim", false},
		{"relaxed", "economie zzzzqqq", nil, "", true},
		{"filter", "economie", map[string][]string{"organisation": {"Moisson"}}, "alim", false},
		{"browse newest first", "", nil, "eco,alim,terme", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := ix.Search(context.Background(), query.Request{Q: c.q, Filters: c.filters}, notes)
			if err != nil {
				t.Fatal(err)
			}
			if res.Relaxed != c.relaxed {
				t.Errorf("relaxed = %v, want %v", res.Relaxed, c.relaxed)
			}
			if c.want != "" && ids(res) != c.want {
				t.Errorf("q=%q: got %s, want %s", c.q, ids(res), c.want)
			}
			for _, h := range res.Hits {
				if h.ID == "priv" || h.ID == "comm" {
					t.Errorf("non-public note %s returned", h.ID)
				}
			}
		})
	}
}

func TestDisjunctiveFacets(t *testing.T) {
	ix, notes := openTestIndex(t, testNotes)
	res, err := ix.Search(context.Background(), query.Request{Q: "economie", Filters: map[string][]string{"organisation": {"TIESS"}}}, notes)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 {
		t.Fatalf("total = %d, want 2", res.Total)
	}
	// The organisation facet ignores its own filter: Moisson still shows, with
	// public notes only (the private TIESS note and the community Moisson note are not counted).
	got := res.Facets["organisations"]
	want := []FacetValue{{"TIESS", 2}, {"Moisson", 1}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("organisations facet = %v, want %v", got, want)
	}
	if a := res.Facets["authors"]; len(a) != 1 || a[0].Value != "Émilie Tremblay" {
		t.Errorf("authors facet = %v (must respect the organisation filter)", a)
	}
}

func TestSnippetMarks(t *testing.T) {
	ix, notes := openTestIndex(t, testNotes)
	res, err := ix.Search(context.Background(), query.Request{Q: "financement organismes"}, notes)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("hits = %s", ids(res))
	}
	s := res.Hits[0].SnippetHTML
	if !strings.Contains(s, "<mark>financement</mark>") || !strings.Contains(s, "<mark>organismes</mark>") {
		t.Errorf("snippet = %s", s)
	}
	if !strings.Contains(s, "participant·es") {
		t.Errorf("snippet lost text: %s", s)
	}
}

// TestSearchDateBoundsOutsideRange: published_before=9999-12-31 and
// published_after=1500-01-01 mean "no limit" (they used to overflow UnixNano
// and find nothing), over the columns and over Bleve (sort=title).
func TestSearchDateBoundsOutsideRange(t *testing.T) {
	ix, notes := openTestIndex(t, testNotes)
	for _, tc := range []struct {
		name          string
		after, before *time.Time
		sort          string
		want          uint64
	}{
		{"end 9999", nil, day("9999-12-31"), "", 3},
		{"start 1500", day("1500-01-01"), nil, "", 3},
		{"both", day("1500-01-01"), day("9999-12-31"), "", 3},
		{"both, by title", day("1500-01-01"), day("9999-12-31"), "title", 3},
		{"start 1500, end 2023-06-01", day("1500-01-01"), day("2023-06-01"), "", 2},
		{"start 3000", day("3000-01-01"), nil, "", 0},
	} {
		r := query.Request{Q: "", PublishedAfter: tc.after, PublishedBefore: tc.before, Sort: tc.sort}
		res, err := ix.Search(context.Background(), r, notes)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if res.Total != tc.want || len(res.Hits) != int(tc.want) {
			t.Errorf("%s: total %d, %d hits (%s), want %d", tc.name, res.Total, len(res.Hits), ids(res), tc.want)
		}
	}
}
