package discover

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/index"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
	"github.com/encommun/trouvaille/store"
)

// Related notes: the public notes closest to a note, each with the reasons
// it was chosen. One Bleve query ORs what ties two notes, each part weighted
// by how telling it is:
//
//   - an explicit link from the note (lien) or to it (rétrolien): a person
//     said so;
//   - a shared lexicon term, organisation or carnet (curated labels; a rare
//     shared label counts more than a common one, by its idf);
//   - text similarity ("more like this"): the note's most distinctive
//     analyzed terms by tf-idf, searched in every text field.
//
// A note's score is the sum of the weights of the parts it matches (times
// Bleve's share of parts matched), each part weighted by its boost and the
// idf of its term among the notes the caller sees (index.ConstantScore,
// index.DictionaryFor): no statistic of the notes it may not see enters the
// order.

// Limits of a related-notes request.
const (
	DefaultRelatedLimit = 5
	MaxRelatedLimit     = 50
	mltTerms            = 12 // distinctive terms of the note searched for
	mltMinShared        = 3  // shared distinctive terms for "texte semblable"
)

// Weights of the ties between two notes.
const (
	relLinkBoost    = 6.0
	relTermBoost    = 3.0
	relOrgBoost     = 2.0
	relCarnetBoost  = 1.0
	relTextBoost    = 0.5
	relReasonLink   = "lien"
	relReasonBack   = "rétrolien"
	relReasonText   = "texte semblable"
	relReasonTerm   = "terme : "
	relReasonOrg    = "organisation : "
	relReasonCarnet = "carnet : "
)

// RelatedHit is a related note: the fields of a search hit and why it is related.
type RelatedHit struct {
	index.Hit
	Reasons []string `json:"reasons"`
}

// Related returns up to limit notes the scope sees related to the note id,
// best first. An unknown id, or one the scope does not see, gives
// store.ErrNotFound.
func (d *Discovery) Related(ctx context.Context, sc query.Scope, id string, limit int) ([]RelatedHit, error) {
	if limit == 0 {
		limit = DefaultRelatedLimit
	}
	if limit < 1 || limit > MaxRelatedLimit {
		return nil, query.BadParam("limit", "invalid_limit", "limit doit être entre 1 et %d", MaxRelatedLimit)
	}
	got, err := d.notes.GetMany([]string{id})
	if err != nil {
		return nil, err
	}
	n := got[id]
	if !sc.Allows(n) {
		return nil, store.ErrNotFound
	}
	dict := d.ix.DictionaryFor(sc) // counts the notes the scope sees
	defer dict.Close()
	var visible uint64 // the notes the scope sees
	for _, v := range []string{store.VisibilityPublic, store.VisibilityCommunity, store.VisibilityPrivate} {
		n, err := dict.Term(schema.Vis, v)
		if err != nil {
			return nil, err
		}
		visible += n
	}
	// idf of a term held by df of the notes the scope sees.
	idf := func(df uint64) float64 { return math.Log(1 + float64(visible+1)/float64(df+1)) }
	var parts []bq.Query
	var kwErr error
	kw := func(field, value string, boost float64) {
		df, err := dict.Term(field, value)
		if err != nil {
			kwErr = cmp.Or(kwErr, err)
			return
		}
		if df == 0 {
			return // no note the scope sees has it
		}
		t := bq.NewTermQuery(value)
		t.SetField(field)
		parts = append(parts, index.ConstantScore(t, exactWeight(boost*idf(df))))
	}
	var links []string
	for _, l := range n.Links {
		if l != id {
			links = append(links, l)
		}
	}
	if len(links) > 0 {
		parts = append(parts, index.ConstantScore(bq.NewDocIDQuery(links), exactWeight(relLinkBoost*idf(1))))
	}
	kw(schema.Link, id, relLinkBoost)
	terms, orgs := labels(n)
	for _, t := range terms {
		kw(schema.Term, t, relTermBoost)
	}
	for _, o := range orgs {
		kw(schema.Org, o, relOrgBoost)
	}
	for _, c := range n.CarnetTitles() {
		kw(schema.Carnet, c, relCarnetBoost)
	}
	if kwErr != nil {
		return nil, kwErr
	}
	mlt, err := d.distinctiveTerms(n, dict, visible)
	if err != nil {
		return nil, err
	}
	for _, t := range mlt {
		for _, q := range query.TermInFields(t, relTextBoost) {
			tq := q.(*bq.TermQuery)
			df, err := dict.Term(tq.FieldVal, t)
			if err != nil {
				return nil, err
			}
			if df > 0 {
				parts = append(parts, index.ConstantScore(tq, exactWeight(tq.BoostVal.Value()*idf(df))))
			}
		}
	}
	if len(parts) == 0 {
		return []RelatedHit{}, nil
	}
	vis := index.ScopeQuery(sc)
	self := bq.NewDocIDQuery([]string{id})
	b := bq.NewBooleanQuery(nil, nil, nil)
	b.AddMust(bq.NewDisjunctionQuery(parts))
	b.AddMustNot(self)
	b.AddFilter(vis)
	req := bleve.NewSearchRequestOptions(b, limit*3, 0, false)
	req.SortBy([]string{"-_score", "_id"})
	ids, err := d.ix.SearchIDs(ctx, req)
	if err != nil {
		return nil, err
	}
	cands, err := d.notes.GetMany(ids)
	if err != nil {
		return nil, fmt.Errorf("lire les notes reliées : %w", err)
	}
	mltSet := map[string]bool{}
	for _, t := range mlt {
		mltSet[t] = true
	}
	out := []RelatedHit{}
	for _, cid := range ids {
		c := cands[cid]
		if !sc.Allows(c) {
			continue
		}
		reasons := relatedReasons(n, c, mltSet)
		if len(reasons) == 0 {
			continue // a weak text match only: not worth showing
		}
		out = append(out, RelatedHit{Hit: plainHit(c), Reasons: reasons})
	}
	// Explicit links first (a person said so), then Bleve's order.
	linked := func(h RelatedHit) bool { return h.Reasons[0] == relReasonLink || h.Reasons[0] == relReasonBack }
	sort.SliceStable(out, func(i, j int) bool { return linked(out[i]) && !linked(out[j]) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// exactWeight rounds a part's weight to a multiple of 2⁻²⁰: sums of such
// weights are exact in a float64 whatever their order (Bleve adds a
// note's matched parts in an order that depends on the segments' layout), so
// two notes matching parts of equal weights tie exactly and are ordered by
// id, the same way on any index.
func exactWeight(w float64) float64 { return math.Round(w*(1<<20)) / (1 << 20) }

// relatedReasons says why c is related to n, strongest ties first.
func relatedReasons(n, c *store.Note, mlt map[string]bool) []string {
	var r []string
	if slices.Contains(n.Links, c.ID) {
		r = append(r, relReasonLink)
	}
	if slices.Contains(c.Links, n.ID) {
		r = append(r, relReasonBack)
	}
	terms, orgs := labels(n)
	for _, t := range terms {
		if slices.Contains(c.Terms, t) {
			r = append(r, relReasonTerm+t)
		}
	}
	for _, o := range orgs {
		if slices.Contains(c.Organisations, o) {
			r = append(r, relReasonOrg+o)
		}
	}
	ct := c.CarnetTitles()
	for _, t := range dedupe(n.CarnetTitles()) {
		if slices.Contains(ct, t) {
			r = append(r, relReasonCarnet+t)
		}
	}
	if len(mlt) > 0 {
		shared := map[string]bool{}
		for _, text := range []string{c.Title, c.Summary, index.PlainText(c.Body)} {
			for _, t := range analysis.Analyze(text) {
				if mlt[t.Term] {
					shared[t.Term] = true
				}
			}
		}
		if len(shared) >= min(mltMinShared, len(mlt)) {
			r = append(r, relReasonText)
		}
	}
	return r
}

// distinctiveTerms returns the note's analyzed terms with the highest tf-idf
// (title terms count double), the document frequency read from dict among
// the notes it counts (total of them).
func (d *Discovery) distinctiveTerms(n *store.Note, dict query.Dictionary, total uint64) ([]string, error) {
	tf := map[string]float64{}
	for _, t := range analysis.Analyze(n.Title) {
		tf[t.Term] += 2
	}
	for _, t := range analysis.Analyze(n.Summary) {
		tf[t.Term] += 1
	}
	for _, t := range analysis.Analyze(index.PlainText(n.Body)) {
		tf[t.Term] += 1
	}
	if len(tf) == 0 {
		return nil, nil
	}
	type ts struct {
		term  string
		score float64
	}
	var scored []ts
	for term, f := range tf {
		if len([]rune(term)) < 3 {
			continue
		}
		var df uint64
		for _, field := range []string{schema.Title, schema.Summary, schema.Body} {
			n, err := dict.Term(field, term)
			if err != nil {
				return nil, err
			}
			df = max(df, n)
		}
		if df <= 1 {
			continue // only in this note: says nothing about others
		}
		idf := math.Log(float64(total+1) / float64(df+1))
		scored = append(scored, ts{term, (1 + math.Log(f)) * idf})
	}
	sort.Slice(scored, func(i, j int) bool {
		if scored[i].score != scored[j].score {
			return scored[i].score > scored[j].score
		}
		return scored[i].term < scored[j].term
	})
	out := make([]string, 0, mltTerms)
	for i := 0; i < len(scored) && i < mltTerms; i++ {
		out = append(out, scored[i].term)
	}
	return out, nil
}

// plainHit is a hit without a query: title escaped, snippet from the start.
func plainHit(n *store.Note) index.Hit { return index.NewHit(n, nil, true) }

// labels returns the lexicon terms and organisations a note is about. A
// lexicon term's note and an organisation's note also stand for their own
// title, so they are related to the notes labelled with them.
func labels(n *store.Note) (terms, orgs []string) {
	terms, orgs = n.Terms, n.Organisations
	switch n.Type {
	case store.TypeTerme:
		terms = appendUnique(terms, n.Title)
	case store.TypeOrganisation:
		orgs = appendUnique(orgs, n.Title)
	}
	return terms, orgs
}

// appendUnique returns s with v added when absent, never writing into s's
// backing array (it belongs to the note).
func appendUnique(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(slices.Clip(s), v)
}
