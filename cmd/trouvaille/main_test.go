package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const notesFile = `{"id":"n1","title":"L’économie sociale à Rimouski","body":"Les participant·es en parlent.","visibility":"public","organisations":["TIESS"]}
{"id":"n2","title":"Sécurité alimentaire","visibility":"public"}
{"id":"bad id","title":"x","visibility":"public"}
{"id":"n3","titre":"faute de frappe","visibility":"public"}
`

func TestIngestCommand(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.jsonl")
	if err := os.WriteFile(file, []byte(notesFile), 0o644); err != nil {
		t.Fatal(err)
	}
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
		"2 ajoutées, 0 mises à jour, 0 inchangées, 0 supprimées, 2 rejetées",
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
	if !strings.Contains(out.String(), "0 ajoutées, 0 mises à jour, 2 inchangées") {
		t.Errorf("second ingest output:\n%s", out.String())
	}
	// The terminal search finds the note through the API's code path.
	out.Reset()
	if err := runSearch([]string{"--data", data, "economie", "--organisation", "TIESS"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "1 note trouvée") || !strings.Contains(out.String(), "n1") {
		t.Errorf("search output:\n%s", out.String())
	}
	// A bad filter value is a clear error, not a crash.
	// A bad sort names the option as typed and lists the values taken.
	if err := runSearch([]string{"--data", data, "x", "--sort", "couleur"}, &out); err == nil || !strings.Contains(err.Error(), "--sort « couleur » : tri inconnu : utilisez relevance, -published_at, published_at ou title") || exitCode(0, err) != 2 {
		t.Errorf("bad sort: %v", err)
	}
}
