package termdict

import (
	"testing"

	"github.com/encommun/trouvaille/analysis"
)

// TestDepthBoundedEndsPastTheLongestTerm: a completion automaton, which
// accepts every continuation once a beginning is read, dies past the
// longest term the analysis makes, so that a walk of a damaged dictionary
// that cycles without giving terms ends at once rather than after
// maxWalkSteps transitions.
func TestDepthBoundedEndsPastTheLongestTerm(t *testing.T) {
	for name, inner := range map[string]interface {
		Start() int
		IsMatch(int) bool
		CanMatch(int) bool
		WillAlwaysMatch(int) bool
		Accept(int, byte) int
	}{
		"sounds like, being typed": analysis.SoundsLikePrefix("alofo"),
	} {
		a := depthBounded{inner}
		s := a.Start()
		for i, c := range []byte("allophone") {
			if s = a.Accept(s, c); s == 0 {
				t.Fatalf("%s: dead after %d bytes of « allophone »", name, i+1)
			}
		}
		if !a.IsMatch(s) {
			t.Fatalf("%s: « allophone » not matched", name)
		}
		n := len("allophone")
		for ; s != 0 && n < 10*analysis.MaxWordBytes; n++ {
			s = a.Accept(s, 'a')
		}
		if s != 0 || n != analysis.MaxWordBytes+1 {
			t.Errorf("%s: alive after %d bytes (dead: %v), want dead at %d", name, n, s == 0, analysis.MaxWordBytes+1)
		}
		if a.CanMatch(0) {
			t.Errorf("%s: the dead state can match", name)
		}
	}
}
