package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const notesFile = `{"id":"n1","title":"L’économie sociale à Rimouski","body":"Les participant·es en parlent.","visibility":"public","organisations":["TIESS"]}
{"id":"n2","title":"Sécurité alimentaire","visibility":"public"}
{"id":"bad id","title":"x","visibility":"public"}
{"id":"n3","titre":"faute de frappe","visibility":"public"}
`

func TestIngestCommand(t *testing.T) {
	dir, file := writeNotesFile(t)
	data := filepath.Join(dir, "data")
	var out, errb bytes.Buffer
	code, err := runIngest([]string{"--data", data, "--quiet", file}, &out, &errb)
	if err != nil {
		t.Fatal(err)
	}
	if code != 1 {
		t.Errorf("exit code %d with rejected records, want 1", code)
	}
	got := out.String()
	for _, want := range []string{
		"2 ajoutées, 0 mise à jour, 0 inchangée, 0 supprimée, 2 rejetées",
		"rejet " + file + ":3: id: ",
		"rejet " + file + ":4: titre: ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if !strings.Contains(errb.String(), "--allow-rejects") {
		t.Errorf("stderr should say what to do: %s", errb.String())
	}
	// Again, allowing rejects: nothing changes, exit 0.
	out.Reset()
	code, err = runIngest([]string{"--data", data, "--quiet", "--allow-rejects", file}, &out, &errb)
	if err != nil || code != 0 {
		t.Fatalf("second ingest: code %d, err %v", code, err)
	}
	if !strings.Contains(out.String(), "0 ajoutée, 0 mise à jour, 2 inchangées") {
		t.Errorf("second ingest output:\n%s", out.String())
	}
	// The terminal search finds the note through the API's code path.
	out.Reset()
	if err := runSearch([]string{"--data", data, "economie", "--organisation", "TIESS"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "1 résultat trouvé") || !strings.Contains(out.String(), "n1") {
		t.Errorf("search output:\n%s", out.String())
	}
	// A bad filter value is a clear error, not a crash.
	// A bad sort names the option as typed and lists the values taken.
	if err := runSearch([]string{"--data", data, "x", "--sort", "couleur"}, &out); err == nil || !strings.Contains(err.Error(), "--sort « couleur » : tri inconnu : utilisez relevance, -published_at, published_at ou title") || exitCode(0, err) != 2 {
		t.Errorf("bad sort: %v", err)
	}
}

// TestSearchOutputIsFrench: the terminal search speaks Québec French like the
// rest of the CLI: French facet names (not the API's field names), a
// decimal comma, and « 0 résultat trouvé » (French counts 0 in the singular).
func TestSearchOutputIsFrench(t *testing.T) {
	dir, file := writeNotesFile(t)
	data := filepath.Join(dir, "data")
	var out, errb bytes.Buffer
	if _, err := runIngest([]string{"--data", data, "--quiet", "--allow-rejects", file}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := runSearch([]string{"--data", data, "economie"}, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	first, _, _ := strings.Cut(got, "\n")
	if !regexp.MustCompile(`^1 résultat trouvé \(\d+,\d\x{00a0}ms\)$`).MatchString(first) {
		t.Errorf("first line %q, want « 1 résultat trouvé (N,N ms) »", first)
	}
	for _, want := range []string{"\nOrganisations : TIESS (1)", "\nType : note (1)"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	out.Reset()
	if err := runSearch([]string{"--data", data, "zzzzzz"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "0 résultat trouvé (") {
		t.Errorf("no result: %q, want « 0 résultat trouvé (… »", out.String())
	}
}

// TestBackupFileErrorsAreFrench: a backup file that is not there, or a
// folder that does not exist for a new one, is said in French, like ingest's
// missing files, not with Go's « open …: no such file or directory ».
func TestBackupFileErrorsAreFrench(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "absente.sauvegarde")
	err := runRestore([]string{missing, "--data", filepath.Join(dir, "neuf")}, io.Discard)
	if err == nil || err.Error() != missing+" n’existe pas; vérifiez le chemin de la sauvegarde" {
		t.Errorf("restore of a missing file: %v", err)
	}
	noDir := filepath.Join(dir, "pas-de-dossier", "copie.sauvegarde")
	err = runBackup([]string{"--data", filepath.Join(dir, "data"), noDir}, io.Discard)
	if err == nil || err.Error() != "écrire la sauvegarde "+noDir+" : le dossier "+filepath.Dir(noDir)+" n’existe pas; créez-le ou choisissez un autre chemin" {
		t.Errorf("backup into a missing folder: %v", err)
	}
}

// TestReindexCountsNotes: reindex says how many notes the index holds again,
// not how many changes it read: a deleted note is not one of them (it said
// « 2 notes » for one note and one deletion).
func TestReindexCountsNotes(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, filepath.Join(dir, "notes.jsonl"), `{"id":"r1","title":"Un","visibility":"public"}
{"id":"r2","title":"Deux","visibility":"public"}
{"id":"r2","deleted":true}
`)
	data := filepath.Join(dir, "data")
	if code, out := runCLI(t, dir, nil, "ingest", "--data", data, "--quiet", file); code != 0 {
		t.Fatalf("ingest: exit %d\n%s", code, out)
	}
	code, out := runCLI(t, dir, nil, "reindex", "--data", data)
	if code != 0 || !strings.Contains(out, "index reconstruit à partir du magasin : 1 note en ") {
		t.Errorf("reindex: exit %d, want « 1 note en … »:\n%s", code, out)
	}
}

// TestIngestServerRefusesLocalOptions: through a running server, the
// options of a local load (--synonyms, --batch-size) would be lost without
// a word; they are refused before anything is sent, naming what to do.
func TestIngestServerRefusesLocalOptions(t *testing.T) {
	_, file := writeNotesFile(t)
	for _, extra := range [][]string{{"--synonyms", file}, {"--batch-size", "10"}, {"--synonyms", file, "--batch-size", "10"}} {
		var out, errb bytes.Buffer
		args := append([]string{"--server", "http://127.0.0.1:1", "--admin-token", "x"}, extra...)
		code, err := runIngest(append(args, file), &out, &errb)
		if code != 2 || err == nil || !strings.Contains(err.Error(), "ne vaut que pour une ingestion locale") || !strings.Contains(err.Error(), extra[0]) {
			t.Errorf("%v: code %d, %v", extra, code, err)
		}
	}
	// Without them, the command goes on to the server (none here).
	var out, errb bytes.Buffer
	code, err := runIngest([]string{"--server", "http://127.0.0.1:1", "--admin-token", "x", file}, &out, &errb)
	if code == 2 && err != nil && strings.Contains(err.Error(), "ingestion locale") {
		t.Errorf("refused without local options: %v", err)
	}
	// No server there: the error says so in French first (Go's network
	// error, in English, follows as the detail).
	if err == nil || !strings.HasPrefix(err.Error(), "impossible de joindre le serveur http://127.0.0.1:1 : vérifiez qu’un « trouvaille serve » y tourne") {
		t.Errorf("no server at the address: %v", err)
	}
}

// writeNotesFile writes notesFile into a new temporary folder and returns
// the folder and the file.
func writeNotesFile(t *testing.T) (dir, file string) {
	t.Helper()
	dir = t.TempDir()
	file = filepath.Join(dir, "notes.jsonl")
	if err := os.WriteFile(file, []byte(notesFile), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, file
}

// TestBackupPathIsAFolder: a folder given as the backup file is said in
// French before any copy is made (backup failed after the whole copy with
// Go's « rename …: file exists »), and restore names the folder instead of
// calling it a file that is not a backup.
func TestBackupPathIsAFolder(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "sauvegardes")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	err := runBackup([]string{"--data", filepath.Join(dir, "data"), folder}, io.Discard)
	want := "écrire la sauvegarde " + folder + " : c’est un dossier; donnez un nom de fichier (par exemple " + filepath.Join(folder, "trouvaille.sauvegarde") + ")"
	if err == nil || err.Error() != want {
		t.Errorf("backup into a folder: %v, want %q", err, want)
	}
	if ents, _ := os.ReadDir(folder); len(ents) != 0 {
		t.Errorf("backup into a folder left %d files in it", len(ents))
	}
	err = runRestore([]string{folder, "--data", filepath.Join(dir, "neuf")}, io.Discard)
	want = folder + " est un dossier; donnez le fichier de sauvegarde qu’a écrit « trouvaille backup »"
	if err == nil || err.Error() != want {
		t.Errorf("restore of a folder: %v, want %q", err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "neuf")); err == nil {
		t.Errorf("restore of a folder created the data folder")
	}
}

// TestMisspelledDataFolder: backup and reindex read a data folder; a
// misspelled --data is said (as search and export say it) instead of
// creating the folder empty and answering success: backup wrote the copy
// of an empty store (exit 0, a nightly backup keeping nothing), reindex
// « rebuilt » 0 notes.
func TestMisspelledDataFolder(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "trouvaille-dat")
	copyFile := filepath.Join(dir, "copie.sauvegarde")
	code, out := runCLI(t, dir, nil, "backup", "--data", missing, copyFile)
	if code != 1 || !strings.Contains(out, "aucun magasin dans "+missing+" : vérifiez --data") {
		t.Errorf("backup of a missing folder: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(copyFile); err == nil {
		t.Errorf("backup of a missing folder wrote %s", copyFile)
	}
	code, out = runCLI(t, dir, nil, "reindex", "--data", missing)
	if code != 1 || !strings.Contains(out, "aucun magasin dans "+missing+" : vérifiez --data") {
		t.Errorf("reindex of a missing folder: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("the missing data folder was created")
	}
}
