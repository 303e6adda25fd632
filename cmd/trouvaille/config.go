package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/api"
	"github.com/encommun/trouvaille/store"
)

// Config is the whole configuration of the binary, filled from flags and
// TROUVAILLE_* environment variables (flags win); the defaults run the demo.
type Config struct {
	Data              string        // TROUVAILLE_DATA
	Addr              string        // TROUVAILLE_ADDR
	DefaultVisibility string        // TROUVAILLE_DEFAULT_VISIBILITY
	IgnoreUnknown     bool          // TROUVAILLE_IGNORE_UNKNOWN
	AllowRejects      bool          // TROUVAILLE_ALLOW_REJECTS
	BatchSize         int           // TROUVAILLE_BATCH_SIZE
	SearchTimeout     time.Duration // TROUVAILLE_SEARCH_TIMEOUT
	SynonymsFile      string        // TROUVAILLE_SYNONYMS
	AdminToken        string        // TROUVAILLE_ADMIN_TOKEN
	Quiet             bool          // TROUVAILLE_QUIET
	Server            string        // TROUVAILLE_SERVER
	MinFree           int64         // TROUVAILLE_MIN_FREE
	Anonymous         bool          // TROUVAILLE_ANONYMOUS
	AnonymousRate     int           // TROUVAILLE_ANONYMOUS_RATE
	MetricsPublic     bool          // TROUVAILLE_METRICS_PUBLIC
	NoAnalytics       bool          // TROUVAILLE_NO_ANALYTICS
	MaxInFlight       int           // TROUVAILLE_MAX_IN_FLIGHT
	TrustedProxies    string        // TROUVAILLE_TRUSTED_PROXIES: addresses or CIDR ranges, comma-separated
	LogFormat         string        // TROUVAILLE_LOG_FORMAT (no flag): "json", "text", or "" (text on a terminal)

	// envErrs holds the invalid TROUVAILLE_* values met by register;
	// validate reports them.
	envErrs []error
	// visibilityFrom names where DefaultVisibility came from, for messages.
	visibilityFrom string
}

// ErrEnv matches (errors.Is) every invalid TROUVAILLE_* value.
var ErrEnv = errors.New("variable d’environnement invalide")

func defaultConfig() Config {
	return Config{
		Data:          "./trouvaille-data",
		Addr:          "127.0.0.1:8080",
		BatchSize:     1000,
		SearchTimeout: 10 * time.Second,
		Anonymous:     true,
		AnonymousRate: api.DefaultAnonymousRate,
		MaxInFlight:   api.DefaultMaxInFlight,
		MinFree:       store.DefaultMinFree,
	}
}

// envError reports an invalid environment value, naming the variable.
func envError(name, value, want string) error {
	return fmt.Errorf("%w : TROUVAILLE_%s=« %s » : %s", ErrEnv, name, value, want)
}

// register adds the flags that apply to a command to fs, with defaults taken
// from the environment. Invalid environment values are kept for validate,
// which refuses them: a typo must not silently fall back to the default.
// An option's flag and its variable take the same values (the rules below,
// TestFlagAndVariableAgree); an empty variable counts as unset.
func (c *Config) register(fs *flag.FlagSet, which ...string) {
	env := func(name, def string) string {
		if v, ok := os.LookupEnv("TROUVAILLE_" + name); ok && v != "" {
			return v
		}
		return def
	}
	envBool := func(name string, def bool) bool {
		v, ok := os.LookupEnv("TROUVAILLE_" + name)
		if !ok || v == "" {
			return def
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			c.envErrs = append(c.envErrs, envError(name, v, boolAdvice))
			return def
		}
		return b
	}
	// The numbers and durations: flag and variable follow the same rule
	// and give the same advice when a value breaks it.
	intVar := func(p *int, flagName, name string, rule intRule, usage string) {
		ruledVar(c, fs, intFlag[int]{p, rule}, flagName, name, usage)
	}
	durationVar := func(p *time.Duration, least time.Duration, flagName, name string, usage string) {
		ruledVar(c, fs, durationFlag{p, least}, flagName, name, usage)
	}
	for _, w := range which {
		switch w {
		case "data":
			ruledVar(c, fs, nonEmptyFlag{&c.Data, "donnez un dossier de données, par exemple ./trouvaille-data"}, "data", "DATA", "dossier de données (magasin Badger et index Bleve) [TROUVAILLE_DATA]")
		case "addr":
			fs.StringVar(&c.Addr, "addr", env("ADDR", c.Addr), "adresse d’écoute du serveur HTTP [TROUVAILLE_ADDR]")
		case "ingest":
			if v, ok := os.LookupEnv("TROUVAILLE_DEFAULT_VISIBILITY"); ok && v != "" {
				c.visibilityFrom = "TROUVAILLE_DEFAULT_VISIBILITY"
			}
			fs.Func("default-visibility", "visibilité donnée aux notes qui n’en ont pas (public, community, private) [TROUVAILLE_DEFAULT_VISIBILITY]", func(v string) error {
				c.DefaultVisibility, c.visibilityFrom = v, "--default-visibility"
				return nil
			})
			c.DefaultVisibility = env("DEFAULT_VISIBILITY", "")
			fs.BoolVar(&c.IgnoreUnknown, "ignore-unknown", envBool("IGNORE_UNKNOWN", false), "ignorer les champs inconnus au lieu de rejeter la note [TROUVAILLE_IGNORE_UNKNOWN]")
			fs.BoolVar(&c.AllowRejects, "allow-rejects", envBool("ALLOW_REJECTS", false), "terminer avec le code 0 même si des notes sont rejetées [TROUVAILLE_ALLOW_REJECTS]")
		case "synonyms":
			// Commands that index without serving: the index marks the
			// notes holding the list's phrases (the server's list).
			fs.StringVar(&c.SynonymsFile, "synonyms", env("SYNONYMS", ""), "fichier de synonymes du serveur (vide : la liste fournie); l’index y cherche les expressions de plusieurs mots [TROUVAILLE_SYNONYMS]")
		case "batch":
			intVar(&c.BatchSize, "batch-size", "BATCH_SIZE", batchRule, "notes par lot d’écriture [TROUVAILLE_BATCH_SIZE]")
		case "serve":
			// The log format has no flag: its variable is checked here.
			switch v := strings.ToLower(os.Getenv("TROUVAILLE_LOG_FORMAT")); v {
			case "", "json", "text":
				c.LogFormat = v
			default:
				c.envErrs = append(c.envErrs, envError("LOG_FORMAT", os.Getenv("TROUVAILLE_LOG_FORMAT"), "utilisez json ou text (sans la variable : JSON, ou texte dans un terminal)"))
			}
			durationVar(&c.SearchTimeout, minSearchTimeout, "search-timeout", "SEARCH_TIMEOUT", "durée maximale d’une recherche, 100ms au moins [TROUVAILLE_SEARCH_TIMEOUT]")
			fs.StringVar(&c.SynonymsFile, "synonyms", env("SYNONYMS", ""), "fichier de synonymes (vide : la liste fournie) [TROUVAILLE_SYNONYMS]")
			fs.StringVar(&c.AdminToken, "admin-token", env("ADMIN_TOKEN", ""), "jeton des routes d’administration et des écritures (vide : serve lit ou crée DATA/admin-token, demo les désactive) [TROUVAILLE_ADMIN_TOKEN]")
			fs.BoolVar(&c.Anonymous, "anonymous", envBool("ANONYMOUS", c.Anonymous), "recherche anonyme dans les notes publiques, sans clé (false : une clé ou un jeton est exigé) [TROUVAILLE_ANONYMOUS]")
			intVar(&c.AnonymousRate, "anonymous-rate", "ANONYMOUS_RATE", rateRule, "requêtes anonymes permises par minute et par adresse IP (-1 : aucune limite) [TROUVAILLE_ANONYMOUS_RATE]")
			fs.BoolVar(&c.MetricsPublic, "metrics-public", envBool("METRICS_PUBLIC", false), "servir /metrics sans le jeton d’administration [TROUVAILLE_METRICS_PUBLIC]")
			fs.BoolVar(&c.NoAnalytics, "no-analytics", envBool("NO_ANALYTICS", false), "ne pas compter les recherches (statistiques de /admin/recherches) [TROUVAILLE_NO_ANALYTICS]")
			intVar(&c.MaxInFlight, "max-in-flight", "MAX_IN_FLIGHT", inFlightRule, "requêtes traitées à la fois; au-delà, une file de même taille, puis 503 [TROUVAILLE_MAX_IN_FLIGHT]")
			fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("TRUSTED_PROXIES", ""), "mandataires inverses (nginx, Caddy) dont l’en-tête X-Forwarded-For donne l’adresse du client, pour les limites par adresse IP : adresses ou plages CIDR séparées par des virgules (vide : l’adresse de la connexion compte) [TROUVAILLE_TRUSTED_PROXIES]")
			ruledVar(c, fs, intFlag[int64]{&c.MinFree, minFreeRule}, "min-free", "MIN_FREE", "octets à garder libres sur le disque : en deçà, les écritures sont refusées (507) [TROUVAILLE_MIN_FREE]")
		case "remote":
			// « --server "" » is refused: the command would work on the
			// data folder (--data) instead of through the server.
			ruledVar(c, fs, nonEmptyFlag{&c.Server, "donnez l’adresse du serveur, par exemple http://127.0.0.1:8080, ou retirez --server pour travailler sur le dossier de données (--data)"}, "server", "SERVER", "adresse d’un « trouvaille serve » en marche, qui fait le travail (ex. http://127.0.0.1:8080) [TROUVAILLE_SERVER]")
			fs.StringVar(&c.AdminToken, "admin-token", env("ADMIN_TOKEN", ""), "jeton d’administration du serveur [TROUVAILLE_ADMIN_TOKEN]")
		case "quiet":
			fs.BoolVar(&c.Quiet, "quiet", envBool("QUIET", false), "moins de messages [TROUVAILLE_QUIET]")
		}
	}
}

// validate reports invalid environment values first (they are the likelier
// surprise), then invalid flag values.
// They are usage errors (exit code 2).
func (c *Config) validate() error { return asUsage(c.check()) }

func (c *Config) check() error {
	if len(c.envErrs) > 0 {
		return errors.Join(c.envErrs...)
	}
	switch c.DefaultVisibility {
	case "", "public", "community", "private":
	default:
		from := c.visibilityFrom
		if from == "" {
			from = "--default-visibility"
		}
		if from == "TROUVAILLE_DEFAULT_VISIBILITY" {
			return envError("DEFAULT_VISIBILITY", c.DefaultVisibility, "utilisez public, community ou private")
		}
		return fmt.Errorf("%s « %s » : utilisez public, community ou private", from, c.DefaultVisibility)
	}
	// The numbers and durations were checked by Set (values.go), from
	// their flag or their variable alike.

	// A flag's value, or its variable's: the message names the one given
	// (an empty variable counts as unset).
	from := func(flagName, envName, value string) func(want string) error {
		return func(want string) error {
			if v, ok := os.LookupEnv("TROUVAILLE_" + envName); ok && v != "" && v == value {
				return envError(envName, v, want)
			}
			return fmt.Errorf("--%s « %s » : %s", flagName, value, want)
		}
	}
	// An empty --addr would listen on every interface, on a random port; a
	// port past 65535 failed only at listening, in English, with the hint
	// of an address already taken.
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" || !validPort(port) {
		return from("addr", "ADDR", c.Addr)("donnez une adresse et un port, par exemple 127.0.0.1:8080 ou :8080")
	}
	if c.Server != "" {
		if u, err := url.Parse(c.Server); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return from("server", "SERVER", c.Server)("donnez l’adresse du serveur, par exemple http://127.0.0.1:8080")
		}
	}
	if c.AdminToken != "" && (strings.TrimSpace(c.AdminToken) != c.AdminToken || strings.ContainsFunc(c.AdminToken, unicode.IsControl)) {
		// The message never shows the token.
		const why = "le jeton ne peut ni commencer ni finir par une espace, ni contenir de saut de ligne ou de caractère de contrôle : il ne passerait pas tel quel dans l’en-tête Authorization"
		if v, ok := os.LookupEnv("TROUVAILLE_ADMIN_TOKEN"); ok && v == c.AdminToken {
			return fmt.Errorf("%w : TROUVAILLE_ADMIN_TOKEN : %s", ErrEnv, why)
		}
		return fmt.Errorf("--admin-token : %s", why)
	}
	for _, p := range c.proxies() {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			if v, ok := os.LookupEnv("TROUVAILLE_TRUSTED_PROXIES"); ok && v == c.TrustedProxies {
				return envError("TRUSTED_PROXIES", v, fmt.Sprintf("« %s » n’est ni une adresse IP ni une plage CIDR : donnez-en, séparées par des virgules (ex. 127.0.0.1,10.0.0.0/8)", p))
			}
			return fmt.Errorf("--trusted-proxies : « %s » n’est ni une adresse IP ni une plage CIDR : donnez-en, séparées par des virgules (ex. 127.0.0.1,10.0.0.0/8)", p)
		}
	}
	return nil
}

// proxies returns the trusted proxies' addresses and ranges, one by one.
func (c *Config) proxies() []string {
	var out []string
	for _, p := range strings.Split(c.TrustedProxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// loadSynonyms reads the synonyms file at path (empty: the list provided).
// A missing or invalid file is a usage error that names the option or the
// variable it came from.
func loadSynonyms(path string) (*analysis.Synonyms, error) {
	syn, err := analysis.LoadSynonyms(path)
	if err == nil {
		return syn, nil
	}
	from := "--synonyms"
	if v, ok := os.LookupEnv("TROUVAILLE_SYNONYMS"); ok && v == path {
		from = "TROUVAILLE_SYNONYMS"
	}
	fi, serr := os.Stat(path)
	switch {
	case serr == nil && fi.IsDir():
		err = fmt.Errorf("%s : %s est un dossier; donnez le fichier de synonymes (un groupe par ligne)", from, path)
	case errors.Is(err, fs.ErrNotExist):
		err = fmt.Errorf("%s : le fichier de synonymes %s n’existe pas; vérifiez le chemin", from, path)
	case errors.Is(err, fs.ErrPermission):
		err = fmt.Errorf("%s : lecture du fichier de synonymes %s refusée (permissions)", from, path)
	default:
		err = fmt.Errorf("%s : %w", from, err)
	}
	return nil, asUsage(err)
}

// validPort reports whether port is a TCP port number (0 to 65535) or a
// service name the system knows (http).
func validPort(port string) bool {
	_, err := net.LookupPort("tcp", port)
	return err == nil
}
