package ingest

import (
	"strings"
	"testing"
)

// TestLoneSurrogateRejected: a \u escape of half a UTF-16 pair (an emoji
// cut in two by the program that wrote the file) is rejected with its line
// and field, as invalid UTF-8 is, instead of being stored as U+FFFD: the
// character would be lost without a word. Whole pairs and escaped
// backslashes followed by "u" stay accepted.
func TestLoneSurrogateRejected(t *testing.T) {
	for _, tc := range []struct {
		extra, field, esc string
	}{
		{`"summary":"Bravo \ud83d"`, "summary", `\ud83d`},
		{`"summary":"\ude00 en tête"`, "summary", `\ude00`},
		{`"summary":"\ude00\ud83d à l’envers"`, "summary", `\ude00`},
		{`"body":"x \uD83D\u0041"`, "body", `\uD83D`},
		{`"authors":["Zoé","Ann\udc00e"]`, "authors[1]", `\udc00`},
		{`"carnets":[{"title":"Carnet \ud800"}]`, "carnets[0].title", `\ud800`},
	} {
		line := `{"id":"a1","title":"T","visibility":"public",` + tc.extra + "}"
		recs, rejs := decodeAll(t, "\n"+line+"\n", "n.jsonl", Options{})
		if len(recs) != 0 || len(rejs) != 1 {
			t.Errorf("%s: %d notes, %d rejections %+v; want the note rejected", tc.extra, len(recs), len(rejs), rejs)
			continue
		}
		r := rejs[0]
		if r.Line != 2 || r.Field != tc.field || !strings.Contains(r.Reason, tc.esc) || !strings.Contains(r.Reason, "émoji") {
			t.Errorf("%s: rejection %+v, want line 2, field %s, naming %s", tc.extra, r, tc.field, tc.esc)
		}
	}
	for _, extra := range []string{
		`"summary":"Bravo \ud83d\ude00"`, // 😀
		`"summary":"C:\\ud83d"`,          // a backslash, then the letters ud83d
		`"summary":"\u00e9t\u00e9"`,
		`"summary":"\\\ud83d\ude00"`,
	} {
		recs, rejs := decodeAll(t, with(extra), "n.jsonl", Options{})
		if len(recs) != 1 || len(rejs) != 0 {
			t.Errorf("%s: %d notes, rejections %+v; want it accepted", extra, len(recs), rejs)
		}
	}
}
