// Package schema declares what the index knows of a note: the Bleve field
// names and their weights, the sort orders, and the one table of filters and
// facets from which the API parameters, the page's state, the index columns
// and the OpenAPI checks are derived. It holds only constants and tables.
package schema

import "strings"

// Bleve field names.
const (
	Title     = "title"
	Summary   = "summary"
	Body      = "body"
	TermsT    = "terms_t"   // searchable copy of the lexicon terms
	OrgsT     = "orgs_t"    // searchable copy of the organisations
	PeopleT   = "people_t"  // searchable copy of authors and curator
	CarnetsT  = "carnets_t" // searchable copy of carnet titles, blocs and community
	Author    = "author"    // keyword facet/filter fields
	Org       = "organisation"
	Carnet    = "carnet"
	Bloc      = "bloc"
	Term      = "term"
	Type      = "type"
	Community = "community"
	Vis       = "vis"
	Readers   = "readers" // keyword: the user ids allowed to read a private note
	Published = "published"
	TitleSort = "title_sort"
	Link      = "link"
	TitleKey  = "title_key" // the title's analyzed terms, joined: exact-title matches
	Words     = "words"     // the distinct words as written (folded, unstemmed) of every text field (of the body, those their stems do not reach): prefix look-ups
)

// CarnetBloc is the keyword field that holds each bloc with its carnet
// (CarnetBlocValue): a bloc filter or facet under a chosen carnet reads the
// blocs of that carnet, not those a note has in its other carnets.
const CarnetBloc = "carnetbloc"

// FieldWeight is the weight of a text field in scoring.
type FieldWeight struct {
	Field  string
	Weight float64
}

// Weights of the text fields. One place, one rule: a word in the title says
// most about what a note is; lexicon terms and organisations are curated
// labels, nearly as telling; the summary ("En bref") is the author's own
// digest; names of people and carnets help find a note by who or where; the
// body is long and mentions many things in passing, so it weighs least.
// Bleve already normalises by field length, so a short title match outranks
// a long body match.
var Weights = [...]FieldWeight{
	{Title, 4.0},
	{TermsT, 2.5},
	{OrgsT, 2.5},
	{Summary, 1.6},
	{PeopleT, 1.3},
	{CarnetsT, 1.2},
	{Body, 1.0},
}

// WeightOf returns the weight of a text field (1 for an unknown one).
func WeightOf(field string) float64 {
	for _, fw := range Weights {
		if fw.Field == field {
			return fw.Weight
		}
	}
	return 1
}

// Label is a human label in the page's two languages.
type Label struct{ FR, EN string }

// Dimension is one keyword field people filter on and, most of them, count
// as a facet.
type Dimension struct {
	// Filter is the query parameter of the filter (API, page, CLI flag).
	Filter string
	// Facet is the facet's name in results and in ?facets=; "" when the
	// field is a filter only.
	Facet string
	// NoteField is the note's JSON field the values come from.
	NoteField string
	// Field is the Bleve keyword field; the index keeps one column per
	// dimension, in this table's order.
	Field string
	// Label names the facet and the filter on the page.
	Label Label
}

// Dimensions is the table of filters and facets. Its order is the order of
// the facets and filters in messages, and of the filters in a page's URL. Filters on one dimension are
// ORed, filters on different dimensions ANDed; a facet's counts ignore its own
// filter (disjunctive faceting).
var Dimensions = [...]Dimension{
	{Filter: "author", Facet: "authors", NoteField: "authors", Field: Author, Label: Label{"Auteur·trices", "Authors"}},
	{Filter: "organisation", Facet: "organisations", NoteField: "organisations", Field: Org, Label: Label{"Organisations", "Organisations"}},
	{Filter: "carnet", Facet: "carnets", NoteField: "carnets", Field: Carnet, Label: Label{"Carnets", "Notebooks"}},
	{Filter: "bloc", Facet: "blocs", NoteField: "carnets[].bloc", Field: Bloc, Label: Label{"Blocs", "Sections"}},
	{Filter: "term", Facet: "terms", NoteField: "terms", Field: Term, Label: Label{"Termes du lexique", "Lexicon terms"}},
	{Filter: "type", Facet: "type", NoteField: "type", Field: Type, Label: Label{"Type", "Type"}},
	{Filter: "community", NoteField: "community", Field: Community, Label: Label{"Communauté", "Community"}},
}

// PublishedFacet is the publication histogram's name among the facets (by
// year, or by month within a year); it is not a keyword dimension.
const PublishedFacet = "published"

// FilterNames lists the filter parameters, in table order.
func FilterNames() []string {
	out := make([]string, 0, len(Dimensions))
	for _, d := range Dimensions {
		out = append(out, d.Filter)
	}
	return out
}

// FacetNames lists the keyword facets, in table order.
func FacetNames() []string {
	var out []string
	for _, d := range Dimensions {
		if d.Facet != "" {
			out = append(out, d.Facet)
		}
	}
	return out
}

// ByFilter returns the dimension of a filter parameter.
func ByFilter(name string) (Dimension, int, bool) {
	for i, d := range Dimensions {
		if d.Filter == name {
			return d, i, true
		}
	}
	return Dimension{}, -1, false
}

// ByFacet returns the dimension of a facet name.
func ByFacet(name string) (Dimension, int, bool) {
	if name == "" {
		return Dimension{}, -1, false
	}
	for i, d := range Dimensions {
		if d.Facet == name {
			return d, i, true
		}
	}
	return Dimension{}, -1, false
}

// SortOrders maps each value of the sort parameter to Bleve's sort keys.
func SortOrders(sort string) ([]string, bool) {
	switch sort {
	case "", "relevance":
		return []string{"-_score", "-" + Published, "_id"}, true
	case "-published_at":
		return []string{"-" + Published, "-_score", "_id"}, true
	case "published_at":
		return []string{Published, "-_score", "_id"}, true
	case "title":
		return []string{TitleSort, "_id"}, true
	}
	return nil, false
}

// FieldTiers rank the text fields for the field ranking rule (index/rank.go),
// best first: the same order as Weights, as tiers. A word found in the title
// says more than one found in the lexicon terms or organisations, then the
// summary ("En bref"), then people and carnets, then the body. Words (the
// words as written, for prefixes) spans every field and ranks with the body.
var FieldTiers = [...][]string{
	{Title},
	{TermsT, OrgsT},
	{Summary},
	{PeopleT, CarnetsT},
	{Body, Words},
}

// TierOf returns the tier of a text field in FieldTiers (the last for an
// unknown field).
func TierOf(field string) int {
	for t, fs := range FieldTiers {
		for _, f := range fs {
			if f == field {
				return t
			}
		}
	}
	return len(FieldTiers) - 1
}

// carnetBlocSep separates a carnet from its bloc in a CarnetBloc value: a
// control character, which no stored value holds (ingest refuses them).
const carnetBlocSep = "\x1f"

// CarnetBlocValue is the CarnetBloc value of bloc in carnet.
func CarnetBlocValue(carnet, bloc string) string { return carnet + carnetBlocSep + bloc }

// SplitCarnetBloc returns the carnet and the bloc of a CarnetBloc value.
func SplitCarnetBloc(v string) (carnet, bloc string) {
	carnet, bloc, _ = strings.Cut(v, carnetBlocSep)
	return carnet, bloc
}
