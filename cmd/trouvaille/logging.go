package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"runtime"
	"strings"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/oplog"
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
		// The French spaces (no-break before a unit, narrow in numbers)
		// print as spaces: the text format quoted them « 5\u00a0ms ».
		plain := strings.NewReplacer("\u00a0", " ", "\u202f", " ")
		opts := &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Value.Kind() == slog.KindString {
				if s := a.Value.String(); strings.ContainsAny(s, "\u00a0\u202f") {
					a.Value = slog.StringValue(plain.Replace(s))
				}
			}
			return a
		}}
		return slog.New(libraryLines{slog.NewTextHandler(w, opts)})
	}
	return slog.New(libraryLines{slog.NewJSONHandler(w, nil)})
}

// setServerLogger makes logger slog's default, through which the log
// package's lines go too: the engine's own and those its libraries print
// with log.Printf (Bleve's « unable to load snapshot, …, continuing »).
// Each such line carries its caller (log.Lshortfile at the time of
// SetDefault), so that libraryLines can tell a library's from ours.
func setServerLogger(logger *slog.Logger) {
	log.SetFlags(log.Lshortfile)
	slog.SetDefault(logger)
}

// modulePath is this program's module: a log line from code outside it
// comes from a library.
const modulePath = "github.com/encommun/trouvaille"

// libraryLines marks the log lines of the libraries (Bleve's and net/http's
// through the log package, English, printed only when something went
// wrong): a French lead naming the library, at WARN at least, where an
// operator's alert looks. Before, Bleve's went out at INFO among the
// routine lines, in English and unexplained.
type libraryLines struct{ slog.Handler }

func (h libraryLines) Handle(ctx context.Context, r slog.Record) error {
	if lib := libraryOf(r.PC); lib != "" {
		m := slog.NewRecord(r.Time, max(r.Level, slog.LevelWarn), "message de "+lib+" (en anglais) : "+r.Message, r.PC)
		r.Attrs(func(a slog.Attr) bool { m.AddAttrs(a); return true })
		m.AddAttrs(slog.String("bibliotheque", lib))
		r = m
	}
	return h.Handler.Handle(ctx, r)
}

func (h libraryLines) WithAttrs(attrs []slog.Attr) slog.Handler {
	return libraryLines{h.Handler.WithAttrs(attrs)}
}

func (h libraryLines) WithGroup(name string) slog.Handler {
	return libraryLines{h.Handler.WithGroup(name)}
}

// libraryOf names the library of the function at pc ("" for this
// program's code, or no pc): Bleve, Badger, Gin, or the Go package's path
// (net/http).
func libraryOf(pc uintptr) string {
	if pc == 0 {
		return ""
	}
	fn, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	name := fn.Function
	if name == "" || strings.HasPrefix(name, modulePath+"/") || strings.HasPrefix(name, modulePath+".") || strings.HasPrefix(name, "main.") {
		return ""
	}
	for _, l := range []struct{ prefix, name string }{
		{"github.com/blevesearch/", "Bleve"},
		{"github.com/dgraph-io/badger", "Badger"},
		{"github.com/gin-gonic/", "Gin"},
	} {
		if strings.HasPrefix(name, l.prefix) {
			return l.name
		}
	}
	// The package path: up to the last slash, then to the first dot.
	pkg := name
	slash := strings.LastIndexByte(pkg, '/')
	if dot := strings.IndexByte(pkg[slash+1:], '.'); dot >= 0 {
		pkg = pkg[:slash+1+dot]
	}
	return pkg
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
	o.Logf, o.Warnf, o.Errorf = commandLog.Info, commandLog.Warn, commandLog.Error
	return o
}

// commandLog is commandOptions' log functions, for a store opened alone.
var commandLog = oplog.Logger{
	Info:  commandLogf,
	Warn:  func(format string, args ...any) { log.Print("attention : " + fmt.Sprintf(format, args...)) },
	Error: func(format string, args ...any) { log.Print("erreur : " + fmt.Sprintf(format, args...)) },
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
