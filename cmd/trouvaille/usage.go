package main

// Usage errors: an unknown option, an invalid option value, a missing
// argument or an invalid TROUVAILLE_* value exits with code 2 (README,
// « Codes de sortie »); every other failure exits with code 1.

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// errUsage matches (errors.Is) every usage error.
var errUsage = errors.New("utilisation invalide")

// usageError marks err as a usage error, keeping its message and its chain.
type usageError struct{ err error }

func (e usageError) Error() string        { return e.err.Error() }
func (e usageError) Unwrap() error        { return e.err }
func (e usageError) Is(target error) bool { return target == errUsage }

// asUsage marks err as a usage error (nil stays nil).
func asUsage(err error) error {
	if err == nil || errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usageError{err}
}

// usagef is asUsage(fmt.Errorf(format, args...)).
func usagef(format string, args ...any) error { return asUsage(fmt.Errorf(format, args...)) }

// exitCode is the exit code of a command that returned code and err.
func exitCode(code int, err error) int {
	switch {
	case err == nil:
		return code
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case code == 0:
		return 1
	}
	return code
}

func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.Usage = func() { printFlags(fs.Output(), fs) }
	return fs
}

// commandArgs are the arguments each command takes after its options, as
// its help shows them (-h said « [options] » alone).
var commandArgs = map[string]string{
	"ingest":  " FICHIER…",
	"search":  ` "mots cherchés"`,
	"export":  " [FICHIER]",
	"backup":  " FICHIER",
	"restore": " FICHIER --data NOUVEAU_DOSSIER",
}

// printFlags writes the help of a command (-h) in French: flag's own help
// is English ("Usage of", "(default …)") and shows every default, the
// admin token taken from the environment included.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Utilisation : trouvaille %s [options]%s\n\nOptions :\n", fs.Name(), commandArgs[fs.Name()])
	fs.VisitAll(func(f *flag.Flag) {
		kind, text := flag.UnquoteUsage(f)
		if r, ok := f.Value.(ruledValue); ok {
			kind = r.kind()
		}
		line := "  " + dashed(f.Name)
		switch kind {
		case "":
		case "int", "int64", "uint", "uint64":
			line += " N"
		case "duration":
			line += " DURÉE"
		default:
			line += " VALEUR"
		}
		fmt.Fprintf(w, "%s\n    \t%s", line, strings.ReplaceAll(text, "\n", "\n    \t"))
		if def := f.DefValue; def != "" && def != "false" && f.Name != "admin-token" {
			fmt.Fprintf(w, " (par défaut : %s)", def)
		}
		fmt.Fprintln(w)
	})
}

// parseFlags parses args with fs. Its errors are usage errors, in French;
// -h prints the command's help and returns flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var out bytes.Buffer
	w := fs.Output()
	fs.SetOutput(&out)
	err := fs.Parse(args)
	fs.SetOutput(w)
	if err == nil {
		return boolWithSpace(fs, args)
	}
	if errors.Is(err, flag.ErrHelp) {
		w.Write(out.Bytes())
		return err
	}
	return asUsage(flagError(fs, err))
}

// The errors of flag.FlagSet.Parse (TestFlagErrorsInFrench fails should a
// Go release reword them).
var (
	reUndefined = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	reNeedsArg  = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	reBadSyntax = regexp.MustCompile(`^bad flag syntax: (.*)$`)
	reBadBool   = regexp.MustCompile(`(?s)^invalid boolean value "(.*)" for -+(\S+): `)
	reBadValue  = regexp.MustCompile(`(?s)^invalid value "(.*)" for flag -+(\S+): (.*)$`)
)

// flagError turns an error of fs.Parse into a French message that names
// the option and says what to give.
func flagError(fs *flag.FlagSet, err error) error {
	help := fmt.Sprintf("voyez « trouvaille %s -h »", fs.Name())
	msg := err.Error()
	if m := reUndefined.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("option inconnue « %s » : %s pour les options de cette commande", dashed(m[1]), help)
	}
	if m := reNeedsArg.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("l’option %s demande une valeur (%s VALEUR)", dashed(m[1]), dashed(m[1]))
	}
	if m := reBadSyntax.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("option mal écrite « %s » : écrivez --nom ou --nom=valeur (%s)", m[1], help)
	}
	if m := reBadBool.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s=« %s » : %s", dashed(m[2]), m[1], boolAdvice)
	}
	if m := reBadValue.FindStringSubmatch(msg); m != nil {
		value, name, why := m[1], m[2], m[3]
		if f := fs.Lookup(name); f != nil {
			if _, ruled := f.Value.(ruledValue); ruled {
				// why is already the advice of the option's rule.
			} else if g, ok := f.Value.(flag.Getter); ok {
				switch g.Get().(type) {
				case int, int64, uint, uint64:
					why = "donnez un nombre entier, par exemple " + exampleInt(f)
				case time.Duration:
					why = "donnez une durée avec son unité, par exemple 10s, 1m30s ou 500ms"
				}
			}
		}
		return fmt.Errorf("%s « %s » : %s", dashed(name), value, why)
	}
	return err
}

// boolWithSpace refuses « --anonymous false »: flag reads a boolean option
// without « = » as true and leaves « false » as an argument, the opposite
// of TROUVAILLE_ANONYMOUS=false. The words flag would not take after « = »
// either (« --no-analytics yes », « --anonymous non ») get the same hint,
// with the value to write.
func boolWithSpace(fs *flag.FlagSet, args []string) error {
	rest := fs.Args()
	i := len(args) - len(rest) - 1 // the argument before the first one left
	if len(rest) == 0 || i < 0 {
		return nil
	}
	value := rest[0]
	if _, err := strconv.ParseBool(value); err != nil {
		b, ok := boolWords[strings.ToLower(value)]
		if !ok {
			return nil
		}
		value = b
	}
	name := strings.TrimLeft(args[i], "-")
	if name == "" || strings.Contains(name, "=") || !strings.HasPrefix(args[i], "-") {
		return nil
	}
	f := fs.Lookup(name)
	if f == nil {
		return nil
	}
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
		return nil
	}
	return usagef("%s %s : une option booléenne prend sa valeur après « = » : écrivez %s=%s", dashed(name), rest[0], dashed(name), value)
}

// noArgs refuses the arguments left after the options of a command that
// takes none (serve, demo, reindex): « serve --anonymous non » must not
// start a server with anonymous access on.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usagef("argument inattendu « %s » : trouvaille %s ne prend que des options (voyez « trouvaille %s -h »)", fs.Arg(0), fs.Name(), fs.Name())
	}
	return nil
}

// dashed is a flag's name as the help writes it: -n, --data.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// exampleInt is the default of an integer flag, or 1000.
func exampleInt(f *flag.Flag) string {
	if f.DefValue != "" && f.DefValue != "0" {
		return f.DefValue
	}
	return "1000"
}
