package trouvaille

import (
	"bytes"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/store"
)

// Export then ingest into a new folder gives the same store: same ids, same
// content hashes, every visibility.
func TestExportRoundTrip(t *testing.T) {
	src := openEngine(t, filepath.Join(t.TempDir(), "src"))
	defer src.Close()
	in := `{"id":"n1","type":"terme","title":"  Économie sociale ","summary":"En bref","body":"  # Titre\n\n\ttexte <b>&</b>\r\n","authors":["Ana","Luc","Ana"],"curator":"Zoé","organisations":["TIESS"],"terms":["commun"],"carnets":[{"title":"Carnet","bloc":"Bloc 2 — Financement"},{"title":"Autre"}],"community":"Québec","links":["n2"],"published_at":"2024-05-02T14:30:00-04:00","updated_at":"2024-05-03","visibility":"public","url":"https://example.org/n1"}
{"id":"n2","title":"Note privée","visibility":"private","published_at":"1800-01-01"}
{"id":"n3","title":"Note de communauté","visibility":"community","updated_at":"2200-12-31T23:59:59.5Z"}
{"id":"n4","title":"Supprimée ensuite","visibility":"public"}
{"id":"n4","deleted":true}
`
	if rep, err := (&Ingester{Engine: src}).Ingest(strings.NewReader(in), "src.jsonl"); err != nil || rep.Rejected != 0 {
		t.Fatalf("ingest: %+v, %v", rep, err)
	}
	var out bytes.Buffer
	n, err := src.Export(&out)
	if err != nil || n != 3 {
		t.Fatalf("Export = %d, %v", n, err)
	}
	if got := strings.Count(out.String(), "\n"); got != 3 {
		t.Fatalf("%d lines, want 3:\n%s", got, out.String())
	}

	dst := openEngine(t, filepath.Join(t.TempDir(), "dst"))
	defer dst.Close()
	rep, err := (&Ingester{Engine: dst}).Ingest(bytes.NewReader(out.Bytes()), "export.jsonl")
	if err != nil || rep.Added != 3 || rep.Rejected != 0 {
		t.Fatalf("re-ingest: %+v, %v (rejections %v)", rep, err, rep.Rejections)
	}
	hashes := func(st *store.Store) map[string][32]byte {
		m := map[string][32]byte{}
		err := st.Changes(0, func(e store.Entry) error {
			if e.Note != nil {
				h, _, err := store.Hash(e.Note)
				m[e.ID] = h
				return err
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a, b := hashes(src.store), hashes(dst.store)
	if len(a) != 3 || !reflect.DeepEqual(a, b) {
		t.Errorf("content hashes differ:\n src %x\n dst %x", a, b)
	}
	// Ingesting the export into the source changes nothing.
	rep, err = (&Ingester{Engine: src}).Ingest(bytes.NewReader(out.Bytes()), "export.jsonl")
	if err != nil || rep.Unchanged != 3 || rep.Added+rep.Updated+rep.Deleted+rep.Rejected != 0 {
		t.Errorf("export into its source: %+v, %v", rep, err)
	}
	// And exporting the copy gives the same bytes.
	var again bytes.Buffer
	if _, err := dst.Export(&again); err != nil || again.String() != out.String() {
		t.Errorf("second export differs (%v):\n%s\nvs\n%s", err, again.String(), out.String())
	}
}
