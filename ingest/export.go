package ingest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/encommun/trouvaille/store"
)

// Export writes every stored note, of every visibility, to w as JSON lines in
// the ingest format, in the order of their last change. Ingesting the export
// into an empty data folder gives the same notes: same ids, same content
// hashes. It reads one consistent snapshot of the store and returns the
// number of notes written.
func Export(st *store.Store, w io.Writer) (int, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false) // « <mark> » stays readable; the content hash does not depend on it
	n := 0
	err := st.Changes(0, func(e store.Entry) error {
		if e.Note == nil {
			return nil // a deletion: nothing to export
		}
		if err := enc.Encode(e.Note); err != nil {
			return fmt.Errorf("exporter la note %s : %w", e.ID, err)
		}
		n++
		return nil
	})
	if err != nil {
		return n, err
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("écrire l’export : %w", err)
	}
	return n, nil
}
