package index

import (
	"math"
	"testing"
)

// zapNorm is the norm zap gives a posting whose stored length is code.
func zapNorm(code int) float64 { return float64(float32(1.0 / math.Sqrt(float64(code)))) }

func TestLengthCode(t *testing.T) {
	for _, c := range []struct{ n, code int }{
		{0, 0}, {1, 1}, {4, 4}, {32, 32}, {33, 33}, {64, 44}, {128, 56}, {200, 64}, {1000, 92},
		{7700, 127}, {100000, 127},
	} {
		if got := lengthCode(c.n); got != c.code {
			t.Errorf("lengthCode(%d) = %d, want %d", c.n, got, c.code)
		}
	}
	prev := 0
	for n := 1; n <= 20000; n++ {
		c := lengthCode(n)
		if c < prev || c > maxLengthCode {
			t.Fatalf("lengthCode(%d) = %d after %d: codes must grow and stay one byte", n, c, prev)
		}
		prev = c
		// The length read back is within half a step (3 %) of the real one,
		// for the lengths the codes cover.
		got := 1 / (fieldNorm(zapNorm(c)) * fieldNorm(zapNorm(c)))
		if n <= 7000 && math.Abs(got-float64(n))/float64(n) > 0.031 {
			t.Fatalf("length %d (code %d) read back as %.1f", n, c, got)
		}
		if n <= exactShortLengths && fieldNorm(zapNorm(c)) != zapNorm(n) {
			t.Fatalf("length %d: a short length must be read exactly", n)
		}
	}
}

func TestFieldNormOutsideCodes(t *testing.T) {
	for _, v := range []float64{0, math.Inf(1), math.NaN(), zapNorm(500)} {
		if got := fieldNorm(v); !(got == v || math.IsNaN(v) && math.IsNaN(got)) {
			t.Errorf("fieldNorm(%v) = %v: a norm that is no code is kept as is", v, got)
		}
	}
	if codeNorm(40) != fieldNorm(zapNorm(40)) {
		t.Errorf("codeNorm and fieldNorm disagree")
	}
}
