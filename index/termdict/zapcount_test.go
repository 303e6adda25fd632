package termdict

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// spaces is the smallest analyzer: one token per space-separated word.
type spaces struct{}

func (spaces) Analyze(b []byte) analysis.TokenStream {
	var out analysis.TokenStream
	pos, start := 1, 0
	for _, w := range strings.Fields(string(b)) {
		i := strings.Index(string(b[start:]), w) + start
		out = append(out, &analysis.Token{Term: []byte(w), Start: i, End: i + len(w), Position: pos, Type: analysis.AlphaNumeric})
		pos, start = pos+1, i+len(w)
	}
	return out
}

// TestZapDictionaryCountsAfterOneHitTerm reproduces, with zapx's own API
// only, the miscount Terms works around (the report to send upstream): a
// dictionary iterator reuses one PostingsList for every term, and
// PostingsList.read leaves the normBits1Hit of a term held by one document
// set, so that a term after it, held by several documents, is counted 1
// (Count() answers 1 whenever normBits1Hit is set). Segments written by a
// merge hold such "1-hit" terms. The test checks the reproduction still
// reproduces (zapx v17.2.5); when an upgrade fixes it, it fails, and Terms
// can trust the iterator's counts again (see its comment).
func TestZapDictionaryCountsAfterOneHitTerm(t *testing.T) {
	dir := t.TempDir()
	var plugin zap.ZapPlugin
	texts := [][]string{{"abeille", "bouleau", "bouleau"}, {"cerisier", "dahlia", "dahlia", "dahlia"}}
	var segs []segment.Segment
	for si, batch := range texts {
		var docs []index.Document
		for i, text := range batch {
			id := fmt.Sprintf("d%d-%d", si, i)
			d := document.NewDocument(id)
			d.AddField(document.NewTextFieldCustom("_id", nil, []byte(id), index.IndexField|index.StoreField, spaces{}))
			f := document.NewTextFieldCustom("f", nil, []byte(text), index.IndexField, spaces{})
			d.AddField(f)
			d.VisitFields(func(f index.Field) { f.Analyze() })
			docs = append(docs, d)
		}
		mem, _, err := plugin.New(docs)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, fmt.Sprintf("s%d.zap", si))
		if err := zap.PersistSegmentBase(mem.(*zap.SegmentBase), path); err != nil {
			t.Fatal(err)
		}
		seg, err := plugin.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer seg.Close()
		segs = append(segs, seg)
	}
	merged := filepath.Join(dir, "merged.zap")
	if _, _, err := plugin.Merge(segs, []*roaring.Bitmap{nil, nil}, merged, nil, nil); err != nil {
		t.Fatal(err)
	}
	seg, err := plugin.Open(merged)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()

	wrong := 0
	for name, s := range map[string]segment.Segment{"first written": segs[0], "merged": seg} {
		d, err := s.Dictionary("f")
		if err != nil {
			t.Fatal(err)
		}
		it := d.AutomatonIterator(nil, nil, nil)
		var seen []string
		for e, err := it.Next(); e != nil || err != nil; e, err = it.Next() {
			if err != nil {
				t.Fatal(err)
			}
			pl, err := d.PostingsList([]byte(e.Term), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			seen = append(seen, fmt.Sprintf("%s:%d/%d", e.Term, e.Count, pl.Count()))
			if e.Count != pl.Count() {
				wrong++
			}
		}
		t.Logf("%s segment, term:iterator's count/postings list's count: %v", name, seen)
	}
	if wrong == 0 {
		t.Fatal("zapx's dictionary iterator counts every term right: the bug is fixed upstream; Terms (termdict.go) can drop its re-reading of count-1 terms")
	}
}
