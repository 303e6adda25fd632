package main

import (
	"io"
	"log/slog"
	"os"

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
