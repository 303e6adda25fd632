package oplog

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"syscall"
)

// FileError words an error of the file system the way an operator acts on
// it: « what : why; what to do », in French, naming path, the file or
// folder the operator gave (not a temporary file beside it). Errors it does
// not know keep Go's words, after what. A full or read-only disk, a folder
// missing or refused are what an operator meets: Go said them in English
// (« read-only file system », « no space left on device »), naming a
// hidden temporary file.
func FileError(what, path string, err error) error {
	if err == nil {
		return nil
	}
	dir := filepath.Dir(path)
	var why string
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		why = fmt.Sprintf("disque plein là où %s s’écrit : libérez de la place ou choisissez un autre disque", path)
	case errors.Is(err, syscall.EROFS):
		why = fmt.Sprintf("le disque de %s est en lecture seule (un service systemd avec ProtectSystem=strict n’écrit que dans ses ReadWritePaths) : choisissez un chemin où le service peut écrire, ou ajoutez-le à ReadWritePaths", path)
	case errors.Is(err, syscall.ENOTDIR):
		why = fmt.Sprintf("une partie du chemin %s est un fichier, pas un dossier : vérifiez le chemin", path)
	case errors.Is(err, fs.ErrNotExist):
		why = fmt.Sprintf("le dossier %s n’existe pas : créez-le ou choisissez un autre chemin", dir)
	case errors.Is(err, fs.ErrPermission):
		why = fmt.Sprintf("accès refusé à %s (permissions) : donnez les droits d’écriture à l’utilisateur·trice qui lance Trouvaille, ou choisissez un autre chemin", path)
	default:
		return fmt.Errorf("%s : %w", what, err)
	}
	return &fileError{msg: what + " : " + why, err: err}
}

type fileError struct {
	msg string
	err error
}

func (e *fileError) Error() string { return e.msg }
func (e *fileError) Unwrap() error { return e.err }

// IsFileProblem reports whether err is one FileError words: a full or
// read-only disk, a path through a file, a folder missing or refused.
func IsFileProblem(err error) bool {
	for _, e := range []error{syscall.ENOSPC, syscall.EDQUOT, syscall.EROFS, syscall.ENOTDIR, fs.ErrNotExist, fs.ErrPermission} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
