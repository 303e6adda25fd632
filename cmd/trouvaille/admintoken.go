package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// adminTokenName is the file, in the data folder, holding the admin key that
// serve generates when none is given.
const adminTokenName = "admin-token"

// readAdminToken returns the admin key that serve keeps in the data folder
// (DATA/admin-token), "" when there is none; path names the file. A file
// readable by others is refused: the key would not be secret.
func readAdminToken(dir string) (token, path string, err error) {
	path = filepath.Join(dir, adminTokenName)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", path, nil
	}
	if err != nil {
		return "", path, fmt.Errorf("lire le jeton d’administration %s : %w", path, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", path, fmt.Errorf("lire le jeton d’administration %s : %w", path, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return "", path, fmt.Errorf("le jeton d’administration %s est lisible par d’autres (permissions %o) : faites chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", path, fmt.Errorf("le jeton d’administration %s est vide : supprimez le fichier pour en créer un nouveau", path)
	}
	return tok, path, nil
}

// tokenFileRefused is the error of a server refusing the admin key read in
// the data folder (path): it was given its own.
func tokenFileRefused(server, path string) error {
	return fmt.Errorf("le serveur sur %s refuse le jeton d’administration lu dans %s : il a reçu le sien par --admin-token ou TROUVAILLE_ADMIN_TOKEN; donnez-le par TROUVAILLE_ADMIN_TOKEN=JETON (ou --admin-token JETON, que ps montre à tous)", server, path)
}

// adminTokenFile returns the admin key kept in the data folder, creating it
// (32 random bytes, mode 0600) on first use; created says so, path names the
// file.
func adminTokenFile(dir string) (token, path string, created bool, err error) {
	token, path, err = readAdminToken(dir)
	if err != nil || token != "" {
		return token, path, false, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", path, false, fmt.Errorf("tirer un jeton d’administration : %w", err)
	}
	tok := "adm_" + base64.RawURLEncoding.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", path, false, fmt.Errorf("écrire le jeton d’administration %s : %w", path, err)
	}
	if _, err := f.WriteString(tok + "\n"); err != nil {
		f.Close()
		return "", path, false, fmt.Errorf("écrire le jeton d’administration %s : %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", path, false, fmt.Errorf("écrire le jeton d’administration %s : %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", path, false, fmt.Errorf("écrire le jeton d’administration %s : %w", path, err)
	}
	return tok, path, true, nil
}
