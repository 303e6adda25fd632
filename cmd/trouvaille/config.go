package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
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
}

func defaultConfig() Config {
	return Config{
		Data:          "./trouvaille-data",
		Addr:          "127.0.0.1:8080",
		BatchSize:     1000,
		SearchTimeout: 10 * time.Second,
	}
}

// register adds the flags that apply to a command to fs, with defaults taken
// from the environment.
func (c *Config) register(fs *flag.FlagSet, which ...string) {
	env := func(name, def string) string {
		if v, ok := os.LookupEnv("TROUVAILLE_" + name); ok {
			return v
		}
		return def
	}
	envBool := func(name string, def bool) bool {
		b, err := strconv.ParseBool(env(name, strconv.FormatBool(def)))
		if err != nil {
			return def
		}
		return b
	}
	for _, w := range which {
		switch w {
		case "data":
			fs.StringVar(&c.Data, "data", env("DATA", c.Data), "dossier de données (magasin Badger et index Bleve) [TROUVAILLE_DATA]")
		case "addr":
			fs.StringVar(&c.Addr, "addr", env("ADDR", c.Addr), "adresse d’écoute du serveur HTTP [TROUVAILLE_ADDR]")
		case "ingest":
			fs.StringVar(&c.DefaultVisibility, "default-visibility", env("DEFAULT_VISIBILITY", ""), "visibilité donnée aux notes qui n’en ont pas (public, community, private) [TROUVAILLE_DEFAULT_VISIBILITY]")
			fs.BoolVar(&c.IgnoreUnknown, "ignore-unknown", envBool("IGNORE_UNKNOWN", false), "ignorer les champs inconnus au lieu de rejeter la note [TROUVAILLE_IGNORE_UNKNOWN]")
			fs.BoolVar(&c.AllowRejects, "allow-rejects", envBool("ALLOW_REJECTS", false), "terminer avec le code 0 même si des notes sont rejetées [TROUVAILLE_ALLOW_REJECTS]")
			fs.IntVar(&c.BatchSize, "batch-size", c.BatchSize, "notes par lot d’écriture")
		case "serve":
			fs.DurationVar(&c.SearchTimeout, "search-timeout", c.SearchTimeout, "durée maximale d’une recherche")
			fs.StringVar(&c.SynonymsFile, "synonyms", env("SYNONYMS", ""), "fichier de synonymes (vide : la liste fournie) [TROUVAILLE_SYNONYMS]")
			fs.StringVar(&c.AdminToken, "admin-token", env("ADMIN_TOKEN", ""), "jeton des routes d’administration (vide : désactivées) [TROUVAILLE_ADMIN_TOKEN]")
		case "quiet":
			fs.BoolVar(&c.Quiet, "quiet", envBool("QUIET", false), "moins de messages")
		}
	}
	if v := env("SEARCH_TIMEOUT", ""); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			c.SearchTimeout = d
		}
	}
	if v := env("BATCH_SIZE", ""); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			c.BatchSize = n
		}
	}
}

func (c *Config) validate() error {
	switch c.DefaultVisibility {
	case "", "public", "community", "private":
	default:
		return fmt.Errorf("--default-visibility « %s » : utilisez public, community ou private", c.DefaultVisibility)
	}
	if c.BatchSize < 1 {
		return fmt.Errorf("--batch-size doit être positif")
	}
	return nil
}
