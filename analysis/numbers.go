package analysis

import (
	"strconv"
	"strings"
)

// FrenchInt writes n as French writes numbers, a narrow no-break space
// between thousands: 12 345 (messages for people: sizes, counts, limits).
func FrenchInt(n int64) string {
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	if d, ok := strings.CutPrefix(digits, "-"); ok {
		b.WriteByte('-')
		digits = d
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString("\u202F")
		}
		b.WriteRune(c)
	}
	return b.String()
}

// FrenchCount writes n and a word that agrees with it, as French does: the
// plural from 2 on (« 0 ajoutée », « 1 rejetée », « 2 supprimées »).
func FrenchCount(n int, word string) string {
	if n >= 2 {
		word += "s"
	}
	return FrenchInt(int64(n)) + " " + word
}
