package index

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
)

// A bulk load leaves Bleve's index in many segments: one per batch at
// first, merged in the background by a tiered policy that keeps up to ten
// segments per tier (100k notes: twelve files). Every search pays per
// segment (dictionary look-ups, postings iterators, bitmaps), and the
// background merges of a fresh load run in whichever process opens the
// index next, beside its searches. Compact does that work once, at the end
// of the load, and goes further than the tiered policy: about one segment
// per core, since a search reads its segments side by side.

// minCompactPart is the fewest notes worth a segment of their own: below
// it, one segment, whose searches skip the merge of per-segment answers.
const minCompactPart = 20_000

// compactOptions returns the merge policy that leaves about parts segments
// of docs notes, or one segment when the parts would hold fewer than
// minPart notes. A segment is merged only while it holds fewer than half
// MaxSegmentSize notes, and merges stop at MaxSegmentSize: with 1.5 times
// a part, what is merged ends up at most one and a half parts. A segment
// already larger than three quarters of a part is left as it is (a million
// notes on two cores: Bleve's own merges had made one of 0.9 of the notes,
// and the rest became one of 0.1).
func compactOptions(docs uint64, parts, minPart int) mergeplan.MergePlanOptions {
	o := mergeplan.SingleSegmentMergePlanOptions
	if parts < 1 {
		parts = 1
	}
	part := docs / uint64(parts)
	if parts > 1 && part >= uint64(minPart) {
		o.MaxSegmentSize = int64(part * 3 / 2)
	}
	return o
}

// maxCompactRounds bounds the merge rounds: each round merges what the
// policy finds eligible, and a merged segment may be eligible again.
const maxCompactRounds = 16

// Compact writes what the index holds in memory, then merges its segments
// into about parts (see compactOptions), waiting for the merges. Searches
// and writes go on meanwhile; it is for the end of a bulk load.
func (ix *Index) Compact(ctx context.Context, parts int) error {
	if err := ix.persist(); err != nil {
		return err
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return fmt.Errorf("compacter l’index : %w", err)
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return fmt.Errorf("compacter l’index : index inattendu (%T), seul scorch est pris en charge", adv)
	}
	docs, err := ix.bi.DocCount()
	if err != nil {
		return fmt.Errorf("compacter l’index : %w", err)
	}
	opts := compactOptions(docs, parts, minCompactPart)
	before := -1
	for range maxCompactRounds {
		n64, ok := ix.Segments()
		n := int(n64)
		if !ok || n <= 1 || n == before {
			break
		}
		before = n
		if err := sc.ForceMerge(ctx, &opts); err != nil {
			return fmt.Errorf("compacter l’index : %w", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return ix.persist()
}
