package index

import (
	"context"
	"fmt"
	"github.com/RoaringBitmap/roaring/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// Regression: execute closed its snapshot before the hits' ids were read, so
// a merge in between could close (unmap) the segments the hits point into.
func TestExecuteHoldsSnapshot(t *testing.T) {
	dir := t.TempDir() + "/index"
	ix, err := Open(dir, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	seq := uint64(0)
	batch := func(from, to int) []store.Entry {
		var es []store.Entry
		for i := from; i < to; i++ {
			seq++
			id := fmt.Sprintf("n%03d", i)
			want[id] = true
			es = append(es, store.Entry{Seq: seq, ID: id, Note: &store.Note{ID: id, Type: "note", Title: fmt.Sprintf("Logement %d", i), Visibility: "public"}})
		}
		return es
	}
	for b := 0; b < 3; b++ {
		if err := ix.Apply(batch(b*10, b*10+10)); err != nil {
			t.Fatal(err)
		}
	}
	defer ix.Close()
	ctx := context.Background()
	// Merge and wait for the persister: the segments are now files, mapped
	// in memory.
	persisted(t, ix)

	r := query.Request{Q: "logement"}
	if err := r.Normalize(); err != nil {
		t.Fatal(err)
	}
	pq, err := query.Parse(r.Q)
	if err != nil {
		t.Fatal(err)
	}
	p, err := query.NewPlan(pq, nil)
	if err != nil {
		t.Fatal(err)
	}
	ep, err := ix.execPlanFor(r)
	if err != nil {
		t.Fatal(err)
	}
	ep.text = p.Strict()
	ep.scoring = true
	er, err := ix.execute(ctx, ep)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r, ok := any(er).(interface{ release() }); ok {
			r.release()
		}
	}()
	if len(er.hits) == 0 {
		t.Fatal("no hits")
	}
	// Replace every segment: delete the notes, add others, merge.
	var del []store.Entry
	for id := range want {
		seq++
		del = append(del, store.Entry{Seq: seq, ID: id})
	}
	if err := ix.Apply(del); err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(batch(100, 110)); err != nil {
		t.Fatal(err)
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	if err := adv.(*scorch.Scorch).ForceMerge(ctx, nil); err != nil {
		t.Fatal(err)
	}
	persisted(t, ix)
	for _, h := range er.hits {
		id, err := func() (id string, err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("panic: %v", p)
				}
			}()
			return er.view.externalID(h)
		}()
		if err != nil || !want[id] || id >= "n100" {
			t.Fatalf("hit %+v: id %q, %v (segment released too early?)", h, id, err)
		}
	}
}

// persisted merges the index's segments and waits until none is held only in
// memory (a wait for the background persister, not a timing assertion).
func persisted(t *testing.T, ix *Index) {
	t.Helper()
	adv, err := ix.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	sc := adv.(*scorch.Scorch)
	for i := 0; ; i++ {
		st := sc.Stats().(*scorch.Stats)
		if atomic.LoadUint64(&st.TotMemorySegmentsAtRoot) == 0 && atomic.LoadUint64(&st.TotFileSegmentsAtRoot) > 0 {
			return
		}
		if i == 2000 {
			t.Fatal("segments never persisted")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestAppendCountUnits(t *testing.T) {
	sparse := roaring.BitmapOf(3, 70_000, 70_001, 199_999)
	dense := roaring.New()
	dense.AddRange(0, 200_000)
	dense.Remove(100_000)
	cases := []struct {
		name      string
		bits      *roaring.Bitmap
		parts     int
		wantUnits int
	}{
		{"small: one unit", sparse, 2, 1},
		{"one core: one unit", dense, 1, 1},
		{"large, two cores", dense, 2, 2},
		{"large, three cores", dense, 3, 3},
		{"large, more cores than containers", dense, 8, 8},
	}
	for _, c := range cases {
		units := appendCountUnits(nil, 4, c.bits, 7, 200_000, c.parts)
		if len(units) != c.wantUnits {
			t.Errorf("%s: %d units, want %d", c.name, len(units), c.wantUnits)
		}
		union := roaring.New()
		var sum uint64
		for _, u := range units {
			if u.si != 4 || u.step != 7 {
				t.Errorf("%s: unit %+v lost its segment or step", c.name, u)
			}
			sum += u.bits.GetCardinality()
			union.Or(u.bits)
		}
		if !union.Equals(c.bits) || sum != c.bits.GetCardinality() {
			t.Errorf("%s: the units hold %d notes (%d distinct), want exactly the %d of bits", c.name, sum, union.GetCardinality(), c.bits.GetCardinality())
		}
	}
}
