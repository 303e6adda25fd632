package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

// goldenSHA256 is the sha256 of the first 1000 notes of seed 42. If a change
// to the generator is intended, update it and say so: published benchmark
// figures are tied to the corpus.
const goldenSHA256 = "a5085c6bd12c79a4f3f9f852e5a7f9b71b0a664577c1f2ee27e64e4fd3ad69f1"

func generate(t testing.TB, n int, seed int64) []byte {
	var buf bytes.Buffer
	if err := Generate(&buf, n, seed); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGenerateGolden(t *testing.T) {
	sum := sha256.Sum256(generate(t, 1000, 42))
	if got := hex.EncodeToString(sum[:]); got != goldenSHA256 {
		t.Errorf("sha256 of 1000 notes, seed 42 = %s, want %s", got, goldenSHA256)
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a := generate(t, 1500, 7)
	prev := runtime.GOMAXPROCS(1)
	b := generate(t, 1500, 7)
	runtime.GOMAXPROCS(prev)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different output (or output depends on GOMAXPROCS)")
	}
	if bytes.Equal(a, generate(t, 1500, 8)) {
		t.Fatal("different seeds, same output")
	}
	// Prefixes agree: note i does not depend on n.
	if !bytes.HasPrefix(a, generate(t, 300, 7)) {
		t.Fatal("the first 300 notes differ from the first 300 of 1500")
	}
	// GenerateNotes yields the same notes as Generate writes.
	var c []byte
	err := GenerateNotes(1500, 7, func(i int, n *Note) error { c = AppendJSON(c, n); return nil })
	if err != nil || !bytes.Equal(a, c) {
		t.Fatalf("GenerateNotes differs from Generate (err %v)", err)
	}
	if !reflect.DeepEqual(Queries(200, 3), Queries(200, 3)) {
		t.Fatal("Queries is not deterministic")
	}
}

var idRE = regexp.MustCompile(`^[A-Za-z0-9]{27}$`)

func TestGenerateShape(t *testing.T) {
	data := generate(t, 2000, 1)
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	if len(lines) != 2000 {
		t.Fatalf("%d lines, want 2000", len(lines))
	}
	ids := map[string]bool{}
	types := map[string]int{}
	vis := map[string]int{}
	words := 0
	var inclusive, curly, straight, acronym bool
	for _, line := range lines {
		var n Note
		if err := json.Unmarshal(line, &n); err != nil {
			t.Fatal(err)
		}
		// Our encoder writes exactly what encoding/json would.
		again, _ := json.Marshal(&n)
		if !bytes.Equal(again, line) {
			t.Fatalf("AppendJSON differs from encoding/json:\n%s\n%s", line, again)
		}
		if !idRE.MatchString(n.ID) || ids[n.ID] {
			t.Fatalf("bad or duplicate id %q", n.ID)
		}
		ids[n.ID] = true
		types[n.Type]++
		vis[n.Visibility]++
		words += len(strings.Fields(n.Body))
		if len(n.Authors) < 1 || len(n.Authors) > 3 || len(n.Organisations) < 1 || len(n.Organisations) > 4 ||
			len(n.Terms) < 2 || len(n.Terms) > 6 || len(n.Carnets) < 1 || len(n.Carnets) > 2 || n.Carnets[0].Bloc == "" {
			t.Fatalf("facet counts out of range: %+v", n)
		}
		if n.Title == "" || n.Summary == "" || n.PublishedAt < "2018" || n.PublishedAt > "2027" || !utf8.ValidString(n.Body) {
			t.Fatalf("bad note: %+v", n)
		}
		inclusive = inclusive || strings.Contains(n.Body, "·")
		curly = curly || strings.Contains(n.Body, "’")
		straight = straight || strings.Contains(n.Body, "'")
		acronym = acronym || strings.Contains(n.Body, "OBNL")
	}
	if types["note"] < 1600 || types["terme"] == 0 || types["organisation"] == 0 {
		t.Errorf("types %v", types)
	}
	if vis["public"] < 1800 || vis["community"] == 0 || vis["private"] == 0 {
		t.Errorf("visibility %v", vis)
	}
	if avg := words / len(lines); avg < 200 || avg > 400 {
		t.Errorf("%d body words per note on average", avg)
	}
	if !inclusive || !curly || !straight || !acronym {
		t.Errorf("missing inclusive writing %v, ’ %v, ' %v, acronyms %v", inclusive, curly, straight, acronym)
	}
	st := VocabularyStats()
	if st["authors"] != 500 || st["organisations"] != 300 || st["terms"] != 400 || st["carnets"] != 50 {
		t.Errorf("pools %v", st)
	}
}

func TestQueries(t *testing.T) {
	qs := Queries(400, 1)
	kinds := map[string]int{}
	for _, q := range qs {
		kinds[q.Kind]++
		if n := len(strings.Fields(q.Q)); q.Q == "" || n > 4 {
			t.Errorf("query %q", q.Q)
		}
	}
	for _, k := range Kinds {
		if kinds[k] != 100 {
			t.Errorf("kinds %v", kinds)
		}
	}
}

// TestBleveSmoke runs the stock-Bleve runner end to end on 1000 notes.
func TestBleveSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.jsonl")
	if err := os.WriteFile(file, generate(t, 1000, 5), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := &Config{NotesFile: file, Notes: 1000, Queries: Queries(40, 5), Warmup: Queries(4, 6), WorkDir: dir}
	res, err := RunBleve(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Notes != 1000 || res.DiskBytes <= 0 || res.Ingest <= 0 {
		t.Fatalf("result %+v", res)
	}
	hits := 0
	for _, k := range Kinds {
		l := res.Latency[k]
		if l == nil || l.N != 10 || l.Errors != 0 {
			t.Fatalf("kind %s: %+v", k, l)
		}
		hits += l.N - l.ZeroHits
	}
	if hits < 20 {
		t.Errorf("only %d of 40 queries found something", hits)
	}
	md := Markdown([]*Result{res}, []Skipped{{Engine: "postgres", Reason: "test"}})
	if !strings.Contains(md, "| bleve | 1000 |") {
		t.Errorf("report:\n%s", md)
	}
}

func TestPrefixAndURL(t *testing.T) {
	if got := pgPrefixQuery("logement Rivière-du-Lo"); got != "logement & Rivière & du & Lo:*" {
		t.Errorf("pgPrefixQuery = %q", got)
	}
	u := TrouvailleURL("http://x", Query{Q: "économie sociale", Kind: KindPlain}, false)
	if u != "http://x/v1/search?facets=none&per_page=20&q=%C3%A9conomie+sociale&snippets=false" {
		t.Errorf("url %s", u)
	}
	if n := countHits([]byte(`{"total": 12, "hits": []}`)); n != 12 {
		t.Errorf("countHits = %d", n)
	}
}

func BenchmarkMakeNote(b *testing.B) {
	var scratch []byte
	var buf []byte
	for i := 0; b.Loop(); i++ {
		var n Note
		n, scratch = MakeNote(i, 42, scratch)
		buf = AppendJSON(buf[:0], &n)
		b.SetBytes(int64(len(buf)))
	}
}

func BenchmarkGenerate(b *testing.B) {
	const n = 10000
	for b.Loop() {
		if err := Generate(io.Discard, n, 42); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "notes/s")
}
