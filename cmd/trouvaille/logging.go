package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"strings"

	trouvaille "github.com/encommun/trouvaille"
	"golang.org/x/term"
)

// newLogger returns the server's logger: JSON lines (one object per event,
// for journald and log collectors), or text when w is a terminal.
// format, from TROUVAILLE_LOG_FORMAT (checked by Config.register), "json"
// or "text", overrides the choice.
func newLogger(w io.Writer, format string) *slog.Logger {
	text := false
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		text = true
	}
	switch format {
	case "json":
		text = false
	case "text":
		text = true
	}
	if text {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// slogf returns a printf-like function that logs at level through slog's
// default logger (newLogger's, once serve or demo has set it).
func slogf(level slog.Level) func(format string, args ...any) {
	return func(format string, args ...any) {
		slog.Default().Log(context.Background(), level, fmt.Sprintf(format, args...))
	}
}

// routineMessages begin the engine's messages that the operator commands
// (ingest, search, reindex, export) do not print: they only say that all
// went as usual. A server logs them (serve, demo).
var routineMessages = []string{
	"vue de découverte lue",
	"magasin : journal de mémoire vide",
}

// commandOptions are the engine's log functions for the operator commands
// (ingest, search, reindex, export): every message on stderr, a problem
// marked by its level (« attention : », « erreur : ») so that it stands out
// of the progress lines, a routine message dropped.
func commandOptions(o trouvaille.OpenOptions) trouvaille.OpenOptions {
	o.Logf = commandLogf
	o.Warnf = func(format string, args ...any) { log.Print("attention : " + fmt.Sprintf(format, args...)) }
	o.Errorf = func(format string, args ...any) { log.Print("erreur : " + fmt.Sprintf(format, args...)) }
	return o
}

// commandLogf is the engine's Logf for the operator commands: a message
// the operator may need (an index rebuilt or caught up) is printed on
// stderr; a routine one is dropped.
func commandLogf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	for _, p := range routineMessages {
		if strings.HasPrefix(msg, p) {
			return
		}
	}
	log.Print(msg)
}
