package index

import (
	"bufio"
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"sort"
	"testing"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/store"
)

var (
	typosNotes = flag.String("typos-notes", "../testdata/demo/notes.jsonl", "TestGeneratedTypos: the notes (JSON lines)")
	typosWords = flag.Int("typos-words", 40, "TestGeneratedTypos: how many of the corpus's most frequent words to misspell")
	typosFloor = flag.Float64("typos-floor", 0.745, "TestGeneratedTypos: the least share to reach (0: report only)")
)

// TestGeneratedTypos: a misspelled word finds what the word meant finds.
// For the corpus's most frequent words of five to twelve letters (in two
// notes at least), every deletion, transposition and doubled letter, typed
// whole and being typed: the share of the word's own first three notes
// among the misspelling's first ten. The figures of docs/relevance.md
// (session 31; 40 words: 0.7335 before it, 0.7526 after): go test ./index
// -run TestGeneratedTypos -v -typos-words 200
// -typos-floor 0 [-typos-notes ../testdata/praxis/notes.jsonl].
func TestGeneratedTypos(t *testing.T) {
	f, err := os.Open(*typosNotes)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var notes []*store.Note
	freq := map[string]int{}
	word := regexp.MustCompile(`\p{L}+`)
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var n store.Note
		if err := json.Unmarshal(sc.Bytes(), &n); err != nil {
			t.Fatal(err)
		}
		notes = append(notes, &n)
		seen := map[string]bool{}
		for _, w := range word.FindAllString(n.Title+" "+n.Body, -1) {
			if fw := analysis.Fold(w); len(fw) >= 5 && len(fw) <= 12 && !seen[fw] {
				seen[fw] = true
				freq[fw]++
			}
		}
	}
	ix, m := openTestIndex(t, notes)
	var words []string
	for w, c := range freq {
		if c >= 2 {
			words = append(words, w)
		}
	}
	sort.Slice(words, func(i, j int) bool {
		if freq[words[i]] != freq[words[j]] {
			return freq[words[i]] > freq[words[j]]
		}
		return words[i] < words[j]
	})
	words = words[:min(len(words), *typosWords)]
	search := func(q string) []string {
		var ids []string
		for _, h := range hits(t, ix, m, q, 10).Hits {
			ids = append(ids, h.ID)
		}
		return ids
	}
	var sum float64
	var n int
	for _, w := range words {
		right := search(w + " ")
		right = right[:min(3, len(right))]
		if len(right) == 0 {
			continue
		}
		rs := []rune(w)
		var typos []string
		for i := range rs {
			typos = append(typos, string(rs[:i])+string(rs[i+1:]), string(rs[:i+1])+string(rs[i:]))
			if i+1 < len(rs) {
				typos = append(typos, string(rs[:i])+string(rs[i+1])+string(rs[i])+string(rs[i+2:]))
			}
		}
		for _, ty := range typos {
			for _, q := range []string{ty + " ", ty} {
				got := map[string]bool{}
				for _, id := range search(q) {
					got[id] = true
				}
				found := 0
				for _, id := range right {
					if got[id] {
						found++
					}
				}
				sum += float64(found) / float64(len(right))
				n++
			}
		}
	}
	share := sum / float64(n)
	t.Logf("%s: %d words, %d misspellings: share %.4f", *typosNotes, len(words), n, share)
	if share < *typosFloor {
		t.Errorf("share %.4f below %.2f", share, *typosFloor)
	}
}
