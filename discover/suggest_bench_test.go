package discover

import (
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestSuggestLatency100k builds the autocomplete tables for 100k synthetic
// notes and measures a set of typed prefixes, typos included. The synthetic
// vocabulary is small (about 60 words with numbered variants), so prefix
// ranges are far wider than in real notes: a worst case. It guards against
// regressions (p99 under 25 ms) and logs the figures; words spelled by ear
// included (soundWords). About 8 s: run with
// TROUVAILLE_SUGGEST_100K=1.
func TestSuggestLatency100k(t *testing.T) {
	if os.Getenv("TROUVAILLE_SUGGEST_100K") == "" {
		t.Skip("set TROUVAILLE_SUGGEST_100K=1 (100k synthetic notes, about 8 s)")
	}
	words := strings.Fields("économie sociale logement communautaire financement organisme bénévolat gouvernance participation citoyenne données ouvertes sécurité alimentaire philanthropie coopérative habitation territoire innovation mobilisation jeunesse aînés itinérance transition écologique numérique inclusion concertation intersectorielle évaluation impact mission fondation subvention réseau regroupement collectif carrefour centre maison table quartier ville région Québec Montréal Rimouski Sherbrooke Gatineau Laval Lévis Saguenay")
	rng := rand.New(rand.NewSource(1))
	phrase := func(n int) string {
		var b []string
		for i := 0; i < n; i++ {
			w := words[rng.Intn(len(words))]
			if rng.Intn(3) == 0 {
				w += fmt.Sprint(rng.Intn(500)) // rarer words
			}
			b = append(b, w)
		}
		return strings.Join(b, " ")
	}
	recs := &recStore{}
	in := newInterner()
	for i := 0; i < 100000; i++ {
		recs.set(in.rec(fmt.Sprintf("n%06d", i), phrase(4+rng.Intn(6)), "note",
			[recLists][]string{{fmt.Sprintf("Personne %d", rng.Intn(3000))}, {phrase(3)}, {phrase(2)}, {phrase(3)}}, []uint32{}, ""))
	}
	start := time.Now()
	d := buildDisco(recs.sorted(), in.wordTable(), in.nameTable())
	t.Logf("tables for 100k notes built in %v", time.Since(start).Round(time.Millisecond))
	queries := []string{"e", "ec", "eco", "econ", "economie so", "logm", "financemnt", "gouv part", "q", "mo", "rimou", "pers", "personne 12", "reseau ci", "zz", "table de quart", "habitation coop", "abitation", "otonomie", "sitoyen", "filantropie", "ekonomie so", "comunotere", "finanssemen", "organism sossial", "teritoire ecolojik", "abitassion koop", "kartie"}
	var lat []time.Duration
	for round := 0; round < 20; round++ {
		for _, q := range queries {
			s := time.Now()
			qw, _ := foldedWords(q)
			for i := range suggestKinds {
				d.kinds[i].complete(qw, nil, DefaultSuggestLimit, nil)
			}
			lat = append(lat, time.Since(s))
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
	t.Logf("suggest at 100k notes: p50 %v, p99 %v, max %v", p50, p99, lat[len(lat)-1])
	if p99 > 25*time.Millisecond {
		t.Errorf("p99 %v over 25 ms", p99)
	}
}
