package index

import (
	"context"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/trouvaille/store"
)

// Discovery features (autocomplete, "did you mean", facet value look-ups)
// need real words and names, while the index holds only stems and keyword
// values. They share an in-memory view of the public notes' short fields —
// title, summary words, terms, organisations, authors, carnets — built from
// the store on first use and brought up to date, from the store's change log,
// whenever the index has applied new changes (its LastSeq moved). Bodies are
// not kept: they would cost memory and seconds at 100k notes for little gain.

// ChangeLog is what the store offers to follow its changes; *store.Store
// implements it. Without it, the view is rebuilt from scratch on change.
type ChangeLog interface {
	Changes(after uint64, fn func(store.Entry) error) error
}

// noteRec is what the discovery view keeps of one public note.
type noteRec struct {
	title, typ string
	authors    []string
	orgs       []string
	terms      []string
	carnets    []string
	words      []string // distinct surface words (lower-cased) of title, summary, terms, organisations, carnets
}

// discoState is the per-index discovery view.
type discoState struct {
	mu       sync.Mutex
	indexSeq uint64 // index LastSeq the view reflects
	storeSeq uint64 // last change-log entry read
	ready    bool
	recs     map[string]*noteRec
	built    *discoIndex
}

// discoIndex is the immutable, derived part: suggestion tables and vocabulary.
type discoIndex struct {
	kinds [5]*sugKind // in suggestKinds order
	vocab *vocabulary
	notes int
}

var discoStates sync.Map // *Index → *discoState

func (ix *Index) discoState() *discoState {
	if v, ok := discoStates.Load(ix); ok {
		return v.(*discoState)
	}
	v, _ := discoStates.LoadOrStore(ix, &discoState{recs: map[string]*noteRec{}})
	return v.(*discoState)
}

// WarmDiscovery builds the discovery view ahead of the first request (serve
// calls it in the background).
func (ix *Index) WarmDiscovery(ctx context.Context, notes Notes) error {
	_, err := ix.discovery(ctx, notes)
	return err
}

// discovery returns the discovery view, brought up to date with the index.
func (ix *Index) discovery(ctx context.Context, notes Notes) (*discoIndex, error) {
	st := ix.discoState()
	st.mu.Lock()
	defer st.mu.Unlock()
	seq := ix.LastSeq()
	if st.built != nil && st.indexSeq == seq {
		return st.built, nil
	}
	if cl, ok := notes.(ChangeLog); ok {
		err := cl.Changes(st.storeSeq, func(e store.Entry) error {
			if e.Seq > st.storeSeq {
				st.storeSeq = e.Seq
			}
			if e.Note == nil || !e.Note.Public() {
				delete(st.recs, e.ID)
				return nil
			}
			st.recs[e.ID] = newNoteRec(e.Note)
			return nil
		})
		if err != nil {
			return nil, err
		}
	} else {
		recs, err := ix.readPublicNotes(ctx, notes)
		if err != nil {
			return nil, err
		}
		st.recs = recs
	}
	st.indexSeq = seq
	st.built = buildDisco(st.recs)
	return st.built, nil
}

// readPublicNotes reads every public note of the index from notes.
func (ix *Index) readPublicNotes(ctx context.Context, notes Notes) (map[string]*noteRec, error) {
	ids, err := ix.publicIDs(ctx)
	if err != nil {
		return nil, err
	}
	recs := make(map[string]*noteRec, len(ids))
	for i := 0; i < len(ids); i += 1000 {
		got, err := notes.GetMany(ids[i:min(i+1000, len(ids))])
		if err != nil {
			return nil, err
		}
		for id, n := range got {
			if n.Public() {
				recs[id] = newNoteRec(n)
			}
		}
	}
	return recs, nil
}

// publicIDs lists the ids of every public note in the index.
func (ix *Index) publicIDs(ctx context.Context) ([]string, error) {
	n, err := ix.bi.DocCount()
	if err != nil {
		return nil, err
	}
	vis := query.NewTermQuery(store.VisibilityPublic)
	vis.SetField(fVis)
	req := bleve.NewSearchRequestOptions(vis, int(n), 0, false)
	req.Score = "none"
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

func newNoteRec(n *store.Note) *noteRec {
	r := &noteRec{title: n.Title, typ: n.Type, authors: n.Authors, orgs: n.Organisations, terms: n.Terms, carnets: n.CarnetTitles()}
	seen := map[string]bool{}
	add := func(text string) {
		for _, t := range Analyze(text) {
			w := strings.ToLower(text[t.Start:t.End])
			if i := strings.LastIndexAny(w, "'’"); i >= 0 {
				w = strings.TrimLeft(w[i:], "'’")
			}
			if w == "" || seen[w] {
				continue
			}
			seen[w] = true
			r.words = append(r.words, w)
		}
	}
	add(n.Title)
	add(n.Summary)
	for _, list := range [][]string{n.Terms, n.Organisations, r.carnets} {
		for _, s := range list {
			add(s)
		}
	}
	return r
}

func buildDisco(recs map[string]*noteRec) *discoIndex {
	d := &discoIndex{notes: len(recs)}
	ids := make([]string, 0, len(recs))
	for id := range recs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	counts := make([]map[string]int, len(suggestKinds))
	for i := range counts {
		counts[i] = map[string]int{}
	}
	var titles []sugItem
	for _, id := range ids {
		r := recs[id]
		titles = append(titles, sugItem{value: r.title, id: id})
		for _, v := range dedupe(r.terms) {
			counts[1][v]++
		}
		for _, v := range dedupe(r.orgs) {
			counts[2][v]++
		}
		for _, v := range dedupe(r.authors) {
			counts[3][v]++
		}
		for _, v := range dedupe(r.carnets) {
			counts[4][v]++
		}
	}
	d.kinds[0] = newSugKind(titles)
	for k := 1; k < len(suggestKinds); k++ {
		items := make([]sugItem, 0, len(counts[k]))
		for v, c := range counts[k] {
			items = append(items, sugItem{value: v, count: c})
		}
		sort.Slice(items, func(i, j int) bool { return items[i].value < items[j].value })
		d.kinds[k] = newSugKind(items)
	}
	d.vocab = newVocabulary(recs)
	return d
}

func dedupe(s []string) []string {
	if len(s) < 2 {
		return s
	}
	seen := make(map[string]bool, len(s))
	out := make([]string, 0, len(s))
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// foldedWords splits a text into its words (runs of letters and digits),
// folded, with their rune spans in the original text.
func foldedWords(s string) (words []string, spans [][2]int) {
	start := -1
	flush := func(end int) {
		if start >= 0 {
			words = append(words, Fold(s[start:end]))
			spans = append(spans, [2]int{start, end})
			start = -1
		}
	}
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(s))
	return words, spans
}
