package index

import "math"

// Field lengths are stored as one-byte codes. zap writes a field's length
// with every posting of the field (as a varint, where Bleve writes its norm),
// so a body of more than 127 words took two bytes a posting for its length
// alone, about a fifth of the bytes of the body's postings. A code is the length itself
// up to exactShortLengths, then about 6 % steps (codeSteps a doubling), up
// to maxLengthCode: a varint of one byte. Lucene keeps its norms in a byte
// the same way. The scores read the length a code stands for (fieldNorm);
// BM25's length normalisation does not see a 6 % difference. Bleve's own
// scorer, which still scores two searches (bleveScored), reads a code as
// the length itself: a flatter length normalisation there only.

const (
	exactShortLengths = 32
	codeSteps         = 12
	maxLengthCode     = 127 // 32 × 2^(95/12): about 7,700 words
)

// lengthCode is the code stored for a field of n tokens.
func lengthCode(n int) int {
	if n <= exactShortLengths {
		return n
	}
	c := exactShortLengths + int(math.Round(codeSteps*math.Log2(float64(n)/exactShortLengths)))
	return min(c, maxLengthCode)
}

// codeNorms[c] is the norm (1/√length, as Bleve and zap give it) of the
// length that code c stands for.
var codeNorms = func() (t [maxLengthCode + 1]float64) {
	for c := 1; c <= maxLengthCode; c++ {
		n := float64(c)
		if c > exactShortLengths {
			n = exactShortLengths * math.Exp2(float64(c-exactShortLengths)/codeSteps)
		}
		t[c] = float64(float32(1 / math.Sqrt(n)))
	}
	return t
}()

// fieldNorm returns the norm of the length a posting's code stands for,
// from the norm zap computes from the code as if it were the length
// (float32(1/√code)). Lengths stored before the codes (indexes of an older
// formatVersion are rebuilt) are not read here.
func fieldNorm(zapNorm float64) float64 {
	if zapNorm <= 0 || math.IsInf(zapNorm, 0) || math.IsNaN(zapNorm) {
		return zapNorm
	}
	c := int(math.Round(1 / (zapNorm * zapNorm)))
	if c < 1 || c > maxLengthCode {
		return zapNorm
	}
	return codeNorms[c]
}

// codeNorm is the norm of a field whose code is c (textscore: the code as
// the document gives it to zap).
func codeNorm(c int) float64 {
	if c < 1 || c > maxLengthCode {
		return float64(float32(1 / math.Sqrt(float64(c))))
	}
	return codeNorms[c]
}
