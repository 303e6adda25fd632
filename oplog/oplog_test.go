package oplog

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"
)

// A level without its function falls back to the one below: errors to
// warnings, warnings to information; the zero Logger discards everything.
func TestFallback(t *testing.T) {
	var got []string
	at := func(level string) func(string, ...any) {
		return func(f string, a ...any) { got = append(got, level+" "+fmt.Sprintf(f, a...)) }
	}
	report := func(l Logger) {
		l.Infof("i%d", 1)
		l.Warnf("w%d", 2)
		l.Errorf("e%d", 3)
	}
	for _, c := range []struct {
		l    Logger
		want string
	}{
		{Logger{Info: at("I"), Warn: at("W"), Error: at("E")}, "[I i1 W w2 E e3]"},
		{Logger{Info: at("I"), Warn: at("W")}, "[I i1 W w2 W e3]"},
		{To(at("I")), "[I i1 I w2 I e3]"},
		{Logger{Error: at("E")}, "[E e3]"},
		{Logger{}, "[]"},
	} {
		got = nil
		report(c.l)
		if s := fmt.Sprint(got); s != c.want {
			t.Errorf("%s, want %s", s, c.want)
		}
	}
	if !(Logger{}).IsZero() || !To(nil).IsZero() || To(at("I")).IsZero() {
		t.Error("IsZero")
	}
}

func TestFileError(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{&fs.PathError{Op: "open", Path: "/srv/.x.bak.123", Err: syscall.ENOSPC}, "écrire la sauvegarde /srv/x.bak : disque plein là où /srv/x.bak s’écrit"},
		{&fs.PathError{Op: "open", Path: "/srv/.x.bak.123", Err: syscall.EROFS}, "écrire la sauvegarde /srv/x.bak : le disque de /srv/x.bak est en lecture seule"},
		{&fs.PathError{Op: "mkdir", Path: "/srv/x.bak", Err: syscall.ENOTDIR}, "une partie du chemin /srv/x.bak est un fichier"},
		{&fs.PathError{Op: "open", Path: "/srv/.x.bak.123", Err: syscall.ENOENT}, "le dossier /srv n’existe pas"},
		{&fs.PathError{Op: "open", Path: "/srv/.x.bak.123", Err: syscall.EACCES}, "accès refusé à /srv/x.bak (permissions)"},
		{errors.New("autre chose"), "écrire la sauvegarde /srv/x.bak : autre chose"},
	} {
		err := FileError("écrire la sauvegarde /srv/x.bak", "/srv/x.bak", c.err)
		if !strings.HasPrefix(err.Error(), c.want) && !strings.Contains(err.Error(), c.want) {
			t.Errorf("FileError(%v) = %q, want %q", c.err, err, c.want)
		}
		if strings.Contains(err.Error(), ".x.bak.123") {
			t.Errorf("FileError(%v) names the temporary file: %q", c.err, err)
		}
		if !errors.Is(err, c.err) && !errors.Is(err, errors.Unwrap(c.err)) {
			t.Errorf("FileError(%v) lost the error", c.err)
		}
	}
	if FileError("x", "y", nil) != nil {
		t.Error("FileError(nil) is not nil")
	}
}
