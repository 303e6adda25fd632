package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// serve's admin key: created once with mode 0600, read back the same, and
// refused when others can read it.
func TestAdminTokenFile(t *testing.T) {
	dir := t.TempDir()
	// Reading (backup, beside a server) never creates the file.
	if tok, path, err := readAdminToken(dir); tok != "" || err != nil {
		t.Fatalf("read before serve wrote it: %q %v", tok, err)
	} else if _, err := os.Stat(path); err == nil {
		t.Fatalf("readAdminToken created %s", path)
	}
	tok, path, created, err := adminTokenFile(dir)
	if err != nil || !created || !strings.HasPrefix(tok, "adm_") || len(tok) < 40 {
		t.Fatalf("first call: %q %v %v", tok, created, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 || path != filepath.Join(dir, "admin-token") {
		t.Fatalf("file %s: %v %v", path, fi.Mode(), err)
	}
	again, _, created, err := adminTokenFile(dir)
	if err != nil || created || again != tok {
		t.Fatalf("second call: %q %v %v, want %q", again, created, err, tok)
	}
	if read, _, err := readAdminToken(dir); err != nil || read != tok {
		t.Fatalf("read: %q %v, want %q", read, err, tok)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := adminTokenFile(dir); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable key accepted: %v", err)
	}
}
