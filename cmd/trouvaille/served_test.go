package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/encommun/trouvaille"
)

// runCLI runs the binary with args in dir (env added) and returns its exit
// code and combined output.
func runCLI(t *testing.T, dir string, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &ee):
		return ee.ExitCode(), string(out)
	}
	t.Fatalf("%v: %v", args, err)
	return 0, ""
}

// runHint runs the command lines of a hint (the indented lines after its
// first line) with sh, the test binary first on PATH, JETON replaced by
// token.
func runHint(t *testing.T, dir, hint, token string) string {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(hint, "\n") {
		if strings.HasPrefix(l, "  ") {
			lines = append(lines, strings.ReplaceAll(strings.TrimSpace(l), "JETON", token))
		}
	}
	if len(lines) == 0 {
		t.Fatalf("no command in the hint:\n%s", hint)
	}
	cmd := exec.Command("sh", "-ec", strings.Join(lines, "\n"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(binary(t))+string(os.PathListSeparator)+os.Getenv("PATH"), "TROUVAILLE_ADMIN_TOKEN=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the hint's commands failed: %v\n%s\n%s", err, strings.Join(lines, "\n"), out)
	}
	return string(out)
}

// Regression (new-user audit, 2026-12): with a server holding the folder,
// only ingest gave the command to use; export and reindex said the folder
// was used by another process. Each now names the server and gives
// commands that work, which this test runs as they are printed.
func TestCommandsBesideAServer(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	seedNotes(t, data, 30)
	p := startServe(t, data)
	pid := strconv.Itoa(p.cmd.Process.Pid)
	url := "http://" + p.addr
	notes := writeFile(t, filepath.Join(dir, "nouvelles notes.jsonl"), crashNote(30, 1)+"\n")
	noToken := []string{"TROUVAILLE_ADMIN_TOKEN="}

	// ingest: the same command through the server.
	code, out := runCLI(t, dir, noToken, "ingest", "--data", data, "--quiet", notes)
	if code != 1 || !strings.Contains(out, "servi par un « trouvaille serve » sur "+url) ||
		!strings.Contains(out, "TROUVAILLE_ADMIN_TOKEN=JETON trouvaille ingest --server "+url+" '"+notes+"'") {
		t.Fatalf("ingest: exit %d\n%s", code, out)
	}
	runHint(t, dir, out, harnessToken)

	// export: a copy taken through the server, restored and exported.
	code, out = runCLI(t, dir, noToken, "export", "--data", data, "export.jsonl")
	for _, want := range []string{
		"servi par un « trouvaille serve » sur " + url + " (processus " + pid + ")",
		"TROUVAILLE_ADMIN_TOKEN=JETON trouvaille backup --data " + data + " export.sauvegarde",
		"trouvaille restore export.sauvegarde --data " + data + "-export",
		"trouvaille export --data " + data + "-export export.jsonl",
		"kill -TERM " + pid,
	} {
		if code != 1 || !strings.Contains(out, want) {
			t.Errorf("export: exit %d, output lacks %q:\n%s", code, want, out)
		}
	}
	runHint(t, dir, out, harnessToken)
	exported, err := os.ReadFile(filepath.Join(dir, "export.jsonl"))
	if err != nil || strings.Count(string(exported), "\n") != 31 {
		t.Errorf("the export made by the hint's commands: %d lines, %v", strings.Count(string(exported), "\n"), err)
	}

	// search: the server's addresses.
	code, out = runCLI(t, dir, noToken, "search", "--data", data, "note essai")
	if code != 1 || !strings.Contains(out, url+"/?q=note+essai") || !strings.Contains(out, "curl '"+url+"/v1/search?q=note+essai'") {
		t.Errorf("search: exit %d\n%s", code, out)
	}

	// reindex: the server rebuilds its index beside the one in service,
	// with its admin token; without one (the server was given its own, not
	// written in the folder), the command says how to give it.
	code, out = runCLI(t, dir, noToken, "reindex", "--data", data)
	if code != 1 || !strings.Contains(out, "servi par un « trouvaille serve » sur "+url) ||
		!strings.Contains(out, "TROUVAILLE_ADMIN_TOKEN=JETON trouvaille reindex --data "+data) {
		t.Fatalf("reindex without a token: exit %d\n%s", code, out)
	}
	got := runHint(t, dir, out, harnessToken)
	if !strings.Contains(got, "index reconstruit par le serveur sur "+url) || !strings.Contains(got, "sans interruption des recherches") {
		t.Errorf("reindex through the server:\n%s", got)
	}
	// The server's own synonyms list: --synonyms is refused, saying how.
	code, out = runCLI(t, dir, []string{"TROUVAILLE_ADMIN_TOKEN=" + harnessToken}, "reindex", "--data", data, "--synonyms", writeFile(t, filepath.Join(dir, "autre.txt"), "potager, jardin\n"))
	if code == 0 || !strings.Contains(out, "sa propre liste de synonymes") || !strings.Contains(out, "kill -HUP "+pid) || !strings.Contains(out, url+"/v1/admin/synonyms/reload") {
		t.Errorf("reindex --synonyms on a served folder: exit %d\n%s", code, out)
	}
	// Through --server, the same.
	code, out = runCLI(t, dir, noToken, "reindex", "--server", url, "--admin-token", harnessToken)
	if code != 0 || !strings.Contains(out, "index reconstruit par le serveur sur "+url) {
		t.Errorf("reindex --server: exit %d\n%s", code, out)
	}
	// A wrong token: refused, nothing started.
	code, out = runCLI(t, dir, nil, "reindex", "--data", data, "--admin-token", "mauvais")
	if code == 0 || !strings.Contains(out, "401") {
		t.Errorf("reindex with a wrong token: exit %d\n%s", code, out)
	}
	// Once the server has stopped, reindex works on the folder.
	runHint(t, dir, "\n  kill -TERM "+pid, "")
	if !p.wait(20 * time.Second) {
		t.Fatal("the server did not stop on the hint's kill -TERM")
	}
	got = runHint(t, dir, "\n  trouvaille reindex --data "+data, "")
	if !strings.Contains(got, "index reconstruit à partir du magasin : 31 notes") {
		t.Errorf("reindex once the server stopped:\n%s", got)
	}
}

// Regression (new-user audit, 2026-12): backup --data, with serve running
// there on the admin token it wrote itself (DATA/admin-token), failed with
// « --server demande le jeton d’administration du serveur », a flag the
// user never typed. It now reads the token where serve wrote it; when the
// server was given its own token, it asks for it without naming --server,
// and says so when the file's token is not the server's.
func TestBackupBesideAServerReadsItsToken(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	seedNotes(t, data, 20)
	noToken := []string{"TROUVAILLE_ADMIN_TOKEN="}
	p := startServeArgs(t, noToken, "--data", data)
	if _, err := os.Stat(filepath.Join(data, adminTokenName)); err != nil {
		t.Fatalf("serve wrote no admin token: %v\n%s", err, p.out.String())
	}
	code, out := runCLI(t, dir, noToken, "backup", "--data", data, "copie.sauvegarde")
	if code != 0 || !strings.Contains(out, "sauvegarde écrite dans copie.sauvegarde") {
		t.Fatalf("backup beside a server with its own token file: exit %d\n%s", code, out)
	}
	if code, out := runCLI(t, dir, nil, "restore", "copie.sauvegarde", "--data", filepath.Join(dir, "restaure")); code != 0 || !strings.Contains(out, "20 notes restaurées") {
		t.Errorf("restore of that backup: exit %d\n%s", code, out)
	}
	// ingest's hint reads the token where serve wrote it, and works.
	one := writeFile(t, filepath.Join(dir, "premiere.jsonl"), crashNote(41, 1)+"\n")
	code, out = runCLI(t, dir, noToken, "ingest", "--data", data, "--quiet", one)
	if code != 1 || !strings.Contains(out, `TROUVAILLE_ADMIN_TOKEN="$(cat `+filepath.Join(data, adminTokenName)+`)" trouvaille ingest --server`) {
		t.Errorf("ingest's hint beside a server with its own token file: exit %d\n%s", code, out)
	}
	if got := runHint(t, dir, out, ""); !strings.Contains(got, "1 ajoutée") {
		t.Errorf("ingest's hint, run as printed:\n%s", got)
	}
	p.kill()

	// A server given its token: asked for, without naming --server.
	p = startServe(t, data) // --admin-token harnessToken; DATA/admin-token is now stale
	code, stale := runCLI(t, dir, noToken, "backup", "--data", data, "autre.sauvegarde")
	if code != 1 || !strings.Contains(stale, "refuse le jeton d’administration lu dans "+filepath.Join(data, adminTokenName)) || !strings.Contains(stale, "TROUVAILLE_ADMIN_TOKEN=JETON") {
		t.Errorf("backup with a stale token file: exit %d\n%s", code, stale)
	}
	// ingest's hint does not offer the stale file (copied, it got a 401),
	// and ingest --server with a wrong token says which to give.
	notes := writeFile(t, filepath.Join(dir, "une.jsonl"), crashNote(40, 1)+"\n")
	code, out = runCLI(t, dir, noToken, "ingest", "--data", data, "--quiet", notes)
	if code != 1 || strings.Contains(out, "$(cat") || !strings.Contains(out, "TROUVAILLE_ADMIN_TOKEN=JETON trouvaille ingest --server") {
		t.Errorf("ingest's hint beside a server with a stale token file: exit %d\n%s", code, out)
	}
	code, out = runCLI(t, dir, []string{"TROUVAILLE_ADMIN_TOKEN=mauvais"}, "ingest", "--server", "http://"+p.addr, "--quiet", notes)
	if code != 1 || !strings.Contains(out, "refuse le jeton d’administration donné") || strings.Contains(out, "envoyez l’en-tête Authorization") {
		t.Errorf("ingest --server with a wrong token: exit %d\n%s", code, out)
	}
	os.Remove(filepath.Join(data, adminTokenName))
	code, none := runCLI(t, dir, noToken, "backup", "--data", data, "autre.sauvegarde")
	if code != 1 || !strings.Contains(none, "demande son jeton d’administration") || !strings.Contains(none, "TROUVAILLE_ADMIN_TOKEN=JETON (ou --admin-token JETON, que ps montre à tous)") {
		t.Errorf("backup without a token: exit %d\n%s", code, none)
	}
	if strings.Contains(stale+none, "--server") {
		t.Errorf("a message names --server, which the user did not type:\n%s\n%s", stale, none)
	}
	if _, err := os.Stat(filepath.Join(dir, "autre.sauvegarde")); err == nil {
		t.Error("a failed backup left its file")
	}
	if code, out := runCLI(t, dir, []string{"TROUVAILLE_ADMIN_TOKEN=" + harnessToken}, "backup", "--data", data, "autre.sauvegarde"); code != 0 {
		t.Errorf("backup with the server's token: exit %d\n%s", code, out)
	}
}

// A restore cut short (killed, a full disk) left a folder that opened as a
// healthy empty one: served with 0 notes, exported as nothing. The folder
// is marked until its store holds the whole backup; every command refuses
// a marked folder, saying what to do, and restore itself names it.
func TestRestoreCutShortIsRefused(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	seedNotes(t, data, 20)
	if code, out := runCLI(t, dir, nil, "backup", "--data", data, "copie.sauvegarde"); code != 0 {
		t.Fatalf("backup: exit %d\n%s", code, out)
	}
	restored := filepath.Join(dir, "restaure")
	if code, out := runCLI(t, dir, nil, "restore", "copie.sauvegarde", "--data", restored); code != 0 || !strings.Contains(out, "20 notes restaurées") {
		t.Fatalf("restore: exit %d\n%s", code, out)
	}
	marker := filepath.Join(restored, trouvaille.RestoreMarker)
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a finished restore left its marker")
	}
	// The same folder as a kill during the load leaves it.
	writeFile(t, marker, "")
	for _, args := range [][]string{
		{"export", "--data", restored},
		{"search", "--data", restored, "note"},
		{"reindex", "--data", restored},
		{"ingest", "--data", restored, "--quiet", writeFile(t, filepath.Join(dir, "n.jsonl"), `{"id":"x1","title":"Une note","visibility":"public"}`+"\n")},
		{"serve", "--data", restored, "--addr", "127.0.0.1:0"},
	} {
		code, out := runCLI(t, dir, nil, args...)
		if code == 0 || !strings.Contains(out, "restauration interrompue") || !strings.Contains(out, "supprimez ce dossier") {
			t.Errorf("%s on a restore cut short: exit %d\n%s", args[0], code, out)
		}
	}
	if code, out := runCLI(t, dir, nil, "restore", "copie.sauvegarde", "--data", restored); code == 0 || !strings.Contains(out, "restauration interrompue : supprimez ce dossier") {
		t.Errorf("restore into a restore cut short: exit %d\n%s", code, out)
	}
	// Deleted as told, the restore goes through.
	os.RemoveAll(restored)
	if code, out := runCLI(t, dir, nil, "restore", "copie.sauvegarde", "--data", restored); code != 0 || !strings.Contains(out, "20 notes restaurées") {
		t.Errorf("restore again: exit %d\n%s", code, out)
	}
	// A marker alone (no store yet: killed as the load began) is told the
	// same by the commands that first look for a store, backup too; they
	// said « aucun magasin : vérifiez --data ».
	bare := filepath.Join(dir, "nue")
	if err := os.Mkdir(bare, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(bare, trouvaille.RestoreMarker), "")
	for _, args := range [][]string{
		{"export", "--data", bare},
		{"search", "--data", bare, "note"},
		{"reindex", "--data", bare},
		{"backup", "--data", bare, filepath.Join(dir, "copie2.sauvegarde")},
	} {
		code, out := runCLI(t, dir, nil, args...)
		if code == 0 || !strings.Contains(out, "restauration interrompue") || strings.Contains(out, "aucun magasin") {
			t.Errorf("%s on a restore cut short before its store: exit %d\n%s", args[0], code, out)
		}
	}
	// A file that is not a backup is refused before the folder is made: a
	// mistyped path left a folder marked as a restore cut short.
	other := filepath.Join(dir, "autre")
	if code, out := runCLI(t, dir, nil, "restore", writeFile(t, filepath.Join(dir, "pas-une-sauvegarde"), "bonjour\n"), "--data", other); code == 0 || !strings.Contains(out, "pas une sauvegarde de Trouvaille") {
		t.Errorf("restore of a file that is no backup: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(other); err == nil {
		t.Errorf("a refused restore left %s behind", other)
	}
}
