package discover

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/oplog"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// TestViewMemory builds the discovery view over many notes, logs its live
// heap and a digest of its answers (completions of many queries, the
// vocabulary and its corrections), then reads it back from its file and
// checks the answers are the same. The notes are generated (about 100k,
// Zipf-like French vocabulary; TROUVAILLE_DISCO_MEM=n for n notes), or read
// from a JSON-lines file of store.Note (TROUVAILLE_DISCO_JSONL=path).
// Digests logged before and after a change of the view's layout must match.
func TestViewMemory(t *testing.T) {
	path, n := os.Getenv("TROUVAILLE_DISCO_JSONL"), 0
	if s := os.Getenv("TROUVAILLE_DISCO_MEM"); s != "" {
		fmt.Sscan(s, &n)
	}
	if path == "" && n == 0 {
		t.Skip("set TROUVAILLE_DISCO_MEM=100000 (generated notes) or TROUVAILLE_DISCO_JSONL=notes.jsonl")
	}
	var entries []store.Entry
	if path != "" {
		entries = readNotesJSONL(t, path)
	} else {
		entries = generatedNotes(n)
	}
	dir, _, ix := openStoreIndex(t)
	h0 := liveHeap()
	d := New(ix, emptyLog{})
	d.Observe(0, uint64(len(entries)), entries)
	if _, err := d.view(context.Background()); err != nil {
		t.Fatal(err)
	}
	h1 := liveHeap()
	runtime.KeepAlive(entries) // the store's notes, not the view's
	queries := digestQueries(entries)
	entries = nil
	t.Logf("view of %d public notes: live heap %.1f MiB", d.built.notes, float64(h1-h0)/(1<<20))
	want := viewDigest(t, d, queries)
	t.Logf("digest %s", want)

	// Saved, then read back.
	d.snapPath, d.snapLastSeq = filepath.Join(dir, "decouverte.vue"), func() uint64 { return 1 << 40 }
	d.Close()
	d = nil
	h0 = liveHeap()
	d2 := New(ix, emptyLog{})
	d2.Persist(filepath.Join(dir, "decouverte.vue"), func() uint64 { return 1 << 40 }, oplog.To(t.Logf))
	if _, err := d2.view(context.Background()); err != nil {
		t.Fatal(err)
	}
	h1 = liveHeap()
	t.Logf("view read back: live heap %.1f MiB", float64(h1-h0)/(1<<20))
	if got := viewDigest(t, d2, queries); got != want {
		t.Errorf("view read back: digest %s, want %s", got, want)
	}
	d2.Close()
}

// emptyLog is a store whose change log is empty: the notes come by Observe.
type emptyLog struct{}

func (emptyLog) GetMany([]string) (map[string]*store.Note, error) {
	return map[string]*store.Note{}, nil
}
func (emptyLog) Changes(uint64, func(store.Entry) error) error { return nil }

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func readNotesJSONL(t *testing.T, path string) []store.Entry {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []store.Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		n := &store.Note{}
		if err := json.Unmarshal(sc.Bytes(), n); err != nil {
			t.Fatal(err)
		}
		n.Body = ""
		out = append(out, store.Entry{Seq: uint64(len(out) + 1), ID: n.ID, Note: n})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// generatedNotes returns n notes (a fifth of them private, a few deleted
// then written again) over a Zipf-like French vocabulary.
func generatedNotes(n int) []store.Entry {
	rng := rand.New(rand.NewSource(42))
	stems := strings.Fields("économie sociale logement communautaire financement organisme bénévolat gouvernance participation citoyenne données ouvertes sécurité alimentaire philanthropie coopérative habitation territoire innovation mobilisation jeunesse aînés itinérance transition écologique numérique inclusion concertation intersectorielle évaluation impact mission fondation subvention réseau regroupement collectif carrefour centre maison table quartier ville région Québec Montréal Rimouski Sherbrooke Gatineau Laval Lévis Saguenay jardin cuisine épicerie solidaire partage climat énergie transport culture santé éducation emploi")
	suffixes := []string{"", "s", "x", "ment", "tion", "aire", "ique", "eur", "euse", "ité"}
	var vocab []string
	for _, s := range stems {
		for _, x := range suffixes {
			vocab = append(vocab, s+x)
		}
	}
	for i := 0; i < 20000; i++ {
		vocab = append(vocab, fmt.Sprintf("%s%d", stems[rng.Intn(len(stems))], i))
	}
	vocab = append(vocab, strings.Fields("le la les de des du un une et à en pour par sur avec dans au aux l’ d’")...)
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1))
	word := func() string { return vocab[len(vocab)-1-int(zipf.Uint64())] }
	phrase := func(k int) string {
		ws := make([]string, k)
		for i := range ws {
			ws[i] = word()
		}
		s := strings.Join(ws, " ")
		return strings.ToUpper(s[:1]) + s[1:]
	}
	names := func(pool, max int, prefix string) []string {
		var out []string
		for range rng.Intn(max + 1) {
			k := rng.Intn(pool)
			out = append(out, fmt.Sprintf("%s %d %s", prefix, k, vocab[k%400]))
		}
		return out
	}
	types := []string{"note", "note", "note", "terme", "organisation", "ressource"}
	var out []store.Entry
	for i := 0; i < n; i++ {
		note := &store.Note{ID: fmt.Sprintf("%08x%04d", rng.Uint32(), i), Type: types[rng.Intn(len(types))], Title: phrase(3 + rng.Intn(7)),
			Summary: phrase(10 + rng.Intn(30)), Authors: names(5000, 2, "Personne"), Organisations: names(2000, 2, "Organisme"),
			Terms: names(800, 4, "Terme"), Visibility: store.VisibilityPublic}
		for range rng.Intn(3) {
			note.Carnets = append(note.Carnets, store.Carnet{Title: fmt.Sprintf("Carnet %d", rng.Intn(300))})
		}
		if rng.Intn(5) == 0 {
			note.Visibility = "private"
		}
		out = append(out, store.Entry{Seq: uint64(len(out) + 1), ID: note.ID, Note: note})
		if i%97 == 0 && i > 0 {
			// An earlier note deleted, then one written again.
			j := rng.Intn(len(out))
			out = append(out, store.Entry{Seq: uint64(len(out) + 1), ID: out[j].ID})
			if rng.Intn(2) == 0 && out[j].Note != nil {
				again := *out[j].Note
				again.Title += " révisé"
				out = append(out, store.Entry{Seq: uint64(len(out) + 1), ID: again.ID, Note: &again})
			}
		}
	}
	return out
}

// digestQueries returns queries drawn from the notes: prefixes of their
// words, pairs of words, typos.
func digestQueries(entries []store.Entry) []string {
	rng := rand.New(rand.NewSource(7))
	qs := []string{"a", "e", "l", "co", "de l", "zz", "qu", "mont", "personne 1", "terme", "organisme 12", "carnet 2"}
	for range 300 {
		e := entries[rng.Intn(len(entries))]
		if e.Note == nil {
			continue
		}
		src := [][]string{{e.Note.Title}, {e.Note.Summary}, e.Note.Authors, e.Note.Organisations, e.Note.Terms}[rng.Intn(5)]
		if len(src) == 0 {
			continue
		}
		ws, _ := foldedWords(src[rng.Intn(len(src))])
		if len(ws) == 0 {
			continue
		}
		w := ws[rng.Intn(len(ws))]
		r := []rune(w)
		switch rng.Intn(4) {
		case 0:
			qs = append(qs, string(r[:1+rng.Intn(len(r))]))
		case 1:
			if len(r) > 4 { // a typo
				i := 1 + rng.Intn(len(r)-1)
				qs = append(qs, string(r[:i])+string(r[i+1:]))
			}
		case 2:
			qs = append(qs, w)
		default:
			if len(ws) > 1 {
				i := rng.Intn(len(ws) - 1)
				qs = append(qs, ws[i]+" "+ws[i+1][:1+rng.Intn(len(ws[i+1]))])
			}
		}
	}
	return qs
}

// viewDigest hashes the view's answers: completions of queries, the
// vocabulary, and corrections of the queries' words.
func viewDigest(t *testing.T, d *Discovery, queries []string) string {
	t.Helper()
	h := sha256.New()
	for _, q := range queries {
		for _, limit := range []int{5, 20} {
			s, err := d.Suggest(context.Background(), query.Scope{}, q, limit)
			if err != nil {
				t.Fatal(err)
			}
			s.TookMS = 0
			b, _ := json.Marshal(s)
			h.Write(b)
		}
	}
	v := d.built.vocab
	fmt.Fprintf(h, "%d %v\n", d.built.notes, v.uniq)
	keys := make([]string, 0, len(v.words))
	for w := range v.words {
		keys = append(keys, w)
	}
	sort.Strings(keys)
	for _, w := range keys {
		fmt.Fprintf(h, "%s=%+v\n", w, v.words[w])
	}
	for _, q := range queries {
		ws, _ := foldedWords(q)
		for _, w := range ws {
			vw, ok := v.closest(w, nil)
			fmt.Fprintf(h, "%s→%+v %v %v\n", w, vw, ok, v.hasPrefix(w))
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))[:16]
}
