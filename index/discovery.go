package index

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
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
	words      []uint32 // distinct surface words (lower-cased; ids in the view's interner) of title, summary, terms, organisations, carnets
}

// discoState is the per-index discovery view (Index.disco).
type discoState struct {
	mu       sync.Mutex
	intern   *interner
	indexSeq uint64 // index LastSeq the view reflects
	storeSeq uint64 // last change-log entry read
	ready    bool
	recs     map[string]*noteRec
	built    *discoIndex

	// current is the latest built view, readable without mu; refreshing is
	// set while a background refresh runs.
	current    atomic.Pointer[discoIndex]
	refreshing atomic.Bool
}

// discoIndex is the immutable, derived part: suggestion tables and vocabulary.
type discoIndex struct {
	kinds [5]*sugKind // in suggestKinds order
	vocab *vocabulary
	notes int
}

func newDiscoState() *discoState {
	return &discoState{recs: map[string]*noteRec{}, intern: newInterner()}
}

func (ix *Index) discoState() *discoState { return ix.disco }

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
			if err := ctx.Err(); err != nil {
				return err
			}
			if e.Seq > st.storeSeq {
				st.storeSeq = e.Seq
			}
			if e.Note == nil || !e.Note.Public() {
				delete(st.recs, e.ID)
				return nil
			}
			st.recs[e.ID] = newNoteRec(st.intern, e.Note)
			return nil
		})
		if err != nil {
			return nil, err
		}
	} else {
		recs, err := ix.readPublicNotes(ctx, st.intern, notes)
		if err != nil {
			return nil, err
		}
		st.recs = recs
	}
	st.indexSeq = seq
	st.built = buildDisco(st.intern, st.recs)
	st.current.Store(st.built)
	return st.built, nil
}

// syncDiscoveryBelow is the index size up to which requests wait for the
// discovery view to be (re)built: under a second. Above it, requests use the
// view they find (possibly a little stale, or none yet) and a refresh runs in
// the background, so that no search waits minutes at a million notes.
const syncDiscoveryBelow = 20000

// discoveryNow returns the discovery view for a request without making it
// wait on a large rebuild: nil when none is built yet.
func (ix *Index) discoveryNow(ctx context.Context, notes Notes) (*discoIndex, error) {
	if n, err := ix.DocCount(); err == nil && n <= ix.syncDiscoveryBelow {
		return ix.discovery(ctx, notes)
	}
	st := ix.discoState()
	cur := st.current.Load()
	if (cur == nil || st.indexSeqNow() != ix.LastSeq()) && st.refreshing.CompareAndSwap(false, true) {
		// The refresh belongs to the index, not to the request: Close
		// cancels it and waits for it.
		if !ix.goBackground(func(bg context.Context) {
			defer st.refreshing.Store(false)
			ix.discovery(bg, notes)
		}) {
			st.refreshing.Store(false)
		}
	}
	if cur == nil {
		return nil, ErrDiscoveryNotReady
	}
	return cur, nil
}

// ErrDiscoveryNotReady says the discovery view is still being built.
var ErrDiscoveryNotReady = errors.New("autocomplétion en préparation : réessayez dans un moment")

func (st *discoState) indexSeqNow() uint64 {
	if !st.mu.TryLock() {
		return ^uint64(0) // a build is running: treat as stale
	}
	defer st.mu.Unlock()
	return st.indexSeq
}

// readPublicNotes reads every public note of the index from notes.
func (ix *Index) readPublicNotes(ctx context.Context, in *interner, notes Notes) (map[string]*noteRec, error) {
	ids, err := ix.publicIDs(ctx)
	if err != nil {
		return nil, err
	}
	recs := make(map[string]*noteRec, len(ids))
	for i := 0; i < len(ids); i += 1000 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		got, err := notes.GetMany(ids[i:min(i+1000, len(ids))])
		if err != nil {
			return nil, err
		}
		for id, n := range got {
			if n.Public() {
				recs[id] = newNoteRec(in, n)
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
	return ix.searchIDs(ctx, req)
}

// interner shares the strings of the discovery view: names and words repeat
// across thousands of notes, and a word cut from a summary must not keep the
// whole summary alive. It also remembers the words of each name, analysed once.
type interner struct {
	mu    sync.Mutex
	strs  map[string]string
	words map[string][]uint32
	ids   map[string]uint32 // word ids
	byID  []string
}

func newInterner() *interner {
	return &interner{strs: map[string]string{}, words: map[string][]uint32{}, ids: map[string]uint32{}}
}

func (in *interner) wordID(w string) uint32 {
	if id, ok := in.ids[w]; ok {
		return id
	}
	w = strings.Clone(w)
	id := uint32(len(in.byID))
	in.ids[w] = id
	in.byID = append(in.byID, w)
	return id
}

// wordTable returns the word table (append-only: the slice seen stays valid).
func (in *interner) wordTable() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.byID
}

func (in *interner) str(s string) string {
	if v, ok := in.strs[s]; ok {
		return v
	}
	s = strings.Clone(s)
	in.strs[s] = s
	return s
}

func (in *interner) list(l []string) []string {
	if len(l) == 0 {
		return nil
	}
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = in.str(s)
	}
	return out
}

// textWords returns the distinct surface words (lower-cased, elision removed) of text.
func (in *interner) textWords(text string) []uint32 {
	var out []uint32
	for _, t := range Analyze(text) {
		w := strings.ToLower(text[t.Start:t.End])
		if i := strings.LastIndexAny(w, "'’"); i >= 0 {
			w = strings.TrimLeft(w[i:], "'’")
		}
		if w != "" {
			out = append(out, in.wordID(w))
		}
	}
	return out
}

// nameWords is textWords memoised: the same names come back on many notes.
func (in *interner) nameWords(name string) []uint32 {
	if w, ok := in.words[name]; ok {
		return w
	}
	w := in.textWords(name)
	in.words[in.str(name)] = w
	return w
}

func newNoteRec(in *interner, n *store.Note) *noteRec {
	in.mu.Lock()
	defer in.mu.Unlock()
	r := &noteRec{title: strings.Clone(n.Title), typ: in.str(n.Type), authors: in.list(n.Authors),
		orgs: in.list(n.Organisations), terms: in.list(n.Terms), carnets: in.list(n.CarnetTitles())}
	seen := map[uint32]bool{}
	add := func(words []uint32) {
		for _, w := range words {
			if !seen[w] {
				seen[w] = true
				r.words = append(r.words, w)
			}
		}
	}
	add(in.textWords(n.Title))
	add(in.textWords(n.Summary))
	for _, list := range [][]string{r.terms, r.orgs, r.carnets} {
		for _, s := range list {
			add(in.nameWords(s))
		}
	}
	r.words = slices.Clip(r.words)
	return r
}

func buildDisco(in *interner, recs map[string]*noteRec) *discoIndex {
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
	d.vocab = newVocabulary(in, recs)
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
