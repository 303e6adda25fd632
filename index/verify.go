package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// ErrDamaged says that a segment of the index on disk does not match its
// checksum: the index must be rebuilt from the store.
var ErrDamaged = errors.New("index endommagé")

// verifySegments checks the CRC-32 that ends every persisted segment of the
// index's current snapshot against the segment's bytes. Bleve only reads the
// footer when it opens a segment, so bytes damaged in the middle of a file
// would otherwise surface as failed or wrong searches much later.
func verifySegments(bi bleve.Index) error {
	r, err := openReader(bi)
	if err != nil {
		return err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	for _, ss := range snap.Segments() {
		ps, ok := ss.Segment().(segment.PersistedSegment)
		if !ok || ps.Path() == "" {
			continue // still in memory: nothing on disk to check
		}
		if err := verifyFile(ps.Path()); err != nil {
			return fmt.Errorf("%w : segment %s : %v", ErrDamaged, filepath.Base(ps.Path()), err)
		}
	}
	return nil
}

// verifyFile checks one zap file: CRC-32 (IEEE) of every byte but the last
// four, which hold it big-endian.
func verifyFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() < 4 {
		return fmt.Errorf("fichier tronqué (%d octets)", st.Size())
	}
	h := crc32.NewIEEE()
	if _, err := io.CopyN(h, f, st.Size()-4); err != nil {
		return err
	}
	var tail [4]byte
	if _, err := io.ReadFull(f, tail[:]); err != nil {
		return err
	}
	if want := binary.BigEndian.Uint32(tail[:]); h.Sum32() != want {
		return fmt.Errorf("somme de contrôle %08x, attendue %08x", h.Sum32(), want)
	}
	return nil
}

// Verify checks every segment of the index on disk (see verifySegments).
func (ix *Index) Verify() error { return verifySegments(ix.bi) }
