package index

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	bleveanalysis "github.com/blevesearch/bleve/v2/analysis"
	bdoc "github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/numeric"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/schema"
	"github.com/encommun/trouvaille/store"
)

// mappedDocument is the reference document() replaced: the note as a map,
// walked by Bleve's mapping. Kept in the test as the oracle the hand-made
// documents must equal.
func mappedDocument(n *store.Note) map[string]any {
	d := map[string]any{
		fTitle:     n.Title,
		fType:      n.Type,
		fVis:       n.Visibility,
		fTitleSort: analysis.Fold(n.Title),
		fTitleKey:  titleKeys(n.Title),
	}
	if n.Summary != "" {
		d[fSummary] = n.Summary
	}
	if n.Body != "" {
		d[fBody] = n.Body
	}
	add := func(field string, v []string) {
		if len(v) > 0 {
			d[field] = v
		}
	}
	add(fAuthor, n.Authors)
	add(fOrg, n.Organisations)
	add(fCarnet, n.CarnetTitles())
	add(fBloc, n.Blocs())
	add(schema.CarnetBloc, carnetBlocs(n))
	add(fTerm, n.Terms)
	add(fLink, n.Links)
	add(schema.Readers, n.Readers)
	if n.Community != "" {
		d[fCommunity] = n.Community
	}
	add(fTermsT, n.Terms)
	add(fOrgsT, n.Organisations)
	people := append([]string{}, n.Authors...)
	if n.Curator != "" {
		people = append(people, n.Curator)
	}
	add(fPeopleT, people)
	var places []string
	for _, c := range n.Carnets {
		places = append(places, c.Title)
		if c.Bloc != "" {
			places = append(places, c.Bloc)
		}
	}
	if n.Community != "" {
		places = append(places, n.Community)
	}
	add(fCarnetsT, places)
	if n.PublishedAt != nil {
		d[fPublished] = n.PublishedAt.UTC().Format(time.RFC3339)
	}
	// The body's words as written are checked apart (trimmedWords).
	texts := append([]string{n.Title, n.Summary}, n.Terms...)
	texts = append(texts, n.Organisations...)
	texts = append(texts, people...)
	texts = append(texts, places...)
	d[fWords] = strings.Join(texts, analysis.SurfaceSeparator)
	return d
}

// fieldList describes a document's indexed fields as zap indexes them, the
// values of a name together (frequencies summed, lengths added): name,
// options, length and the terms with their frequencies. The "_all" composite
// field the mapping adds (empty: no field is included in it) is left out.
func fieldList(t *testing.T, d *bdoc.Document) []string {
	t.Helper()
	type merged struct {
		opts   bindex.FieldIndexingOptions
		length int
		freqs  map[string]int
	}
	byName := map[string]*merged{}
	for _, f := range d.Fields {
		f.Analyze()
		m := byName[f.Name()]
		if m == nil {
			m = &merged{opts: f.Options(), freqs: map[string]int{}}
			byName[f.Name()] = m
		} else if m.opts != f.Options() {
			t.Fatalf("field %s: options %v and %v", f.Name(), m.opts, f.Options())
		}
		m.length += f.AnalyzedLength()
		for term, tf := range f.AnalyzedTokenFrequencies() {
			m.freqs[term] += tf.Frequency()
		}
	}
	var out []string
	for name, m := range byName {
		var toks []string
		for term, n := range m.freqs {
			toks = append(toks, fmt.Sprintf("%s×%d", term, n))
		}
		slices.Sort(toks)
		out = append(out, fmt.Sprintf("%s %v len=%d %q", name, m.opts, m.length, toks))
	}
	slices.Sort(out)
	return out
}

// The documents made by hand index exactly what the mapping's walk of the
// note's map indexed: same fields, options and tokens.
func TestDocumentMatchesMapping(t *testing.T) {
	m := buildMapping()
	when := time.Date(2024, 5, 2, 13, 45, 12, 987654321, time.FixedZone("EDT", -4*3600))
	notes := []*store.Note{
		{ID: "plein", Type: "note", Title: "L’économie sociale (ÉS) au Québec", Summary: "Les participant·es d’un OBNL.", Body: "## Titre 🚀\n\nLe **financement** des organismes communautaires à Trois-Rivières.",
			Visibility: "community", Community: "Praxis", Readers: []string{"u1", "u2"}, Authors: []string{"Émilie Tremblay", "Jean Gagnon"}, Curator: "Lise Roy",
			Organisations: []string{"TIESS", "Moisson Montréal"}, Terms: []string{"Économie sociale", "OBNL"}, Links: []string{"autre"},
			Carnets: []store.Carnet{{Title: "Carnet A", Bloc: "Bloc 1"}, {Title: "Carnet B"}}, PublishedAt: &when},
		{ID: "mince", Type: "terme", Title: "Logement", Visibility: "public"},
	}
	for _, n := range notes {
		ref := bdoc.NewDocument(n.ID)
		if err := m.MapDocument(ref, mappedDocument(n)); err != nil {
			t.Fatal(err)
		}
		finestDate(t, ref)
		singlesWithoutFrequency(t, ref)
		doc := document(n, nil)
		got, want := fieldList(t, doc), fieldList(t, ref)
		// The words as written: those of the other texts as the mapping
		// analyses them, and the body's that their stems do not reach.
		gotWords, wantWords := wordsOf(doc), append(wordsOf(ref), trimmedWords([]string{n.Body})...)
		slices.Sort(wantWords)
		wantWords = slices.Compact(wantWords)
		if !slices.Equal(gotWords, wantWords) {
			t.Errorf("%s: words as written differ\n got: %q\nwant: %q", n.ID, gotWords, wantWords)
		}
		if !slices.Equal(withoutWords(got), withoutWords(want)) {
			t.Errorf("%s: fields differ\n got: %q\nwant: %q", n.ID, got, want)
		}
	}
}

// singlesWithoutFrequency indexes the terms of the fields of lengthFields
// that occur once without frequency, and adds their lengths' terms, as the
// documents made by hand do (lengths.go).
func singlesWithoutFrequency(t *testing.T, d *bdoc.Document) {
	t.Helper()
	// The values of a field of several (the names) as one field, as zap
	// indexes them and the documents made by hand give them: a term once
	// in each of two values occurs twice.
	merged := map[string]*analysedField{}
	kept := d.Fields[:0]
	var order []string
	for _, f := range d.Fields {
		if lengthField(f.Name()) < 0 {
			kept = append(kept, f)
			continue
		}
		f.Analyze()
		af := merged[f.Name()]
		if af == nil {
			af = &analysedField{name: f.Name(), freqs: bindex.TokenFrequencies{}}
			merged[f.Name()] = af
			order = append(order, f.Name())
		}
		af.length += f.AnalyzedLength()
		for term, tf := range f.AnalyzedTokenFrequencies() {
			if m, ok := af.freqs[term]; ok {
				m.SetFrequency(m.Frequency() + tf.Frequency())
			} else {
				c := *tf
				af.freqs[term] = &c
			}
		}
	}
	d.Fields = kept
	var lens []string
	for _, name := range order {
		af := merged[name]
		for _, tf := range af.freqs {
			if tf.Frequency() == 1 {
				tf.SetFrequency(0)
			}
		}
		d.Fields = append(d.Fields, af)
		if af.length > 0 {
			lens = append(lens, lengthTerm(lengthField(name), lengthCode(af.length)))
		}
	}
	if len(lens) > 0 {
		lf := newKeywordField(fLens, lens)
		for _, tf := range lf.freqs {
			tf.SetFrequency(0)
		}
		d.AddField(lf)
	}
}

// finestDate replaces the mapping's date field, indexed at sixteen
// precisions, with the one term of its finest's date (dateTerm), as the
// documents made by hand index it (published.go).
func finestDate(t *testing.T, d *bdoc.Document) {
	t.Helper()
	for i, f := range d.Fields {
		if f.Name() != fPublished {
			continue
		}
		f.Analyze()
		var finest []int64
		for term := range f.AnalyzedTokenFrequencies() {
			if shift, err := numeric.PrefixCoded(term).Shift(); err == nil && shift == 0 {
				v, err := numeric.PrefixCoded(term).Int64()
				if err != nil {
					t.Fatal(err)
				}
				finest = append(finest, v)
			}
		}
		if len(finest) != 1 {
			t.Fatalf("the mapping's date field has %d terms at shift 0", len(finest))
		}
		d.Fields[i] = newPublishedField(time.Unix(0, finest[0]))
	}
}

// trimmedWords are the words as written of texts that analysis.StemReaches
// does not cover for the term they give: those the index keeps.
func trimmedWords(texts []string) []string {
	var out []string
	for _, text := range texts {
		analysis.Tokens(text, func(w, term string) {
			if !analysis.StemReaches(w, term) {
				out = append(out, strings.Clone(w)) // Tokens reuses its bytes
			}
		})
	}
	return out
}

// wordsOf returns the sorted terms of a document's words field.
func wordsOf(d *bdoc.Document) []string {
	var out []string
	for _, f := range d.Fields {
		if f.Name() == fWords {
			f.Analyze()
			for term := range f.AnalyzedTokenFrequencies() {
				out = append(out, term)
			}
		}
	}
	slices.Sort(out)
	return out
}

// withoutWords keeps a fieldList's words entries to name and options.
func withoutWords(fields []string) []string {
	out := slices.Clone(fields)
	for i, f := range out {
		if strings.HasPrefix(f, fWords+" ") {
			out[i], _, _ = strings.Cut(f, " len=")
		}
	}
	return out
}

// tokenFrequencies gives what Bleve's analysis.TokenFrequency gives for a
// field without term vectors, and for several values what zap makes of
// them (TokenFrequencies.MergeAll).
func TestTokenFrequenciesMatchBleve(t *testing.T) {
	texts := []string{"", "un", "Les participant·es d’un organisme communautaire : les participant·es, l’organisme, les organismes", strings.Repeat("économie sociale et solidaire ", 50)}
	for i := range texts {
		for _, vs := range [][]string{texts[i : i+1], texts[i:]} {
			var streams []bleveanalysis.TokenStream
			var want bindex.TokenFrequencies
			for _, text := range vs {
				toks := analysis.Tokens(text, nil)
				streams = append(streams, toks)
				if tf := bleveanalysis.TokenFrequency(toks, nil, bindex.IndexField); want == nil {
					want = tf
				} else {
					want.MergeAll("f", tf)
				}
			}
			got, _, _ := tokenFrequencies(streams...)
			if len(got) != len(want) {
				t.Fatalf("%q: %d terms, Bleve %d", vs, len(got), len(want))
			}
			for term, w := range want {
				g, ok := got[term]
				if !ok || g.Frequency() != w.Frequency() || string(g.Term) != string(w.Term) || len(g.Locations) != 0 {
					t.Fatalf("%q: term %q gives %+v, Bleve %+v", vs, term, g, w)
				}
			}
		}
	}
}
