package main

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Regression (new-user audit, 2026-12): an invalid option or environment
// variable exited 1 (only an unknown command exited 2), against the README's
// « 2 pour une option ou une variable d’environnement invalide ». Every
// command, every kind of mistake: exit code 2, a French message naming the
// option or the variable, and nothing done (no data folder created).
func TestUsageErrorsExitTwo(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	notes := writeFile(t, filepath.Join(dir, "notes.jsonl"), `{"id":"u1","title":"T","visibility":"public"}`+"\n")
	missing := filepath.Join(dir, "absent.txt")
	for _, tc := range []struct {
		command string
		args    []string // after --data DATA (restore: after the backup file)
		env     string   // one TROUVAILLE_* assignment, or ""
		want    string   // in stderr
	}{
		{"ingest", []string{"--bogus", notes}, "", "option inconnue « --bogus »"},
		{"ingest", []string{"--batch-size", "abc", notes}, "", "--batch-size « abc » : donnez un nombre entier"},
		{"ingest", []string{"--quiet=peut-être", notes}, "", "--quiet=« peut-être » : donnez true ou false"},
		{"ingest", []string{"--default-visibility", "secret", notes}, "", "--default-visibility « secret »"},
		{"ingest", []string{"--batch-size"}, "", "l’option --batch-size demande une valeur"},
		{"ingest", nil, "", "donnez au moins un fichier de notes"},
		{"ingest", []string{notes}, "TROUVAILLE_BATCH_SIZE=abc", "TROUVAILLE_BATCH_SIZE=« abc »"},
		{"ingest", []string{notes}, "TROUVAILLE_DEFAULT_VISIBILITY=secret", "TROUVAILLE_DEFAULT_VISIBILITY=« secret »"},
		{"ingest", []string{notes}, "TROUVAILLE_ALLOW_REJECTS=yes", "TROUVAILLE_ALLOW_REJECTS=« yes »"},
		{"ingest", []string{notes}, "TROUVAILLE_QUIET=oui", "TROUVAILLE_QUIET=« oui »"},
		{"ingest", []string{notes}, "TROUVAILLE_IGNORE_UNKNOWN=2", "TROUVAILLE_IGNORE_UNKNOWN=« 2 »"},
		{"ingest", []string{notes}, "TROUVAILLE_SYNONYMS=" + missing, "TROUVAILLE_SYNONYMS : le fichier de synonymes " + missing + " n’existe pas"},
		{"ingest", []string{"--server", "127.0.0.1:8080", "--admin-token", "x", notes}, "", "--server « 127.0.0.1:8080 »"},
		{"serve", []string{"--bogus"}, "", "option inconnue « --bogus »"},
		{"serve", []string{"--anonymous-rate", "x"}, "", "--anonymous-rate « x »"},
		{"serve", []string{"--search-timeout", "10"}, "", "--search-timeout « 10 » : donnez une durée"},
		{"serve", []string{"--anonymous-rate=-2"}, "", "--anonymous-rate « -2 » : donnez un nombre entier positif (requêtes par minute), par exemple 600, ou -1 pour aucune limite"},
		{"serve", nil, "TROUVAILLE_ANONYMOUS_RATE=-2", "TROUVAILLE_ANONYMOUS_RATE=« -2 »"},
		{"serve", []string{"--search-timeout", "1ns"}, "", "--search-timeout « 1ns » : donnez une durée d’au moins 100ms"},
		{"serve", nil, "TROUVAILLE_SEARCH_TIMEOUT=99ms", "TROUVAILLE_SEARCH_TIMEOUT=« 99ms » : donnez une durée d’au moins 100ms"},
		{"serve", []string{"--no-analytics", "yes"}, "", "--no-analytics yes : une option booléenne prend sa valeur après « = » : écrivez --no-analytics=true"},
		{"ingest", []string{"--server", "", notes}, "", "--server «  » : donnez l’adresse du serveur"},
		{"backup", []string{"--server=", filepath.Join(dir, "copie")}, "", "--server «  » : donnez l’adresse du serveur"},
		{"search", []string{"--sort", "bogus", "x"}, "", "--sort « bogus » : tri inconnu : utilisez relevance, -published_at, published_at ou title"},
		{"search", []string{"-n", "0", "x"}, "", "-n « 0 » : donnez un nombre de résultats de 1 à 100"},
		{"search", []string{"--page", "0", "x"}, "", "--page « 0 » : donnez un numéro de page à partir de 1"},
		{"serve", nil, "TROUVAILLE_ANONYMOUS_RATE=x", "TROUVAILLE_ANONYMOUS_RATE=« x »"},
		{"serve", nil, "TROUVAILLE_SEARCH_TIMEOUT=10", "TROUVAILLE_SEARCH_TIMEOUT=« 10 »"},
		{"serve", nil, "TROUVAILLE_ANONYMOUS=non", "TROUVAILLE_ANONYMOUS=« non »"},
		{"serve", nil, "TROUVAILLE_MAX_IN_FLIGHT=0", "TROUVAILLE_MAX_IN_FLIGHT=« 0 »"},
		{"serve", nil, "TROUVAILLE_TRUSTED_PROXIES=nginx", "TROUVAILLE_TRUSTED_PROXIES=« nginx »"},
		{"serve", nil, "TROUVAILLE_SYNONYMS=" + missing, "TROUVAILLE_SYNONYMS : le fichier de synonymes"},
		{"serve", nil, "TROUVAILLE_LOG_FORMAT=xml", "TROUVAILLE_LOG_FORMAT=« xml » : utilisez json ou text"},
		{"serve", nil, "TROUVAILLE_MIN_FREE=64Mo", "TROUVAILLE_MIN_FREE=« 64Mo »"},
		{"serve", nil, "TROUVAILLE_NO_ANALYTICS=oui", "TROUVAILLE_NO_ANALYTICS=« oui »"},
		{"serve", []string{"--admin-token", "adm_secret "}, "", "--admin-token : le jeton ne peut ni commencer ni finir par une espace"},
		{"serve", []string{"--addr", "8080"}, "", "--addr « 8080 » : donnez une adresse et un port"},
		{"serve", []string{"--addr", "127.0.0.1:99999"}, "", "--addr « 127.0.0.1:99999 » : donnez une adresse et un port"},
		{"demo", []string{"--addr", ":-1"}, "", "--addr « :-1 » : donnez une adresse et un port"},
		{"demo", nil, "TROUVAILLE_LOG_FORMAT=xml", "TROUVAILLE_LOG_FORMAT=« xml »"},
		{"backup", []string{filepath.Join(dir, "copie")}, "TROUVAILLE_SERVER=localhost:8080", "TROUVAILLE_SERVER=« localhost:8080 »"},
		{"ingest", []string{notes}, "TROUVAILLE_SERVER=localhost:8080", "TROUVAILLE_SERVER=« localhost:8080 »"},
		{"demo", []string{"--bogus"}, "", "option inconnue « --bogus »"},
		{"demo", nil, "TROUVAILLE_BATCH_SIZE=0", "TROUVAILLE_BATCH_SIZE=« 0 »"},
		{"demo", nil, "TROUVAILLE_METRICS_PUBLIC=oui", "TROUVAILLE_METRICS_PUBLIC=« oui »"},
		{"backup", []string{"--bogus", filepath.Join(dir, "copie")}, "", "option inconnue « --bogus »"},
		{"backup", nil, "", "donnez le fichier de sauvegarde"},
		{"restore", []string{"--bogus"}, "", "option inconnue « --bogus »"},
		{"restore", nil, "", "donnez la sauvegarde et un dossier neuf"},
		{"reindex", []string{"--bogus"}, "", "option inconnue « --bogus »"},
		{"reindex", []string{"--synonyms", missing}, "", "--synonyms : le fichier de synonymes"},
		{"reindex", nil, "TROUVAILLE_SYNONYMS=" + missing, "TROUVAILLE_SYNONYMS : le fichier de synonymes"},
		{"export", []string{"--bogus"}, "", "option inconnue « --bogus »"},
		{"export", []string{"a.jsonl", "b.jsonl"}, "", "un seul fichier d’export"},
		{"search", []string{"économie", "--bogus"}, "", "option inconnue « --bogus »"},
		{"search", []string{"-n", "abc", "économie"}, "", "-n « abc » : donnez un nombre entier"},
		{"search", []string{"--published-after", "2024-13-01", "x"}, "", "--published-after : date invalide « 2024-13-01 »"},
		{"search", []string{"x"}, "TROUVAILLE_SYNONYMS=" + missing, "TROUVAILLE_SYNONYMS : le fichier de synonymes"},
	} {
		name := tc.command + " " + strings.Join(tc.args, " ") + " " + tc.env
		t.Run(name, func(t *testing.T) {
			data := filepath.Join(t.TempDir(), "data")
			args := []string{tc.command, "--data", data}
			if tc.command == "restore" {
				args = []string{tc.command, filepath.Join(dir, "copie"), "--data", data}
			}
			args = append(args, tc.args...)
			if (tc.command == "serve" || tc.command == "demo") && !slices.Contains(tc.args, "--addr") {
				args = append(args, "--addr", "127.0.0.1:0")
			}
			if tc.command == "restore" && tc.args == nil {
				args = []string{"restore", "--data", data}
			}
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), "TROUVAILLE_ADMIN_TOKEN=")
			if tc.env != "" {
				cmd.Env = append(cmd.Env, tc.env)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			done := make(chan error, 1)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			go func() { done <- cmd.Wait() }()
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("still running after 30 s (the mistake was not caught):\n%s", stderr.String())
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 2 {
				t.Errorf("exit: %v, want code 2\n%s", err, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, stderr.String())
			}
			if strings.Contains(stderr.String(), "flag provided") || strings.Contains(stderr.String(), "invalid value") || strings.Contains(stderr.String(), "Usage of") {
				t.Errorf("English message from the flag package:\n%s", stderr.String())
			}
			if _, err := os.Stat(data); err == nil {
				t.Errorf("%s created before the mistake was reported", data)
			}
		})
	}
	// A failure that is no usage mistake still exits 1.
	for _, args := range [][]string{
		{"export", "--data", filepath.Join(dir, "nope")},
		{"restore", missing, "--data", filepath.Join(dir, "neuf")},
	} {
		err := exec.Command(bin, args...).Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Errorf("%v: %v, want exit code 1", args, err)
		}
	}
	// -h prints the French help and exits 0, without the admin token.
	cmd := exec.Command(bin, "ingest", "-h")
	cmd.Env = append(os.Environ(), "TROUVAILLE_ADMIN_TOKEN=secret-a-ne-pas-montrer")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Utilisation : trouvaille ingest [options] FICHIER…") || !strings.Contains(string(out), "(par défaut : 1000)") || strings.Contains(string(out), "secret-a-ne-pas-montrer") {
		t.Errorf("ingest -h: %v\n%s", err, out)
	}
}

// The flag package's messages are turned into French ones: should a Go
// release reword them, this test says so.
func TestFlagErrorsInFrench(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "option inconnue « --bogus »"},
		{[]string{"-x"}, "option inconnue « -x »"},
		{[]string{"--size"}, "l’option --size demande une valeur"},
		{[]string{"---size=1"}, "option mal écrite « ---size=1 »"},
		{[]string{"--size", "douze"}, "--size « douze » : donnez un nombre entier, par exemple 12"},
		{[]string{"--wait", "10"}, "--wait « 10 » : donnez une durée avec son unité"},
		{[]string{"--on=oui"}, "--on=« oui » : donnez true ou false"},
		{[]string{"--color", "vert"}, "--color « vert » : rouge ou bleu"},
	} {
		fs := newFlags("essai")
		fs.SetOutput(new(strings.Builder))
		fs.Int("size", 12, "")
		fs.Duration("wait", time.Second, "")
		fs.Bool("on", false, "")
		fs.Func("color", "", func(v string) error {
			if v != "rouge" && v != "bleu" {
				return errors.New("rouge ou bleu")
			}
			return nil
		})
		err := parseFlags(fs, tc.args)
		if err == nil || err.Error() != tc.want && !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
		if !errors.Is(err, errUsage) || exitCode(0, err) != 2 {
			t.Errorf("%v: not a usage error (exit code %d)", tc.args, exitCode(0, err))
		}
	}
	if code := exitCode(0, flag.ErrHelp); code != 0 {
		t.Errorf("-h: exit code %d", code)
	}
	if code := exitCode(0, errors.New("disque plein")); code != 1 {
		t.Errorf("a failure: exit code %d", code)
	}
}

// TestUsageSaysWhichOptionsHaveVariables: the general usage's sentence on
// environment variables holds for every option of every command: the options
// without a TROUVAILLE_* variable are search's own (its filters, -n…), and
// the sentence says so (it said « Chaque option a une variable »).
func TestUsageSaysWhichOptionsHaveVariables(t *testing.T) {
	bin := binary(t)
	for _, command := range []string{"demo", "serve", "ingest", "reindex", "export", "backup", "restore", "search"} {
		out, _ := exec.Command(bin, command, "-h").CombinedOutput()
		lines := strings.Split(string(out), "\n")
		for i, l := range lines {
			name, ok := strings.CutPrefix(strings.TrimSpace(l), "-")
			if !ok || i+1 >= len(lines) {
				continue
			}
			name = strings.TrimPrefix(strings.Fields(name)[0], "-")
			if strings.Contains(lines[i+1], "[TROUVAILLE_") {
				continue
			}
			if command != "search" {
				t.Errorf("%s --%s has no variable, and the usage says only search's own options lack one", command, name)
			}
		}
	}
	if !strings.Contains(usage, "sauf les options propres à search") {
		t.Errorf("the usage does not say that search's own options have no variable:\n%s", usage)
	}
}
