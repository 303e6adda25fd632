package ingest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/encommun/trouvaille/analysis"
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
	// A note that does not read (a damaged block of the disk) does not
	// stop the export of the others: it is named at the end.
	var unreadable []string
	err := st.ChangesSalvaging(func(e store.Entry) error {
		if e.Note == nil {
			return nil // a deletion: nothing to export
		}
		if err := enc.Encode(e.Note); err != nil {
			return fmt.Errorf("exporter la note %s : %w", e.ID, err)
		}
		n++
		return nil
	}, func(id string, err error) {
		unreadable = append(unreadable, id)
	})
	if err != nil {
		return n, err
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("écrire l’export : %w", err)
	}
	if len(unreadable) > 0 {
		return n, &UnreadableNotes{IDs: unreadable}
	}
	return n, nil
}

// UnreadableNotes is Export's error when some notes of the store do not
// read: the others are exported.
type UnreadableNotes struct{ IDs []string }

func (e *UnreadableNotes) Error() string {
	ids := e.IDs
	more := ""
	if len(ids) > 20 {
		ids, more = ids[:20], fmt.Sprintf(" et %d autres", len(e.IDs)-20)
	}
	s := ""
	if len(e.IDs) > 1 {
		s = "s"
	}
	return fmt.Sprintf("%s illisible%s dans le magasin (%s%s) par cette version de Trouvaille, ou endommagée%s : les notes lisibles sont exportées; reprenez les autres d’une sauvegarde ou de leur source",
		analysis.FrenchCount(len(e.IDs), "note"), s, strings.Join(ids, ", "), more, s)
}
