package main

// The values of the options that have a TROUVAILLE_* variable: the flag and
// the variable go through the same Set, so they take the same values and
// give the same advice (TestFlagAndVariableAgree).

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
)

// The advice given after an invalid boolean, for the flag and the variable alike.
const boolAdvice = "donnez true ou false (ou 1 ou 0)"

// boolWords are the words an operator may type for a boolean that
// strconv.ParseBool does not take, with the value they mean: refused, but
// recognised after a boolean option written without « = » (boolWithSpace).
var boolWords = map[string]string{
	"yes": "true", "oui": "true", "vrai": "true", "on": "true",
	"no": "false", "non": "false", "faux": "false", "off": "false",
}

// ruledValue is a flag.Value whose Set checks the value and, when it is
// invalid, returns the advice (French) as its error.
type ruledValue interface {
	flag.Value
	// kind is how the help names the value: "int", "duration" or "string".
	kind() string
}

// ruledVar adds v to fs as flagName; a non-empty TROUVAILLE_<name> is its
// default, given to v.Set like a flag's value. An invalid one is kept for
// validate.
func ruledVar(c *Config, fs *flag.FlagSet, v ruledValue, flagName, name, usage string) {
	if s, ok := os.LookupEnv("TROUVAILLE_" + name); ok && s != "" {
		if err := v.Set(s); err != nil {
			c.envErrs = append(c.envErrs, envError(name, s, err.Error()))
		}
	}
	fs.Var(v, flagName, usage)
}

// intRule is what an integer option takes.
type intRule struct {
	bits int              // the integer's size: strconv.IntSize, or 64
	ok   func(int64) bool // the values taken
	want string           // the advice
}

func atLeastOne(n int64) bool { return n >= 1 }

// The integer options' rules. 0 is refused everywhere: the server would
// read it as its default (64 requests, 64 MiB, 600 per minute), not as
// « none » or « no limit ».
var (
	batchRule = intRule{strconv.IntSize, atLeastOne, "donnez un nombre entier positif, par exemple 1000"}
	// -1 is « no limit »; another negative is a typo, not a wish.
	rateRule     = intRule{strconv.IntSize, func(n int64) bool { return n >= 1 || n == -1 }, "donnez un nombre entier positif (requêtes par minute), par exemple 600, ou -1 pour aucune limite"}
	inFlightRule = intRule{strconv.IntSize, atLeastOne, "donnez un nombre entier positif, par exemple 64"}
	// A negative reserve would turn the disk check off (store.Options): a
	// write on a full disk could then crash the server; 0 would be 64 MiB.
	minFreeRule = intRule{64, atLeastOne, "donnez un nombre entier positif d’octets, par exemple 67108864 (64 Mio)"}
)

// parse reads s in base 10 (flag's own integers would also take 0x10, 010
// as octal and 1_000) and checks it against the rule.
func (r intRule) parse(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, r.bits)
	if err != nil || !r.ok(n) {
		return 0, errors.New(r.want)
	}
	return n, nil
}

// intFlag is an integer option following its rule.
type intFlag[T int | int64] struct {
	p    *T
	rule intRule
}

func (f intFlag[T]) String() string {
	if f.p == nil {
		return ""
	}
	return strconv.FormatInt(int64(*f.p), 10)
}

func (f intFlag[T]) Set(s string) error {
	n, err := f.rule.parse(s)
	if err == nil {
		*f.p = T(n)
	}
	return err
}

func (f intFlag[T]) Get() any   { return *f.p }
func (intFlag[T]) kind() string { return "int" }

// durationFlag is a duration with its unit, of at least least.
type durationFlag struct {
	p     *time.Duration
	least time.Duration
}

// minSearchTimeout is the least --search-timeout: it bounds every search,
// suggestion and discovery request, and the slowest valid searches of a
// million notes take over 100 ms (docs/performance.md), more on a loaded
// server; below it, searches would fail with 503 timeout instead of the
// timeout only stopping the runaway ones.
const minSearchTimeout = 100 * time.Millisecond

// durationAdvice is the advice after a duration under least, or without
// its unit.
func durationAdvice(least time.Duration) string {
	return fmt.Sprintf("donnez une durée d’au moins %s avec son unité, par exemple 10s, 1m30s ou 500ms", least)
}

func parseDuration(s string, least time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d < least || d <= 0 {
		return 0, errors.New(durationAdvice(least))
	}
	return d, nil
}

func (f durationFlag) String() string {
	if f.p == nil {
		return ""
	}
	return f.p.String()
}

func (f durationFlag) Set(s string) error {
	d, err := parseDuration(s, f.least)
	if err == nil {
		*f.p = d
	}
	return err
}

func (f durationFlag) Get() any   { return *f.p }
func (durationFlag) kind() string { return "duration" }

// nonEmptyFlag is a string option that needs a value: « --data "" » is
// refused (it would be the current folder), where an empty TROUVAILLE_DATA
// counts as unset. So is « --server "" » (what « --server "$SERVEUR" »
// gives when the variable is unset): ingest would write into the local
// data folder, backup copy it, instead of going through the server.
type nonEmptyFlag struct {
	p    *string
	want string
}

func (f nonEmptyFlag) String() string {
	if f.p == nil {
		return ""
	}
	return *f.p
}

func (f nonEmptyFlag) Set(s string) error {
	if s == "" {
		return errors.New(f.want)
	}
	*f.p = s
	return nil
}

func (f nonEmptyFlag) Get() any   { return *f.p }
func (nonEmptyFlag) kind() string { return "string" }
