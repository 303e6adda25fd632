package discover

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/encommun/trouvaille/ingest"
	"github.com/encommun/trouvaille/oplog"
	"github.com/encommun/trouvaille/store"
	"github.com/klauspost/compress/zstd"
)

// The discovery view's notes (what it keeps of each public note, and the
// word table their words point into) are saved to a file of the data
// folder, with the last change-log sequence number they reflect. At start,
// the view is read back from it and only the changes made since are read
// from the store: at a million notes, decoding every note again took
// minutes. The file is a cache: the store stays the truth, and a file that
// is missing, unreadable, of another format or ahead of the store (a store
// that lost its last writes, a folder restored from a backup) is ignored,
// and the view is rebuilt from the whole change log.

// snapVersion changes whenever the file's layout (snapHeader, snapRec)
// does. (noteRec, in memory, changed on 2026-12-03 without it: a record's
// words, sorted there, are a set either way.) 3: words as gaps (gapWords).
const snapVersion = 3

// snapMagic opens every file, so that another file under the name is
// refused before anything is decoded.
const snapMagic = "TROUVAILLE-DECOUVERTE\n"

type snapFile struct {
	Version  int
	StoreSeq uint64
	Words    []string
	// n notes, those from lo to hi given by chunk as they are written (a
	// whole view's snapRecs at once would be gigabytes at a million notes).
	n     int
	chunk func(lo, hi int) []snapRec
}

type snapRec struct {
	ID, Title, Type               string
	Authors, Orgs, Terms, Carnets []string
	Words                         []uint32
}

// snapSaveAfter is how many change-log entries the view may read before it
// is saved again outside Close (a first build reads them all).
const snapSaveAfter = 10000

// Persist makes the view start from the file at path and save itself
// there: after a build that read at least snapSaveAfter changes, and at
// Close. lastSeq gives the store's last sequence number (a file ahead of
// it is ignored); log receives what went wrong with the file, as warnings,
// and the view read from it (the zero Logger: quiet). Call it before the
// first use.
func (d *Discovery) Persist(path string, lastSeq func() uint64, log oplog.Logger) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.snapPath, d.snapLastSeq, d.log = path, lastSeq, log
}

// loadOnce reads the saved view into a view still empty, the first time it
// is called only. Called with d.mu held.
func (d *Discovery) loadOnce() {
	if d.snapTried || d.snapPath == "" || d.built != nil || d.storeSeq != 0 || d.recs.len() != 0 {
		return
	}
	d.snapTried = true
	d.loadSnapshot()
}

// loadSnapshot fills an empty view from the file, if it is usable. Called
// with d.mu held, before the first build.
func (d *Discovery) loadSnapshot() {
	start := time.Now()
	f, err := os.Open(d.snapPath)
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	if err != nil {
		d.log.Warnf("vue de découverte %s illisible, reconstruite depuis le magasin : %v", d.snapPath, err)
		return
	}
	defer f.Close()
	// Each chunk's records are numbered as soon as it is decoded, so that
	// the file's strings are never all in memory at once (at a million
	// notes they were a gigabyte, on top of the view). They go to d.recs
	// only once the whole file is read and found sound.
	in := d.intern
	var mu sync.Mutex
	var recs []noteRec
	h, err := readSnap(f, func(h *snapHeader) error {
		if d.snapLastSeq != nil && h.StoreSeq > d.snapLastSeq() {
			return fmt.Errorf("elle va jusqu’au changement %d, le magasin s’arrête au %d", h.StoreSeq, d.snapLastSeq())
		}
		// The word table in the file's order: the records' word numbers
		// are numbers in it (the view is empty, its table too).
		in.mu.Lock()
		defer in.mu.Unlock()
		for _, w := range h.Words {
			in.wordID(w)
		}
		return nil
	}, func(chunk []snapRec) error {
		out := make([]noteRec, len(chunk))
		for i := range chunk {
			out[i] = in.snapRec(&chunk[i])
		}
		mu.Lock()
		defer mu.Unlock()
		recs = append(recs, out...)
		return nil
	})
	if err != nil {
		logf := d.log.Warnf
		if errors.Is(err, errSnapFormat) {
			logf = d.log.Infof // written by another version: the first start after an upgrade
		}
		logf("vue de découverte %s ignorée, reconstruite depuis le magasin : %v", d.snapPath, err)
		return
	}
	d.recs = newRecStore(recs)
	d.storeSeq, d.savedSeq = h.StoreSeq, h.StoreSeq
	d.log.Infof("vue de découverte lue : %d notes publiques jusqu’au changement %d, en %s", d.recs.len(), h.StoreSeq, ingest.DurationText(time.Since(start)))
}

// The file after its magic is a series of frames, each a length (uvarint)
// and a gob value compressed with zstd: first a snapHeader, then the notes
// in chunks of snapChunk, each on its own, so that a start decodes them on
// every core.
type snapHeader struct {
	Version  int
	StoreSeq uint64
	Words    []string
	Chunks   int
}

// snapChunk is a variable so that tests can cut small views in several
// chunks. 8,192 notes: the chunks being decoded are a few MB each (32,768
// until 2026-12-02: 115 MB of buffers allocated at a start, at 100k notes).
var snapChunk = 1 << 13

// maxSnapFrame bounds a frame's length, so that a damaged length cannot
// make a start allocate without end.
const maxSnapFrame = 256 << 20

// errSnapFormat: the file is of another format, written by another version.
var errSnapFormat = errors.New("format")

// readSnap decodes and checks a file.
func readSnap(r io.Reader, header func(*snapHeader) error, keep func([]snapRec) error) (*snapHeader, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	magic := make([]byte, len(snapMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != snapMagic {
		return nil, errors.New("ce n’est pas un fichier de vue de découverte")
	}
	frame := func() ([]byte, error) {
		n, err := binary.ReadUvarint(br)
		if err != nil {
			return nil, fmt.Errorf("fichier tronqué : %w", err)
		}
		if n > maxSnapFrame {
			return nil, fmt.Errorf("bloc de %d octets : fichier abîmé", n)
		}
		// A frame of up to 16 MiB (they are a few MiB) is read into a
		// buffer of its length; a longer one as the bytes come, so that a
		// damaged length on a short file allocates what the file holds.
		if n <= 16<<20 {
			b := make([]byte, n)
			if _, err := io.ReadFull(br, b); err != nil {
				return nil, fmt.Errorf("fichier tronqué : %w", err)
			}
			return b, nil
		}
		b, err := io.ReadAll(io.LimitReader(br, int64(n)))
		if err == nil && uint64(len(b)) != n {
			err = fmt.Errorf("bloc de %d octets sur %d", len(b), n)
		}
		if err != nil {
			return nil, fmt.Errorf("fichier tronqué : %w", err)
		}
		return b, nil
	}
	b, err := frame()
	if err != nil {
		return nil, err
	}
	var h snapHeader
	if err := decodeFrame(b, &h); err != nil {
		return nil, err
	}
	if h.Version != snapVersion {
		return nil, fmt.Errorf("%w %d, celui-ci lit le %d", errSnapFormat, h.Version, snapVersion)
	}
	if h.Chunks < 0 || h.Chunks > maxSnapFrame/snapChunk {
		return nil, fmt.Errorf("%d blocs de notes : fichier abîmé", h.Chunks)
	}
	// The word table is rebuilt in the file's order: every word must be
	// new to the table and every id must point into it.
	seen := make(map[string]bool, len(h.Words))
	for _, w := range h.Words {
		if seen[w] {
			return nil, fmt.Errorf("le mot %q figure deux fois", w)
		}
		seen[w] = true
	}
	if err := header(&h); err != nil {
		return nil, err
	}
	// The chunks are read in turn, decoded, checked and handed to keep on
	// every core.
	chunk := func(b []byte) error {
		var recs []snapRec
		if err := decodeFrame(b, &recs); err != nil {
			return err
		}
		if err := ungapWords(recs, len(h.Words)); err != nil {
			return err
		}
		return keep(recs)
	}
	var (
		errMu    sync.Mutex
		firstErr error
	)
	work := make(chan []byte)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				if err := chunk(b); err != nil {
					errMu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					errMu.Unlock()
				}
			}
		}()
	}
	var readErr error
	for range h.Chunks {
		var b []byte
		if b, readErr = frame(); readErr != nil {
			break
		}
		work <- b
	}
	close(work)
	wg.Wait()
	if readErr != nil {
		return nil, readErr
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return &h, nil
}

// decodeFrame decompresses and decodes one frame into v.
func decodeFrame(b []byte, v any) error {
	zr, err := zstd.NewReader(bytes.NewReader(b), zstd.WithDecoderConcurrency(1))
	if err != nil {
		return err
	}
	defer zr.Close()
	if err := gob.NewDecoder(zr).Decode(v); err != nil {
		return fmt.Errorf("décodage : %w", err)
	}
	return nil
}

// snapRec interns a saved note.
func (in *interner) snapRec(r *snapRec) noteRec {
	words := r.Words
	if words == nil {
		words = []uint32{} // the file's words, even none: not recomputed
	}
	return in.rec(r.ID, r.Title, r.Type, [recLists][]string{r.Authors, r.Orgs, r.Terms, r.Carnets}, words, "")
}

// encodeSnapshot returns the view's notes as a file's bytes, or nil when
// nothing changed since the last save. Called with d.mu held.
func (d *Discovery) encodeSnapshot() []byte {
	if d.snapPath == "" || d.storeSeq == d.savedSeq {
		return nil
	}
	recs := d.recs.sorted()
	names := d.intern.nameTable()
	strs := func(ids []uint32) []string {
		if len(ids) == 0 {
			return nil
		}
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = names[id]
		}
		return out
	}
	// The notes are converted a chunk at a time, as they are written;
	// chunks are converted side by side (encodeSnap), each with its own
	// buffers.
	chunk := func(lo, hi int) []snapRec {
		var f recFields
		var words []uint32
		out := make([]snapRec, 0, hi-lo)
		for _, r := range recs[lo:hi] {
			f.decode(r)
			at := len(words)
			words = append(words, f.words...)
			out = append(out, snapRec{ID: f.id, Title: f.title, Type: names[f.typ], Authors: strs(f.lists[recAuthors]),
				Orgs: strs(f.lists[recOrgs]), Terms: strs(f.lists[recTerms]), Carnets: strs(f.lists[recCarnets]), Words: words[at:len(words):len(words)]})
		}
		return out
	}
	s := snapFile{Version: snapVersion, StoreSeq: d.storeSeq, Words: d.intern.wordTable(), n: len(recs), chunk: chunk}
	var b bytes.Buffer
	b.WriteString(snapMagic)
	if err := encodeSnap(&b, &s); err != nil {
		d.log.Warnf("vue de découverte non enregistrée : %v", err)
		return nil
	}
	d.savedSeq = d.storeSeq
	return b.Bytes()
}

// encodeSnap writes s after the magic: its header, then its notes in
// chunks, each a frame. The chunks are encoded side by side, as many at
// once as there are cores (a save took 6 to 7 s on one core at a million
// notes, three quarters of it zstd's), and written in order; s.chunk must
// allow calls at once.
func encodeSnap(w io.Writer, s *snapFile) error {
	n, chunk := s.n, s.chunk
	chunks := (n + snapChunk - 1) / snapChunk
	if err := writeFrame(w, &snapHeader{Version: s.Version, StoreSeq: s.StoreSeq, Words: s.Words, Chunks: chunks}); err != nil {
		return err
	}
	at := max(1, runtime.GOMAXPROCS(0))
	frames := make([][]byte, at)
	errs := make([]error, at)
	for first := 0; first < chunks; first += at {
		last := min(chunks, first+at)
		var wg sync.WaitGroup
		for i := first; i < last; i++ {
			wg.Go(func() {
				part, _ := gapWords(chunk(i*snapChunk, min(n, (i+1)*snapChunk)), nil)
				frames[i-first], errs[i-first] = encodeFrame(&part)
			})
		}
		wg.Wait()
		for i := range last - first {
			if errs[i] != nil {
				return errs[i]
			}
			if _, err := w.Write(frames[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// A saved note's words (ids in the file's word table, sorted) are written
// as the gaps between them: mostly a byte each, and alike from note to note
// for zstd (the file is 12 % smaller than with the ids themselves).

// gapWords returns a copy of recs whose words are gaps, in buf (reused).
// The words must be sorted, as noteRec keeps them; an id out of order would
// be read back as past the table, and the file ignored.
func gapWords(recs []snapRec, buf []uint32) ([]snapRec, []uint32) {
	out := make([]snapRec, len(recs))
	buf = buf[:0]
	for i, r := range recs {
		at := len(buf)
		prev := uint32(0)
		for _, id := range r.Words {
			buf = append(buf, id-prev)
			prev = id
		}
		r.Words = buf[at:len(buf):len(buf)]
		out[i] = r
	}
	return out, buf
}

// ungapWords turns the gaps of recs back into word ids, in place, and checks
// that they increase and stay under words, the size of the word table.
func ungapWords(recs []snapRec, words int) error {
	for _, r := range recs {
		id := uint64(0)
		for i, g := range r.Words {
			if i > 0 && g == 0 {
				return fmt.Errorf("la note %s nomme deux fois le même mot", r.ID)
			}
			id += uint64(g)
			if id >= uint64(words) {
				return fmt.Errorf("la note %s renvoie au mot %d, la table en a %d", r.ID, id, words)
			}
			r.Words[i] = uint32(id)
		}
	}
	return nil
}

// writeFrame writes v as a frame: length, then gob compressed with zstd
// (names and words repeat from note to note). zstd's "better" level takes a
// tenth off the file; it is most of a save's time (at a million notes,
// three quarters of it, gob most of the rest); reading it back is as fast.
func writeFrame(w io.Writer, v any) error {
	frame, err := encodeFrame(v)
	if err != nil {
		return err
	}
	_, err = w.Write(frame)
	return err
}

// encodeFrame returns the frame of v (see writeFrame).
func encodeFrame(v any) ([]byte, error) {
	var b bytes.Buffer
	zw, err := zstd.NewWriter(&b, zstd.WithEncoderLevel(zstd.SpeedBetterCompression), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	if err := gob.NewEncoder(zw).Encode(v); err != nil {
		zw.Close()
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return append(binary.AppendUvarint(make([]byte, 0, b.Len()+binary.MaxVarintLen64), uint64(b.Len())), b.Bytes()...), nil
}

// snapReserve is the room a save leaves free on the disk, beyond the file:
// the store and the index need it more than a cache does.
const snapReserve = 256 << 20

// writeSnapshot writes data to path through a temporary file renamed into
// place, so that a crash leaves the old file or the new one, never half of
// one. On a disk without room for it and the reserve, it writes nothing.
func writeSnapshot(path string, data []byte) error {
	dir := filepath.Dir(path)
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err == nil && st.Bavail*uint64(st.Bsize) < uint64(len(data))+snapReserve {
		return fmt.Errorf("disque presque plein (%d Mio libres) : vue non enregistrée", st.Bavail*uint64(st.Bsize)>>20)
	}
	tmp, err := os.CreateTemp(dir, ".decouverte-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename: nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// save writes the view's notes to the file if they changed since the last
// save.
func (d *Discovery) save() {
	d.mu.Lock()
	data := d.encodeSnapshot()
	path := d.snapPath
	d.mu.Unlock()
	if data == nil {
		return
	}
	if err := writeSnapshot(path, data); err != nil {
		d.mu.Lock()
		d.savedSeq = 0 // try again next time
		d.mu.Unlock()
		d.log.Warnf("vue de découverte non enregistrée dans %s : %v", path, err)
	}
}

// Observe brings the view's notes up to date with a batch the store has
// just written (sequence numbers from+1 to to), from the notes in hand
// rather than by reading them back: a bulk ingest thus leaves the view
// current, and Close saves it, so that the first start after the ingest
// reads a file instead of the whole store. A batch that does not follow
// the view's last change is left to view, which reads the change log.
func (d *Discovery) Observe(from, to uint64, entries []store.Entry) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.loadOnce()
	if d.storeSeq != from || to < from {
		return
	}
	for _, e := range entries {
		if e.Note == nil || !e.Note.Public() {
			d.recs.remove(e.ID)
			continue
		}
		d.recs.set(d.intern.noteRec(e.ID, e.Note))
	}
	d.storeSeq = to
}
