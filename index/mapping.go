package index

import (
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/schema"
)

// Field names in the Bleve index: short local names for schema's.
const (
	fTitle     = schema.Title
	fSummary   = schema.Summary
	fBody      = schema.Body
	fTermsT    = schema.TermsT
	fOrgsT     = schema.OrgsT
	fPeopleT   = schema.PeopleT
	fCarnetsT  = schema.CarnetsT
	fAuthor    = schema.Author
	fOrg       = schema.Org
	fCarnet    = schema.Carnet
	fBloc      = schema.Bloc
	fTerm      = schema.Term
	fType      = schema.Type
	fCommunity = schema.Community
	fVis       = schema.Vis
	fPublished = schema.Published
	fTitleSort = schema.TitleSort
	fLink      = schema.Link
	fTitleKey  = schema.TitleKey
	fWords     = schema.Words
	// fSynPhrase holds, per note, the key (query.PhraseKey) of each synonym
	// of several words its texts hold as a phrase: see synonyms.go.
	fSynPhrase = "synphrase"
)

// The keyword analyzer of the mapping's fields, for the documents made by
// hand (document, index.go); their texts come analysed already.
var keywordAnalyzer = buildMapping().AnalyzerNamed(keyword.Name)

func buildMapping() mapping.IndexMapping {
	text := func(positions bool) *mapping.FieldMapping { // positions: term vectors
		f := mapping.NewTextFieldMapping()
		f.Analyzer = analysis.AnalyzerName
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
	doc.AddFieldMappingsAt(schema.CarnetBloc, kw(false))
	doc.AddFieldMappingsAt(schema.Readers, kw(false))
	doc.AddFieldMappingsAt(fLink, kw(false))
	doc.AddFieldMappingsAt(fTitleSort, kw(true))
	doc.AddFieldMappingsAt(fTitleKey, kw(false))
	doc.AddFieldMappingsAt(fSynPhrase, kw(false))
	doc.AddFieldMappingsAt(fLens, kw(false))
	// The words as written, for completions: every text of the note in one
	// value (analysis.SurfaceSeparator between them), each word once; of
	// the body, only the words their stems do not reach (StemReaches).
	words := mapping.NewTextFieldMapping()
	words.Analyzer = analysis.SurfaceAnalyzerName
	words.Store, words.IncludeInAll, words.IncludeTermVectors, words.DocValues = false, false, false, false
	doc.AddFieldMappingsAt(fWords, words)
	doc.AddFieldMappingsAt(fPublished, date)

	m := mapping.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = analysis.AnalyzerName
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}
