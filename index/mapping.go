package index

import (
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names in the Bleve index.
const (
	fTitle     = "title"
	fSummary   = "summary"
	fBody      = "body"
	fTermsT    = "terms_t"   // searchable copy of the lexicon terms
	fOrgsT     = "orgs_t"    // searchable copy of the organisations
	fPeopleT   = "people_t"  // searchable copy of authors and curator
	fCarnetsT  = "carnets_t" // searchable copy of carnet titles, blocs and community
	fAuthor    = "author"    // keyword facet/filter fields
	fOrg       = "organisation"
	fCarnet    = "carnet"
	fBloc      = "bloc"
	fTerm      = "term"
	fType      = "type"
	fCommunity = "community"
	fVis       = "vis"
	fPublished = "published"
	fTitleSort = "title_sort"
	fLink      = "link"
	fTitleKey  = "title_key" // the title's analyzed terms, joined: exact-title matches
	fWords     = "words"     // the distinct words as written (folded, unstemmed) of every text field: prefix look-ups
)

// Field weights. One place, one rule: a word in the title says most about what
// a note is; lexicon terms and organisations are curated labels, nearly as
// telling; the summary ("En bref") is the author's own digest; names of people
// and carnets help find a note by who or where; the body is long and mentions
// many things in passing, so it weighs least. Bleve already normalises by
// field length, so a short title match outranks a long body match.
var fieldWeights = []struct {
	field  string
	weight float64
}{
	{fTitle, 4.0},
	{fTermsT, 2.5},
	{fOrgsT, 2.5},
	{fSummary, 1.6},
	{fPeopleT, 1.3},
	{fCarnetsT, 1.2},
	{fBody, 1.0},
}

func buildMapping() mapping.IndexMapping {
	text := func(positions bool) *mapping.FieldMapping { // positions: term vectors
		f := mapping.NewTextFieldMapping()
		f.Analyzer = AnalyzerName
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = positions
		f.DocValues = false
		return f
	}
	kw := func(docValues bool) *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = docValues
		return f
	}
	date := mapping.NewDateTimeFieldMapping()
	date.Store = false
	date.IncludeInAll = false
	date.DocValues = true

	doc := mapping.NewDocumentStaticMapping()
	// No term positions anywhere: phrases are verified on the stored text of
	// the candidate notes (phrase.go), which halves the index on disk.
	for _, f := range []string{fTitle, fSummary, fBody, fTermsT, fOrgsT, fPeopleT, fCarnetsT} {
		doc.AddFieldMappingsAt(f, text(false))
	}
	// Facet fields need no doc values: their columns are built from the
	// postings lists (columns.go).
	for _, f := range []string{fAuthor, fOrg, fCarnet, fBloc, fTerm, fType, fCommunity} {
		doc.AddFieldMappingsAt(f, kw(false))
	}
	doc.AddFieldMappingsAt(fVis, kw(false))
	doc.AddFieldMappingsAt(fLink, kw(false))
	doc.AddFieldMappingsAt(fTitleSort, kw(true))
	doc.AddFieldMappingsAt(fTitleKey, kw(false))
	doc.AddFieldMappingsAt(fWords, kw(false))
	doc.AddFieldMappingsAt(fPublished, date)

	m := mapping.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = AnalyzerName
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}
