package termdict

import (
	"errors"
	"strings"
	"testing"

	bindex "github.com/blevesearch/bleve_index_api"
)

// fakeIterator gives its terms as listed.
type fakeIterator struct{ terms []string }

func (f *fakeIterator) Next() (*bindex.DictEntry, error) {
	if len(f.terms) == 0 {
		return nil, nil
	}
	t := f.terms[0]
	f.terms = f.terms[1:]
	return &bindex.DictEntry{Term: t, Count: 1}, nil
}

// A dictionary that gives its terms out of order, or ever longer, is
// damaged: the iteration stops with ErrCorrupt instead of running on (a
// segment overwritten while mapped made vellum's iterator cycle, and the
// warm-up that read it kept every search waiting).
func TestOrderedStopsADamagedDictionary(t *testing.T) {
	for _, tc := range []struct {
		terms []string
		bad   bool
	}{
		{[]string{"a", "b", "ba", "c"}, false},
		{[]string{"a", "b", "b"}, true},
		{[]string{"b", "a"}, true},
		{[]string{"a", strings.Repeat("z", maxTermBytes+1)}, true},
	} {
		o := &ordered{it: &fakeIterator{terms: tc.terms}}
		var err error
		for {
			var e *bindex.DictEntry
			if e, err = o.Next(); err != nil || e == nil {
				break
			}
		}
		if got := errors.Is(err, ErrCorrupt); got != tc.bad {
			t.Errorf("%.30q: error %v, want damaged %v", tc.terms, err, tc.bad)
		}
	}
}
