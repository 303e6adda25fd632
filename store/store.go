package store

// Key layout (all keys are ASCII prefixes followed by binary or text parts):
//
//	n/<id>            -> record: 0x80 | seq (uvarint) | sha256's first 16 bytes | body
//	                     (written before 2026-12-05: seq (8 bytes, big endian)
//	                     | sha256 (32 bytes) | body), where body is the note
//	                     JSON, or 0x01 followed by the note JSON compressed
//	                     with zstd, or 0x02, a word table's id (uvarint), then
//	                     the JSON coded with that table (wordcode.go) and
//	                     compressed with zstd, the frame without its magic
//	                     number (what Apply writes once the store has trained
//	                     a table)
//	s/<seq, 8 bytes>  -> id: the change log. One entry per live note (its last change)
//	                     and per deletion (a tombstone: no n/<id> key remains).
//	                     When a note changes again, its previous s/ entry is removed,
//	                     so the log holds at most one entry per id ever seen.
//	m/seq             -> last sequence number given out (8 bytes, big endian)
//	m/dict/<id>       -> a zstd dictionary (id: 4 bytes, big endian), trained on
//	                     the first large batch of notes; zstd frames name the
//	                     dictionary they need, so records of every era decode.
//	m/words/<id>      -> the word table trained with dictionary <id> (same id),
//	                     its words one per line (wordcode.go). Stores trained
//	                     before 2026-12-05 have a dictionary and no table.
//
// Sequence numbers start at 1. An index that has applied every change up to
// sequence S catches up by reading s/<S+1>... in order (see Changes).
// Note records are compressed one by one with zstd. Written by live writes
// they live in Badger's tree (DefaultValueThreshold), where compactions drop
// their old versions; written by a bulk load (BulkValueThreshold), and by
// stores written before 2026-12-02, they live in the value log until
// updated or moved into the tree by CollectGarbage.

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	gojson "github.com/goccy/go-json"
	"github.com/klauspost/compress/zstd"

	"github.com/encommun/trouvaille/oplog"
)

var (
	prefixDict  = []byte("m/dict/")
	prefixWords = []byte("m/words/")
	prefixNote  = []byte("n/")
	prefixSeq   = []byte("s/")
	keyLastSeq  = []byte("m/seq")
)

// ErrNotFound is returned when a note id is not stored.
var ErrNotFound = errors.New("note introuvable")

// Outcome says what applying one change did.
type Outcome int

// Outcomes of Apply, one per change.
const (
	Unchanged Outcome = iota // same content hash already stored, or deletion of an unknown id
	Added
	Updated
	Deleted
)

func (o Outcome) String() string {
	switch o {
	case Added:
		return "added"
	case Updated:
		return "updated"
	case Deleted:
		return "deleted"
	}
	return "unchanged"
}

// Change is one note to store (Note != nil) or one id to delete (Delete).
type Change struct {
	Note   *Note
	Delete string
}

// ID returns the id the change is about.
func (c Change) ID() string {
	if c.Note != nil {
		return c.Note.ID
	}
	return c.Delete
}

// Entry is one change-log entry: the note as stored now (nil if deleted) with its sequence number.
type Entry struct {
	Seq  uint64
	ID   string
	Note *Note // nil for a deletion
}

// Options tunes Badger; the zero value gives the defaults used by the engine.
type Options struct {
	// Bulk tunes Badger for bulk loads: larger memtables, small read caches.
	// Without it (serving), memtables are small and the block cache larger.
	Bulk bool
	// Logger receives Badger's warnings; nil silences them.
	Logger *log.Logger
	// Log receives the store's own messages to the operator, each at its
	// level (a disk nearly full, a reserve not created…). The zero Logger
	// sends them all to Logger, or to the standard log.
	Log oplog.Logger
	// MinFree is the room (bytes) Apply keeps free on the disk; 0 means
	// DefaultMinFree, a negative value turns the check off.
	MinFree int64
	// ValueLogFileSize is the size of Badger's value-log files (0:
	// DefaultValueLogFileSize). Garbage is collected a whole file at a time
	// (CollectGarbage), and only once a file is full.
	ValueLogFileSize int64
	// ValueThreshold: notes whose record is at least this long go to the
	// value log, the others live in Badger's tree (0: DefaultValueThreshold,
	// every note in the tree, or BulkValueThreshold with Bulk). Tests set it
	// to have a value log or not whatever the mode.
	ValueThreshold int64
	// memTableSize, when set (tests), replaces the memtables' size, so that
	// a small load fills several.
	memTableSize int64
	// settle (Flatten) has two level-0 tables count as a compaction owed,
	// so that a tree left on level 0 alone is merged too.
	settle bool
	// freeSpace, when set (tests), replaces FreeBytes: the room the disk
	// has, for the write reserve, the ballast and the tight open.
	freeSpace func(dir string) (uint64, error)
}

// DefaultValueThreshold keeps every note in Badger's tree (a note is at most
// 1 MiB, Badger's largest threshold), where compactions drop the old
// versions as they go. With notes in the value log (a threshold of 256
// bytes until 2026-12-02), old versions were only collected once Badger
// counted them, which its rarely compacted tree of keys did late or never:
// the store grew by 10 MiB a minute for the 30 minutes of the operations
// issue's soak, on disk and in the pages the process maps.
const DefaultValueThreshold = 1 << 20

// BulkValueThreshold sends the notes of a bulk load to the value log,
// written once in sequence. In the tree, Badger's leveled compactions
// rewrote every note about fifteen times on its way down (notes arrive in
// random key order, so each compaction overlaps the whole level below): at
// a million notes, 20 GB written and 208 s of CPU to store 1.3 GB, against
// 1.9 GB and 89 s in the value log (docs/performance.md, session 17).
// A note updated later by a live write moves into the tree; the old
// version left in the value log is collected once the tree's compactions
// have counted it (CollectGarbage), which also moves the live notes of a
// rewritten file into the tree.
const BulkValueThreshold = 256

// DefaultValueLogFileSize: the value log holds the notes of bulk loads
// (BulkValueThreshold) and of stores written before DefaultValueThreshold;
// small files are collected sooner.
const DefaultValueLogFileSize = 32 << 20

// recordOverhead is a generous estimate of what Badger counts, beyond keys
// and values, for the three entries of one note's change.
const recordOverhead = 3 * 64

// Store is the Badger-backed note store. It is safe for concurrent use;
// writes are serialised.
type Store struct {
	db      *badger.DB
	dir     string
	minFree int64
	mu      sync.Mutex // serialises writers and guards lastSeq, durableSeq and enc
	lastSeq uint64
	// durableSeq is the last sequence number known to be on disk (fsynced).
	// Badger runs without SyncWrites; Apply syncs once per batch instead, so
	// that the index, which fsyncs its own writes, never holds a change the
	// store could lose in a power cut.
	durableSeq uint64

	enc    *zstd.Encoder                // with the newest dictionary, if any
	dec    atomic.Pointer[zstd.Decoder] // knows every dictionary; readers take no lock
	dictID uint32
	// words is the word table trained with the newest dictionary (nil: none,
	// notes are compressed without coding); tables holds every table by id,
	// for reading records; coded is Apply's scratch.
	words  *wordTable
	tables atomic.Pointer[map[uint32]*wordTable]
	coded  [2][]byte

	training sync.WaitGroup // the background dictionary training, if any
	trained  bool           // a training was started (once per process)

	ballast *ballast // room held for Badger's flushes on a full disk
	// tight: Badger was opened without compactions, the disk having less
	// room than the write reserve (see openTight).
	tight bool
	free  func(dir string) (uint64, error) // FreeBytes, or a test's

	log oplog.Logger // operator messages (Options.log)

	cache *noteCache // recently read notes, decoded
	// txnBudget is how many bytes of records Apply puts in one Badger
	// transaction: half of Badger's limit (15 % of a memtable), which
	// counts the notes themselves now that they live in the tree.
	txnBudget int64
}

// removeEmptyMemtables deletes the empty memtable logs (*.mem) of dir.
// Badger gives a memtable's log its full size as it creates it, and deletes
// it once the memtable is in a table by truncating it to zero, then removing
// it: a process killed between the two (seen under kill -9 during
// `trouvaille reindex`) leaves an empty log, which Badger's next Open
// refuses ("while opening memtables … Create a new file"). An empty log
// holds nothing, so removing it loses nothing.
func removeEmptyMemtables(dir string, log oplog.Logger) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.mem"))
	if err != nil {
		return err
	}
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil || st.Size() != 0 || !st.Mode().IsRegular() {
			continue
		}
		if err := os.Remove(f); err != nil {
			return fmt.Errorf("retirer le journal vide %s laissé par un arrêt brutal : %w", f, err)
		}
		log.Infof("magasin : journal de mémoire vide %s retiré (laissé par un arrêt brutal, il ne contenait rien)", filepath.Base(f))
	}
	return nil
}

// blockCompression is Badger's compression of new tables (a variable so
// that a test can write a store as earlier versions did).
var blockCompression = options.None

// log is where the store's operator messages go: Log, else Logger, else
// the standard log.
func (o Options) log() oplog.Logger {
	switch {
	case !o.Log.IsZero():
		return o.Log
	case o.Logger != nil:
		return oplog.To(o.Logger.Printf)
	}
	return oplog.To(log.Printf)
}

// valueThreshold is the value threshold Badger is opened with.
func (o Options) valueThreshold() int64 {
	switch {
	case o.ValueThreshold > 0:
		return o.ValueThreshold
	case o.Bulk:
		return BulkValueThreshold
	}
	return DefaultValueThreshold
}

// Open opens (creating if needed) the store in dir.
func Open(dir string, o Options) (*Store, error) {
	// No block compression: the notes, nearly all the store, are already
	// zstd frames (with a trained dictionary), which Snappy cannot shrink;
	// uncompressed blocks are read straight from the mapped tables, so the
	// block cache only serves tables written by earlier versions (Snappy,
	// recorded per table in the manifest). The 32 MiB cache of before held
	// the decompressed copies (36 MiB of live heap at 100k notes).
	opts := badger.DefaultOptions(dir).
		WithCompression(blockCompression).
		WithValueThreshold(o.valueThreshold()).
		WithBlockCacheSize(4 << 20).
		WithIndexCacheSize(16 << 20).
		WithMemTableSize(8 << 20).
		WithNumMemtables(2).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(8).
		WithValueLogFileSize(cmp.Or(o.ValueLogFileSize, DefaultValueLogFileSize)).
		WithNumCompactors(2).
		WithLogger(badgerLogger{o.Logger})
	if o.Bulk {
		opts = opts.WithMemTableSize(32 << 20).WithBlockCacheSize(8 << 20).WithIndexCacheSize(8 << 20)
	}
	if o.memTableSize > 0 {
		opts = opts.WithMemTableSize(o.memTableSize)
	}
	if o.settle {
		opts = opts.WithNumLevelZeroTables(1)
	}
	olog := o.log()
	free := o.freeSpace
	if free == nil {
		free = FreeBytes
	}
	minFree := cmp.Or(o.MinFree, DefaultMinFree)
	// A ballast left by the last run on a disk now nearly full is given
	// back before Badger replays its log into tables.
	bal := newBallast(dir, 2*opts.MemTableSize, olog)
	bal.free = free
	bal.releaseIfLow()
	if err := removeEmptyMemtables(dir, olog); err != nil {
		return nil, err
	}
	tight := openTight(dir, minFree, free)
	var replayed []string
	if tight {
		opts = opts.WithNumCompactors(0).WithNumLevelZeroTablesStall(math.MaxInt32)
		replayed, _ = filepath.Glob(filepath.Join(dir, "*.mem"))
		// Writes are refused (ErrDiskFull) until there is room again.
		f, _ := free(dir)
		olog.Errorf("disque presque plein à l’ouverture du magasin %s (%s libres, le magasin en garde %s : --min-free ou TROUVAILLE_MIN_FREE) : les écritures sont refusées, et Badger est ouvert sans compactions (elles écrivent de nouvelles tables avant d’effacer les anciennes, et une écriture dans un fichier projeté en mémoire sur un disque plein arrête le programme); ses tables s’accumulent jusqu’à la prochaine ouverture : libérez de la place, puis relancez", dir, SizeText(int64(min(f, math.MaxInt64))), SizeText(minFree))
	}
	db, err := badger.Open(opts)
	if err != nil {
		if oplog.IsFileProblem(err) {
			return nil, oplog.FileError("ouvrir le magasin "+dir, dir, err)
		}
		return nil, fmt.Errorf("ouvrir le magasin Badger %s : %w", dir, err)
	}
	if tight {
		waitFlushed(replayed, 30*time.Second, olog)
	}
	s := &Store{db: db, dir: dir, minFree: minFree, log: olog, cache: newNoteCache(noteCacheSize), txnBudget: opts.MemTableSize * 15 / 100 / 2, tight: tight, free: free}
	s.ballast = bal
	bal.take(s.minFree)
	err = db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(keyLastSeq)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			if len(v) != 8 {
				return fmt.Errorf("compteur de séquence corrompu (%d octets)", len(v))
			}
			s.lastSeq = binary.BigEndian.Uint64(v)
			return nil
		})
	})
	if err != nil {
		s.ballast.releaseIfLow()
		db.Close()
		return nil, fmt.Errorf("lire le compteur de séquence : %w", err)
	}
	s.durableSeq = s.lastSeq
	if err := s.loadDicts(); err != nil {
		s.ballast.releaseIfLow()
		db.Close()
		return nil, fmt.Errorf("lire les dictionnaires de compression : %w", err)
	}
	return s, nil
}

// openTight reports whether Badger must open without compactions: the disk
// has less room than the write reserve (minFree), so writes are refused
// anyway, and whatever room there is goes to the index catching up. A
// compaction writes its new tables before it deletes the old ones, through
// memory-mapped files, where a full disk is a SIGBUS that stops the server
// at start (TestDiskFull caught it: a compaction at open racing the index's
// catch-up for the room the ballast gave back). Without compactors, level 0
// takes every new table, with no stall, until the next open with room.
func openTight(dir string, minFree int64, free func(string) (uint64, error)) bool {
	if minFree < 0 {
		return false // the reserve is off (tests)
	}
	f, err := free(dir)
	return err == nil && f < uint64(minFree)
}

// waitFlushed waits until Badger has written the memtables it replayed from
// their logs (the *.mem files present before Open) into tables and deleted
// the logs: Badger flushes them in the background after Open, and on a
// nearly full disk the room the ballast gave back is theirs, not the
// index's, which starts catching up once the store is open.
func waitFlushed(logs []string, limit time.Duration, log oplog.Logger) {
	deadline := time.Now().Add(limit)
	for _, l := range logs {
		for {
			if _, err := os.Stat(l); errors.Is(err, os.ErrNotExist) {
				break
			}
			if time.Now().After(deadline) {
				log.Warnf("magasin : le journal %s n’est pas encore écrit en table après %s; l’ouverture continue", filepath.Base(l), limit)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// Tight reports whether the store was opened on a disk with less room than
// the write reserve, without compactions (see openTight).
func (s *Store) Tight() bool { return s.tight }

// loadDicts reads the stored zstd dictionaries and sets up the codecs.
func (s *Store) loadDicts() error {
	var dicts [][]byte
	var last uint32
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: prefixDict})
		defer it.Close()
		for it.Rewind(); it.ValidForPrefix(prefixDict); it.Next() {
			d, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			dicts = append(dicts, d)
			last = binary.BigEndian.Uint32(it.Item().Key()[len(prefixDict):])
		}
		return nil
	})
	if err != nil {
		return err
	}
	tables := map[uint32]*wordTable{}
	err = s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: prefixWords})
		defer it.Close()
		for it.Rewind(); it.ValidForPrefix(prefixWords); it.Next() {
			k := it.Item().Key()
			if len(k) != len(prefixWords)+4 {
				continue
			}
			id := binary.BigEndian.Uint32(k[len(prefixWords):])
			err := it.Item().Value(func(v []byte) error {
				t, err := unmarshalWords(v)
				tables[id] = t
				return err
			})
			if err != nil {
				return fmt.Errorf("table de mots %d : %w", id, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.setCodecs(dicts, last, tables)
}

// setCodecs installs the dictionaries (the newest one's id last) and the
// word tables: new notes are coded with the newest dictionary's table, if
// it has one.
func (s *Store) setCodecs(dicts [][]byte, newest uint32, tables map[uint32]*wordTable) error {
	eopts := []zstd.EOption{zstd.WithEncoderLevel(encoderLevel), zstd.WithEncoderConcurrency(1)}
	if len(dicts) > 0 {
		eopts = append(eopts, zstd.WithEncoderDict(dicts[len(dicts)-1]))
	}
	enc, err := zstd.NewWriter(nil, eopts...)
	if err != nil {
		return err
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderDicts(dicts...))
	if err != nil {
		return err
	}
	// The previous decoder is left to the GC: a reader may still be using it.
	s.enc, s.dictID = enc, newest
	s.dec.Store(dec)
	s.words = tables[newest]
	s.tables.Store(&tables)
	return nil
}

// minDictSamples is the batch size from which a first dictionary is trained
// (or 2 MiB of notes): a dictionary learnt from fewer notes would fit them
// and not the next ones.
const minDictSamples = 1000

// encoderLevel is the zstd level notes are compressed at. Higher levels
// gained nothing with the dictionary (1,118 B a note at the fastest, 1,119
// at the default, on generated notes of 3.4 KB) and cost twice the CPU.
const encoderLevel = zstd.SpeedFastest

// dictHistory is how much of the sample notes a dictionary keeps as its
// history, the text a note's matches may point into. On generated notes of
// 3.4 KB (2,000 samples, 8,000 notes compressed after them): 64 KiB, 1,119
// bytes a note; 128 KiB, 1,092; 256 KiB, 1,083 for a tenth more time
// (28 → 31 µs a note); 512 KiB, 1,081 for a third more.
const dictHistory = 256 << 10

// trainDict builds a zstd dictionary from sample notes: per-note compression
// goes from about 1.9× to 3× on Praxis-like notes. Failure is not an error:
// notes are then compressed without a dictionary.
func trainDict(id uint32, samples [][]byte) (dict []byte) {
	defer func() {
		if recover() != nil {
			dict = nil
		}
	}()
	// The dictionary's history: the first samples, up to dictHistory.
	var history []byte
	for _, smp := range samples {
		if len(history) >= dictHistory {
			break
		}
		history = append(history, smp...)
	}
	// Built for the level the notes are compressed at (zstd's default for
	// training is its best level, whose tables took 1.8 s of CPU to set up
	// against 40 ms for the fastest's; the notes compress the same).
	d, err := zstd.BuildDict(zstd.BuildDictOptions{ID: id, Contents: samples, History: history, Offsets: [3]int{1, 4, 8}, Level: encoderLevel})
	if err != nil {
		return nil
	}
	return d
}

// dictWorks checks that a trained dictionary loads and round-trips samples.
func dictWorks(dict []byte, samples [][]byte) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderDict(dict), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return false
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderDicts(dict), zstd.WithDecoderConcurrency(1))
	if err != nil {
		return false
	}
	defer dec.Close()
	for _, smp := range samples[:min(len(samples), 20)] {
		out, err := dec.DecodeAll(enc.EncodeAll(smp, nil), nil)
		if err != nil || !bytes.Equal(out, smp) {
			return false
		}
	}
	return true
}

// maybeTrain stores a first dictionary trained on this batch's notes.
func (s *Store) maybeTrain(changes []Change) error {
	if s.dictID != 0 || s.trained {
		return nil
	}
	// The word table learns from the whole batch (counting words is
	// cheap, and a table from 500 notes misses a tenth of the gain on the
	// second corpus); the dictionary from its first notes, coded.
	var samples [][]byte
	var idList []string
	total, notes := 0, 0
	for _, c := range changes {
		if c.Note == nil {
			continue
		}
		notes++
		if total > maxWordSampleBytes {
			continue
		}
		if js, err := json.Marshal(c.Note); err == nil && len(js) <= 16<<10 {
			samples = append(samples, js)
			idList = append(idList, c.Note.ID)
			total += len(js)
		}
	}
	if notes < minDictSamples && total < 2<<20 {
		return nil
	}
	// Training takes tens of milliseconds: it runs beside the ingest, and the
	// batches stored meanwhile are compressed without the dictionary (their
	// zstd frames say so, they stay readable).
	s.trained = true
	s.training.Add(1)
	go func() {
		defer s.training.Done()
		const id = 1
		words := trainWords(samples)
		table := newWordTable(words)
		// The dictionary learns from the first notes as they will be
		// compressed: coded.
		var coded [][]byte
		size := 0
		for i, js := range samples {
			if len(coded) == maxDictSamples || size > 2<<20 {
				break
			}
			if c, _, ok := table.encode(nil, nil, js, idList[i]); ok {
				coded = append(coded, c)
				size += len(c)
			}
		}
		dict := trainDict(id, coded)
		if dict == nil || !dictWorks(dict, coded) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		err := s.db.Update(func(txn *badger.Txn) error {
			if err := txn.Set(idKey(prefixWords, id), marshalWords(words)); err != nil {
				return err
			}
			return txn.Set(idKey(prefixDict, id), dict)
		})
		if err != nil {
			return
		}
		s.setCodecs([][]byte{dict}, id, map[uint32]*wordTable{id: table})
	}()
	return nil
}

// maxDictSamples bounds the notes a dictionary is trained on (time).
const maxDictSamples = 500

// maxWordSampleBytes bounds the notes' JSON a word table is trained on.
const maxWordSampleBytes = 8 << 20

// idKey is prefix followed by id (4 bytes, big endian).
func idKey(prefix []byte, id uint32) []byte {
	key := make([]byte, len(prefix)+4)
	copy(key, prefix)
	binary.BigEndian.PutUint32(key[len(prefix):], id)
	return key
}

// Flatten opens the store in dir, has Badger compact every level into the
// last one, and closes it: for the end of a bulk load. Such a load writes
// faster than Badger's compactions keep up with, and its last memtables are
// flushed at close; the next process to open the store, the server, would
// pay that debt beside its first searches, and since note keys are random
// ids, every table above the last level overlaps all of it: most of the
// store is rewritten (100,000 notes: a serving peak of 590 MiB instead of
// 414). Here it is paid once, by the load, on a store nobody reads.
//
// Merging the tree's tables is also how Badger learns which notes of the
// value log are old versions (a bulk load's notes live there): a later
// CollectGarbage gives their room back. The tree of keys of a bulk load is
// small enough to stay on level 0, where Badger's Flatten sees one level
// and nothing owed with up to two tables; with one table allowed there,
// two are merged, and the old versions of the notes a second bulk load
// updated are counted.
func Flatten(dir string, o Options) error {
	o.Bulk = false
	o.settle = true
	s, err := Open(dir, o)
	if err != nil {
		return err
	}
	if s.tight {
		o.log().Warnf("magasin %s non tassé : le disque est presque plein", dir)
		return s.Close()
	}
	s.awaitReadMark()
	if err := s.db.Flatten(2); err != nil {
		return errors.Join(fmt.Errorf("tasser le magasin %s : %w", dir, err), s.Close())
	}
	return s.Close()
}

// awaitReadMark returns once Badger has taken in the read mark it sets on
// opening, at the store's newest version. A compaction drops old versions
// only at or below that mark, which Badger's watermark goroutine advances
// asynchronously; a Flatten started right after opening could read it at
// zero and merge the tree keeping every old version, so Badger would never
// count the value log's old notes as garbage (a flaky failure of
// TestBulkNotesLiveInValueLog on a loaded host). No Badger call waits for
// that mark, but its marks travel through a channel of 100 that the
// goroutine drains in order: once 2×readMarkDrain more marks were sent
// (each read transaction sends two), the goroutine has received the marks
// after the opening one, so it has finished with it.
func (s *Store) awaitReadMark() {
	for range readMarkDrain {
		s.db.NewTransaction(false).Discard()
	}
}

// readMarkDrain read transactions send twice the capacity of Badger's
// watermark channel (100 in v4) and more, at about a microsecond each.
const readMarkDrain = 128

// Close flushes and closes the store.
func (s *Store) Close() error {
	s.training.Wait()
	if dec := s.dec.Load(); dec != nil {
		dec.Close()
	}
	s.ballast.releaseIfLow() // the index is closed: nothing else takes the room
	return s.db.Close()
}

// LastSeq returns the last sequence number given to a change.
func (s *Store) LastSeq() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastSeq
}

// DurableSeq returns the last sequence number known to be on disk: every
// change up to it survives a power cut. Apply returns only once its changes
// are durable, so DurableSeq equals LastSeq between writes.
func (s *Store) DurableSeq() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.durableSeq
}

// Sync makes every change applied so far durable (fsync of Badger's
// write-ahead and value logs).
func (s *Store) Sync() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sync()
}

func (s *Store) sync() error {
	if s.durableSeq == s.lastSeq {
		return nil
	}
	if err := s.db.Sync(); err != nil {
		return fmt.Errorf("écrire le magasin sur le disque (fsync) : %w", err)
	}
	s.durableSeq = s.lastSeq
	return nil
}

// Hash returns the content hash of a note: SHA-256 of its canonical JSON.
func Hash(n *Note) ([32]byte, []byte, error) {
	b, err := json.Marshal(n)
	if err != nil {
		return [32]byte{}, nil, err
	}
	return sha256.Sum256(b), b, nil
}

func noteKey(id string) []byte { return append(append([]byte{}, prefixNote...), id...) }

func seqKey(seq uint64) []byte {
	k := make([]byte, len(prefixSeq)+8)
	copy(k, prefixSeq)
	binary.BigEndian.PutUint64(k[len(prefixSeq):], seq)
	return k
}

func encodeSeq(seq uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, seq)
	return b
}

const (
	codecZstd  = 0x01
	codecWords = 0x02
)

// zstdMagic starts every zstd frame; coded notes are stored without it.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// encodeBody appends a note's record body to rec: its JSON coded with the
// newest word table when there is one, compressed. Under s.mu.
func (s *Store) encodeBody(rec, js []byte, id string) []byte {
	if s.words != nil {
		coded, scratch, ok := s.words.encode(s.coded[0][:0], s.coded[1], js, id)
		s.coded[0], s.coded[1] = coded, scratch
		if ok {
			start := len(rec)
			rec = append(rec, codecWords)
			rec = binary.AppendUvarint(rec, uint64(s.dictID))
			// The frame without its magic number (decodeNote puts it back).
			at := len(rec)
			rec = s.enc.EncodeAll(coded, rec)
			if bytes.HasPrefix(rec[at:], zstdMagic) {
				return append(rec[:at], rec[at+len(zstdMagic):]...)
			}
			rec = rec[:start] // not a frame as expected: stored uncoded
		}
	}
	rec = append(rec, codecZstd)
	return s.enc.EncodeAll(js, rec)
}

// recordV2 starts a record of the current layout: seq as a uvarint and half
// the hash (16 bytes are plenty to tell a changed note from the same one:
// a change taken for none has a chance in 2^128).
// A record of the first layout starts with its seq's high byte, always 0.
const (
	recordV2      = 0x80
	recordHashLen = 16
)

// decodeRecord splits a record into its seq, hash and body. Only the header
// is read here; decodeNote decompresses and decodes the body when the note
// is needed.
func decodeRecord(v []byte) (seq uint64, hash []byte, body []byte, err error) {
	if len(v) > 0 && v[0] == recordV2 {
		seq, n := binary.Uvarint(v[1:])
		if n > 0 && len(v) > 1+n+recordHashLen {
			return seq, v[1+n : 1+n+recordHashLen], v[1+n+recordHashLen:], nil
		}
	} else if len(v) >= 41 {
		return binary.BigEndian.Uint64(v[:8]), v[8:40], v[40:], nil
	}
	return 0, nil, nil, fmt.Errorf("enregistrement tronqué ou illisible (%d octets)", len(v))
}

// decodeNote decodes a record body into n, the hot path of every search
// (a page's notes): its decompression buffer is reused, and the JSON is read
// by goccy/go-json (already in the build, through gin), 2–3 times faster
// than encoding/json on a note. The JSON is the store's own (written by
// encodeRecord), so nothing hangs on the two decoders' differences over
// invalid input.
func (s *Store) decodeNote(body []byte, id string, n *Note) error {
	bp := jsonBufs.Get().(*[]byte)
	defer jsonBufs.Put(bp)
	js, err := s.noteJSON(body, id, (*bp)[:0])
	if err != nil {
		return err
	}
	if compressed(body) && cap(js) <= maxPooledJSON {
		*bp = js[:0] // the buffer, grown if it had to
	}
	return unmarshalNote(js, n)
}

// unmarshalNote is the JSON decoder of decodeNote (a variable: the
// benchmark compares it with encoding/json).
var unmarshalNote = func(js []byte, n *Note) error { return gojson.Unmarshal(js, n) }

// jsonBufs holds decompression buffers for decodeNote (strings decoded from
// them are copies: the buffer is free once Unmarshal returns).
var jsonBufs = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// maxPooledJSON is the largest buffer put back in jsonBufs: a rare huge
// note's buffer is left to the GC.
const maxPooledJSON = 256 << 10

// noteJSON returns the JSON of a record body, that of note id: decompressed
// (and decoded) into dst (nil: a new buffer) when the body is compressed,
// the body itself otherwise.
func (s *Store) noteJSON(body []byte, id string, dst []byte) ([]byte, error) {
	if len(body) == 0 {
		return body, nil
	}
	switch body[0] {
	case codecZstd:
		return s.dec.Load().DecodeAll(body[1:], dst)
	case codecWords:
		tid, n := binary.Uvarint(body[1:])
		if n <= 0 {
			return dst, errBadCode
		}
		var t *wordTable
		if tid <= math.MaxUint32 {
			t = (*s.tables.Load())[uint32(tid)]
		}
		if t == nil {
			return dst, fmt.Errorf("table de mots %d absente du magasin : magasin incomplet, restaurez une sauvegarde", tid)
		}
		// The frame, its magic number put back, and what it decompresses
		// to, in pooled buffers.
		fp, cp := jsonBufs.Get().(*[]byte), jsonBufs.Get().(*[]byte)
		defer jsonBufs.Put(fp)
		defer jsonBufs.Put(cp)
		frame := body[1+n:]
		if !bytes.HasPrefix(frame, zstdMagic) {
			frame = append(append((*fp)[:0], zstdMagic...), frame...)
		} else {
			// Written with its magic number (one build of 2026-12-05,
			// 77d46d7, replaced five minutes later): read as it is. A frame
			// stored without it cannot begin so: its first byte would be a
			// frame header with the reserved bit set.
			frame = append((*fp)[:0], frame...)
		}
		coded, err := s.dec.Load().DecodeAll(frame, (*cp)[:0])
		if err != nil {
			return dst, err
		}
		if cap(frame) <= maxPooledJSON {
			*fp = frame[:0]
		}
		if cap(coded) <= maxPooledJSON {
			*cp = coded[:0]
		}
		return t.decode(dst, coded, id)
	}
	return body, nil
}

// compressed reports whether a record body is compressed (a new buffer
// holds its JSON).
func compressed(body []byte) bool {
	return len(body) > 0 && (body[0] == codecZstd || body[0] == codecWords)
}

// Apply stores a batch of changes atomically per Badger transaction and returns
// one outcome and one sequence number (0 when unchanged) per change, in order.
// Within a batch, later changes to the same id win. The batch is on disk
// (fsynced) when Apply returns: the caller may hand it to the index.
func (s *Store) Apply(changes []Change) ([]Outcome, []uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// However the batch ends (a part may be committed before an error), the
	// cached copies of its notes go.
	defer func() {
		ids := make([]string, len(changes))
		for i, c := range changes {
			ids[i] = c.ID()
		}
		s.cache.forget(ids)
	}()
	if err := s.checkSpace(batchBytes(changes)); err != nil {
		return nil, nil, err
	}
	if err := s.maybeTrain(changes); err != nil {
		return nil, nil, fmt.Errorf("entraîner le dictionnaire de compression : %w", err)
	}
	outcomes := make([]Outcome, len(changes))
	seqs := make([]uint64, len(changes))
	seq := s.lastSeq
	txn := s.db.NewTransaction(true)
	defer func() { txn.Discard() }()
	commit := func() error {
		if err := txn.Set(keyLastSeq, encodeSeq(seq)); err != nil {
			return err
		}
		if err := txn.Commit(); err != nil {
			return err
		}
		s.lastSeq = seq
		txn = s.db.NewTransaction(true)
		return nil
	}
	// do runs fn, which adds about size bytes to the transaction; it
	// commits first what the transaction has when size would take it past
	// the budget, and if Badger still finds it full, commits and retries
	// once.
	var pending int64
	do := func(size int64, fn func() error) error {
		if pending > 0 && pending+size > s.txnBudget {
			if err := commit(); err != nil {
				return err
			}
			pending = 0
		}
		pending += size
		err := fn()
		if errors.Is(err, badger.ErrTxnTooBig) {
			if err := commit(); err != nil {
				return err
			}
			pending = size
			err = fn()
		}
		return err
	}
	for i, c := range changes {
		id := c.ID()
		var prevSeq uint64
		var prevHash []byte
		// damaged: a record whose header does not decode. It is replaced
		// or deleted like any other (it could be neither: every write of
		// the note failed on it); its change-log entry, unknown, is left
		// to point at a newer record (Changes skips it).
		damaged := false
		item, err := txn.Get(noteKey(id))
		switch {
		case errors.Is(err, badger.ErrKeyNotFound):
		case err != nil:
			return nil, nil, fmt.Errorf("lire la note %s : %w", id, err)
		default:
			err = item.Value(func(v []byte) error {
				ps, h, _, err := decodeRecord(v)
				if err != nil {
					return errBadHeader
				}
				prevSeq, prevHash = ps, append([]byte(nil), h...)
				return nil
			})
			switch {
			case errors.Is(err, errBadHeader):
				damaged = true
			case err != nil:
				return nil, nil, fmt.Errorf("lire la note %s : %w", id, err)
			}
		}
		if c.Note == nil {
			if prevSeq == 0 && !damaged {
				outcomes[i] = Unchanged
				continue
			}
			seq++
			err := do(recordOverhead+3*int64(len(id)), func() error {
				if err := txn.Delete(noteKey(id)); err != nil {
					return err
				}
				if prevSeq != 0 {
					if err := txn.Delete(seqKey(prevSeq)); err != nil {
						return err
					}
				}
				return txn.Set(seqKey(seq), []byte(id))
			})
			if err != nil {
				return nil, nil, fmt.Errorf("supprimer la note %s : %w", id, err)
			}
			outcomes[i], seqs[i] = Deleted, seq
			continue
		}
		hash, js, err := Hash(c.Note)
		if err != nil {
			return nil, nil, fmt.Errorf("encoder la note %s : %w", id, err)
		}
		if prevSeq != 0 && bytes.Equal(prevHash, hash[:len(prevHash)]) {
			outcomes[i] = Unchanged
			continue
		}
		seq++
		rec := make([]byte, 0, 32+len(js)/2)
		rec = append(rec, recordV2)
		rec = binary.AppendUvarint(rec, seq)
		rec = append(rec, hash[:recordHashLen]...)
		rec = s.encodeBody(rec, js, id)
		err = do(recordOverhead+3*int64(len(id))+int64(len(rec)), func() error {
			if prevSeq != 0 {
				if err := txn.Delete(seqKey(prevSeq)); err != nil {
					return err
				}
			}
			if err := txn.Set(noteKey(id), rec); err != nil {
				return err
			}
			return txn.Set(seqKey(seq), []byte(id))
		})
		if err != nil {
			return nil, nil, fmt.Errorf("enregistrer la note %s : %w", id, err)
		}
		if prevSeq != 0 || damaged {
			outcomes[i] = Updated
		} else {
			outcomes[i] = Added
		}
		seqs[i] = seq
	}
	if err := commit(); err != nil {
		return nil, nil, fmt.Errorf("valider le lot : %w", err)
	}
	if err := s.sync(); err != nil {
		return nil, nil, err
	}
	return outcomes, seqs, nil
}

// batchBytes estimates what a batch weighs on disk (uncompressed, an upper bound).
func batchBytes(changes []Change) int64 {
	var n int64
	for _, c := range changes {
		n += 128
		if c.Note != nil {
			n += int64(len(c.Note.Title) + len(c.Note.Summary) + len(c.Note.Body))
		}
	}
	return n
}

// Get returns the stored note with this id, or ErrNotFound.
func (s *Store) Get(id string) (*Note, error) {
	var n *Note
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		n, _, err = s.getNote(txn, id)
		return err
	})
	return n, err
}

func (s *Store) getNote(txn *badger.Txn, id string) (*Note, uint64, error) {
	item, err := txn.Get(noteKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, err
	}
	var n Note
	var seq uint64
	err = item.Value(func(v []byte) error {
		sq, _, body, err := decodeRecord(v)
		if err == nil {
			seq = sq
			err = s.decodeNote(body, id, &n)
		}
		if err != nil {
			// Read from the disk, not decoded: the record's own fault.
			return fmt.Errorf("%w (%v)", ErrUnreadable, err)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("décoder la note %s : %w", id, err)
	}
	return &n, seq, nil
}

// errBadHeader marks, in Apply, a stored record whose header does not
// decode.
var errBadHeader = errors.New("en-tête d’enregistrement illisible")

// maxUnreadableLines bounds the notes Changes names one by one, in one pass,
// among those it leaves out of the index as unreadable; a line then counts
// the rest.
const maxUnreadableLines = 20

// ErrUnreadable is the error of a note whose record was read but does not
// decode: damaged, or written in a layout this build does not know (by a
// newer one, or by a build that stored it otherwise). Retrying never helps.
var ErrUnreadable = errors.New("note illisible par cette version de Trouvaille, ou endommagée")

// ErrDamaged is the error of a store whose files no longer read (a damaged
// disk), met while salvaging (ChangesSalvaging).
var ErrDamaged = errors.New("magasin endommagé")

// salvageNote is getNote, with a panic of Badger on a damaged table
// turned into an error for that note.
func (s *Store) salvageNote(txn *badger.Txn, id string) (n *Note, seq uint64, err error) {
	defer func() {
		if p := recover(); p != nil {
			n, seq, err = nil, 0, fmt.Errorf("%w : note %s (%v)", ErrDamaged, id, p)
		}
	}()
	return s.getNote(txn, id)
}

// GetMany returns the stored notes among ids (missing ids are left out).
func (s *Store) GetMany(ids []string) (map[string]*Note, error) {
	out := make(map[string]*Note, len(ids))
	missing, epoch := s.cache.lookup(ids, out)
	if len(missing) == 0 {
		return out, nil
	}
	err := s.db.View(func(txn *badger.Txn) error {
		for _, id := range missing {
			n, _, err := s.getNote(txn, id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out[id] = n
		}
		return nil
	})
	if err == nil {
		s.cache.add(epoch, out, missing)
	}
	return out, err
}

// Changes calls fn for every change-log entry with a sequence number greater
// than after, in sequence order: live notes with their content, deletions with
// a nil Note. It reads one consistent snapshot.
func (s *Store) Changes(after uint64, fn func(Entry) error) error {
	unreadable := 0
	defer func() {
		if unreadable > maxUnreadableLines {
			s.log.Errorf("%d notes illisibles laissées hors de l’index pendant ce passage (les %d premières nommées plus haut) : « trouvaille export » les nomme toutes; un disque abîmé ? Reprenez-les d’une sauvegarde", unreadable, maxUnreadableLines)
		}
	}()
	return s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 256, Prefix: prefixSeq})
		defer it.Close()
		for it.Seek(seqKey(after + 1)); it.ValidForPrefix(prefixSeq); it.Next() {
			item := it.Item()
			k := item.Key()
			seq := binary.BigEndian.Uint64(k[len(prefixSeq):])
			id, err := item.ValueCopy(nil)
			if err != nil {
				return err
			}
			n, nseq, err := s.getNote(txn, string(id))
			switch {
			case errors.Is(err, ErrNotFound):
				n = nil
			case errors.Is(err, ErrUnreadable):
				// Given as a deletion: one such note stopped every rebuild
				// of the index, retried for good, every search 503 (and an
				// older version of it left indexed could show what the
				// newer one hides). It stays in the store, named here and
				// by export.
				unreadable++
				if unreadable <= maxUnreadableLines {
					s.log.Errorf("%v : laissée hors de l’index; elle reste dans le magasin, et « trouvaille export » la nomme. Reprenez-la d’une sauvegarde, ou supprimez-la puis écrivez-la de nouveau", err)
				}
				n = nil
			case err != nil:
				return err
			case nseq != seq:
				// The log entry is older than the note's record: cannot happen
				// with a consistent store, but never index stale content.
				continue
			}
			if err := fn(Entry{Seq: seq, ID: string(id), Note: n}); err != nil {
				return err
			}
		}
		return nil
	})
}

// ChangesSalvaging gives fn every stored note, for a store that may be
// damaged (a bad block of the disk): in the order of the change log, then
// every note record the log did not reach (its damaged entries). A note
// whose record does not read is given to bad, with the error, and the walk
// goes on; each note is given once, to fn or to bad. Badger panics on some
// damaged tables: here that is an error for the note, or for the walk.
func (s *Store) ChangesSalvaging(fn func(Entry) error, bad func(id string, err error)) error {
	return s.db.View(func(txn *badger.Txn) error {
		done := map[string]bool{}
		give := func(id string, seq uint64) error {
			n, nseq, err := s.salvageNote(txn, id)
			switch {
			case errors.Is(err, ErrNotFound):
				return nil // deleted
			case err != nil:
				done[id] = true
				bad(id, err)
				return nil
			case seq != 0 && nseq != seq:
				return nil // an older change of the note
			}
			done[id] = true
			return fn(Entry{Seq: nseq, ID: id, Note: n})
		}
		walk := func(prefix []byte, each func(it *badger.Iterator) error) (err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("%w : %v", ErrDamaged, p)
				}
			}()
			it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: false, Prefix: prefix})
			defer it.Close()
			for it.Rewind(); it.ValidForPrefix(prefix); it.Next() {
				if err := each(it); err != nil {
					return err
				}
			}
			return nil
		}
		// The log's own damage is made up for by the notes' walk.
		logErr := walk(prefixSeq, func(it *badger.Iterator) error {
			item := it.Item()
			id, err := item.ValueCopy(nil)
			if err != nil || done[string(id)] {
				return nil
			}
			if err := give(string(id), binary.BigEndian.Uint64(item.Key()[len(prefixSeq):])); err != nil {
				return &fnError{err}
			}
			return nil
		})
		var fnErr *fnError
		if errors.As(logErr, &fnErr) {
			return fnErr.err
		}
		err := walk(prefixNote, func(it *badger.Iterator) error {
			id := string(it.Item().Key()[len(prefixNote):])
			if done[id] {
				return nil
			}
			if err := give(id, 0); err != nil {
				return &fnError{err}
			}
			return nil
		})
		if errors.As(err, &fnErr) {
			return fnErr.err
		}
		if err != nil {
			return fmt.Errorf("%w; restaurez la dernière sauvegarde (trouvaille restore)", err)
		}
		return nil
	})
}

// fnError carries the error of ChangesSalvaging's fn out of a walk.
type fnError struct{ err error }

func (e *fnError) Error() string { return e.err.Error() }

// Count returns the number of stored notes.
func (s *Store) Count() (int, error) {
	count := 0
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixNote})
		defer it.Close()
		for it.Rewind(); it.ValidForPrefix(prefixNote); it.Next() {
			count++
		}
		return nil
	})
	return count, err
}

// CollectGarbage rewrites the value-log files of which at least half is
// old versions of notes (updated or deleted since), one file after the
// other, and returns how many it rewrote. Badger never does it by itself:
// without it, every update of a note leaves its old version on the disk for
// good. The engine calls it periodically; it can run beside reads and writes,
// and stops between two files once ctx is done.
func (s *Store) CollectGarbage(ctx context.Context) (int, error) {
	n := 0
	if s.tight || s.checkSpace(0) != nil {
		// A rewrite needs room before it frees any, and Badger writes
		// through mapped files, where a full disk is a SIGBUS.
		return 0, nil
	}
	for ctx.Err() == nil {
		err := s.db.RunValueLogGC(0.5)
		switch {
		case err == nil:
			n++
		case errors.Is(err, badger.ErrNoRewrite), errors.Is(err, badger.ErrRejected):
			return n, nil
		default:
			return n, fmt.Errorf("nettoyer le journal des valeurs du magasin : %w", err)
		}
	}
	return n, nil
}

type badgerLogger struct{ l *log.Logger }

func (b badgerLogger) Errorf(f string, a ...any) {
	if b.l != nil {
		b.l.Printf("badger: "+f, a...)
	}
}
func (b badgerLogger) Warningf(f string, a ...any) {
	if b.l != nil {
		b.l.Printf("badger: "+f, a...)
	}
}
func (badgerLogger) Infof(string, ...any)  {}
func (badgerLogger) Debugf(string, ...any) {}
