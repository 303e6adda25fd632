package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/dgraph-io/badger/v4"
	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/store"
)

// Invalid TROUVAILLE_* values are refused, naming the variable, instead of
// silently falling back to the default.
func TestEnvValues(t *testing.T) {
	tested := map[string]bool{}
	for _, tc := range []struct {
		name, value string
		groups      []string
		want        string // "" when the value is valid
		check       func(Config) bool
	}{
		{"BATCH_SIZE", "abc", []string{"batch"}, "TROUVAILLE_BATCH_SIZE=« abc » : donnez un nombre entier positif", nil},
		{"BATCH_SIZE", "0", []string{"batch"}, "TROUVAILLE_BATCH_SIZE=« 0 »", nil},
		{"BATCH_SIZE", "-5", []string{"batch"}, "TROUVAILLE_BATCH_SIZE", nil},
		{"BATCH_SIZE", "250", []string{"batch"}, "", func(c Config) bool { return c.BatchSize == 250 }},
		{"SEARCH_TIMEOUT", "xyz", []string{"serve"}, "TROUVAILLE_SEARCH_TIMEOUT=« xyz » : donnez une durée d’au moins 100ms avec son unité", nil},
		{"SEARCH_TIMEOUT", "1ns", []string{"serve"}, "TROUVAILLE_SEARCH_TIMEOUT=« 1ns » : donnez une durée d’au moins 100ms", nil},
		{"SEARCH_TIMEOUT", "99ms", []string{"serve"}, "TROUVAILLE_SEARCH_TIMEOUT=« 99ms »", nil},
		{"SEARCH_TIMEOUT", "100ms", []string{"serve"}, "", func(c Config) bool { return c.SearchTimeout == 100*time.Millisecond }},
		{"SEARCH_TIMEOUT", "10", []string{"serve"}, "TROUVAILLE_SEARCH_TIMEOUT=« 10 »", nil},
		{"SEARCH_TIMEOUT", "-1s", []string{"serve"}, "TROUVAILLE_SEARCH_TIMEOUT", nil},
		{"SEARCH_TIMEOUT", "2s", []string{"serve"}, "", func(c Config) bool { return c.SearchTimeout == 2*time.Second }},
		{"QUIET", "peut-être", []string{"quiet"}, "TROUVAILLE_QUIET=« peut-être » : donnez true ou false", nil},
		{"QUIET", "1", []string{"quiet"}, "", func(c Config) bool { return c.Quiet }},
		{"IGNORE_UNKNOWN", "oui", []string{"ingest"}, "TROUVAILLE_IGNORE_UNKNOWN=« oui »", nil},
		{"ALLOW_REJECTS", "2", []string{"ingest"}, "TROUVAILLE_ALLOW_REJECTS=« 2 »", nil},
		{"ALLOW_REJECTS", "true", []string{"ingest"}, "", func(c Config) bool { return c.AllowRejects }},
		{"DEFAULT_VISIBILITY", "tous", []string{"ingest"}, "TROUVAILLE_DEFAULT_VISIBILITY=« tous » : utilisez public, community ou private", nil},
		{"DEFAULT_VISIBILITY", "private", []string{"ingest"}, "", func(c Config) bool { return c.DefaultVisibility == "private" }},
		{"TRUSTED_PROXIES", "nginx", []string{"serve"}, "TROUVAILLE_TRUSTED_PROXIES=« nginx »", nil},
		{"TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8", []string{"serve"}, "", func(c Config) bool {
			return slices.Equal(c.proxies(), []string{"127.0.0.1", "10.0.0.0/8"})
		}},
		{"LOG_FORMAT", "xml", []string{"serve"}, "TROUVAILLE_LOG_FORMAT=« xml » : utilisez json ou text", nil},
		{"LOG_FORMAT", "texte", []string{"serve"}, "TROUVAILLE_LOG_FORMAT=« texte »", nil},
		{"LOG_FORMAT", "text", []string{"serve"}, "", func(c Config) bool { return c.LogFormat == "text" }},
		{"LOG_FORMAT", "JSON", []string{"serve"}, "", func(c Config) bool { return c.LogFormat == "json" }},
		{"DATA", "/srv/trouvaille", []string{"data"}, "", func(c Config) bool { return c.Data == "/srv/trouvaille" }},
		{"DATA", "", []string{"data"}, "", func(c Config) bool { return c.Data == defaultConfig().Data }},
		{"ADDR", "8080", []string{"addr"}, "TROUVAILLE_ADDR=« 8080 » : donnez une adresse et un port", nil},
		{"ADDR", "127.0.0.1", []string{"addr"}, "TROUVAILLE_ADDR=« 127.0.0.1 »", nil},
		{"ADDR", ":8081", []string{"addr"}, "", func(c Config) bool { return c.Addr == ":8081" }},
		{"ADDR", "127.0.0.1:65536", []string{"addr"}, "TROUVAILLE_ADDR=« 127.0.0.1:65536 » : donnez une adresse et un port", nil},
		{"ADDR", "127.0.0.1:http", []string{"addr"}, "", func(c Config) bool { return c.Addr == "127.0.0.1:http" }},
		{"SERVER", "localhost:8080", []string{"remote"}, "TROUVAILLE_SERVER=« localhost:8080 » : donnez l’adresse du serveur", nil},
		{"SERVER", "ftp://serveur", []string{"remote"}, "TROUVAILLE_SERVER=« ftp://serveur »", nil},
		{"SERVER", "https://recherche.example", []string{"remote"}, "", func(c Config) bool { return c.Server == "https://recherche.example" }},
		{"ADMIN_TOKEN", "adm_secret\n", []string{"serve"}, "TROUVAILLE_ADMIN_TOKEN : le jeton ne peut", nil},
		{"ADMIN_TOKEN", " adm_secret", []string{"remote"}, "TROUVAILLE_ADMIN_TOKEN : le jeton ne peut", nil},
		{"ADMIN_TOKEN", "adm_secret", []string{"serve"}, "", func(c Config) bool { return c.AdminToken == "adm_secret" }},
		{"MIN_FREE", "64Mo", []string{"serve"}, "TROUVAILLE_MIN_FREE=« 64Mo » : donnez un nombre entier positif", nil},
		{"MIN_FREE", "1048576", []string{"serve"}, "", func(c Config) bool { return c.MinFree == 1<<20 }},
		{"ANONYMOUS", "non", []string{"serve"}, "TROUVAILLE_ANONYMOUS=« non »", nil},
		{"ANONYMOUS", "false", []string{"serve"}, "", func(c Config) bool { return !c.Anonymous }},
		{"ANONYMOUS_RATE", "x", []string{"serve"}, "TROUVAILLE_ANONYMOUS_RATE=« x »", nil},
		{"ANONYMOUS_RATE", "0", []string{"serve"}, "TROUVAILLE_ANONYMOUS_RATE=« 0 »", nil},
		{"ANONYMOUS_RATE", "-2", []string{"serve"}, "TROUVAILLE_ANONYMOUS_RATE=« -2 » : donnez un nombre entier positif", nil}, // -1 only means no limit
		{"ANONYMOUS_RATE", "60", []string{"serve"}, "", func(c Config) bool { return c.AnonymousRate == 60 }},
		{"ANONYMOUS_RATE", "-1", []string{"serve"}, "", func(c Config) bool { return c.AnonymousRate == -1 }}, // no limit (the benchmarks)
		{"METRICS_PUBLIC", "oui", []string{"serve"}, "TROUVAILLE_METRICS_PUBLIC=« oui »", nil},
		{"METRICS_PUBLIC", "1", []string{"serve"}, "", func(c Config) bool { return c.MetricsPublic }},
		{"NO_ANALYTICS", "vrai", []string{"serve"}, "TROUVAILLE_NO_ANALYTICS=« vrai »", nil},
		{"NO_ANALYTICS", "true", []string{"serve"}, "", func(c Config) bool { return c.NoAnalytics }},
		{"MAX_IN_FLIGHT", "0", []string{"serve"}, "TROUVAILLE_MAX_IN_FLIGHT=« 0 »", nil},
		{"MAX_IN_FLIGHT", "8", []string{"serve"}, "", func(c Config) bool { return c.MaxInFlight == 8 }},
		{"IGNORE_UNKNOWN", "1", []string{"ingest"}, "", func(c Config) bool { return c.IgnoreUnknown }},
		{"SYNONYMS", "synonymes.txt", []string{"synonyms"}, "", func(c Config) bool { return c.SynonymsFile == "synonymes.txt" }},
		// A variable the command does not use is not checked.
		{"SEARCH_TIMEOUT", "xyz", []string{"data", "batch"}, "", nil},
		{"LOG_FORMAT", "xml", []string{"data", "ingest"}, "", nil},
	} {
		tested[tc.name] = true
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			t.Setenv("TROUVAILLE_"+tc.name, tc.value)
			cfg := defaultConfig()
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			cfg.register(fs, tc.groups...)
			if err := fs.Parse(nil); err != nil {
				t.Fatal(err)
			}
			err := cfg.validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("valid value refused: %v", err)
				}
				if tc.check != nil && !tc.check(cfg) {
					t.Errorf("value not applied: %+v", cfg)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if !errors.Is(err, ErrEnv) || !errors.Is(err, errUsage) {
				t.Errorf("error %v does not match ErrEnv and errUsage", err)
			}
			if strings.Contains(err.Error(), "adm_secret") {
				t.Errorf("the message shows the admin token: %v", err)
			}
		})
	}
	// The synonyms file is read when the command starts: a missing one is
	// refused naming the variable.
	t.Setenv("TROUVAILLE_SYNONYMS", filepath.Join(t.TempDir(), "absent.txt"))
	if _, err := loadSynonyms(os.Getenv("TROUVAILLE_SYNONYMS")); err == nil || !strings.HasPrefix(err.Error(), "TROUVAILLE_SYNONYMS : ") || !errors.Is(err, errUsage) {
		t.Errorf("missing synonyms file from the variable: %v", err)
	}
	// Every TROUVAILLE_* variable that config.go or logging.go reads is in
	// the table: a new one cannot go unchecked.
	for _, file := range []string{"config.go", "logging.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`TROUVAILLE_([A-Z_]*[A-Z])`).FindAllStringSubmatch(string(src), -1) {
			if !tested[m[1]] {
				t.Errorf("TROUVAILLE_%s (%s) has no case in this table", m[1], file)
			}
		}
	}
	// A flag still wins over a valid variable.
	t.Setenv("TROUVAILLE_BATCH_SIZE", "250")
	cfg := defaultConfig()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	cfg.register(fs, "batch")
	if err := fs.Parse([]string{"--batch-size", "7"}); err != nil || cfg.validate() != nil || cfg.BatchSize != 7 {
		t.Errorf("flag over env: %d, %v", cfg.BatchSize, err)
	}
	// The commands refuse them before doing anything.
	t.Setenv("TROUVAILLE_BATCH_SIZE", "abc")
	var out, errb bytes.Buffer
	if code, err := runIngest([]string{"--data", t.TempDir(), "x.jsonl"}, &out, &errb); code != 2 || err == nil || !strings.Contains(err.Error(), "TROUVAILLE_BATCH_SIZE") {
		t.Errorf("runIngest with a bad env: code %d, err %v", code, err)
	}
}

// ingest and reindex take the server's synonyms list (the index marks its
// phrases); a list with an error stops them before anything is written,
// naming the line.
func TestIngestSynonymsFile(t *testing.T) {
	dir := t.TempDir()
	notes := writeFile(t, filepath.Join(dir, "n.jsonl"), `{"id":"a","type":"note","title":"Une cuisine partagée","visibility":"public"}`+"\n")
	bad := writeFile(t, filepath.Join(dir, "bad.txt"), "CP, cuisine partagée\nCP => \n")
	good := writeFile(t, filepath.Join(dir, "good.txt"), "CP, cuisine partagée\n")
	data := filepath.Join(dir, "data")
	var out, errb bytes.Buffer
	code, err := runIngest([]string{"--data", data, "--quiet", "--synonyms", bad, notes}, &out, &errb)
	if code != 2 || err == nil || !strings.Contains(err.Error(), "2") {
		t.Fatalf("ingest with a bad list: code %d, err %v", code, err)
	}
	if _, statErr := os.Stat(data); statErr == nil {
		t.Error("the data folder was created before the list was checked")
	}
	if code, err := runIngest([]string{"--data", data, "--quiet", "--synonyms", good, notes}, &out, &errb); code != 0 || err != nil {
		t.Fatalf("ingest with the list: code %d, err %v, %s", code, err, errb.String())
	}
	t.Setenv("TROUVAILLE_SYNONYMS", good)
	if err := runReindex([]string{"--data", data}, io.Discard); err != nil {
		t.Fatalf("reindex with the list from TROUVAILLE_SYNONYMS: %v", err)
	}
	e, err := trouvaille.Open(data, trouvaille.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	syn, err := analysis.LoadSynonyms(good)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SetSynonyms(syn); err != nil {
		t.Fatal(err)
	}
	if m, u := e.PhraseMarks(); m != 1 || u != 0 {
		t.Errorf("after ingest and reindex with the list: %d phrases marked, %d not", m, u)
	}
}

// The ingest's soft memory limit is the GC's own goal (twice the live heap)
// while that fits in half the machine's memory, and never falls below half
// as much again as the live heap: a fixed ceiling under a growing live heap
// made the GC run back to back.
func TestIngestMemoryLimit(t *testing.T) {
	const gib = 1 << 30
	for _, c := range []struct {
		live, total uint64
		want        int64
	}{
		{0, 24 * gib, ingestMemoryFloor},
		{256 << 20, 24 * gib, ingestMemoryFloor},
		{350 << 20, 24 * gib, ingestMemoryFloor}, // 700 MiB
		{600 << 20, 24 * gib, 1200 << 20},
		{2 * gib, 24 * gib, 4 * gib},
		{2 * gib, 6 * gib, 3 * gib},             // twice would pass half the machine: 1.5×
		{2 * gib, 7 * gib, 7 * gib / 2},         // half the machine, between 1.5× and 2×
		{600 << 20, 0, 1200 << 20},              // machine unknown
		{600 << 20, 1 * gib, 900 << 20},         // a small machine: 1.5×
		{256 << 20, 1 * gib, ingestMemoryFloor}, // never below the floor
	} {
		if got := ingestMemoryLimit(c.live, c.total); got != c.want {
			t.Errorf("live %d MiB, machine %d MiB: limit %d MiB, want %d", c.live>>20, c.total>>20, got>>20, c.want>>20)
		}
	}
	if m := machineMemory(); runtime.GOOS == "linux" && m == 0 {
		t.Error("machineMemory found no MemTotal in /proc/meminfo")
	}
	// The machine's memory, or a container's lower limit.
	const meminfo = "MemTotal:       24683664 kB\nMemFree:        1000 kB\n"
	for _, c := range []struct {
		meminfo string
		limits  []string
		want    uint64
	}{
		{meminfo, nil, 24683664 << 10},
		{meminfo, []string{"max\n", "9223372036854771712\n"}, 24683664 << 10}, // no limit (v2, v1)
		{meminfo, []string{"2147483648\n", ""}, 2 << 30},                      // a 2 GiB container
		{meminfo, []string{"", "1073741824\n"}, 1 << 30},                      // version 1
		{"", []string{"2147483648"}, 2 << 30},
		{"MemTotal: x kB", []string{"max"}, 0},
	} {
		if got := memoryOf(c.meminfo, c.limits...); got != c.want {
			t.Errorf("memoryOf(%q, %q) = %d, want %d", c.meminfo, c.limits, got, c.want)
		}
	}
	// The GC's goal: three times the live heap while that fits in a
	// quarter of the machine, Go's default beyond.
	for _, c := range []struct {
		live, total uint64
		want        int
	}{
		{0, 24 * gib, roomyGCPercent},
		{2 * gib, 24 * gib, roomyGCPercent}, // 6 GiB: a quarter exactly
		{2*gib + 1, 24 * gib, 100},
		{300 << 20, 1 * gib, 100},
		{80 << 20, 1 * gib, roomyGCPercent},
		{600 << 20, 0, 100}, // machine unknown
	} {
		if got := ingestGCPercent(c.live, c.total); got != c.want {
			t.Errorf("live %d MiB, machine %d MiB: GC goal %d %%, want %d", c.live>>20, c.total>>20, got, c.want)
		}
	}
	// The follower sets both at once, gives Go's default goal back when it
	// stops, and leaves the goal alone when GOGC is the operator's.
	oldLimit := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(oldLimit)
	oldPercent := debug.SetGCPercent(100)
	defer debug.SetGCPercent(oldPercent)
	total := machineMemory()
	var live [1]metrics.Sample
	live[0].Name = "/gc/heap/live:bytes"
	metrics.Read(live[:])
	roomy := ingestGCPercent(live[0].Value.Uint64(), total) == roomyGCPercent
	debug.SetMemoryLimit(math.MaxInt64)
	stop := followMemoryLimit(time.Hour, true)
	limit := debug.SetMemoryLimit(-1)
	percent := debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	switch {
	case roomy && (percent != roomyGCPercent || limit != int64(total/2)):
		t.Errorf("room on the machine: goal %d %%, limit %d; want %d %% and half the machine", percent, limit, roomyGCPercent)
	case !roomy && (percent != 100 || limit < ingestMemoryFloor || limit == math.MaxInt64):
		t.Errorf("little room: goal %d %%, limit %d; want 100 %% and a limit", percent, limit)
	}
	stop()
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("goal after the follower stopped: %d %%, want 100", p)
	}
	debug.SetGCPercent(50)
	stop = followMemoryLimit(time.Hour, false)
	stop()
	if p := debug.SetGCPercent(100); p != 50 {
		t.Errorf("GOGC given by the operator (50) became %d %%", p)
	}
}

// TestServeGCPercent: a server's GC goal leaves at least serveHeadroom of
// room over the live heap, half the live heap beyond, never more than Go's
// default; the follower sets it and gives Go's default back when it stops.
func TestServeGCPercent(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 100},
		{50 * mib, 100},
		{96 * mib, 100},
		{98 * mib, 98}, // 100,000 generated notes
		{128 * mib, 75},
		{192 * mib, 50},
		{370 * mib, 50}, // a million
		{8 << 30, 50},
	} {
		got := serveGCPercent(c.live)
		if got != c.want {
			t.Errorf("live %d MiB: GC goal %d %%, want %d", c.live/mib, got, c.want)
		}
		if room, least := c.live*uint64(got)/100, max(c.live/2, min(c.live, serveHeadroom)); room < least {
			t.Errorf("live %d MiB: %d bytes of room, less than %d", c.live/mib, room, least)
		}
	}
	oldPercent := debug.SetGCPercent(100)
	defer debug.SetGCPercent(oldPercent)
	var live [1]metrics.Sample
	live[0].Name = "/gc/heap/live:bytes"
	metrics.Read(live[:])
	stop := followGCPercent(time.Hour)
	percent := debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	if want := serveGCPercent(live[0].Value.Uint64()); percent != want {
		t.Errorf("follower set a goal of %d %%, want %d", percent, want)
	}
	debug.SetGCPercent(33) // as if the live heap had changed
	stop()
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("goal after the follower stopped: %d %%, want 100", p)
	}
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The ingest command's messages for the usual mistakes are French and say
// which file (and which element of an array) is at fault.
func TestIngestMessages(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	for _, tc := range []struct {
		name     string
		file     string // created in dir when content is set
		content  *string
		code     int
		wantErr  string // in the returned error
		wantOut  string // in stdout
		wantErrb string // in stderr
	}{
		{name: "missing file", file: "absent.jsonl", code: 1, wantOut: "absent.jsonl n’existe pas; vérifiez le chemin", wantErrb: "1 fichier introuvable ou illisible, ignoré"},
		{name: "a directory", file: ".", code: 1, wantOut: "est un dossier; donnez un fichier de notes"},
		{name: "empty file", file: "vide.jsonl", content: ptr(""), code: 1, wantOut: "vide.jsonl : aucune note", wantErrb: "aucune note dans 1 fichier"},
		{name: "blank lines only", file: "blanc.jsonl", content: ptr("\n  \n"), code: 1, wantOut: "blanc.jsonl : aucune note"},
		{name: "empty array", file: "vide.json", content: ptr("[]"), code: 1, wantOut: "vide.json : aucune note"},
		{name: "one-line array names the element", file: "notes.json",
			content: ptr(`[{"id":"a1","title":"T","visibility":"public"},{"id":"a2","visibility":"public"},{"id":"a3","title":"T","visibility":"public","published_at":"9999-12-31"}]`),
			code:    1, wantOut: "notes.json:élément 2: title: champ obligatoire manquant"},
		{name: "one-line array, third element", file: "notes3.json",
			content: ptr(`[{"id":"a1","title":"T","visibility":"public"},{"id":"a3","title":"T","visibility":"public","published_at":"9999-12-31"}]`),
			code:    1, wantOut: "notes3.json:élément 2: published_at: date hors limites « 9999-12-31 » : les dates vont du 1800-01-01 au 2200-12-31"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.file)
			if tc.content != nil {
				writeFile(t, path, *tc.content)
			}
			var out, errb bytes.Buffer
			code, err := runIngest([]string{"--data", data, "--quiet", path}, &out, &errb)
			if code != tc.code {
				t.Errorf("exit code %d, want %d", code, tc.code)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("error %v, want %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Errorf("error %v", err)
			}
			if all := out.String() + errb.String() + fmt.Sprint(err); strings.Contains(all, "no such file") || strings.Contains(all, "is a directory") {
				t.Errorf("English error: %s", all)
			}
			if !strings.Contains(out.String(), tc.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tc.wantOut, out.String())
			}
			if !strings.Contains(errb.String(), tc.wantErrb) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantErrb, errb.String())
			}
		})
	}
	// No file to read (missing, a folder, empty): no data folder is made
	// (a mistyped path left a new one of 65 MB, the store's reserve). The
	// files with blank lines or an empty array are read, and make it.
	fresh := filepath.Join(dir, "neuf")
	var out, errb bytes.Buffer
	if code, _ := runIngest([]string{"--data", fresh, "--quiet", filepath.Join(dir, "absent.jsonl"), dir, filepath.Join(dir, "vide.jsonl")}, &out, &errb); code != 1 {
		t.Errorf("nothing to read: exit %d", code)
	}
	if _, err := os.Stat(fresh); err == nil {
		t.Errorf("nothing to read, yet %s was made:\n%s%s", fresh, out.String(), errb.String())
	}
	for _, want := range []string{"absent.jsonl n’existe pas", "est un dossier", "vide.jsonl : aucune note"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("nothing to read: stdout lacks %q:\n%s", want, out.String())
		}
	}
}

func ptr(s string) *string { return &s }

// Regression (new-user audit, 2026-12): a missing file stopped ingest on
// the spot: after a file with rejects, their lines and the total were never
// printed; before the other files, nothing was ingested. A missing or
// unreadable file is now said and skipped like an empty one, locally and
// through a server: every other file is ingested, every reject line and
// the total are printed, and the exit code is 1.
func TestIngestGoesOnPastAMissingFile(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, filepath.Join(dir, "bad.jsonl"), `{"id":"m1","title":"Un","visibility":"public"}
{"id":"bad id","title":"x","visibility":"public"}
`)
	good := writeFile(t, filepath.Join(dir, "good.jsonl"), `{"id":"m2","title":"Deux","visibility":"public"}`+"\n")
	empty := writeFile(t, filepath.Join(dir, "vide.jsonl"), "")
	missing := filepath.Join(dir, "absent.jsonl")
	folder := filepath.Join(dir, "dossier")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	check := func(mode string, args []string) {
		t.Helper()
		var out, errb bytes.Buffer
		code, err := runIngest(append(args, "--quiet", bad, missing, empty, folder, good), &out, &errb)
		if err != nil || code != 1 {
			t.Fatalf("%s: code %d, err %v, want 1 and no error\n%s%s", mode, code, err, out.String(), errb.String())
		}
		if all := out.String() + errb.String(); strings.Contains(all, "no such file") || strings.Contains(all, "is a directory") {
			t.Errorf("%s: English error:\n%s", mode, all)
		}
		for _, want := range []string{
			bad + " : 1 ajoutée, 0 mise à jour, 0 inchangée, 0 supprimée, 1 rejetée",
			"\n" + missing + " n’existe pas; vérifiez le chemin\n",
			empty + " : aucune note\n",
			"\n" + folder + " est un dossier; donnez un fichier de notes",
			good + " : 1 ajoutée",
			"rejet " + bad + ":2: id: ",
			"total : 2 ajoutées, 0 mise à jour, 0 inchangée, 0 supprimée, 1 rejetée",
		} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: stdout lacks %q:\n%s", mode, want, out.String())
			}
		}
		for _, want := range []string{
			"1 note rejetée;",
			"aucune note dans 1 fichier (vide, ou tableau vide) : vérifiez que c’est le bon fichier",
			"2 fichiers introuvables ou illisibles, ignorés : " + missing + ", " + folder + "; les autres fichiers sont ingérés",
		} {
			if !strings.Contains(errb.String(), want) {
				t.Errorf("%s: stderr lacks %q:\n%s", mode, want, errb.String())
			}
		}
	}
	check("local", []string{"--data", filepath.Join(dir, "data")})
	p := startServe(t, filepath.Join(dir, "served"))
	check("--server", []string{"--server", "http://" + p.addr, "--admin-token", harnessToken})
	// --allow-rejects does not hide a missing file.
	var out, errb bytes.Buffer
	if code, err := runIngest([]string{"--data", filepath.Join(dir, "data"), "--quiet", "--allow-rejects", bad, missing}, &out, &errb); code != 1 || err != nil {
		t.Errorf("--allow-rejects with a missing file: code %d, err %v", code, err)
	}
}

// Control characters of stored notes (stored before ingest refused them)
// never reach the terminal raw.
func TestSearchEscapesControlCharacters(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	eng, err := trouvaille.Open(data, trouvaille.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Straight to the engine: ingest would refuse these notes now.
	_, err = eng.Apply([]trouvaille.Change{{Note: &trouvaille.Note{ID: "c1", Type: "note",
		Title:         "Cloche\a et \x1b[2J effacement",
		Body:          "Le corps sonne\a\x00 et \x1b]0;titre\x07 change \u0085 le titre &#27;[31m.",
		Authors:       []string{"Ana\x1b[31m"},
		Organisations: []string{"TIESS\x07"},
		Visibility:    "public"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runSearch([]string{"--data", data, "cloche"}, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, "c1") {
		t.Fatalf("note not found:\n%s", got)
	}
	for _, r := range got {
		if unicode.IsControl(r) && r != '\n' {
			t.Fatalf("raw control character %U in the output:\n%q", r, got)
		}
	}
	if !strings.Contains(got, `\x1b[2J`) || !strings.Contains(got, `\x07 et`) || !strings.Contains(got, `TIESS\x07`) {
		t.Errorf("control characters not shown escaped:\n%s", got)
	}
}

// trouvaille export then ingest into a new folder gives the same notes.
func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
	file := writeFile(t, filepath.Join(dir, "notes.jsonl"), `{"id":"n1","title":"Économie sociale","visibility":"public","published_at":"2024-05-02"}
{"id":"n2","title":"Note privée","visibility":"private","authors":["Ana"]}
{"id":"n3","title":"Communauté","visibility":"community","carnets":[{"title":"C","bloc":"B"}]}
`)
	var out, errb bytes.Buffer
	if code, err := runIngest([]string{"--data", src, "--quiet", file}, &out, &errb); code != 0 || err != nil {
		t.Fatalf("ingest: %d %v %s", code, err, errb.String())
	}
	export := filepath.Join(dir, "export.jsonl")
	errb.Reset()
	if err := runExport([]string{"--data", src, export}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errb.String(), "3 notes exportées dans "+export) {
		t.Errorf("stderr: %s", errb.String())
	}
	out.Reset()
	if code, err := runIngest([]string{"--data", dst, "--quiet", export}, &out, &errb); code != 0 || err != nil {
		t.Fatalf("ingest of the export: %d %v %s", code, err, out.String())
	}
	if !strings.Contains(out.String(), "3 ajoutées, 0 mise à jour, 0 inchangée, 0 supprimée, 0 rejetée") {
		t.Errorf("ingest of the export: %s", out.String())
	}
	var a, b bytes.Buffer
	if err := runExport([]string{"--data", src}, &a, &errb); err != nil {
		t.Fatal(err)
	}
	if err := runExport([]string{"--data", dst}, &b, &errb); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() || strings.Count(a.String(), "\n") != 3 {
		t.Errorf("exports differ:\n%s\nvs\n%s", a.String(), b.String())
	}
	// Export reads the store alone: an index in any state (here a file
	// where its folder was) is neither needed, nor rebuilt, nor touched.
	ixDir := filepath.Join(src, "index")
	if err := os.RemoveAll(ixDir); err != nil {
		t.Fatal(err)
	}
	writeFile(t, ixDir, "pas un index")
	var c bytes.Buffer
	if err := runExport([]string{"--data", src}, &c, &errb); err != nil || c.String() != a.String() {
		t.Errorf("export beside a damaged index: %v\n%s", err, c.String())
	}
	// So does backup. The hidden leftover of a backup killed long ago
	// (as large as a copy) is removed; one being written is not.
	stale := writeFile(t, filepath.Join(dir, ".copie.sauvegarde.123"), "copie tuée")
	old := time.Now().Add(-time.Hour)
	os.Chtimes(stale, old, old)
	fresh := writeFile(t, filepath.Join(dir, ".copie.sauvegarde.456"), "copie en cours")
	errb.Reset()
	if err := runBackup([]string{"--data", src, filepath.Join(dir, "copie.sauvegarde")}, &errb); err != nil {
		t.Errorf("backup beside a damaged index: %v", err)
	}
	if _, err := os.Stat(stale); err == nil || !strings.Contains(errb.String(), "fichier temporaire d’une copie interrompue supprimé : "+stale) {
		t.Errorf("stale leftover kept: %v\n%s", err, errb.String())
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a copy being written was removed: %v", err)
	}
	if b, err := os.ReadFile(ixDir); err != nil || string(b) != "pas un index" {
		t.Errorf("export or backup touched the index: %q %v", b, err)
	}
	os.Remove(ixDir)

	// A note whose record no longer reads (a damaged block of the disk)
	// stopped the export at it: the others were not exported at all. They
	// are now, the file is kept, and the command fails naming the note.
	db, err := badger.Open(badger.DefaultOptions(filepath.Join(src, "store")).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(txn *badger.Txn) error { return txn.Set([]byte("n/n2"), []byte("\xffabîmé")) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	salvage := filepath.Join(dir, "sauvetage.jsonl")
	errb.Reset()
	err = runExport([]string{"--data", src, salvage}, &out, &errb)
	got, _ := os.ReadFile(salvage)
	if err == nil || !strings.Contains(err.Error(), "1 note illisible dans le magasin (n2)") || !strings.Contains(err.Error(), "les notes lisibles sont exportées") {
		t.Errorf("export of a store with a damaged note: %v", err)
	}
	if !strings.Contains(errb.String(), "2 notes exportées dans "+salvage) || strings.Count(string(got), "\n") != 2 ||
		!strings.Contains(string(got), `"n1"`) || !strings.Contains(string(got), `"n3"`) {
		t.Errorf("salvaged export: %s\n%s", errb.String(), got)
	}
	var d bytes.Buffer
	if err := runExport([]string{"--data", src}, &d, &errb); err == nil || d.String() != string(got) {
		t.Errorf("salvaged export on stdout: %v\n%s", err, d.String())
	}
	// A mistyped folder is an error, not an empty export.
	if err := runExport([]string{"--data", filepath.Join(dir, "nope")}, &a, &errb); err == nil || !strings.Contains(err.Error(), "aucun magasin") {
		t.Errorf("export of a missing folder: %v", err)
	}
	// Nor a search that creates the folder and finds nothing there.
	if err := runSearch([]string{"--data", filepath.Join(dir, "nope2"), "logement"}, &a); err == nil || !strings.Contains(err.Error(), "aucun magasin") {
		t.Errorf("search of a missing folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "nope2")); err == nil {
		t.Error("search created the missing folder")
	}
}

// Regression (new-user audit, 2026-12): search and a second ingest printed
// the engine's « vue de découverte lue … » on stderr. The operator commands
// print only what the user needs; a message that needs the operator (an
// index caught up, a nearly full disk) still comes through.
func TestOperatorCommandsPrintNoRoutineLog(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	notes := writeFile(t, filepath.Join(dir, "notes.jsonl"), `{"id":"r1","title":"Économie sociale","visibility":"public"}`+"\n")
	for _, args := range [][]string{
		{"ingest", "--data", data, "--quiet", notes},
		{"ingest", "--data", data, "--quiet", notes}, // the discovery view is read now
		{"search", "--data", data, "économie"},
		{"search", "--data", data, "--related", "r1"},
		{"export", "--data", data, filepath.Join(dir, "export.jsonl")},
		{"reindex", "--data", data},
	} {
		cmd := exec.Command(binary(t), args...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v: %v\n%s%s", args, err, stdout.String(), stderr.String())
		}
		if strings.Contains(stderr.String(), "vue de découverte") {
			t.Errorf("%v printed the engine's routine log:\n%s", args, stderr.String())
		}
		if args[0] == "search" && stderr.String() != "" {
			t.Errorf("%v: stderr should be empty:\n%s", args, stderr.String())
		}
	}
	var logged bytes.Buffer
	log.SetOutput(&logged)
	defer log.SetOutput(os.Stderr)
	commandLogf("vue de découverte lue : %d notes publiques", 3)
	commandLogf("index en retard (séquence %d, magasin %d) : %d changements rattrapés", 1, 4, 3)
	if got := logged.String(); strings.Contains(got, "vue de découverte") || !strings.Contains(got, "3 changements rattrapés") {
		t.Errorf("commandLogf: %q", got)
	}
	// A problem stands out of the progress lines by its level.
	logged.Reset()
	o := commandOptions(trouvaille.OpenOptions{})
	o.Warnf("index endommagé (%s) : reconstruit à partir du magasin", "segment 3")
	o.Errorf("disque plein : %d Mo libres", 12)
	o.Logf("index à jour")
	got := logged.String()
	for _, want := range []string{"attention : index endommagé (segment 3) : reconstruit", "erreur : disque plein : 12 Mo libres", "index à jour"} {
		if !strings.Contains(got, want) {
			t.Errorf("the commands' log lacks %q: %q", want, got)
		}
	}
}

// sizeWithUnit matches a size as store.SizeText writes it: "351,6 Kio".
var sizeWithUnit = regexp.MustCompile(`[0-9][0-9\x{202F}]*(,[0-9])?\x{A0}(octets?|Kio|Mio|Gio|Tio)`)

// Regression (new-user audit, 2026-12): backup reported « (0 Mio) » for a
// file of 360 KB. The size is written in the unit it reaches, the French way.
func TestBackupSizeInHumanUnits(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	var b strings.Builder
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, `{"id":"s%d","title":"Note %s","body":"%s","visibility":"public"}`+"\n", i, word(i), strings.Repeat(word(i)+" ", 200))
	}
	notes := writeFile(t, filepath.Join(dir, "notes.jsonl"), b.String())
	var out, errb bytes.Buffer
	if code, err := runIngest([]string{"--data", data, "--quiet", notes}, &out, &errb); code != 0 || err != nil {
		t.Fatalf("ingest: %d %v %s", code, err, errb.String())
	}
	file := filepath.Join(dir, "copie.sauvegarde")
	errb.Reset()
	if err := runBackup([]string{"--data", data, file}, &errb); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	got := errb.String()
	if st.Size() >= 1<<20 || st.Size() < 1<<10 {
		t.Fatalf("the backup is %d bytes: the test wants one of a few Kio", st.Size())
	}
	if !strings.Contains(got, "("+store.SizeText(st.Size())+", jusqu’à la séquence ") || !strings.Contains(got, "\u00a0Kio") || strings.Contains(got, "0 Mio") {
		t.Errorf("backup of %d bytes reported:\n%s", st.Size(), got)
	}
}

// TestSynonymsFileIsAFolder: a folder given as the synonyms list is said in
// French, naming the option or the variable (it was Go's « read …: is a
// directory »), before anything is written.
func TestSynonymsFileIsAFolder(t *testing.T) {
	dir := t.TempDir()
	notes := writeFile(t, filepath.Join(dir, "n.jsonl"), `{"id":"a","title":"Une note","visibility":"public"}`+"\n")
	data := filepath.Join(dir, "data")
	var out, errb bytes.Buffer
	code, err := runIngest([]string{"--data", data, "--quiet", "--synonyms", dir, notes}, &out, &errb)
	want := "--synonyms : " + dir + " est un dossier; donnez le fichier de synonymes (un groupe par ligne)"
	if code != 2 || err == nil || err.Error() != want {
		t.Errorf("ingest --synonyms FOLDER: code %d, %v, want %q", code, err, want)
	}
	if _, statErr := os.Stat(data); statErr == nil {
		t.Error("the data folder was created")
	}
	t.Setenv("TROUVAILLE_SYNONYMS", dir)
	err = runReindex([]string{"--data", data}, io.Discard)
	want = "TROUVAILLE_SYNONYMS : " + dir + " est un dossier; donnez le fichier de synonymes (un groupe par ligne)"
	if err == nil || err.Error() != want {
		t.Errorf("TROUVAILLE_SYNONYMS=FOLDER: %v, want %q", err, want)
	}
}
