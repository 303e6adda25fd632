package discover

import (
	"context"
	"errors"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/index"
	"github.com/encommun/trouvaille/oplog"
	"github.com/encommun/trouvaille/store"
)

// Discovery features (autocomplete, "did you mean", facet value look-ups)
// need real words and names, while the index holds only stems and keyword
// values. They share an in-memory view of the public notes' short fields —
// title, summary words, terms, organisations, authors, carnets — built from
// the store on first use and brought up to date, from the store's change log,
// whenever the index has applied new changes (its LastSeq moved). Bodies are
// not kept: they would cost memory and seconds at 100k notes for little gain.

// Notes is what discovery reads of the note store (*store.Store implements
// it): notes by id, and the change log to follow the store's changes.
type Notes interface {
	index.Notes
	Changes(after uint64, fn func(store.Entry) error) error
}

// Discovery serves the discovery features over one index and the note store.
// It owns the in-memory view and its background refresh; Close stops it.
// Safe for concurrent use.
type Discovery struct {
	ix     *index.Index
	notes  Notes
	intern *interner
	// syncBelow: see syncDiscoveryBelow (tests lower it).
	syncBelow uint64

	mu       sync.Mutex
	indexSeq uint64 // index LastSeq the view reflects
	storeSeq uint64 // last change-log entry read
	recs     *recStore
	built    *discoIndex

	// current is the latest built view, readable without mu; refreshing is
	// set while a background refresh runs.
	current    atomic.Pointer[discoIndex]
	refreshing atomic.Bool
	// buildNS is how long the last build of the derived tables took and
	// builtAt when it ended (unix ns): they pace the background refresh.
	buildNS, builtAt atomic.Int64
	builds           atomic.Int64 // builds of the derived tables so far
	// minGap is the least time between two background builds (tests lower it).
	minGap time.Duration

	// The file the view is saved to and read back from (persist.go): its
	// path ("" : none), the store's last sequence number, where problems
	// with it are logged, the sequence number of the last save, and whether
	// the file was tried at start. Guarded by mu.
	snapPath    string
	snapLastSeq func() uint64
	log         oplog.Logger
	savedSeq    uint64
	snapTried   bool

	// ctx is cancelled by Close; wg waits for the background refresh.
	// bgMu guards closed and the start of background work, so that none
	// starts once Close has begun waiting.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	bgMu   sync.Mutex
	closed bool
}

// New returns the discovery features of ix, reading notes from notes. The
// view is built on first use (or by Warm).
func New(ix *index.Index, notes Notes) *Discovery {
	ctx, cancel := context.WithCancel(context.Background())
	return &Discovery{ix: ix, notes: notes, intern: newInterner(), syncBelow: syncDiscoveryBelow,
		minGap: minRefreshGap, recs: &recStore{}, ctx: ctx, cancel: cancel}
}

// Close stops a background refresh and waits for it; no background work
// starts afterwards. It saves the view if it persists (Persist) and changed.
// Closing twice is harmless.
func (d *Discovery) Close() {
	d.bgMu.Lock()
	d.closed = true
	d.bgMu.Unlock()
	d.cancel()
	d.wg.Wait()
	d.save()
}

// goBackground runs fn in a goroutine that Close cancels (through the
// context fn receives) and waits for. It reports false, running nothing, once
// Close has been called.
func (d *Discovery) goBackground(fn func(ctx context.Context)) bool {
	d.bgMu.Lock()
	defer d.bgMu.Unlock()
	if d.closed {
		return false
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		fn(d.ctx)
	}()
	return true
}

// discoIndex is the immutable, derived part: suggestion tables and vocabulary.
type discoIndex struct {
	kinds [5]*sugKind // in suggestKinds order
	vocab *vocabulary
	notes int
}

// Warm builds the discovery view ahead of the first request (the engine
// calls it in the background).
func (d *Discovery) Warm(ctx context.Context) error {
	_, err := d.view(ctx)
	return err
}

// view returns the discovery view, brought up to date with the index.
func (d *Discovery) view(ctx context.Context) (*discoIndex, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	seq := d.ix.LastSeq()
	if d.built != nil && d.indexSeq == seq {
		return d.built, nil
	}
	d.loadOnce()
	read := 0
	err := d.notes.Changes(d.storeSeq, func(e store.Entry) error {
		if err := ctx.Err(); err != nil {
			return err // Close, or the request gave up: the next call goes on from here
		}
		read++
		if e.Seq > d.storeSeq {
			d.storeSeq = e.Seq
		}
		if e.Note == nil || !e.Note.Public() {
			d.recs.remove(e.ID)
			return nil
		}
		d.recs.set(d.intern.noteRec(e.ID, e.Note))
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.indexSeq = seq
	t0 := time.Now()
	d.built = buildDisco(d.recs.sorted(), d.intern.wordTable(), d.intern.nameTable())
	d.current.Store(d.built)
	d.buildNS.Store(int64(time.Since(t0)))
	d.builtAt.Store(time.Now().UnixNano())
	d.builds.Add(1)
	if d.snapPath != "" && read >= snapSaveAfter {
		d.goBackground(func(context.Context) { d.save() })
	}
	return d.built, nil
}

// syncDiscoveryBelow is the index size up to which requests may wait for the
// discovery view to be (re)built, as long as the last build took under
// syncBuildMax (a second: a demo's build takes milliseconds even on a loaded
// machine, so small indexes follow every write at the next request). Otherwise requests use the view they find (possibly a little
// stale, or none yet) and a refresh runs in the background, so that no search
// waits seconds at a million notes, or behind every write of a busy writer.
const (
	syncDiscoveryBelow = 20000
	syncBuildMax       = time.Second
)

// Background refreshes are paced: the next build starts no sooner than
// refreshRatio times the last build's duration after it ended, and at least
// minRefreshGap after it. Under continuous writes the rebuilds thus use at
// most 1/(refreshRatio+1) of a core, and the view follows the writes within
// (refreshRatio+1) builds plus minRefreshGap (MaxLag).
const (
	refreshRatio  = 4
	minRefreshGap = time.Second
)

// MaxLag is the most the discovery view lags behind the index under
// continuous writes, given its last build time: the wait between two builds
// and the next build itself.
func (d *Discovery) MaxLag() time.Duration {
	b := time.Duration(d.buildNS.Load())
	return d.gap() + b + b/2 // the next build may take a little longer
}

func (d *Discovery) gap() time.Duration {
	return max(d.minGap, refreshRatio*time.Duration(d.buildNS.Load()))
}

// viewNow returns the discovery view for a request without making it
// wait on a large rebuild: ErrDiscoveryNotReady when none is built yet.
func (d *Discovery) viewNow(ctx context.Context) (*discoIndex, error) {
	if n, err := d.ix.DocCount(); err == nil && n <= d.syncBelow && time.Duration(d.buildNS.Load()) < syncBuildMax {
		return d.view(ctx)
	}
	cur := d.current.Load()
	if (cur == nil || d.indexSeqNow() != d.ix.LastSeq()) && d.refreshing.CompareAndSwap(false, true) {
		// The refresh belongs to the Discovery, not to the request: Close
		// cancels it and waits for it. It goes on until the view has caught
		// up with the index, one paced build after another.
		if !d.goBackground(d.refresh) {
			d.refreshing.Store(false)
		}
	}
	if cur == nil {
		return nil, ErrDiscoveryNotReady
	}
	return cur, nil
}

// refresh rebuilds the view, paced (see refreshRatio), until it reflects the
// index's last applied sequence or ctx is cancelled.
func (d *Discovery) refresh(ctx context.Context) {
	defer d.refreshing.Store(false)
	for {
		if at := d.builtAt.Load(); at != 0 {
			wait := time.Until(time.Unix(0, at).Add(d.gap()))
			if wait > 0 {
				t := time.NewTimer(wait)
				select {
				case <-ctx.Done():
					t.Stop()
					return
				case <-t.C:
				}
			}
		}
		builds := d.builds.Load()
		_, err := d.view(ctx)
		if d.builds.Load() != builds {
			// The view just replaced is garbage now (about 10 MiB at 100k
			// notes, every few seconds under writes): hand it back to the
			// system at once rather than let the heap's high-water mark set
			// the RSS. Not when view found the view already up to date: a
			// forced collection for nothing.
			debug.FreeOSMemory()
		}
		if err != nil || d.indexSeqNow() == d.ix.LastSeq() {
			return
		}
	}
}

// ErrDiscoveryNotReady says the discovery view is still being built.
var ErrDiscoveryNotReady = errors.New("autocomplétion en préparation : réessayez dans un moment")

func (d *Discovery) indexSeqNow() uint64 {
	if !d.mu.TryLock() {
		return ^uint64(0) // a build is running: treat as stale
	}
	defer d.mu.Unlock()
	return d.indexSeq
}

// interner numbers the names and words of the discovery view: they repeat
// across thousands of notes, and a word cut from a summary must not keep the
// whole summary alive. It also remembers the words of each name, analysed
// once, and encodes the records (its buffers are reused from one to the next).
type interner struct {
	mu     sync.Mutex
	names  map[string]uint32 // name numbers (types, authors, organisations, terms, carnets)
	byName []string
	words  map[uint32][]uint32 // a name's words
	ids    map[string]uint32   // word numbers
	byID   []string

	nameBuf, wordBuf []uint32
	recBuf           []byte
}

func newInterner() *interner {
	return &interner{names: map[string]uint32{}, words: map[uint32][]uint32{}, ids: map[string]uint32{}}
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

// name returns the number of a name. Called with in.mu held.
func (in *interner) name(s string) uint32 {
	if id, ok := in.names[s]; ok {
		return id
	}
	s = strings.Clone(s)
	id := uint32(len(in.byName))
	in.names[s] = id
	in.byName = append(in.byName, s)
	return id
}

// nameTable returns the name table (append-only: the slice seen stays valid).
func (in *interner) nameTable() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.byName
}

// appendTextWords appends to dst the surface words (lower-cased, elision
// removed) of text.
func (in *interner) appendTextWords(dst []uint32, text string) []uint32 {
	for _, t := range analysis.Analyze(text) {
		w := strings.ToLower(text[t.Start:t.End])
		if i := strings.LastIndexAny(w, "'’"); i >= 0 {
			w = strings.TrimLeft(w[i:], "'’")
		}
		if w != "" {
			dst = append(dst, in.wordID(w))
		}
	}
	return dst
}

// nameWords returns the words of a name, memoised: the same names come
// back on many notes.
func (in *interner) nameWords(id uint32) []uint32 {
	if w, ok := in.words[id]; ok {
		return w
	}
	w := in.appendTextWords(nil, in.byName[id])
	in.words[id] = w
	return w
}

// noteRec is what the view keeps of a public note.
func (in *interner) noteRec(id string, n *store.Note) noteRec {
	return in.rec(id, n.Title, n.Type, [recLists][]string{n.Authors, n.Organisations, n.Terms, n.CarnetTitles()}, nil, n.Summary)
}

// rec numbers a note's names and words: the words of title and summary
// (words, when given, replaces them: a record read back from the file)
// and of its terms, organisations and carnets.
func (in *interner) rec(id, title, typ string, lists [recLists][]string, words []uint32, summary string) noteRec {
	in.mu.Lock()
	defer in.mu.Unlock()
	t := in.name(typ)
	buf := in.nameBuf[:0]
	for _, l := range lists {
		for _, s := range l {
			buf = append(buf, in.name(s))
		}
	}
	var ids [recLists][]uint32
	at := 0
	for k, l := range lists {
		ids[k] = buf[at : at+len(l)]
		at += len(l)
	}
	ws := in.wordBuf[:0]
	if words != nil {
		ws = append(ws, words...)
	} else {
		ws = in.appendTextWords(ws, title)
		ws = in.appendTextWords(ws, summary)
		for _, k := range []int{recTerms, recOrgs, recCarnets} {
			for _, s := range lists[k] {
				ws = append(ws, in.nameWords(in.names[s])...)
			}
		}
	}
	slices.Sort(ws)
	ws = slices.Compact(ws)
	r, b := packRec(in.recBuf, id, title, t, ids, ws)
	in.nameBuf, in.wordBuf, in.recBuf = buf, ws, b
	return r
}

// buildDisco builds the suggestion tables and the vocabulary of recs
// (sorted by id; the titles' table keeps the slice).
func buildDisco(recs []noteRec, table, names []string) *discoIndex {
	d := &discoIndex{notes: len(recs)}
	// Notes per name, for each kind after titles (its list in the records).
	lists := [...]int{1: recTerms, 2: recOrgs, 3: recAuthors, 4: recCarnets}
	counts := make([]map[uint32]int32, len(suggestKinds))
	for i := range counts {
		counts[i] = map[uint32]int32{}
	}
	titles := make([]string, len(recs))
	var f recFields
	for i, r := range recs {
		f.decode(r)
		titles[i] = f.title
		for k := 1; k < len(suggestKinds); k++ {
			for _, v := range dedupe(f.lists[lists[k]]) {
				counts[k][v]++
			}
		}
	}
	// The titles' table is the largest: it is built beside the others.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		d.kinds[0] = newSugKind(titles, nil, recs)
	}()
	for k := 1; k < len(suggestKinds); k++ {
		ids := make([]uint32, 0, len(counts[k]))
		for v := range counts[k] {
			ids = append(ids, v)
		}
		sort.Slice(ids, func(i, j int) bool { return names[ids[i]] < names[ids[j]] })
		vals := make([]string, len(ids))
		cs := make([]int32, len(ids))
		for i, v := range ids {
			vals[i], cs[i] = names[v], counts[k][v]
		}
		d.kinds[k] = newSugKind(vals, cs, nil)
	}
	d.vocab = newVocabulary(recs, table)
	wg.Wait()
	return d
}

func dedupe[T comparable](s []T) []T {
	if len(s) < 2 {
		return s
	}
	seen := make(map[T]bool, len(s))
	out := make([]T, 0, len(s))
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
// queryWords are the folded words of what a person typed, the elided
// articles left out (« l'econ » is « econ »): as words, « l » matched
// every value holding a word in l and lost those without one.
func queryWords(q string) []string {
	words, spans := foldedWords(q)
	out := words[:0:0]
	for i, w := range words {
		rest := q[spans[i][1]:]
		if analysis.IsElision(w) && (strings.HasPrefix(rest, "'") || strings.HasPrefix(rest, "’")) {
			continue
		}
		out = append(out, w)
	}
	return out
}

func foldedWords(s string) (words []string, spans [][2]int) {
	start := -1
	flush := func(end int) {
		if start >= 0 {
			words = append(words, analysis.Fold(s[start:end]))
			spans = append(spans, [2]int{start, end})
			start = -1
		}
	}
	for i, r := range s {
		if wordRune(r) {
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

// wordRune reports whether r is part of a word (foldedWords).
func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}
