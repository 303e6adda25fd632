package main

import (
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/schema"
)

// Every option that has both a flag and a TROUVAILLE_* variable takes the
// same values both ways: a value one takes, the other takes with the same
// effect; a value one refuses, the other refuses too, as a usage error
// (exit code 2) that names the option or the variable and gives the same
// advice. Regression: --max-in-flight 0 and --min-free 0 were taken (read
// as 64 and 64 MiB), --min-free -1 turned the disk check off and
// --batch-size 0x10 was 16, while the variables refused all four.
func TestFlagAndVariableAgree(t *testing.T) {
	dir := t.TempDir()
	synonyms := writeFile(t, filepath.Join(dir, "synonymes.txt"), "CP, cuisine partagée\n")
	missing := filepath.Join(dir, "absent.txt")
	ints := []string{"-1", "-2", "0", "1", "64", "1000", "9223372036854775807", "99999999999999999999", "-99999999999999999999",
		"abc", "1.5", "1e3", "0x10", "010", "1_000", " 5", "+5", "64Mo"}
	durations := []string{"10", "0", "0s", "-1s", "1ns", "99ms", "100ms", "10s", "1m30s", "500ms", "99999999999h", "abc", " 10s"}
	bools := []string{"oui", "non", "yes", "no", "1", "0", "true", "false", "T", "FALSE", "2", "vrai", " true"}
	tokens := []string{"adm_secret", " adm_secret", "adm_secret ", "adm\nsecret", "adm\tsecret"}
	options := []struct {
		flag, env string
		groups    []string
		values    []string
	}{
		{"data", "DATA", []string{"data"}, []string{"/srv/trouvaille", "données", " "}},
		{"addr", "ADDR", []string{"addr"}, []string{":8081", "127.0.0.1:8081", "[::1]:8081", "8080", "127.0.0.1", "localhost:", " "}},
		{"default-visibility", "DEFAULT_VISIBILITY", []string{"ingest"}, []string{"public", "community", "private", "tous", "PUBLIC", " "}},
		{"ignore-unknown", "IGNORE_UNKNOWN", []string{"ingest"}, bools},
		{"allow-rejects", "ALLOW_REJECTS", []string{"ingest"}, bools},
		{"batch-size", "BATCH_SIZE", []string{"batch"}, ints},
		{"quiet", "QUIET", []string{"quiet"}, bools},
		{"server", "SERVER", []string{"remote"}, []string{"http://127.0.0.1:8080", "https://recherche.example", "localhost:8080", "ftp://serveur", " "}},
		{"admin-token", "ADMIN_TOKEN", []string{"remote"}, tokens},
		{"admin-token", "ADMIN_TOKEN", []string{"serve"}, tokens},
		{"synonyms", "SYNONYMS", []string{"synonyms"}, []string{synonyms, missing}},
		{"synonyms", "SYNONYMS", []string{"serve"}, []string{synonyms, missing}},
		{"search-timeout", "SEARCH_TIMEOUT", []string{"serve"}, durations},
		{"anonymous", "ANONYMOUS", []string{"serve"}, bools},
		{"anonymous-rate", "ANONYMOUS_RATE", []string{"serve"}, ints},
		{"metrics-public", "METRICS_PUBLIC", []string{"serve"}, bools},
		{"no-analytics", "NO_ANALYTICS", []string{"serve"}, bools},
		{"max-in-flight", "MAX_IN_FLIGHT", []string{"serve"}, ints},
		{"trusted-proxies", "TRUSTED_PROXIES", []string{"serve"}, []string{"127.0.0.1", "127.0.0.1, 10.0.0.0/8", "::1", "nginx", "10.0.0.0/33", ",", " "}},
		{"min-free", "MIN_FREE", []string{"serve"}, ints},
	}
	// run reads the configuration as a command does: flags, then the check
	// of the values, then the synonyms file.
	run := func(groups, args []string) (Config, error) {
		cfg := defaultConfig()
		fs := newFlags("t")
		fs.SetOutput(io.Discard)
		cfg.register(fs, groups...)
		err := parseFlags(fs, args)
		if err == nil {
			err = cfg.validate()
		}
		if err == nil && fs.Lookup("synonyms") != nil {
			_, err = loadSynonyms(cfg.SynonymsFile)
		}
		cfg.envErrs, cfg.visibilityFrom = nil, ""
		return cfg, err
	}
	covered := map[string]bool{}
	for _, o := range options {
		covered[o.flag+" "+o.env] = true
		for _, value := range append([]string{""}, o.values...) {
			t.Run(o.groups[0]+"/"+o.flag+"="+value, func(t *testing.T) {
				name, variable := "--"+o.flag, "TROUVAILLE_"+o.env
				t.Setenv(variable, "") // empty: unset
				flagCfg, flagErr := run(o.groups, []string{name + "=" + value})
				t.Setenv(variable, value)
				envCfg, envErr := run(o.groups, nil)
				switch {
				case flagErr == nil && envErr == nil:
					if !reflect.DeepEqual(flagCfg, envCfg) {
						t.Errorf("different configurations:\n%s=%q: %+v\n%s=%q: %+v", name, value, flagCfg, variable, value, envCfg)
					}
				case value == "" && envErr == nil && flagErr != nil:
					// An empty variable counts as unset (the default); an
					// empty flag is refused where the option needs a value.
					if !reflect.DeepEqual(envCfg, defaultOf(t, run, o.groups)) {
						t.Errorf("%s empty is not the default: %+v", variable, envCfg)
					}
					checkUsage(t, flagErr, name)
				case flagErr != nil && envErr != nil:
					checkUsage(t, flagErr, name)
					checkUsage(t, envErr, variable)
					// (A synonyms file is read after the check, by loadSynonyms.)
					if !errors.Is(envErr, ErrEnv) && o.flag != "synonyms" {
						t.Errorf("%v does not match ErrEnv", envErr)
					}
					if fa, ea := advice(flagErr.Error(), name, value), advice(envErr.Error(), variable, value); fa != ea {
						t.Errorf("different advice:\n%s: %s\n%s: %s", name, flagErr, variable, envErr)
					}
				default:
					t.Errorf("%s=%q: %v; %s=%q: %v", name, value, flagErr, variable, value, envErr)
				}
				for _, err := range []error{flagErr, envErr} {
					if err != nil && strings.Contains(err.Error(), "secret") {
						t.Errorf("the message shows the admin token: %v", err)
					}
				}
			})
		}
	}
	// Every option with a variable is in the table.
	for _, groups := range []string{"data", "addr", "ingest", "synonyms", "batch", "serve", "remote", "quiet"} {
		cfg := defaultConfig()
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		cfg.register(fs, groups)
		fs.VisitAll(func(f *flag.Flag) {
			if m := regexp.MustCompile(`\[TROUVAILLE_([A-Z_]+)\]`).FindStringSubmatch(f.Usage); m != nil && !covered[f.Name+" "+m[1]] {
				t.Errorf("--%s (TROUVAILLE_%s) has no case in this table", f.Name, m[1])
			}
		})
	}
}

// A boolean option takes its value after « = »: flag would read
// « --anonymous false » as true and leave « false » aside, the opposite of
// TROUVAILLE_ANONYMOUS=false. It is refused, and so is any argument left to
// a command that takes none.
func TestBoolOptionWithSpace(t *testing.T) {
	for _, tc := range []struct {
		command string
		groups  []string
		args    []string
		want    string
	}{
		{"serve", []string{"serve"}, []string{"--anonymous", "false"}, "--anonymous false : une option booléenne prend sa valeur après « = » : écrivez --anonymous=false"},
		{"serve", []string{"serve"}, []string{"--metrics-public", "0"}, "écrivez --metrics-public=0"},
		{"ingest", []string{"ingest", "quiet"}, []string{"--quiet", "false", "notes.jsonl"}, "écrivez --quiet=false"},
		{"ingest", []string{"ingest"}, []string{"--allow-rejects", "true", "notes.jsonl"}, "écrivez --allow-rejects=true"},
		// The words flag would refuse after « = » get the same hint, with
		// the value to write (they were left as an unexpected argument).
		{"serve", []string{"serve"}, []string{"--no-analytics", "yes"}, "--no-analytics yes : une option booléenne prend sa valeur après « = » : écrivez --no-analytics=true"},
		{"serve", []string{"serve"}, []string{"--anonymous", "non"}, "--anonymous non : une option booléenne prend sa valeur après « = » : écrivez --anonymous=false"},
		{"serve", []string{"serve"}, []string{"--metrics-public", "Oui"}, "écrivez --metrics-public=true"},
		{"serve", []string{"serve"}, []string{"--no-analytics", "off"}, "écrivez --no-analytics=false"},
		{"ingest", []string{"ingest", "quiet"}, []string{"--quiet", "vrai", "notes.jsonl"}, "écrivez --quiet=true"},
		{"ingest", []string{"ingest"}, []string{"--ignore-unknown", "faux", "notes.jsonl"}, "écrivez --ignore-unknown=false"},
	} {
		cfg := defaultConfig()
		fs := newFlags(tc.command)
		cfg.register(fs, tc.groups...)
		err := parseFlags(fs, tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) || exitCode(0, err) != 2 {
			t.Errorf("%s %v: %v, want a usage error containing %q", tc.command, tc.args, err, tc.want)
		}
	}
	// A file name after a boolean option is still a file.
	cfg := defaultConfig()
	fs := newFlags("ingest")
	cfg.register(fs, "ingest", "quiet")
	if err := parseFlags(fs, []string{"--quiet", "notes.jsonl"}); err != nil || !cfg.Quiet || fs.Arg(0) != "notes.jsonl" {
		t.Errorf("ingest --quiet notes.jsonl: %v, quiet %v, args %v", err, cfg.Quiet, fs.Args())
	}
	for _, command := range []string{"serve", "demo", "reindex"} {
		fs := newFlags(command)
		fs.Bool("anonymous", true, "")
		if err := parseFlags(fs, []string{"--anonymous", "peut-être"}); err != nil {
			t.Fatal(err)
		}
		if err := noArgs(fs); err == nil || !strings.Contains(err.Error(), "argument inattendu « peut-être »") || exitCode(0, err) != 2 {
			t.Errorf("%s --anonymous peut-être: %v", command, err)
		}
	}
}

// defaultOf is the configuration groups read without flags nor variables.
func defaultOf(t *testing.T, run func(groups, args []string) (Config, error), groups []string) Config {
	cfg, err := run(groups, nil)
	if err != nil {
		t.Fatalf("default configuration: %v", err)
	}
	return cfg
}

// checkUsage fails unless err is a usage error (exit code 2) naming name.
func checkUsage(t *testing.T, err error, name string) {
	t.Helper()
	if code := exitCode(0, err); code != 2 {
		t.Errorf("exit code %d, want 2: %v", code, err)
	}
	if !strings.Contains(err.Error(), name) {
		t.Errorf("%v does not name %s", err, name)
	}
	for _, english := range []string{"invalid value", "flag provided", "flag needs", "parsing", "out of range"} {
		if strings.Contains(err.Error(), english) {
			t.Errorf("English in %q", err)
		}
	}
}

// advice is what a message asks for, after the option or the variable and
// its value: « --x « v » : advice », « --x=« v » : advice »,
// « TROUVAILLE_X=« v » : advice », « --x : advice ».
func advice(msg, name, value string) string {
	_, rest, _ := strings.Cut(msg, name)
	for _, prefix := range []string{"=« " + value + " »", " « " + value + " »"} {
		rest = strings.TrimPrefix(rest, prefix)
	}
	return strings.TrimPrefix(rest, " : ")
}

// Regression (audit): « ingest --server "" FILE » — what « --server
// "$SERVEUR" » gives when the variable is unset — wrote the notes into
// ./trouvaille-data of the current folder and exited 0; « backup --server
// "" » copied that folder. An explicitly empty --server is refused (exit
// code 2, with advice) before anything is written; an empty
// TROUVAILLE_SERVER still counts as unset (TestFlagAndVariableAgree).
func TestEmptyServerRefused(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	notes := writeFile(t, filepath.Join(dir, "notes.jsonl"), `{"id":"s1","title":"T","visibility":"public"}`+"\n")
	for _, args := range [][]string{
		{"ingest", "--server", "", "--quiet", notes},
		{"ingest", "--server=", "--admin-token", "x", notes},
		{"backup", "--server", "", filepath.Join(dir, "copie")},
	} {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TROUVAILLE_SERVER=", "TROUVAILLE_DATA=", "TROUVAILLE_ADMIN_TOKEN=")
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("%q: %v, want exit code 2\n%s", args, err, out)
		}
		want := "--server «  » : donnez l’adresse du serveur, par exemple http://127.0.0.1:8080, ou retirez --server pour travailler sur le dossier de données (--data)"
		if !strings.Contains(string(out), want) {
			t.Errorf("%q: output lacks %q:\n%s", args, want, out)
		}
		if _, err := os.Stat(filepath.Join(dir, "trouvaille-data")); err == nil {
			t.Fatalf("%q wrote ./trouvaille-data in the current folder", args)
		}
	}
}

// search --sort names the option and lists the values taken, every one of
// which the engine takes; -n and --page are checked as typed (the engine
// read 0 as its default).
func TestSearchOptionsNamedAsTyped(t *testing.T) {
	for _, s := range strings.FieldsFunc(strings.ReplaceAll(sortNames, " ou ", ","), func(r rune) bool { return r == ',' || r == ' ' }) {
		if _, ok := schema.SortOrders(s); !ok {
			t.Errorf("sortNames lists %q, which the engine refuses", s)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--sort", "bogus", "x"}, "--sort « bogus » : tri inconnu : utilisez relevance, -published_at, published_at ou title"},
		{[]string{"x", "--sort=date"}, "--sort « date » : tri inconnu"},
		{[]string{"-n", "0", "x"}, "-n « 0 » : donnez un nombre de résultats de 1 à 100"},
		{[]string{"-n", "101", "x"}, "-n « 101 »"},
		{[]string{"--page", "0", "x"}, "--page « 0 » : donnez un numéro de page à partir de 1"},
		{[]string{"--page", "-3", "x"}, "--page « -3 »"},
	} {
		// Refused before the data folder is opened: none is needed.
		args := append([]string{"--data", filepath.Join(t.TempDir(), "absent")}, tc.args...)
		err := runSearch(args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) || exitCode(0, err) != 2 {
			t.Errorf("search %q: %v, want a usage error containing %q", tc.args, err, tc.want)
		}
	}
	for param, want := range map[string]string{"sort": "--sort", "per_page": "-n", "page": "--page", "published_before": "--published-before",
		"published_after": "--published-after", "organisation": "--organisation", "q": "q"} {
		if got := searchOption(param); got != want {
			t.Errorf("searchOption(%q) = %q, want %q", param, got, want)
		}
	}
}
