package index

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/blevesearch/bleve/v2"
	bleveanalysis "github.com/blevesearch/bleve/v2/analysis"
	bdoc "github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/index/termdict"
	"github.com/encommun/trouvaille/oplog"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
	"github.com/encommun/trouvaille/store"
)

// An index's version has two parts, stored together under keyMapping.
//
// formatVersion changes whenever what the index holds changes in a way its
// readers depend on (fields, their encodings, the mapping): an index of
// another format is never read, Open removes it and the engine rebuilds it
// from the store.
//
// analysisVersion changes whenever only the analysis of words changes
// (stems, stems kept apart, stop words, elisions): an index of another
// analysis can still be read, a few words being found otherwise until it is
// rebuilt. Open removes it too; OpenKeepingStale keeps it (Stale), for a
// server that serves it while it builds its successor beside it.
const (
	formatVersion   = 1
	analysisVersion = 31 // 31: each bloc indexed with its carnet (schema.CarnetBloc); 26: stems of their own for words of another sense than their Snowball stem (fonds, année, base, garde…); 27: feminines in -ive with their masculine, « ·elles » after -eau(x); 28: désigner (and designer) with désigne; 29: « environement » with « environnement »; 30: invisible characters (zero-width, direction marks) inside a word no longer split it
)

// versionText is what an index of format f and analysis a stores.
func versionText(f, a int) string {
	return fmt.Sprintf("trouvaille-format-%d-analyse-%d", f, a)
}

// parseVersion reads a stored version. Before the version had two parts it
// was one number, "trouvaille-mapping-N": the 21st is format 1, analysis 21;
// the earlier ones are of no format read today.
func parseVersion(v string) (format, analysis int, ok bool) {
	if v == "trouvaille-mapping-21" {
		return 1, 21, true
	}
	if _, err := fmt.Sscanf(v, "trouvaille-format-%d-analyse-%d", &format, &analysis); err != nil || v != versionText(format, analysis) {
		return 0, 0, false
	}
	return format, analysis, true
}

var (
	keySeq     = []byte("trouvaille_seq")
	keyMapping = []byte("trouvaille_mapping")
	// keyMarked lists the synonym phrases every indexed note was checked
	// for (JSON array of query.PhraseKey): see synonyms.go.
	keyMarked = []byte("trouvaille_synphrases")
)

// Index is the Bleve search index. Safe for concurrent use.
type Index struct {
	bi  bleve.Index
	dir string
	// stale: built by another analysis of words (OpenKeepingStale).
	stale bool
	// background: notes prepared on one core (SetBackground).
	background atomic.Bool

	mu sync.Mutex // serialises writers
	// lastSeq is written under mu, read without it: health checks, write
	// answers and the discovery view read it while a batch is applied, which
	// holds mu for as long as Bleve takes (seconds for a batch of long
	// notes: /healthz then took 14 to 34 s).
	lastSeq atomic.Uint64

	cache *resultCache
	cols  *columnStore
	// expansions caches term-dictionary look-ups for typos and prefixes,
	// per segment: it outlives writes.
	expansions *expansionCache
	// synPhrases keeps the notes holding each multi-word synonym, across writes.
	synPhrases *synPhraseCache
	// postings keeps the postings of common terms decoded, for scores.
	postings *postingsCache
	// watch follows Bleve's background writes (diskwatch.go).
	watch  *diskWatch
	closed atomic.Bool
	// synonyms is the list applied to queries (nil: the default list).
	synonyms atomic.Pointer[analysis.Synonyms]
	// marker finds the synonyms' phrases in the notes being indexed;
	// marked is the set of phrases every indexed note was checked for
	// (written under mu, read by searches).
	marker atomic.Pointer[query.PhraseMarker]
	marked atomic.Pointer[map[string]bool]
}

// Open opens the index in dir, creating it when absent. An index that cannot be
// opened (corrupt, or built by another version, of its format or of its
// analysis) is removed and created anew, empty: the caller then catches up
// from the store. logf reports what happened (every level: see OpenWith).
func Open(dir string, logf func(format string, args ...any)) (*Index, error) {
	return OpenWith(dir, OpenOptions{Log: oplog.To(logf)})
}

// OpenKeepingStale is Open, except that an index of the current format
// built by another analysis is kept and opened as it is: Stale reports it,
// and the caller builds its successor.
func OpenKeepingStale(dir string, logf func(format string, args ...any)) (*Index, error) {
	return OpenWith(dir, OpenOptions{Log: oplog.To(logf), KeepStale: true})
}

// OpenOptions tunes OpenWith.
type OpenOptions struct {
	// Log receives the index's messages to the operator, each at its
	// level (a damaged index found at Open, a write to the disk that
	// fails…); the zero Logger discards them.
	Log oplog.Logger
	// KeepStale: see OpenKeepingStale.
	KeepStale bool
}

// OpenWith is Open, or OpenKeepingStale, with the messages at their level.
func OpenWith(dir string, o OpenOptions) (*Index, error) {
	w := watchDisk(dir, o.Log)
	ix, err := open(dir, o.Log, w, o.KeepStale)
	if err != nil {
		w.close()
		return nil, err
	}
	return ix, nil
}

// open is Open, with the watch of the index's background writes.
func open(dir string, log oplog.Logger, w *diskWatch, keepStale bool) (*Index, error) {
	var bi bleve.Index
	stale := false
	if _, err := os.Stat(dir); err == nil {
		bi, err = openExisting(dir)
		if err != nil {
			log.Warnf("index %s illisible (%s) : reconstruction à partir du magasin", dir, oneLine(err))
			bi = nil
		} else if err := verifySegments(bi); err != nil {
			log.Warnf("index %s endommagé (%s) : reconstruction à partir du magasin", dir, oneLine(err))
			bi.Close()
			bi = nil
		} else if v, _ := bi.GetInternal(keyMapping); string(v) != versionText(formatVersion, analysisVersion) {
			f, a, ok := parseVersion(string(v))
			switch {
			case ok && f == formatVersion && a == analysisVersion:
				// The current version under its former name: as it is.
			case ok && f == formatVersion && keepStale:
				stale = true
				log.Infof("index %s construit par une autre analyse des mots (version %d, celle-ci %d) : lisible, à reconstruire", dir, a, analysisVersion)
			default:
				log.Infof("index %s construit par une autre version (%q) : reconstruction à partir du magasin", dir, v)
				bi.Close()
				bi = nil
			}
		}
		if bi == nil {
			if err := os.RemoveAll(dir); err != nil {
				return nil, fmt.Errorf("supprimer l’index illisible %s : %w", dir, err)
			}
		}
	}
	if bi != nil {
		ix, err := newIndex(bi, w, dir, stale)
		if err == nil {
			return ix, nil
		}
		// Its segments open but what it keeps beside them (the last
		// sequence applied, the synonyms it marked) does not read: as
		// unreadable as a segment, and as rebuilt (every command stopped
		// on it, export included).
		log.Warnf("index %s illisible (%s) : reconstruction à partir du magasin", dir, oneLine(err))
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("supprimer l’index illisible %s : %w", dir, err)
		}
	}
	bi, err := bleve.NewUsing(dir, buildMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, scorchConfig())
	if err != nil {
		return nil, fmt.Errorf("créer l’index %s : %w", dir, err)
	}
	if err := bi.SetInternal(keyMapping, []byte(versionText(formatVersion, analysisVersion))); err != nil {
		bi.Close()
		return nil, fmt.Errorf("créer l’index %s : %w", dir, err)
	}
	return newIndex(bi, w, dir, false)
}

// oneLine is err's text on one line of the log (Bleve's may hold the
// mapping it could not read, over several).
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// newIndex wraps an open Bleve index and reads what the index keeps beside
// its notes: the last sequence applied and the synonyms marked. On an
// error it has closed bi.
func newIndex(bi bleve.Index, w *diskWatch, dir string, stale bool) (*Index, error) {
	if adv, err := bi.Advanced(); err == nil {
		w.attach(adv)
	}
	ix := &Index{bi: bi, watch: w, dir: dir, stale: stale, cache: newResultCache(256), cols: newColumnStore(), expansions: newExpansionCache(expansionCacheBytes), synPhrases: newSynPhraseCache(), postings: newPostingsCache(postingsCacheBytes)}
	v, err := bi.GetInternal(keySeq)
	if err == nil && len(v) != 0 && len(v) != 8 {
		err = fmt.Errorf("%d octets au lieu de 8", len(v))
	}
	if err != nil {
		bi.Close()
		return nil, fmt.Errorf("lire la séquence de l’index : %w", err)
	}
	if len(v) == 8 {
		ix.lastSeq.Store(binary.BigEndian.Uint64(v))
	}
	if err := ix.loadMarked(); err != nil {
		bi.Close()
		return nil, err
	}
	return ix, nil
}

// Stale reports whether the index was built by another analysis of words
// than this program's (OpenKeepingStale): readable, but to be rebuilt.
func (ix *Index) Stale() bool { return ix.stale }

// Dir returns the index's folder.
func (ix *Index) Dir() string { return ix.dir }

// Sync waits until everything applied so far, and the last sequence number,
// is on disk (Bleve otherwise writes it in the background).
func (ix *Index) Sync() error { return ix.persist() }

// scorchConfig tunes Bleve's scorch engine. Batches are "unsafe": Bleve
// returns once a batch is searchable and persists it in the background,
// instead of waiting for an fsync per batch. That is safe here because Badger
// is the source of truth: the index persists its last applied sequence number
// atomically with the segments, so after a crash it is merely behind, and
// Open's catch-up replays the missing changes from the store.
func scorchConfig() map[string]any {
	c := map[string]any{
		"unsafe_batch": true,
		// A failed background write pauses before its retry (diskwatch.go).
		"asyncErrorCallbackName": asyncErrorCallback,
		"eventCallbackName":      eventCallback,
	}
	if testMergePolicy != nil {
		c["scorchMergePlanOptions"] = testMergePolicy
	}
	return c
}

// testMergePolicy, when set (tests only), replaces the merge policy of
// Bleve's background merger (mergeplan.MergePlanOptions' fields by name).
var testMergePolicy map[string]any

// Close persists what the index holds in memory, then closes it. Batches are
// unsafe (see scorchConfig): Bleve's own Close drops the segments its
// persister has not written yet, and with them the last applied sequence
// number, so every clean exit would leave the next start to catch up.
func (ix *Index) Close() error {
	if !ix.closed.CompareAndSwap(false, true) {
		return nil // closed already (Bleve's Close panics when called twice)
	}
	ix.postings.wait()
	var err error
	if b := ix.Broken(); b != nil {
		// Its persister or introducer may be gone: a last batch could wait
		// for ever. What it holds is in the store.
		err = fmt.Errorf("index arrêté par une erreur interne de Bleve (%v) : ses dernières écritures ne sont pas sur le disque; le magasin les a", b)
	} else {
		err = ix.persist()
	}
	ix.watch.close() // no pause may hold Bleve's Close
	return errors.Join(err, ix.bi.Close())
}

// persist waits until everything applied so far, and the last sequence
// number, is on disk: an empty batch carrying the sequence number, whose
// persisted callback runs once the persister has written the snapshot
// holding it and every segment before it.
func (ix *Index) persist() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	seq := make([]byte, 8)
	binary.BigEndian.PutUint64(seq, ix.lastSeq.Load())
	b := ix.bi.NewBatch()
	b.SetInternal(keySeq, seq)
	done := make(chan error, 1)
	b.SetPersistedCallback(func(err error) {
		select {
		case done <- err:
		default:
		}
	})
	failed := ix.watch.persistFailures.Load()
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("écrire l’index sur le disque : %w", err)
	}
	ix.watch.hurry()
	// Bleve's persister retries a snapshot it could not write (a full disk)
	// without end and calls back only once it succeeds: Close must not wait
	// for that. What is not written is in the store, and the next Open
	// catches the index up from the sequence number on disk. So the wait
	// ends after a few failed tries, or persistTimeout.
	timeout := time.NewTimer(persistTimeout)
	defer timeout.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("écrire l’index sur le disque : %w", err)
			}
			return nil
		case <-tick.C:
			if n := ix.watch.persistFailures.Load() - failed; n >= closeGiveUpFailures {
				return fmt.Errorf("écrire l’index sur le disque : %d essais ont échoué (disque plein ?); les dernières notes sont dans le magasin et seront réindexées au prochain démarrage", n)
			}
		case <-timeout.C:
			return fmt.Errorf("écrire l’index sur le disque : pas fini après %s (disque plein ?); les dernières notes sont dans le magasin et seront réindexées au prochain démarrage", persistTimeout)
		}
	}
}

// persistTimeout bounds the wait for the index's last writes at Close.
const persistTimeout = 45 * time.Second

// LastSeq returns the last store sequence number applied to the index.
func (ix *Index) LastSeq() uint64 { return ix.lastSeq.Load() }

// Dictionary returns a reader of the index's term dictionaries; the caller
// closes it.
// Dictionary returns a reader of the index's term dictionaries that counts
// the public notes only (DictionaryFor an anonymous scope).
func (ix *Index) Dictionary() *termdict.Dict { return ix.DictionaryFor(query.Scope{}) }

// DictionaryFor returns a reader of the index's term dictionaries for the
// query planner and the discovery features that counts, and knows the terms
// of, only the notes the scope may see (mandatory filters aside): whether a
// word is taken as spelled right, and which of its completions and typos are
// kept, must not depend on notes the caller may not see. (Counting every
// note, a word that only private notes hold got no typo expansion, and found
// nothing for an anonymous caller where a misspelling of it found the
// public notes: a way to tell that hidden notes use a word.)
func (ix *Index) DictionaryFor(sc query.Scope) *termdict.Dict {
	return termdict.CountOnly(ix.bi, ix.expansions, visibleNotes(sc))
}

// visibleNotes names the notes the scope may see by their visibility
// terms (nil: every note, for the admin); see ScopeQuery.
func visibleNotes(sc query.Scope) termdict.Notes {
	if sc.Admin {
		return nil
	}
	out := termdict.Notes{{{fVis, store.VisibilityPublic}}}
	if sc.Level >= query.LevelCommunity {
		for _, c := range sc.Communities {
			out = append(out, [][2]string{{fVis, store.VisibilityCommunity}, {fCommunity, c}})
		}
	}
	if sc.Level >= query.LevelPrivate && sc.User != "" {
		out = append(out, [][2]string{{fVis, store.VisibilityPrivate}, {schema.Readers, sc.User}})
	}
	return out
}

// DocCount returns the number of indexed notes (all visibilities).
func (ix *Index) DocCount() (uint64, error) { return ix.bi.DocCount() }

// Apply indexes (or removes) the given store entries in one Bleve batch and
// records the highest sequence number among them, atomically with the batch.
func (ix *Index) Apply(entries []store.Entry) error { return ix.ApplyPrepared(ix.Prepare(entries)) }

// Prepared is a batch of store entries with their documents built (texts
// analysed): the costly part of indexing, which needs no lock, so that a
// loader can prepare the next batch while the index applies this one.
type Prepared struct {
	entries []store.Entry
	docs    []*bdoc.Document
	marker  *query.PhraseMarker // the synonym phrases the documents were checked for
}

// Prepare builds the documents of entries on every core (on one for an
// index built in the background: SetBackground).
func (ix *Index) Prepare(entries []store.Entry) *Prepared {
	m := ix.marker.Load()
	docs := make([]*bdoc.Document, len(entries))
	build := func(_, i int) error {
		if n := entries[i].Note; n != nil {
			docs[i] = document(n, m)
		}
		return nil
	}
	if ix.background.Load() {
		for i := range entries {
			build(0, i)
		}
	} else {
		parallelEach(context.Background(), len(entries), build)
	}
	return &Prepared{entries: entries, docs: docs, marker: m}
}

// SetBackground makes the index prepare the notes it indexes on one core,
// leaving the others to the searches of another index serving meanwhile
// (the successor of an index, built beside it).
func (ix *Index) SetBackground(on bool) { ix.background.Store(on) }

// ApplyPrepared is Apply for a batch prepared beforehand.
func (ix *Index) ApplyPrepared(p *Prepared) error {
	entries, docs := p.entries, p.docs
	if len(entries) == 0 {
		return nil
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	b := ix.bi.NewBatch()
	max := ix.lastSeq.Load()
	for i, e := range entries {
		if e.Seq > max {
			max = e.Seq
		}
		if e.Note == nil {
			b.Delete(e.ID)
			continue
		}
		if err := b.IndexAdvanced(docs[i]); err != nil {
			return fmt.Errorf("indexer la note %s : %w", e.ID, err)
		}
	}
	seq := make([]byte, 8)
	binary.BigEndian.PutUint64(seq, max)
	b.SetInternal(keySeq, seq)
	// Documents prepared before the synonyms changed were not checked for
	// the new list's phrases: those are no longer marked on every note.
	marked := ix.markedAfter(p.marker)
	if marked != nil {
		b.SetInternal(keyMarked, encodeMarked(marked))
	}
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("appliquer le lot à l’index : %w", err)
	}
	if marked != nil {
		ix.marked.Store(&marked)
	}
	ix.waitForPersister()
	ix.lastSeq.Store(max)
	ix.cache.clear()
	ix.synPhrases.update(entries)
	return nil
}

// Hide removes the notes ids from the index at once, ahead of the stored
// changes it has not applied yet, without moving its sequence number. A
// write that hides a note (deleted, or no longer public) is confirmed
// while the index may be far behind (a long ingest): from then on no
// search, facet or list may show the note to a caller who can no longer
// see it. The change itself is applied later, in order (a private version
// is indexed then); the engine keeps older stored versions of the note,
// queued before it, out of the index meanwhile.
func (ix *Index) Hide(ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	b := ix.bi.NewBatch()
	gone := make([]store.Entry, len(ids))
	for i, id := range ids {
		b.Delete(id)
		gone[i] = store.Entry{ID: id}
	}
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("retirer de l’index des notes cachées : %w", err)
	}
	ix.waitForPersister()
	ix.cache.clear()
	ix.synPhrases.update(gone)
	return nil
}

// maxMemorySegments bounds the unpersisted segments Bleve may hold: with
// unsafe batches, a fast writer would otherwise pile segments up in memory
// faster than the persister writes them (1.5 GB of RSS for 100k notes).
const maxMemorySegments = 6

// waitForPersister applies back-pressure: it waits while Bleve holds too many
// in-memory segments.
func (ix *Index) waitForPersister() {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return
	}
	st, ok := sc.Stats().(*scorch.Stats)
	if !ok {
		return
	}
	for i := 0; i < 3000 && atomic.LoadUint64(&st.TotMemorySegmentsAtRoot) > maxMemorySegments; i++ {
		time.Sleep(5 * time.Millisecond)
	}
}

// ErrBehind is returned by CatchUp's callers when the index could not reach the store.
var ErrBehind = errors.New("index en retard sur le magasin")

// CatchUp applies every store change after the index's last sequence number,
// in batches of batchSize. It returns how many entries it applied.
func (ix *Index) CatchUp(st *store.Store, batchSize int) (int, error) {
	return ix.CatchUpContext(context.Background(), st, batchSize)
}

// catchUpRead, when set (tests), runs once the changes have been read, before
// the index records how far it went: a test writes to the store there.
var catchUpRead func()

// CatchUpContext is CatchUp, stopping between two changes once ctx is done
// (what it applied stays applied; the next catch-up goes on from there).
func (ix *Index) CatchUpContext(ctx context.Context, st *store.Store, batchSize int) (int, error) {
	if batchSize <= 0 {
		batchSize = 1000
	}
	// The store's last sequence before its changes are read: every change up
	// to it is in what Changes reads. Read after, it could name a write made
	// meanwhile, which the index would then record as applied without it
	// (a live write while a catch-up runs).
	last := st.LastSeq()
	applied := 0
	batch := make([]store.Entry, 0, batchSize)
	flush := func() error {
		if err := ix.Apply(batch); err != nil {
			return err
		}
		applied += len(batch)
		batch = batch[:0]
		return nil
	}
	err := st.Changes(ix.LastSeq(), func(e store.Entry) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch = append(batch, e)
		if len(batch) == batchSize {
			return flush()
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	if err != nil {
		if ctx.Err() != nil && len(batch) > 0 {
			// Stopped: keep what was read, so the next catch-up starts after it.
			err = errors.Join(err, flush())
		}
		return applied, fmt.Errorf("%w : %v", ErrBehind, err)
	}
	if catchUpRead != nil {
		catchUpRead()
	}
	// Record the store's last sequence even when the tail of the log was
	// unchanged notes, so a later start knows it is up to date.
	if last > ix.LastSeq() {
		if err := ix.setSeq(last); err != nil {
			return applied, err
		}
	}
	return applied, nil
}

func (ix *Index) setSeq(seq uint64) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	v := make([]byte, 8)
	binary.BigEndian.PutUint64(v, seq)
	if err := ix.bi.SetInternal(keySeq, v); err != nil {
		return err
	}
	ix.lastSeq.Store(seq)
	return nil
}

// titleKeys returns the title's keys: the whole title, and the title without
// a parenthesised part ("Communauté de pratique (CdP)") nor the part in
// parentheses alone ("CdP").
// Each is indexed as its term (analysis.TitleKeyTerm).
func titleKeys(title string) []string {
	keys := []string{analysis.TitleKey(title)}
	if i := strings.IndexByte(title, '('); i > 0 {
		if j := strings.IndexByte(title[i:], ')'); j > 0 {
			keys = append(keys, analysis.TitleKey(title[:i]+title[i+j+1:]), analysis.TitleKey(title[i+1:i+j]))
		}
	}
	for i, k := range keys {
		keys[i] = analysis.TitleKeyTerm(k)
	}
	return keys
}

// document builds what Bleve indexes for a note: the analyzed text fields, the
// keyword fields for filters and facets, and sort values. Nothing is stored.
// The fields are made here, as the mapping (mapping.go) declares them, rather
// than by Bleve's reflective walk of a map: that walk, and the empty "_all"
// composite field it adds to every document, cost about a seventh of the
// indexing time. TestDocumentMatchesMapping checks both give the same fields.
func document(n *store.Note, m *query.PhraseMarker) *bdoc.Document {
	return documentOf(n, m, nil)
}

// documentOf is document with only the fields of only (nil: every field),
// for a note scored from its text (textScorer): the others, and their
// analysis, are left out.
func documentOf(n *store.Note, m *query.PhraseMarker, only map[string]bool) *bdoc.Document {
	wanted := func(field string) bool { return only == nil || only[field] }
	d := bdoc.NewDocument(n.ID)
	// Each text is analysed once, here: the French analysis for its own
	// field, and its words as written for completions (fWords). Bleve is
	// handed fields already analysed (analysedField). The body's words a
	// prefix reaches through their stem are left out of fWords
	// (bodySurface): they were a third of the index and a quarter of the
	// ingest's CPU.
	seen := make(map[string]bool, 64)
	var words []string
	keepWords := wanted(fWords)
	surface := func(w, _ string) {
		if keepWords && !seen[w] {
			w = strings.Clone(w) // Tokens reuses its bytes
			seen[w] = true
			words = append(words, w)
		}
	}
	// The body's words are the most: only those a prefix cannot reach
	// through their stem are kept (StemReaches). The other texts keep all
	// of theirs: a word typed whose stem the notes use often is taken as
	// typed in full, and then only the words as written complete it
	// (« levai » → « Le Levain », an organisation:
	// TestPrefixFindsTitleTermOrgWords).
	bodySurface := func(w, term string) {
		if !analysis.StemReaches(w, term) {
			surface(w, term)
		}
	}
	// The synonyms of several words each text holds as a phrase (the
	// texts a phrase is looked for in: see phraseTexts).
	var phrases []string
	markPhrases := wanted(fSynPhrase)
	mark := func(toks bleveanalysis.TokenStream) {
		if !markPhrases {
			return
		}
		m.Mark(toks, func(key string) {
			if !slices.Contains(phrases, key) {
				phrases = append(phrases, key)
			}
		})
	}
	// The texts of one value each are analysed in turn into one scratch:
	// their tokens are garbage once counted.
	scratch := tokenScratch.Get().(*analysis.TokenScratch)
	defer tokenScratch.Put(scratch)
	// The length codes of the fields of lengthFields, whose terms that
	// occur once are indexed without frequency (lengths.go).
	var lens []string
	addText := func(af *analysedField) {
		if k := lengthField(af.name); k >= 0 && af.length > 0 {
			for _, slab := range af.slabs { // the map's values, in arrays
				for i := range slab {
					if slab[i].Frequency() == 1 {
						slab[i].SetFrequency(0)
					}
				}
			}
			lens = append(lens, lengthTerm(k, af.AnalyzedLength()))
		}
		d.AddField(af)
	}
	// A text is analysed for its field, or for the words as written and
	// the synonym phrases drawn from every text.
	analysed := func(field string) bool { return wanted(field) || keepWords || markPhrases }
	text := func(field, v string) {
		if v != "" && analysed(field) {
			sf := surface
			if field == fBody {
				sf = bodySurface
			}
			toks := scratch.Tokens(v, sf)
			if field != fPeopleT && field != fCarnetsT {
				mark(toks)
			}
			if wanted(field) {
				addText(newAnalysedField(field, len(v), toks))
			}
		}
	}
	// A field of several values is one field: zap indexes the values of a
	// field together (frequencies summed, lengths added), and its merging
	// of many small fields (MergeAll) was 2.4 % of the ingest's CPU.
	texts := func(field string, vs []string) {
		if len(vs) == 0 || !analysed(field) {
			return
		}
		streams := make([]bleveanalysis.TokenStream, len(vs))
		bytes := 0
		for i, v := range vs {
			streams[i] = analysis.Tokens(v, surface)
			if field != fPeopleT && field != fCarnetsT {
				mark(streams[i])
			}
			bytes += len(v)
		}
		if wanted(field) {
			addText(newAnalysedField(field, bytes, streams...))
		}
	}
	kw := func(field string, vs ...string) {
		if len(vs) > 0 && wanted(field) {
			d.AddField(newKeywordField(field, vs))
		}
	}
	text(fTitle, n.Title)
	text(fSummary, n.Summary)
	text(fBody, n.Body)
	kw(fType, n.Type)
	kw(fVis, n.Visibility)
	if wanted(fTitleSort) {
		d.AddField(bdoc.NewTextFieldCustom(fTitleSort, nil, []byte(analysis.Fold(n.Title)), bindex.IndexField|bindex.DocValues, keywordAnalyzer))
	}
	if wanted(fTitleKey) {
		kw(fTitleKey, titleKeys(n.Title)...)
	}
	kw(fAuthor, n.Authors...)
	kw(fOrg, n.Organisations...)
	kw(fCarnet, n.CarnetTitles()...)
	kw(fBloc, n.Blocs()...)
	kw(schema.CarnetBloc, carnetBlocs(n)...)
	kw(fTerm, n.Terms...)
	kw(fLink, n.Links...)
	kw(schema.Readers, n.Readers...)
	if n.Community != "" {
		kw(fCommunity, n.Community)
	}
	texts(fTermsT, n.Terms)
	texts(fOrgsT, n.Organisations)
	people := append([]string{}, n.Authors...)
	if n.Curator != "" {
		people = append(people, n.Curator)
	}
	texts(fPeopleT, people)
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
	texts(fCarnetsT, places)
	kw(fSynPhrase, phrases...)
	if len(lens) > 0 && wanted(fLens) {
		lf := newKeywordField(fLens, lens)
		lf.bytes = 0
		for _, tf := range lf.freqs {
			tf.SetFrequency(0)
		}
		d.AddField(lf)
	}
	if n.PublishedAt != nil && wanted(fPublished) {
		// Whole seconds, as the RFC 3339 text the mapping parsed.
		d.AddField(newPublishedField(n.PublishedAt.UTC().Truncate(time.Second)))
	}
	// The words as written of every text above (the surface analyzer's
	// tokens for them all, analysis.SurfaceSeparator between them).
	// Distinct words, each a term of its own: the keyword field of them, as
	// the surface analyzer's tokens for them would be counted, but for the
	// text's bytes (counted with the texts above).
	if !keepWords {
		return d
	}
	wf := newKeywordField(fWords, words)
	wf.bytes = 0
	// Without frequencies: zap then keeps no norm either, a byte or two a
	// posting (6 % of the index), and the scores count a word as written
	// the same in every note (wordsScore).
	for _, tf := range wf.freqs {
		tf.SetFrequency(0)
	}
	d.AddField(wf)
	return d
}

// tokenScratch holds the analysis scratch of the documents being built.
var tokenScratch = sync.Pool{New: func() any { return new(analysis.TokenScratch) }}

// analysedField is an indexed text field analysed while its document is
// built (Bleve's own text field analyses when the batch is applied, on one
// lock): it keeps the length and the token frequencies Bleve needs, and its
// tokens are garbage at once. One field holds every value of its name.
type analysedField struct {
	name   string
	bytes  int
	length int
	size   int
	freqs  bindex.TokenFrequencies
	slabs  [][]bindex.TokenFreq // freqs' values, in the order first seen
}

// newAnalysedField is the field of the values analysed as streams.
func newAnalysedField(name string, bytes int, streams ...bleveanalysis.TokenStream) *analysedField {
	f := &analysedField{name: name, bytes: bytes}
	f.freqs, f.size, f.slabs = tokenFrequencies(streams...)
	for _, toks := range streams {
		f.length += len(toks)
	}
	return f
}

// newKeywordField is the field of keyword values, each one term, as
// Bleve's keyword analyzer makes it (an empty value is an empty term).
func newKeywordField(name string, vs []string) *analysedField {
	f := &analysedField{name: name, length: len(vs), freqs: make(bindex.TokenFrequencies, len(vs))}
	slab := make([]bindex.TokenFreq, 0, len(vs)) // never grows: pointers stay
	for _, v := range vs {
		f.bytes += len(v)
		if tf, ok := f.freqs[v]; ok {
			tf.SetFrequency(tf.Frequency() + 1)
			continue
		}
		slab = append(slab, bindex.TokenFreq{Term: unsafe.Slice(unsafe.StringData(v), len(v))}) // never written to
		tf := &slab[len(slab)-1]
		tf.SetFrequency(1)
		f.freqs[v] = tf
		f.size += tokenFreqSize + len(v)
	}
	return f
}

// tokenFreqSize is about what a term's frequency takes in memory, beside
// its bytes (Bleve counts the batches' sizes).
const tokenFreqSize = 64

// tokenFrequencies is Bleve's analysis.TokenFrequency for fields without
// term vectors, over the token streams of a field's values, with fewer
// allocations: the frequencies share one array, and the map's keys are the
// terms' own bytes (never changed once analysed) instead of copies. It also
// returns about the memory they take.
func tokenFrequencies(streams ...bleveanalysis.TokenStream) (bindex.TokenFrequencies, int, [][]bindex.TokenFreq) {
	n := 0
	for _, toks := range streams {
		n += len(toks)
	}
	// Sized for the distinct terms, about half of a long text's tokens:
	// sized for every token, the maps were a tenth of the bytes the ingest
	// allocated.
	rv := make(bindex.TokenFrequencies, distinctHint(n))
	// The frequencies are taken from chunks that never grow (pointers to
	// them stay valid), about as many as the distinct terms: a slab of one
	// per token was two fifths of the bytes the ingest allocated here.
	var slab []bindex.TokenFreq
	var slabs [][]bindex.TokenFreq
	size := 0
	for _, toks := range streams {
		for _, t := range toks {
			if tf, ok := rv[string(t.Term)]; ok {
				tf.SetFrequency(tf.Frequency() + 1)
				continue
			}
			if len(slab) == cap(slab) {
				if len(slab) > 0 {
					slabs = append(slabs, slab)
				}
				slab = make([]bindex.TokenFreq, 0, min(n, 64))
			}
			slab = append(slab, bindex.TokenFreq{Term: t.Term})
			tf := &slab[len(slab)-1]
			tf.SetFrequency(1)
			rv[unsafe.String(unsafe.SliceData(t.Term), len(t.Term))] = tf
			size += tokenFreqSize + len(t.Term)
		}
	}
	if len(slab) > 0 {
		slabs = append(slabs, slab)
	}
	return rv, size, slabs
}

// distinctHint is about how many distinct terms a text of tokens tokens
// holds: all of a short one's, half of a long one's.
func distinctHint(tokens int) int {
	if tokens <= 16 {
		return tokens
	}
	return 8 + tokens/2
}

func (f *analysedField) Name() string                         { return f.name }
func (f *analysedField) ArrayPositions() []uint64             { return nil }
func (f *analysedField) Options() bindex.FieldIndexingOptions { return bindex.IndexField }
func (f *analysedField) Analyze()                             {}
func (f *analysedField) Value() []byte                        { return nil } // not stored
func (f *analysedField) NumPlainTextBytes() uint64            { return uint64(f.bytes) }
func (f *analysedField) EncodedFieldType() byte               { return 't' }
func (f *analysedField) AnalyzedLength() int                  { return lengthCode(f.length) } // norm.go
func (f *analysedField) AnalyzedTokenFrequencies() bindex.TokenFrequencies {
	return f.freqs
}

func (f *analysedField) Size() int { return 64 + len(f.name) + f.size }

// openExisting opens the Bleve index in dir. Bleve trusts the bytes of its
// segments: damaged ones can make it panic while it opens them; that is an
// unreadable index (rebuilt from the store), not a crash.
func openExisting(dir string) (bi bleve.Index, err error) {
	defer func() {
		if p := recover(); p != nil {
			bi, err = nil, fmt.Errorf("%w : %v", ErrDamaged, p)
		}
	}()
	return bleve.OpenUsing(dir, scorchConfig())
}

// carnetBlocs returns each bloc of n with its carnet
// (schema.CarnetBlocValue), distinct.
func carnetBlocs(n *store.Note) []string {
	var out []string
	for _, c := range n.Carnets {
		if c.Bloc == "" {
			continue
		}
		if v := schema.CarnetBlocValue(c.Title, c.Bloc); !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
