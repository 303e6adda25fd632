package trouvaille

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/ingest"
)

// The notes of the live-history fuzz target: a few ids, few words, so that
// updates, deletions and visibility changes keep landing on the same notes,
// words, names and completions.
var (
	liveWords   = strings.Fields("logement coopératif économie sociale sécurité alimentaire jardin communautaire Rimouski Gaspésie participant·es l’expérience numérique inclusion épicerie solidaire logements jardins économies")
	liveOrgs    = []string{"TIESS", "Moisson", "Centraide", "Vivre en Ville"}
	liveTerms   = []string{"Économie sociale", "Logement", "Transition écologique", "Numérique"}
	livePeople  = []string{"Émilie Tremblay", "Jean Gagnon", "Zoé Côté"}
	liveCarnets = []Carnet{{Title: "Carnet A", Bloc: "Bloc 1"}, {Title: "Quel avenir numérique pour le Québec?", Bloc: "Bloc 2"}, {Title: "Carnet A"}}
	liveVis     = []string{"public", "public", "public", "community", "private"}
)

// liveNotes is the number of notes of the small world (ids n00 to n23).
const liveNotes = 24

// liveSynonyms are the lists a history may put in force: the default one,
// and lists of several-word synonyms over liveWords (the index marks the
// phrases of the list in force as it indexes, and verifies the others by
// reading the notes until a reindex).
var liveSynonyms = []*Synonyms{nil, mustSynonyms("sécurité alimentaire, épicerie solidaire\néconomie sociale => logement coopératif"),
	mustSynonyms("jardin, potager\nTIESS, territoires innovants\nl’expérience numérique, inclusion")}

func mustSynonyms(text string) *Synonyms {
	s, err := analysis.ParseSynonyms(text, "histoire")
	if err != nil {
		panic(err)
	}
	return s
}

// liveBytes hands out the fuzz input one choice at a time (zeros once spent).
type liveBytes struct{ b []byte }

func (r *liveBytes) pick(n int) int {
	if len(r.b) == 0 {
		return 0
	}
	v := int(r.b[0])
	r.b = r.b[1:]
	return v % n
}

// liveNote writes the JSON line of note id with fields chosen by r.
func liveNote(id int, r *liveBytes) string {
	some := func(pool []string, most int) []string {
		var out []string
		for range r.pick(most + 1) {
			out = append(out, pool[r.pick(len(pool))])
		}
		return out
	}
	words := func(most int) string { return strings.Join(some(liveWords, most), " ") }
	title := words(5)
	if title == "" {
		title = "Note " + fmt.Sprint(id)
	}
	n := map[string]any{
		"id": fmt.Sprintf("n%02d", id), "type": []string{"note", "note", "terme", "organisation"}[r.pick(4)],
		"title": title, "summary": words(6), "body": words(12),
		"authors": some(livePeople, 2), "organisations": some(liveOrgs, 2), "terms": some(liveTerms, 2),
		"visibility": liveVis[r.pick(len(liveVis))], "community": []string{"", "Québec", "Montréal"}[r.pick(3)],
		"readers": some([]string{"u1", "u2"}, 1), "links": []string{fmt.Sprintf("n%02d", r.pick(liveNotes))},
		"published_at": fmt.Sprintf("20%02d-%02d-01", 20+r.pick(6), 1+r.pick(12)),
	}
	var carnets []Carnet
	for range r.pick(3) {
		carnets = append(carnets, liveCarnets[r.pick(len(liveCarnets))])
	}
	if len(carnets) > 0 {
		n["carnets"] = carnets
	}
	b, _ := json.Marshal(n)
	return string(b)
}

// liveBase is the notes every run starts from.
func liveBase() string {
	rng := rand.New(rand.NewSource(27))
	var sb strings.Builder
	for id := range liveNotes {
		b := make([]byte, 64)
		rng.Read(b)
		sb.WriteString(liveNote(id, &liveBytes{b}) + "\n")
	}
	return sb.String()
}

// liveWorld is what a history is played on: the notes it starts from, the
// ids it writes, a note for an id (its fields chosen by the history), the
// queries and the notes whose related notes are compared.
type liveWorld struct {
	base    string
	ids     []string
	note    func(i int, r *liveBytes) string
	queries []string
	related []string
}

// removal writes the JSON line that removes the note ids[i].
func (w *liveWorld) removal(i int) string {
	return fmt.Sprintf(`{"id":%q,"deleted":true}`, w.ids[i])
}

// smallWorld: 24 notes over a few words (liveNote), so that writes keep
// landing on the same notes, words and names.
func smallWorld() *liveWorld {
	w := &liveWorld{base: liveBase(), note: liveNote, queries: liveQueries}
	for id := range liveNotes {
		w.ids = append(w.ids, fmt.Sprintf("n%02d", id))
	}
	w.related = w.ids
	return w
}

// demoWorld: the demo corpus (337 notes, written for the project in another
// way), its notes rewritten by the history with another note's title,
// terms, organisations or body, another visibility; queries drawn from its
// titles as people type them (whole, without accents, with a letter
// missing, cut short, two words).
func demoWorld(t testing.TB) *liveWorld {
	var notes []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(DemoNotes), []byte("\n")) {
		var n map[string]any
		if err := json.Unmarshal(line, &n); err != nil {
			t.Fatal(err)
		}
		notes = append(notes, n)
	}
	w := &liveWorld{base: string(DemoNotes)}
	for _, n := range notes {
		w.ids = append(w.ids, n["id"].(string))
	}
	w.note = func(i int, r *liveBytes) string {
		n := maps.Clone(notes[i])
		other := notes[r.pick(len(notes))]
		for _, f := range []string{"title", "terms", "organisations", "body", "summary", "carnets"} {
			if r.pick(4) == 0 {
				if v, ok := other[f]; ok {
					n[f] = v
				} else {
					delete(n, f)
				}
			}
		}
		n["visibility"] = liveVis[r.pick(len(liveVis))]
		n["community"] = []string{"", "Québec", "Montréal"}[r.pick(3)]
		n["readers"] = []string{"u1", "u2"}[:r.pick(3)]
		b, err := json.Marshal(n)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	rng := rand.New(rand.NewSource(5))
	w.queries = []string{""}
	for len(w.queries) < 24 {
		words := strings.Fields(analysis.Fold(notes[rng.Intn(len(notes))]["title"].(string)))
		var keep []string
		for _, x := range words {
			if utf8.RuneCountInString(x) >= 4 && !strings.ContainsAny(x, "’'«»:?!,.()") {
				keep = append(keep, x)
			}
		}
		if len(keep) == 0 {
			continue
		}
		x := []rune(keep[rng.Intn(len(keep))])
		switch len(w.queries) % 4 {
		case 0:
			w.queries = append(w.queries, string(x))
		case 1: // a letter missing
			i := 1 + rng.Intn(len(x)-1)
			w.queries = append(w.queries, string(x[:i])+string(x[i+1:]))
		case 2:
			w.queries = append(w.queries, string(x[:3]))
		default:
			w.queries = append(w.queries, strings.Join(keep[:min(2, len(keep))], " "))
		}
	}
	for i := 0; i < len(w.ids); i += 29 {
		w.related = append(w.related, w.ids[i])
	}
	return w
}

// liveSince starts the date range of one request shape.
var liveSince = time.Date(2022, 6, 1, 0, 0, 0, 0, time.UTC)

// liveScopes are the callers whose answers must agree: anonymous, a
// community member, a private note's reader, the admin key, a partner key
// scoped to one organisation.
var liveScopes = []Scope{
	{},
	{Level: LevelCommunity, Communities: []string{"Québec"}},
	{Level: LevelPrivate, User: "u1", Communities: []string{"Montréal"}},
	AdminScope,
	{Filters: []map[string][]string{{"organisation": {"TIESS", "Moisson"}}}},
}

var liveQueries = []string{"", "logement", "economie sociale", "logemnt", "jard", "alimentaire rimouski", `"économie sociale"`,
	"-logement jardin", "particip", "experience", "tremblay", "numerique quebec", "solidair epicerie inclusion gaspesie", "tiess", "potager", "securite alimentaire", "territoires innovants"}

// liveAnswers runs every read of the engine for every scope and returns
// them as text, timings left out.
func liveAnswers(t testing.TB, e *Engine, w *liveWorld) string {
	t.Helper()
	ctx := context.Background()
	var sb strings.Builder
	put := func(what string, v any, err error) {
		if err != nil {
			fmt.Fprintf(&sb, "%s: error %v\n", what, err)
			return
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&sb, "%s: %s\n", what, b)
	}
	for si, sc := range liveScopes {
		for _, q := range w.queries {
			for _, r := range []Request{
				{Q: q, PerPage: 5},
				{Q: q, PerPage: 3, Page: 2, Sort: "-published_at"},
				{Q: q, Filters: map[string][]string{"term": {"Logement"}, "type": {"note"}}},
				{Q: q, Sort: "title", Facets: []string{"carnets", "blocs"}},
				{Q: q, PublishedAfter: &liveSince, Facets: []string{"published", "organisations"}, NoSynonyms: true, PerPage: 4},
			} {
				r.Scope = sc
				res, err := e.Search(ctx, sc, r)
				if res != nil {
					res.TookMS = 0
				}
				put(fmt.Sprintf("scope %d search %+v", si, r), res, err)
			}
			if q == "" {
				continue
			}
			s, err := e.Suggest(ctx, sc, q, 8)
			if s != nil {
				s.TookMS = 0
			}
			put(fmt.Sprintf("scope %d suggest %q", si, q), s, err)
		}
		for _, facet := range []string{"organisations", "terms", "authors", "carnets"} {
			for _, p := range []string{"", "e", "ti", "log"} {
				vs, err := e.FacetSearch(ctx, sc, facet, p, Request{Scope: sc}, 5)
				put(fmt.Sprintf("scope %d facet search %s %q", si, facet, p), vs, err)
			}
		}
		for _, id := range w.related {
			hits, err := e.Related(ctx, sc, id, 4)
			put(fmt.Sprintf("scope %d related %s", si, id), hits, err)
		}
	}
	for _, facet := range []string{"organisations", "terms", "authors", "carnets", "blocs", "type"} {
		vs, err := e.FacetValues(ctx, facet)
		put("facet values "+facet, vs, err)
	}
	return sb.String()
}

// A live engine that took any history of writes (updates, deletions,
// visibility changes, through the command line's path or the API's, reads
// in between, restarts, the index rebuilt from the store (with writes
// meanwhile) or merged, the saved view or the index folder lost, another
// synonyms list put in force) answers
// every read, for every caller, as an engine given its notes at once: the
// index (its frequencies leave the replaced and removed notes out), the
// discovery view (completions, corrections, related notes, facet values)
// and their saved copies follow the writes.
func FuzzLiveMatchesFresh(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
	f.Add([]byte{6, 3, 6, 4, 7, 0, 5, 200, 1, 1, 1, 1, 1, 1, 1, 4, 4, 4, 8, 6, 5})
	f.Add([]byte("\x00\x07\x05\x04\x03\x02\x01\x00\x09\x08\x07\x06\x05\x04\x03\x02\x01logement privé\x06\x01\x08\x00\x01\x02"))
	f.Add(bytes.Repeat([]byte{9, 17, 4, 250, 3, 3, 0, 77}, 12))
	w := smallWorld()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 400 {
			return
		}
		checkLiveHistory(t, w, data)
	})
}

// Random histories, longer than the fuzz target's seeds: 6 on the small
// world and 2 on the demo corpus in every run; with
// TROUVAILLE_LIVE_HISTORIES=N, N and N/5 (a long local run).
func TestLiveMatchesFreshHistories(t *testing.T) {
	n := 6
	if v := os.Getenv("TROUVAILLE_LIVE_HISTORIES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatalf("TROUVAILLE_LIVE_HISTORIES=%q : %v", v, err)
		}
	}
	rng := rand.New(rand.NewSource(int64(n)))
	for _, world := range []struct {
		name string
		w    *liveWorld
		n    int
	}{{"small", smallWorld(), n}, {"demo", demoWorld(t), max(2, n/5)}} {
		for i := range world.n {
			data := make([]byte, 40+rng.Intn(360))
			rng.Read(data)
			t.Run(fmt.Sprintf("%s/%d", world.name, i), func(t *testing.T) { checkLiveHistory(t, world.w, data) })
		}
	}
}

// checkLiveHistory plays the history data on a live engine started from
// base, then compares its answers with those of an engine given the
// notes it ends with at once.
func checkLiveHistory(t *testing.T, w *liveWorld, data []byte) {
	dir := t.TempDir()
	var syn *Synonyms // the list in force (nil: the default one)
	live := openQuiet(t, filepath.Join(dir, "live"), syn)
	defer func() { live.Close() }()
	ingestLines(t, live, w.base)
	r := &liveBytes{data}
	var batch, story []string // story: what happened, for a failure's message
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if r.pick(2) == 0 { // the command line's path (Apply)
			ingestLines(t, live, strings.Join(batch, "\n")+"\n")
			story = append(story, "ingest "+strings.Join(batch, " "))
		} else { // the API's (POST /v1/notes), then until searchable
			writeLines(t, live, strings.Join(batch, "\n"))
			story = append(story, "write "+strings.Join(batch, " "))
		}
		batch = batch[:0]
	}
	did := func(what string) { story = append(story, what) }
	for steps := 0; len(r.b) > 0 && steps < 40; steps++ {
		switch op := r.pick(10); {
		case op < 6:
			batch = append(batch, w.note(r.pick(len(w.ids)), r))
		case op == 6:
			batch = append(batch, w.removal(r.pick(len(w.ids))))
		case op == 7:
			flush()
		case op == 8: // reads in between: the view is built mid-history
			flush()
			liveAnswers(t, live, w)
			did("reads")
		default: // the operator's work: restarts, rebuilds, merges
			flush()
			switch r.pick(7) {
			case 6: // writes while the index is rebuilt from the store
				paused, resume := make(chan struct{}), make(chan struct{})
				refillRead = func() error { close(paused); <-resume; return nil }
				done := make(chan error, 1)
				go func() { _, err := live.Reindex(); done <- err }()
				<-paused
				refillRead = nil
				for range 1 + r.pick(3) {
					if r.pick(4) == 0 {
						batch = append(batch, w.removal(r.pick(len(w.ids))))
					} else {
						batch = append(batch, w.note(r.pick(len(w.ids)), r))
					}
				}
				seq := storeLines(t, live, strings.Join(batch, "\n"))
				did("reindex, meanwhile write " + strings.Join(batch, " "))
				batch = batch[:0]
				close(resume)
				if err := <-done; err != nil {
					t.Fatal(err)
				}
				if err := live.WaitIndexed(context.Background(), seq, time.Minute); err != nil {
					t.Fatal(err)
				}
			case 5: // another synonyms list put in force (a SIGHUP)
				i := r.pick(len(liveSynonyms))
				syn = liveSynonyms[i]
				if err := live.SetSynonyms(syn); err != nil {
					t.Fatal(err)
				}
				did(fmt.Sprintf("synonyms list %d", i))
			case 0: // the index rebuilt from the store while serving
				if _, err := live.Reindex(); err != nil {
					t.Fatal(err)
				}
				did("reindex")
			case 1: // the segments merged (the end of a bulk load)
				if err := live.Compact(context.Background()); err != nil {
					t.Fatal(err)
				}
				did("compact")
			default: // a restart; the saved view or the whole index lost
				lost := []string{"", discoveryFile, "index"}[r.pick(3)]
				if err := live.Close(); err != nil {
					t.Fatal(err)
				}
				if lost != "" {
					if err := os.RemoveAll(filepath.Join(dir, "live", lost)); err != nil {
						t.Fatal(err)
					}
				}
				live = openQuiet(t, filepath.Join(dir, "live"), syn)
				did("restart, lost " + cmp.Or(lost, "nothing"))
			}
		}
	}
	// The history ends with a note removed, in a batch of its own: a
	// batch that writes no note adds no segment, so no merge follows it,
	// and the comparison meets a deleted note still in the index.
	flush()
	if len(data) > 0 {
		batch = append(batch, w.removal(int(data[len(data)-1])%len(w.ids)))
	}
	flush()
	var all bytes.Buffer
	if _, err := live.Export(&all); err != nil {
		t.Fatal(err)
	}
	fresh := openQuiet(t, filepath.Join(dir, "fresh"), syn)
	defer fresh.Close()
	ingestLines(t, fresh, all.String())
	got, want := liveAnswers(t, live, w), liveAnswers(t, fresh, w)
	if got != want {
		gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("after the history %q:\n%s\nthe live engine answers\n%s\nwhere one given its notes at once answers\n%s", data, strings.Join(story, "\n"), gl[i], wl[i])
			}
		}
		t.Fatalf("%d lines of answers, want %d", len(gl), len(wl))
	}
}

// openQuiet opens an engine whose log is dropped (a fuzz run opens
// thousands).
func openQuiet(t testing.TB, dir string, syn *Synonyms) *Engine {
	t.Helper()
	e, err := Open(dir, OpenOptions{Synonyms: syn})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// writeLines writes JSON lines that must all be accepted through the API's
// path (Engine.Write) and waits until they are searchable.
func writeLines(t testing.TB, e *Engine, lines string) {
	t.Helper()
	if err := e.WaitIndexed(context.Background(), storeLines(t, e, lines), time.Minute); err != nil {
		t.Fatal(err)
	}
}

// storeLines writes JSON lines that must all be accepted through the API's
// path and returns the sequence number to wait for.
func storeLines(t testing.TB, e *Engine, lines string) uint64 {
	t.Helper()
	wr, err := e.Write(context.Background(), strings.NewReader(lines), "requête", ingest.Options{})
	if err != nil || len(wr.Rejections) > 0 {
		t.Fatalf("write: %v, %+v", err, wr)
	}
	return wr.Seq
}

// ingestLines ingests JSON lines that must all be accepted.
func ingestLines(t testing.TB, e *Engine, lines string) {
	t.Helper()
	rep, err := (&Ingester{Engine: e}).Ingest(strings.NewReader(lines), "histoire.jsonl")
	if err != nil || rep.Rejected != 0 {
		t.Fatalf("ingest: %v, %+v", err, rep)
	}
}
