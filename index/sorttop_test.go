package index

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// sortTop gives the k smallest, in order, as a full sort does, whatever k
// and however many ties.
func TestSortTop(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 5, 20, 100, 1000} {
		for _, k := range []int{-1, 0, 1, 2, 3, 10, 20, 50, 2000} {
			for _, spread := range []int{3, 1 << 20} { // many ties, few ties
				s := make([][2]int, n)
				for i := range s {
					s[i] = [2]int{rng.IntN(spread), i} // the index breaks ties, as global does
				}
				want := slices.Clone(s)
				c := func(a, b *[2]int) int {
					if x := cmp.Compare(a[0], b[0]); x != 0 {
						return x
					}
					return cmp.Compare(a[1], b[1])
				}
				slices.SortFunc(want, func(a, b [2]int) int { return c(&a, &b) })
				got := slices.Clone(s)
				sortTop(got, k, c)
				m := min(max(k, 0), n)
				if !slices.Equal(got[:m], want[:m]) {
					t.Fatalf("n=%d k=%d spread=%d: top %v, want %v", n, k, spread, got[:m], want[:m])
				}
				rest := slices.Clone(got)
				slices.SortFunc(rest, func(a, b [2]int) int { return c(&a, &b) })
				if !slices.Equal(rest, want) {
					t.Fatalf("n=%d k=%d: not a permutation", n, k)
				}
			}
		}
	}
}
