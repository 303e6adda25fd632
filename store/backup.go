package store

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/encommun/trouvaille/analysis"
)

// ErrDiskFull is returned by Apply when the disk holding the store has too
// little room left for the batch: the write is refused before Badger touches
// its memory-mapped files (a write into a mapped page of a full disk is a
// SIGBUS, not an error), and nothing already stored is affected.
var ErrDiskFull = errors.New("disque plein")

// DefaultMinFree is the room Apply keeps free on the store's disk, beyond the
// batch itself: enough for Badger's memtable flushes and compactions and for
// the index's merges.
const DefaultMinFree = 64 << 20

// FreeBytes returns the bytes available to this process on dir's filesystem.
func FreeBytes(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil
}

// checkSpace refuses a write of about need bytes when the disk would keep
// less than the configured reserve.
func (s *Store) checkSpace(need int64) error {
	if s.minFree < 0 {
		return nil
	}
	free, err := s.free(s.dir)
	if err != nil {
		return nil // an unknown filesystem: let Badger report real errors
	}
	// The ballast is room the store holds for itself: it counts as free.
	free += uint64(s.ballast.held())
	want := uint64(s.minFree) + 3*uint64(need)
	if free < want {
		parts := ""
		if need > 0 {
			parts = fmt.Sprintf(" (%s à garder libres, plus %s pour cette écriture)", SizeText(s.minFree), SizeText(3*need))
		}
		return fmt.Errorf("%w : %s libres sur le disque du magasin %s, il en faut au moins %s%s : libérez de la place (ou agrandissez le disque) puis renvoyez les notes; rien de ce qui est déjà enregistré n’est touché",
			ErrDiskFull, SizeText(int64(min(free, math.MaxInt64))), s.dir, SizeText(int64(min(want, math.MaxInt64))), parts)
	}
	return nil
}

// SizeText writes a size in bytes the French way, in the largest binary
// unit it reaches (octets, Kio, Mio, Gio, Tio), with one decimal when the
// unit is not the byte: "512 octets", "351,6 Kio", "64 Mio", "1,5 Gio".
func SizeText(n int64) string {
	const nbsp = "\u00A0" // between the number and its unit
	if n < 1<<10 {
		if n == 0 || n == 1 || n == -1 {
			return strconv.FormatInt(n, 10) + nbsp + "octet"
		}
		return strconv.FormatInt(n, 10) + nbsp + "octets"
	}
	units := []string{"Kio", "Mio", "Gio", "Tio"}
	v, u := float64(n)/(1<<10), 0
	// The unit of the rounded value: 1023.99 Kio is "1 Mio".
	for math.Round(v*10) >= 10<<10 && u < len(units)-1 {
		v /= 1 << 10
		u++
	}
	tenths := int64(math.Round(v * 10))
	s := FrenchInt(tenths / 10)
	if d := tenths % 10; d != 0 {
		s += "," + strconv.FormatInt(d, 10)
	}
	return s + nbsp + units[u]
}

// FrenchInt writes n with a narrow no-break space between thousands:
// 12 345 (operators' messages: sizes, rates, counts).
func FrenchInt(n int64) string { return analysis.FrenchInt(n) }

// A backup file is a header line, Badger's backup stream, and a trailer
// line giving the stream's length and SHA-256, so that a copy cut short (a
// server killed mid-backup, a full disk) is refused at restore instead of
// restoring part of the notes:
//
//	TROUVAILLE-SAUVEGARDE 1 seq=<last seq>\n
//	<Badger backup stream>
//	\nTROUVAILLE-FIN <stream length> <sha256 hex>\n
const (
	backupMagic   = "TROUVAILLE-SAUVEGARDE 1"
	backupTrailer = "TROUVAILLE-FIN"
)

// ErrBadBackup says a file is not a complete backup.
var ErrBadBackup = errors.New("sauvegarde incomplète ou invalide")

type countHash struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (c *countHash) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	return n, err
}

// Backup writes a consistent copy of the whole store (every note, the change
// log, the sequence counter and the compression dictionaries) to w while the
// store keeps serving reads and writes. It returns the last sequence number
// the copy holds.
func (s *Store) Backup(w io.Writer) (uint64, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	// Every change up to seq is in the copy: Badger's backup reads at a
	// timestamp taken after seq was committed.
	seq := s.DurableSeq()
	fmt.Fprintf(bw, "%s seq=%d\n", backupMagic, seq)
	ch := &countHash{w: bw, h: sha256.New()}
	if _, err := s.db.Backup(ch, 0); err != nil {
		return 0, fmt.Errorf("sauvegarder le magasin : %w", err)
	}
	fmt.Fprintf(bw, "\n%s %d %s\n", backupTrailer, ch.n, hex.EncodeToString(ch.h.Sum(nil)))
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("sauvegarder le magasin : %w", err)
	}
	return seq, nil
}

// VerifyBackup checks a backup file whole (header, length, checksum) and
// returns the section holding Badger's stream.
func VerifyBackup(r io.ReaderAt, size int64) (*io.SectionReader, error) {
	bad := func(why string) error { return fmt.Errorf("%w : %s", ErrBadBackup, why) }
	head := make([]byte, 128)
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	nl := bytes.IndexByte(head, '\n')
	if nl < 0 || !bytes.HasPrefix(head, []byte(backupMagic+" ")) {
		return nil, bad("ce fichier n’est pas une sauvegarde de Trouvaille (en-tête absent)")
	}
	start := int64(nl + 1)
	tail := make([]byte, 200)
	off := size - int64(len(tail))
	if off < start {
		off = start
	}
	n, _ = r.ReadAt(tail[:size-off], off)
	tail = tail[:n]
	i := bytes.LastIndex(tail, []byte("\n"+backupTrailer+" "))
	if i < 0 || !bytes.HasSuffix(tail, []byte("\n")) {
		return nil, bad("fin de fichier absente : la sauvegarde a été interrompue; refaites-la")
	}
	f := strings.Fields(string(tail[i+1:]))
	if len(f) != 3 {
		return nil, bad("ligne de fin illisible")
	}
	length, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil || length != off+int64(i)-start {
		return nil, bad("longueur inattendue : fichier tronqué ou modifié")
	}
	sec := io.NewSectionReader(r, start, length)
	h := sha256.New()
	if _, err := io.Copy(h, sec); err != nil {
		return nil, err
	}
	if hex.EncodeToString(h.Sum(nil)) != f[2] {
		return nil, bad("somme de contrôle différente : fichier endommagé")
	}
	return io.NewSectionReader(r, start, length), nil
}

// ErrNotEmpty is returned by Restore when the target folder already holds data.
var ErrNotEmpty = errors.New("dossier non vide")

// Restore creates a store in dir (which must be absent or empty) from a
// backup file of size bytes, checked whole first, and returns it open.
func Restore(dir string, r io.ReaderAt, size int64, o Options) (*Store, error) {
	stream, err := VerifyBackup(r, size)
	if err != nil {
		return nil, err
	}
	return RestoreVerified(dir, stream, o)
}

// RestoreNeeds is the free room a restore of a backup stream of length
// bytes asks of the disk: the store it becomes (about its length, twice
// for the value log and the tables Badger writes from it) and the reserve
// the store keeps free (DefaultMinFree).
func RestoreNeeds(length int64) int64 { return 2*length + DefaultMinFree }

// CheckRestoreSpace refuses (ErrDiskFull) a restore into dir of a backup
// stream of length bytes when the disk that would hold dir has less free
// room than RestoreNeeds: Badger loads the copy through memory-mapped files,
// and a full disk there stops the program (SIGBUS) instead of returning an
// error.
func CheckRestoreSpace(dir string, length int64) error {
	at := dir
	for {
		if _, err := os.Stat(at); err == nil {
			break
		}
		parent := filepath.Dir(at)
		if parent == at {
			return nil
		}
		at = parent
	}
	free, err := restoreFree(at)
	if err != nil {
		return nil // an unknown filesystem: let Badger report real errors
	}
	if need := RestoreNeeds(length); free < uint64(need) {
		return fmt.Errorf("%w : %s libres sur le disque de %s, il en faut au moins %s pour restaurer cette sauvegarde (%s de données, plus %s à garder libres) : libérez de la place ou restaurez sur un autre disque; rien n’a été écrit",
			ErrDiskFull, SizeText(int64(min(free, math.MaxInt64))), dir, SizeText(need), SizeText(length), SizeText(DefaultMinFree))
	}
	return nil
}

// restoreFree is FreeBytes for CheckRestoreSpace (tests give a small disk).
var restoreFree = FreeBytes

// RestoreVerified creates a store in dir (absent or empty) from stream, a
// backup's contents VerifyBackup checked, and returns it open.
func RestoreVerified(dir string, stream *io.SectionReader, o Options) (*Store, error) {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return nil, fmt.Errorf("%w : %s contient déjà des fichiers; restaurez dans un dossier neuf", ErrNotEmpty, dir)
	}
	if err := CheckRestoreSpace(dir, stream.Size()); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("créer %s : %w", dir, err)
	}
	s, err := Open(dir, o)
	if err != nil {
		return nil, err
	}
	if err := s.db.Load(bufio.NewReaderSize(stream, 1<<20), 256); err != nil {
		s.Close()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("restaurer la sauvegarde dans %s : %w", dir, err)
	}
	if err := s.db.Sync(); err != nil {
		s.Close()
		return nil, err
	}
	// Reopen so that the sequence counter and dictionaries come from the copy.
	if err := s.Close(); err != nil {
		return nil, err
	}
	return Open(dir, o)
}
