package index

import (
	"context"
	"strings"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// Tiers of schema.FieldTiers, as bits of wordMatch.tiers.
const (
	inTitle   = 1 << 0
	inLabels  = 1 << 1 // lexicon terms, organisations
	inSummary = 1 << 2
	inPeople  = 1 << 3 // people, carnets
	inBody    = 1 << 4
)

func w(tiers uint8) wordMatch { return wordMatch{any: true, exact: true, tiers: tiers} }

var miss = wordMatch{}

// typo2 and far2 are words matched only through terms one and two typos away.
func typo2(tiers uint8) wordMatch { return wordMatch{any: true, typoOnly: true, tiers: tiers} }
func far2(tiers uint8) wordMatch {
	return wordMatch{any: true, typoOnly: true, farTypo: true, tiers: tiers}
}

// Each rule on its own: the value it gives a note; higher ranks first.
func TestRankingRules(t *testing.T) {
	typo := wordMatch{any: true, typoOnly: true, tiers: inBody}
	far := wordMatch{any: true, typoOnly: true, farTypo: true, tiers: inBody}
	loose := wordMatch{any: true, tiers: inTitle} // prefix, close form or synonym: not exact
	cases := []struct {
		rule string
		m    noteMatch
		want int32
	}{
		{"words", noteMatch{words: []wordMatch{w(inBody), w(inTitle), miss}}, 2},
		{"words", noteMatch{words: []wordMatch{miss, miss}}, 0},
		{"words", noteMatch{words: []wordMatch{typo, loose}}, 2},

		{"typo", noteMatch{words: []wordMatch{w(inBody), w(inBody)}}, 0},
		{"typo", noteMatch{words: []wordMatch{typo, w(inBody)}}, -1},
		{"typo", noteMatch{words: []wordMatch{typo, typo}}, -2},
		{"typo", noteMatch{words: []wordMatch{{typoOnly: true}, w(inBody)}}, 0}, // not matched: not a typo
		{"typo", noteMatch{words: []wordMatch{far, w(inBody)}}, -1},             // two typos are one misspelled word here

		{"twoTypos", noteMatch{words: []wordMatch{typo, w(inBody)}}, 0},
		{"twoTypos", noteMatch{words: []wordMatch{far, w(inBody)}}, -1},
		{"twoTypos", noteMatch{words: []wordMatch{far, far}}, -2},
		{"twoTypos", noteMatch{words: []wordMatch{{typoOnly: true, farTypo: true}, w(inBody)}}, 0}, // not matched

		{"proximity", noteMatch{words: []wordMatch{w(inTitle), w(inTitle), w(inBody)}}, 2},
		{"proximity", noteMatch{words: []wordMatch{w(inTitle | inSummary), w(inSummary), w(inSummary)}}, 3},
		{"proximity", noteMatch{words: []wordMatch{w(inBody), w(inBody)}}, 0},    // a long body is not close
		{"proximity", noteMatch{words: []wordMatch{w(inTitle), w(inLabels)}}, 0}, // two fields
		{"proximity", noteMatch{words: []wordMatch{w(inTitle)}}, 0},              // one word alone
		{"proximity", noteMatch{words: []wordMatch{w(inPeople), w(inPeople)}}, 0},

		{"attribute", noteMatch{words: []wordMatch{w(inTitle)}}, 4},
		{"attribute", noteMatch{words: []wordMatch{w(inLabels)}}, 3},
		{"attribute", noteMatch{words: []wordMatch{w(inSummary)}}, 2},
		{"attribute", noteMatch{words: []wordMatch{w(inPeople)}}, 1},
		{"attribute", noteMatch{words: []wordMatch{w(inBody)}}, 0},
		{"attribute", noteMatch{words: []wordMatch{w(inBody | inLabels), w(inTitle)}}, 7}, // best field per word, summed
		{"attribute", noteMatch{words: []wordMatch{miss, w(inTitle)}}, 4},
		// Weighted by rarity (wordWeight): a rare word in the title (weight
		// 4) outweighs a common one in the title (1) and in the summary (1).
		{"attribute", noteMatch{words: []wordMatch{w(inTitle), w(inBody)}, weights: []int32{1, 4}}, 4},
		{"attribute", noteMatch{words: []wordMatch{w(inBody), w(inTitle)}, weights: []int32{1, 4}}, 16},
		{"attribute", noteMatch{words: []wordMatch{w(inTitle), w(inSummary)}, weights: []int32{1, 1}}, 6},

		// The matched words' weights, summed: missing the common word keeps
		// more of the subject than missing the rare one.
		{"rarity", noteMatch{words: []wordMatch{w(inBody), miss}, weights: []int32{6, 1}}, 6},
		{"rarity", noteMatch{words: []wordMatch{miss, w(inTitle)}, weights: []int32{6, 1}}, 1},
		{"rarity", noteMatch{words: []wordMatch{typo, loose}, weights: []int32{6, 1}}, 7},
		{"rarity", noteMatch{words: []wordMatch{w(inBody), miss, w(inBody)}}, 2}, // unweighted: the words

		{"exactness", noteMatch{words: []wordMatch{w(inBody), loose}}, 1},
		{"exactness", noteMatch{words: []wordMatch{w(inBody), w(inBody)}}, 2},
		{"exactness", noteMatch{words: []wordMatch{loose}, exactTitle: true}, maxRankWords + 1}, // the whole title first
	}
	for _, c := range cases {
		var fn func(*noteMatch) int32
		for _, r := range rankingRules {
			if r.name == c.rule {
				fn = r.fn
			}
		}
		if fn == nil {
			t.Fatalf("no rule %q", c.rule)
		}
		if got := fn(&c.m); got != c.want {
			t.Errorf("%s(%+v) = %d, want %d", c.rule, c.m, got, c.want)
		}
	}
}

// The rules apply in order: each only breaks the ties of those before it.
func TestRankingRuleOrder(t *testing.T) {
	names := []string{}
	for _, r := range rankingRules {
		names = append(names, r.name)
	}
	if got := strings.Join(names, ","); got != "words,typo,proximity,rarity,attribute,twoTypos,exactness" {
		t.Fatalf("rules %s", got)
	}
	typo := wordMatch{any: true, typoOnly: true, tiers: inTitle}
	cases := []struct {
		name        string
		first, then noteMatch
	}{
		{"more words beat better fields", noteMatch{words: []wordMatch{w(inBody), w(inBody)}}, noteMatch{words: []wordMatch{w(inTitle), miss}, exactTitle: true}},
		{"no typo beats a typo in the title", noteMatch{words: []wordMatch{w(inBody), w(inBody)}}, noteMatch{words: []wordMatch{typo, w(inTitle)}}},
		{"together in the title beats split over title and terms", noteMatch{words: []wordMatch{w(inTitle), w(inTitle)}}, noteMatch{words: []wordMatch{w(inTitle | inLabels), w(inLabels)}}},
		{"together in a short field beats rarer words", noteMatch{words: []wordMatch{w(inTitle), w(inTitle), miss}, weights: []int32{1, 1, 6}}, noteMatch{words: []wordMatch{w(inBody), miss, w(inBody)}, weights: []int32{1, 1, 6}}},
		{"the rare word beats the common one in the title", noteMatch{words: []wordMatch{miss, w(inBody)}, weights: []int32{1, 6}}, noteMatch{words: []wordMatch{w(inTitle), miss}, weights: []int32{1, 6}}},
		{"title beats body", noteMatch{words: []wordMatch{w(inTitle)}}, noteMatch{words: []wordMatch{w(inBody)}}},
		{"a better field beats one typo fewer", noteMatch{words: []wordMatch{far2(inTitle)}}, noteMatch{words: []wordMatch{typo2(inBody)}}},
		{"one typo beats two in the same field", noteMatch{words: []wordMatch{typo2(inTitle)}}, noteMatch{words: []wordMatch{far2(inTitle)}}},
		{"whole title breaks the tie", noteMatch{words: []wordMatch{w(inTitle)}, exactTitle: true}, noteMatch{words: []wordMatch{w(inTitle)}}},
	}
	for _, c := range cases {
		a, b := c.first.key(), c.then.key()
		if compareKeys(&a, &b) <= 0 || compareKeys(&b, &a) >= 0 {
			t.Errorf("%s: %v should rank before %v", c.name, a, b)
		}
		if !better(hitRef{key: a}, hitRef{key: b, score: 100}, "relevance") {
			t.Errorf("%s: the score must come after the rules", c.name)
		}
	}
	// Words matched come before the date in date orders too.
	m2 := noteMatch{words: []wordMatch{w(inBody), w(inBody)}}
	m1 := noteMatch{words: []wordMatch{w(inBody), miss}}
	two, one := m2.key(), m1.key()
	if !better(hitRef{key: two, published: 1}, hitRef{key: one, published: 2}, "-published_at") {
		t.Error("a note with every word must precede a newer one missing a word")
	}
	if !better(hitRef{key: one, published: 2}, hitRef{key: one, published: 1}, "-published_at") {
		t.Error("newest first within a bucket")
	}
}

func TestAtLeast(t *testing.T) {
	a, b, c := roaring.BitmapOf(1, 2, 3), roaring.BitmapOf(2, 3, 4), roaring.BitmapOf(3, 4, 5)
	for _, tc := range []struct {
		min  int
		want []uint32
	}{
		{0, []uint32{1, 2, 3, 4, 5}},
		{1, []uint32{1, 2, 3, 4, 5}},
		{2, []uint32{2, 3, 4}},
		{3, []uint32{3}},
		{4, nil},
	} {
		got := atLeast([]*roaring.Bitmap{a, b, c}, tc.min).ToArray()
		if len(got) != len(tc.want) || (len(got) > 0 && !roaring.BitmapOf(got...).Equals(roaring.BitmapOf(tc.want...))) {
			t.Errorf("atLeast(%d) = %v, want %v", tc.min, got, tc.want)
		}
	}
	if a.GetCardinality() != 3 || b.GetCardinality() != 3 {
		t.Error("atLeast modified its inputs")
	}
}

var rankNotes = []*store.Note{
	// every word, in the body only
	{ID: "all-body", Title: "Compte rendu", Body: "Le logement social et la coopérative de Sherbrooke.", Visibility: "public"},
	// two words in the title, the third missing
	{ID: "two-title", Title: "Coopérative de logement", Visibility: "public"},
	// two words in the body
	{ID: "two-body", Title: "Notes diverses", Body: "Une coopérative à Sherbrooke.", Visibility: "public"},
	// one word
	{ID: "one", Title: "Sherbrooke", Visibility: "public"},
	{ID: "none", Title: "Autre chose", Body: "rien", Visibility: "public"},
}

// A note with every word comes first even with the words in its body only;
// fewer notes than query.RelaxBelow have them all, so those with two of the three
// words follow (title before body), then those with one; each hit says
// which words it matched.
func TestSearchFillsWithMostWords(t *testing.T) {
	ix, notes := openTestIndex(t, rankNotes)
	res, err := ix.Search(context.Background(), query.Request{Q: "logement cooperative sherbrooke", Facets: []string{}, NoSuggestion: true}, notes)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); got != "all-body,two-title,two-body,one" {
		t.Errorf("order %s", got)
	}
	if res.Relaxed || res.Total != 4 { // relaxed: no note has every word
		t.Errorf("relaxed %v, total %d", res.Relaxed, res.Total)
	}
	want := map[string]string{
		"all-body":  "logement cooperative sherbrooke",
		"two-title": "logement cooperative",
		"two-body":  "cooperative sherbrooke",
		"one":       "sherbrooke",
	}
	for _, h := range res.Hits {
		if got := strings.Join(h.MatchedWords, " "); got != want[h.ID] {
			t.Errorf("%s: matched_words %q, want %q", h.ID, got, want[h.ID])
		}
	}
	// The page size changes neither the total nor the order: fewer than
	// query.RelaxBelow notes have every word (it was the page: per_page=1
	// counted the one note with every word alone).
	res, err = ix.Search(context.Background(), query.Request{Q: "logement cooperative sherbrooke", PerPage: 1, Facets: []string{}, NoSuggestion: true}, notes)
	if err != nil {
		t.Fatal(err)
	}
	if res.Relaxed || res.Total != 4 || ids(res) != "all-body" {
		t.Errorf("per_page=1: relaxed %v, total %d, %s", res.Relaxed, res.Total, ids(res))
	}
	// No note with every word: relaxed, the notes with most words first.
	res, err = ix.Search(context.Background(), query.Request{Q: "logement cooperative sherbrooke xylophone", Facets: []string{}, NoSuggestion: true}, notes)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Relaxed || ids(res) != "all-body,two-title,two-body,one" {
		t.Errorf("four words, none with all: relaxed %v, %s", res.Relaxed, ids(res))
	}
	// Pages of two: the same notes in the same order.
	res, err = ix.Search(context.Background(), query.Request{Q: "logement cooperative sherbrooke", PerPage: 2, Page: 2, Facets: []string{}, NoSuggestion: true}, notes)
	if err != nil {
		t.Fatal(err)
	}
	if res.Relaxed || res.Total != 4 || ids(res) != "two-body,one" {
		t.Errorf("per_page=2 page 2: relaxed %v, total %d, %s", res.Relaxed, res.Total, ids(res))
	}
}

// The bitmaps of a word tell which fields hold it, and typo terms apart.
func TestWordBitmaps(t *testing.T) {
	ix, _ := openTestIndex(t, rankNotes)
	pq, err := query.Parse("cooperatve sherbrooke")
	if err != nil {
		t.Fatal(err)
	}
	dict := ix.Dictionary()
	plan, err := query.NewPlan(pq, dict)
	dict.Close()
	if err != nil {
		t.Fatal(err)
	}
	rk := newRanker(plan)
	v := snapshotView(t, ix)
	got := map[string]string{}
	for si, ss := range v.segs {
		sr, err := rk.forSegment(newSegBits(ss.Segment(), ss.Deleted(), v.cols[si]))
		if err != nil {
			t.Fatal(err)
		}
		for local := uint64(0); local < ss.Segment().Count(); local++ {
			id, err := v.externalID(hitRef{seg: si, local: local})
			if err != nil {
				t.Fatal(err)
			}
			key, mask := sr.matchOf(uint32(local))
			got[id] = strings.Join(rk.matchedWords(mask), "+")
			if id == "two-body" && (key[ruleIndex(t, "words")] != 2 || key[ruleIndex(t, "typo")] != -1) {
				t.Errorf("two-body: key %v, want 2 words, one by typo", key)
			}
			if id == "one" && (key[ruleIndex(t, "words")] != 1 || key[ruleIndex(t, "attribute")] != 4) {
				t.Errorf("one: key %v, want 1 word, in the title", key)
			}
		}
	}
	if got["two-body"] != "cooperatve+sherbrooke" || got["one"] != "sherbrooke" || got["none"] != "" {
		t.Errorf("matched words %v", got)
	}
}

// ruleIndex returns the position of the named rule in rankingRules.
func ruleIndex(t *testing.T, name string) int {
	t.Helper()
	for i, r := range rankingRules {
		if r.name == name {
			return i
		}
	}
	t.Fatalf("no rule %q", name)
	return -1
}

func TestWordWeight(t *testing.T) {
	cases := []struct {
		docs, df uint64
		want     int32
	}{
		{0, 0, 1},            // no public note
		{1000, 1000, 1},      // every note: log2 1 = 0, at least 1
		{1000, 500, 2},       // half: 2·√1
		{1000, 250, 3},       // a quarter: 2·√2 = 2.83
		{1000, 10, 5},        // 1 %: 2·√6.64 = 5.15
		{1000, 1, 6},         // one note: 2·√9.97 = 6.31
		{1000, 0, 6},         // none (as one)
		{1000000, 1, 9},      // one in a million: 2·√19.9 = 8.93
		{1000000, 999999, 1}, // nearly every note
	}
	for _, c := range cases {
		if got := wordWeight(c.docs, c.df); got != c.want {
			t.Errorf("wordWeight(%d, %d) = %d, want %d", c.docs, c.df, got, c.want)
		}
	}
}
