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

// cyclingIterator walks an automaton as vellum's iterator does, through a
// damaged dictionary whose transitions loop without reaching a term: it
// gives a term only when the automaton says the walk can go on no more.
type cyclingIterator struct {
	aut  *budgeted
	done bool
}

func (c *cyclingIterator) Next() (*bindex.DictEntry, error) {
	if c.done {
		return nil, nil
	}
	s := c.aut.Start()
	for b := byte(0); c.aut.CanMatch(s); b++ {
		s = c.aut.Accept(s, 'a'+b%26)
	}
	c.done = true
	return nil, nil
}

// A walk that loops inside the dictionary's automaton, where no term ever
// comes for ordered to check, ends after maxWalkSteps transitions with
// ErrCorrupt (TestDamagedSegmentWhileServing hung so, the warm-up holding
// the engine's lock); a walk within the budget ends as it would.
func TestWalkBudgetStopsACyclingDictionary(t *testing.T) {
	defer func(n int) { maxWalkSteps = n }(maxWalkSteps)
	maxWalkSteps = 10_000
	g := guard(nil)
	_, err := (&ordered{it: &cyclingIterator{aut: g}, guard: g}).Next()
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("a cycling walk: %v, want ErrCorrupt", err)
	}
	if g.left >= 0 {
		t.Errorf("the walk ended with %d steps left", g.left)
	}
	// Within the budget: the terms as given, the end without error.
	g = guard(nil)
	o := &ordered{it: &fakeIterator{terms: []string{"a", "b"}}, guard: g}
	for i := 0; i < 3; i++ {
		e, err := o.Next()
		if err != nil || (i < 2) != (e != nil) {
			t.Fatalf("step %d: %v %v", i, e, err)
		}
	}
}

// A walk given a stop function ends with ErrStopped as soon as it says so,
// even inside a cycle where no term comes out: the index's warm-up, holding
// the engine's lock for reading, kept a rebuild decided meanwhile waiting
// for the whole budget (TestDamagedSegmentWhileServing, over 60 s on a busy
// host). Without a stop, or while it says no, the walk goes on.
func TestWalkStopsWhenAsked(t *testing.T) {
	asked := 0
	g := guard(nil)
	g.stop = func() bool { asked++; return asked >= 3 }
	_, err := (&ordered{it: &cyclingIterator{aut: g}, guard: g}).Next()
	if !errors.Is(err, ErrStopped) {
		t.Fatalf("a stopped walk: %v, want ErrStopped", err)
	}
	if asked != 3 || !g.stopped {
		t.Errorf("asked %d times, stopped %v", asked, g.stopped)
	}
	g = guard(nil)
	g.stop = func() bool { return false }
	o := &ordered{it: &fakeIterator{terms: []string{"a", "b"}}, guard: g}
	for i := 0; i < 3; i++ {
		if e, err := o.Next(); err != nil || (i < 2) != (e != nil) {
			t.Fatalf("step %d: %v %v", i, e, err)
		}
	}
}
