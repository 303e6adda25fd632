package web

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	trouvaille "github.com/encommun/trouvaille"
)

func TestCountText(t *testing.T) {
	fr := messages[langFR]
	facets := func(n, tm, o int) map[string][]trouvaille.FacetValue {
		var v []trouvaille.FacetValue
		for typ, c := range map[string]int{"note": n, "terme": tm, "organisation": o} {
			if c > 0 {
				v = append(v, trouvaille.FacetValue{Value: typ, Count: c})
			}
		}
		return map[string][]trouvaille.FacetValue{"type": v}
	}
	for _, c := range []struct {
		total    uint64
		n, tm, o int
		want     string
	}{
		{111, 102, 7, 2, "111 résultats\u00a0: 102 notes, 7 termes et 2 organisations"},
		{23, 23, 0, 0, "23 notes"},
		{1, 0, 1, 0, "1 terme"},
		{3, 2, 1, 0, "3 résultats\u00a0: 2 notes et 1 terme"},
		{1500, 1400, 100, 0, "1\u202f500 résultats\u00a0: 1\u202f400 notes et 100 termes"},
		{0, 0, 0, 0, "Aucun résultat"},
		{5, 0, 0, 0, "5 résultats"}, // no type facet: no breakdown
	} {
		res := &trouvaille.Result{Total: c.total, Facets: facets(c.n, c.tm, c.o)}
		if got := countText(fr, langFR, res); got != c.want {
			t.Errorf("countText(%d: %d/%d/%d) = %q, want %q", c.total, c.n, c.tm, c.o, got, c.want)
		}
	}
}

// TestPageNamesOnlySearchedWords: a result is said to lack only the words
// the engine searched for. It said every result of « comment financer un
// organisme » lacked « comment, un » (a question's word and a stop word,
// never searched), those of « le logement des aînés à montreal » lacked
// « le, des, a », and nothing for « logement,montreal » (read as two words).
func TestPageNamesOnlySearchedWords(t *testing.T) {
	s, _ := testServer(t)
	missing := regexp.MustCompile(`<p class="missing">[^<]*<s>([^<]*)</s>`)
	for _, c := range []struct {
		q           string
		notMissing  []string
		someMissing string
	}{
		{"comment financer un organisme", []string{"comment", "un"}, ""},
		{"le logement des aînés à montreal", []string{"le", "des", "à"}, "montreal"},
		{"logement,montreal", nil, "montreal"},
	} {
		_, _, body := fetch(t, s.URL+"/?q="+url.QueryEscape(c.q))
		said := map[string]bool{}
		for _, m := range missing.FindAllStringSubmatch(body, -1) {
			for _, w := range strings.Split(html.UnescapeString(m[1]), ", ") {
				said[w] = true
			}
		}
		for _, w := range c.notMissing {
			if said[w] {
				t.Errorf("%q: a result is said to lack %q, which is not searched (%v)", c.q, w, said)
			}
		}
		if c.someMissing != "" && !said[c.someMissing] {
			t.Errorf("%q: no result is said to lack %q (%v)", c.q, c.someMissing, said)
		}
	}
}

func TestDetectCorrection(t *testing.T) {
	hit := func(html string) trouvaille.Hit { return trouvaille.Hit{TitleHTML: html} }
	for _, c := range []struct {
		q          string
		hits       []trouvaille.Hit
		read, link string
	}{
		{"finacement", []trouvaille.Hit{hit("Le <mark>financement</mark>"), hit("<mark>financement</mark> à la mission")}, "financement", `/?q=%22finacement%22`},
		{"logement finacement", []trouvaille.Hit{hit("<mark>logement</mark> et <mark>financement</mark>")}, "logement financement", `/?q=logement+%22finacement%22`},
		{"coopératives", []trouvaille.Hit{hit("Une <mark>coopérative</mark>")}, "", ""},      // plural: same stem
		{"logem", []trouvaille.Hit{hit("Le <mark>logement</mark>")}, "", ""},                 // prefix being typed
		{"OBNL", []trouvaille.Hit{hit("<mark>organisme à but non lucratif</mark>")}, "", ""}, // synonym
		{"xyzw", nil, "", ""},
	} {
		got := detectCorrection(state{Q: c.q, Page: 1}, strings.Fields(c.q), c.hits)
		switch {
		case c.read == "" && got != nil:
			t.Errorf("%q: correction %+v, want none", c.q, got)
		case c.read != "" && (got == nil || got.Read != c.read || got.URL != c.link || got.Typed != c.q):
			t.Errorf("%q: correction %+v, want %q (%s)", c.q, got, c.read, c.link)
		}
	}
}

func TestFrenchWordsAndReasons(t *testing.T) {
	if got := strings.Join(frenchWords("housing", glossary), ","); got != "logement,habitation" {
		t.Errorf("frenchWords(housing) = %q", got)
	}
	if got := frenchWords("logement", glossary); len(got) != 0 {
		t.Errorf("frenchWords(logement) = %v", got)
	}
	fr := messages[langFR]
	if got := reasonSentences(fr, []string{"terme : logement social", "organisation : TIESS", "texte semblable"}); got != frenchSpaced.Replace("Même terme : « logement social ». Même organisation : « TIESS ». Sujet semblable.") {
		t.Errorf("reasons: %q", got)
	}
}
