// Command trouvaille is the Trouvaille search engine: it ingests notes,
// serves the search API and page, rebuilds the index, and searches from the
// terminal. It only parses flags and wires the packages together.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"log"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"syscall"
	"time"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/analytics"
	"github.com/encommun/trouvaille/api"
	"github.com/encommun/trouvaille/ingest"
	"github.com/encommun/trouvaille/oplog"
	"github.com/encommun/trouvaille/ops"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
	"github.com/encommun/trouvaille/store"
	"github.com/encommun/trouvaille/web"
	"golang.org/x/term"
)

const usage = `trouvaille — moteur de recherche des notes En commun

Utilisation :
  trouvaille demo    [--data DIR] [--addr ADRESSE]      charge le corpus de démonstration et sert l’API et la page
  trouvaille ingest  --data DIR FICHIER...              valide, enregistre et indexe des notes (.jsonl, .ndjson, .json; --synonyms)
  trouvaille ingest  --server URL FICHIER...            envoie les notes à un serveur en marche (--admin-token)
  trouvaille serve   --data DIR [--addr ADRESSE]        sert l’API et la page, et accepte les écritures (--admin-token,
                                                        sinon DATA/admin-token; --anonymous=false)
  trouvaille backup  --data DIR FICHIER                 sauvegarde le magasin, même pendant que le serveur tourne
  trouvaille restore FICHIER --data NOUVEAU_DOSSIER     restaure une sauvegarde et reconstruit l’index
  trouvaille reindex --data DIR                         reconstruit l’index à partir du magasin (--synonyms)
  trouvaille export  --data DIR [FICHIER]               écrit toutes les notes en lignes JSON (format d’ingestion)
  trouvaille search  --data DIR "requête" [filtres]     affiche les meilleurs résultats dans le terminal
                     [--related ID] [--no-synonyms]     (et les notes reliées à une note)
  trouvaille version                                    affiche la version, le commit et la version de Go

Chaque option a une variable d’environnement TROUVAILLE_*, sauf les options propres à search (ses filtres,
-n, --page, --sort…) : voyez « trouvaille COMMANDE -h ».
`

func main() {
	log.SetFlags(log.Ltime)
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	code := 0
	switch os.Args[1] {
	case "demo":
		err = runDemo(os.Args[2:])
	case "ingest":
		code, err = runIngest(os.Args[2:], os.Stdout, os.Stderr)
	case "serve":
		err = runServe(os.Args[2:])
	case "backup":
		err = runBackup(os.Args[2:], os.Stderr)
	case "restore":
		err = runRestore(os.Args[2:], os.Stderr)
	case "reindex":
		err = runReindex(os.Args[2:], os.Stderr)
	case "export":
		err = runExport(os.Args[2:], os.Stdout, os.Stderr)
	case "search":
		err = runSearch(os.Args[2:], os.Stdout)
	case "version", "--version", "-version":
		fmt.Println(ops.Build())
	case "-h", "--help", "help":
		// « trouvaille help serve » is « trouvaille serve -h ».
		if len(os.Args) > 2 && os.Args[1] == "help" && commandHelp(os.Args[2]) {
			os.Exit(0)
		}
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "commande inconnue « %s »\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(os.Stderr, errorLines(err))
	}
	os.Exit(exitCode(code, err))
}

// open opens the data folder with the synonyms list in force. serving: a
// rebuild of the index the folder needs (after an upgrade that changed the
// index's format…) runs in the background, so the server listens meanwhile.
func open(cfg Config, serving bool) (*trouvaille.Engine, error) {
	syn, err := loadSynonyms(cfg.SynonymsFile)
	if err != nil {
		return nil, err
	}
	o := commandOptions(trouvaille.OpenOptions{MinFree: cfg.MinFree, Synonyms: syn, RebuildInBackground: serving})
	if serving {
		// Each message at its level: an alert on WARN and above sees
		// every problem the engine reports.
		o.Logf, o.Warnf, o.Errorf = slogf(slog.LevelInfo), slogf(slog.LevelWarn), slogf(slog.LevelError)
	}
	return trouvaille.Open(cfg.Data, o)
}

func runIngest(args []string, stdout, stderr io.Writer) (int, error) {
	cfg := defaultConfig()
	fs := newFlags("ingest")
	cfg.register(fs, "data", "ingest", "batch", "quiet", "remote", "synonyms")
	if err := parseFlags(fs, args); err != nil {
		return 2, err
	}
	if err := cfg.validate(); err != nil {
		return 2, err
	}
	if fs.NArg() == 0 {
		return 2, usagef("donnez au moins un fichier de notes : trouvaille ingest --data DIR notes.jsonl")
	}
	// The GC's goal and a soft memory ceiling for bulk loads (GOMEMLIMIT
	// overrides both, GOGC the goal): three times the live heap where the
	// machine has room (ingestGCPercent), else a ceiling under which the
	// GC works harder as the heap nears it instead of letting RSS balloon.
	// It follows the live heap, which grows with the notes loaded (the
	// discovery view takes each batch): a fixed ceiling below it made the
	// GC run back to back (200k notes: 9 % more CPU already; the 1M ingest
	// slowed from 891 to 417 notes/s).
	if os.Getenv("GOMEMLIMIT") == "" {
		stop := followMemoryLimit(time.Second, os.Getenv("GOGC") == "")
		defer stop()
	}
	opts := ingest.Options{DefaultVisibility: cfg.DefaultVisibility, IgnoreUnknown: cfg.IgnoreUnknown}
	var ingestFile func(path string, p *ingest.Progress) (trouvaille.Report, error)
	// compact, for a local load, merges the index's segments once the
	// files are in (trouvaille.Engine.Compact); a server does its own.
	var compact func() error
	if cfg.Server != "" {
		// Through a running server: same validation, same report. The
		// server keeps its own synonyms and batches: options given for
		// them here would be lost without a word.
		var local []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "synonyms" || f.Name == "batch-size" {
				local = append(local, "--"+f.Name)
			}
		})
		if len(local) > 0 {
			return 2, usagef("%s ne vaut que pour une ingestion locale (--data) : un serveur en marche garde sa liste de synonymes (rechargez-la avec POST /v1/admin/synonyms/reload ou SIGHUP) et ses lots; retirez %s", strings.Join(local, " et "), strings.Join(local, " et "))
		}
		r, err := newRemote(cfg.Server, cfg.AdminToken)
		if err != nil {
			return 2, err
		}
		ingestFile = func(path string, p *ingest.Progress) (trouvaille.Report, error) {
			return ingestRemote(r, path, opts, p)
		}
	} else if !anyNotes(fs.Args()) {
		// No file to read (all missing, or empty): each is said, and no
		// data folder is made (a mistyped path left a new folder of 65 MB,
		// the store's reserve).
		ingestFile = func(path string, _ *ingest.Progress) (trouvaille.Report, error) {
			f, err := trouvaille.OpenNotesFile(path)
			if err != nil {
				return trouvaille.Report{}, err
			}
			f.Close()
			return trouvaille.Report{}, fmt.Errorf("%s : %w (fichier vide)", path, trouvaille.ErrNoNotes)
		}
	} else {
		syn, err := loadSynonyms(cfg.SynonymsFile)
		if err != nil {
			return 2, err
		}
		eng, err := trouvaille.Open(cfg.Data, commandOptions(trouvaille.OpenOptions{Bulk: true, Synonyms: syn}))
		if err != nil {
			return 1, lockedHint(err, cfg.Data, func(s serverInfo) string {
				return "envoyez-lui le travail avec\n  TROUVAILLE_ADMIN_TOKEN=" + tokenArg(cfg.Data, s.URL) + " trouvaille ingest --server " + shellQuote(s.URL) + " " + shellJoin(fs.Args())
			})
		}
		closed := false
		defer func() {
			if !closed {
				eng.Close()
			}
		}()
		in := &trouvaille.Ingester{Engine: eng, BatchSize: cfg.BatchSize, Options: opts}
		ingestFile = func(path string, p *ingest.Progress) (trouvaille.Report, error) {
			in.Progress = p
			return in.IngestFile(path)
		}
		compact = func() error {
			if !cfg.Quiet {
				fmt.Fprintln(stderr, "compactage de l’index (fusion des segments) et tassement du magasin (compactions de Badger)…")
			}
			closed = true
			took, err := eng.CloseCompacted(context.Background())
			if err != nil {
				return err
			}
			if !cfg.Quiet {
				fmt.Fprintf(stderr, "index compacté en %s\n", ingest.DurationText(took.Index))
				fmt.Fprintf(stderr, "magasin tassé en %s\n", ingest.DurationText(took.Store))
			}
			return nil
		}
	}
	var total trouvaille.Report
	// A file that holds no note, or that cannot be read, is said and
	// skipped: the other files are still ingested, and the command exits 1
	// at the end. Any other error stops the ingest, after the report.
	var empty, unreadable []string
	var fatal error
files:
	for _, path := range fs.Args() {
		// No progress for a file that is not there (or a folder):
		// ingestFile says why.
		st, err := os.Stat(path)
		var progress *ingest.Progress
		if !cfg.Quiet && err == nil && !st.IsDir() {
			progress = ingest.NewProgress(stderr, st.Size())
		}
		rep, err := ingestFile(path, progress)
		if progress != nil {
			if err != nil && !errors.Is(err, trouvaille.ErrNoNotes) && !errors.Is(err, trouvaille.ErrFile) {
				progress.Stopped()
			} else {
				progress.Done()
			}
		}
		total.Merge(rep)
		switch {
		case errors.Is(err, trouvaille.ErrNoNotes):
			fmt.Fprintf(stdout, "%s : aucune note\n", path)
			empty = append(empty, path)
			continue
		case errors.Is(err, trouvaille.ErrFile):
			// The reason names the file: "x.jsonl n’existe pas; vérifiez le chemin".
			fmt.Fprintln(stdout, strings.TrimPrefix(err.Error(), trouvaille.ErrFile.Error()+" : "))
			unreadable = append(unreadable, path)
			continue
		case err != nil:
			fatal = err
			if rep.Read > 0 {
				fmt.Fprintf(stdout, "%s : interrompu après %s\n", path, rep.Summary())
			}
			break files
		}
		fmt.Fprintf(stdout, "%s : %s\n", path, rep.Summary())
	}
	// Every rejection and the total, even when a file was skipped or the
	// ingest stopped: the notes before are stored.
	for _, rj := range total.Rejections {
		fmt.Fprintf(stdout, "rejet %s\n", rj.Error())
	}
	if len(fs.Args()) > 1 {
		fmt.Fprintf(stdout, "total : %s\n", total.Summary())
	}
	if fatal != nil {
		return 1, fatal
	}
	// After the report: a failed compaction must not hide the rejections.
	if compact != nil && total.Added+total.Updated+total.Deleted > 0 {
		if err := compact(); err != nil {
			return 1, fmt.Errorf("notes enregistrées et indexées, mais la fusion des segments de l’index ou le tassement du magasin a échoué (les recherches restent justes; le serveur reprendra ce travail à son prochain démarrage) : %w", err)
		}
	}
	code := 0
	if total.Rejected > 0 && !cfg.AllowRejects {
		p := plurals(total.Rejected)
		fmt.Fprintf(stderr, "trouvaille : %s note%s rejetée%s; les notes valides sont enregistrées. Corrigez les lignes ci-dessus et relancez, ou ajoutez --allow-rejects.\n", store.FrenchInt(int64(total.Rejected)), p, p)
		code = 1
	}
	if len(empty) > 0 {
		if len(empty) == 1 {
			fmt.Fprintf(stderr, "trouvaille : aucune note dans 1 fichier (vide, ou tableau vide) : vérifiez que c’est le bon fichier.\n")
		} else {
			fmt.Fprintf(stderr, "trouvaille : aucune note dans %d fichiers (vides, ou tableaux vides) : vérifiez que ce sont les bons fichiers.\n", len(empty))
		}
		code = 1
	}
	if len(unreadable) > 0 {
		others := ""
		if len(unreadable) < len(fs.Args()) {
			others = "; les autres fichiers sont ingérés"
		}
		if len(unreadable) == 1 {
			fmt.Fprintf(stderr, "trouvaille : 1 fichier introuvable ou illisible, ignoré : %s%s. Vérifiez le chemin, puis relancez la commande pour ce fichier.\n", unreadable[0], others)
		} else {
			fmt.Fprintf(stderr, "trouvaille : %d fichiers introuvables ou illisibles, ignorés : %s%s. Vérifiez les chemins, puis relancez la commande pour ces fichiers.\n", len(unreadable), strings.Join(unreadable, ", "), others)
		}
		code = 1
	}
	return code, nil
}

func runReindex(args []string, stderr io.Writer) error {
	cfg := defaultConfig()
	fs := newFlags("reindex")
	cfg.register(fs, "data", "synonyms", "remote")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	if cfg.Server != "" {
		if cfg.SynonymsFile != "" {
			return usagef("--synonyms ne va pas avec --server : le serveur reconstruit avec sa propre liste; faites-lui d’abord relire son fichier (POST %s/v1/admin/synonyms/reload)", strings.TrimRight(cfg.Server, "/"))
		}
		return reindexThrough(cfg.Server, cfg.AdminToken, "", stderr)
	}
	// The list is an option: checked (exit 2) before the folder.
	if _, err := loadSynonyms(cfg.SynonymsFile); err != nil {
		return err
	}
	// A misspelled folder would be created empty and « rebuilt » with 0 notes.
	if err := hasStore(cfg.Data, ""); err != nil {
		return err
	}
	eng, err := open(cfg, false)
	if errors.Is(err, trouvaille.ErrLocked) {
		// The folder is served: the server rebuilds its index beside the
		// one in service, which keeps answering.
		if s, ok := runningServer(cfg.Data); ok {
			return reindexServed(cfg, s, stderr)
		}
	}
	if err != nil {
		return err
	}
	defer eng.Close()
	start := time.Now()
	// Reindex counts the changes it read (a deletion is one); the line
	// says how many notes the index holds again.
	if _, err := eng.Reindex(); err != nil {
		return err
	}
	n, err := eng.NoteCount()
	if err != nil {
		return err
	}
	if err := eng.Compact(context.Background()); err != nil {
		return fmt.Errorf("index reconstruit (%s note%s), mais la fusion de ses segments a échoué : %w", store.FrenchInt(int64(n)), plurals(n), err)
	}
	fmt.Printf("index reconstruit à partir du magasin : %s note%s en %s\n", store.FrenchInt(int64(n)), plurals(n), ingest.DurationText(time.Since(start)))
	return nil
}

// runExport writes every stored note (every visibility) as JSON lines in the
// ingest format, to FILE or to standard output: ingesting the export into an
// empty folder gives the same store. A file is written under a temporary
// name and renamed at the end, so a failed export leaves no partial file.
func runExport(args []string, stdout, stderr io.Writer) (err error) {
	cfg := defaultConfig()
	fs := newFlags("export")
	cfg.register(fs, "data")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("un seul fichier d’export : trouvaille export --data DIR [FICHIER]")
	}
	if err := hasStore(cfg.Data, ""); err != nil {
		return err
	}
	// The store alone: the index is neither read nor caught up (a damaged
	// one stopped the export; one to rebuild made it wait minutes).
	export := func(w io.Writer) (int, error) {
		return trouvaille.ExportStore(cfg.Data, w, commandOptions(trouvaille.OpenOptions{MinFree: cfg.MinFree}))
	}
	hint := func(err error) error {
		return lockedHint(err, cfg.Data, func(s serverInfo) string {
			backup := "trouvaille backup --data " + shellQuote(cfg.Data)
			if tokenArg(cfg.Data, s.URL) == "JETON" {
				backup = "TROUVAILLE_ADMIN_TOKEN=JETON " + backup
			}
			copyDir := shellQuote(strings.TrimRight(cfg.Data, "/") + "-export")
			stop := ""
			if c := stopCommand(s); c != "" {
				stop = " (" + c + ")"
			}
			return "aucune route de l’API n’exporte les notes. Exportez une copie, prise sans arrêter le serveur :\n  " +
				backup + " export.sauvegarde\n  " +
				"trouvaille restore export.sauvegarde --data " + copyDir + "\n  " +
				strings.TrimSpace("trouvaille export --data "+copyDir+" "+shellJoin(fs.Args())) + "\n" +
				"(supprimez ensuite export.sauvegarde et " + copyDir + "), ou arrêtez le serveur" + stop + " et relancez cette commande."
		})
	}
	if fs.NArg() == 0 {
		_, err := export(stdout)
		return hint(err)
	}
	path := fs.Arg(0)
	defer func() { err = diskError("écrire l’export "+path, path, err) }()
	removeStaleTemps(filepath.Dir(path), ".export-*", stderr)
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*")
	if err != nil {
		return fmt.Errorf("créer l’export %s : %w", path, err)
	}
	defer os.Remove(tmp.Name())
	n, err := export(tmp)
	if cerr := tmp.Close(); cerr != nil && (err == nil || errors.As(err, new(*ingest.UnreadableNotes))) {
		err = fmt.Errorf("écrire l’export %s : %w", path, cerr)
	}
	// Notes that do not read (a damaged disk) leave the others exported:
	// the file is kept, and the command fails naming them.
	var unreadable *ingest.UnreadableNotes
	if err != nil && !errors.As(err, &unreadable) {
		return hint(err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("écrire l’export %s : %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("écrire l’export %s : %w", path, err)
	}
	fmt.Fprintf(stderr, "%d note%s exportée%s dans %s\n", n, plurals(n), plurals(n), path)
	return err
}

func runServe(args []string) error {
	cfg := defaultConfig()
	fs := newFlags("serve")
	cfg.register(fs, "data", "addr", "serve")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	// JSON logs from the start: the engine's messages (catch-up, warm-up)
	// go to slog's default logger, each at its level (open).
	setServerLogger(newLogger(os.Stderr, cfg.LogFormat))
	_, noStore := os.Stat(filepath.Join(cfg.Data, "store"))
	eng, err := open(cfg, true)
	if err != nil {
		return err
	}
	if noStore != nil {
		// A misspelled folder (TROUVAILLE_DATA in a unit) served no note
		// with /readyz 200 and nothing in the log.
		slog.Warn("dossier de données neuf : " + cfg.Data + " n’avait pas de magasin, le serveur démarre sans aucune note (si ce n’est pas voulu, vérifiez --data ou TROUVAILLE_DATA; sinon chargez des notes avec trouvaille ingest --server)")
	}
	defer func() {
		if err := eng.Close(); err != nil {
			slog.Warn("arrêt incomplet (rien n’est perdu : le magasin a tout)", "erreur", err)
			return
		}
		// Said once all is on disk: the last line of a clean stop.
		slog.Info("Trouvaille arrêté : magasin et index écrits sur le disque, rien à rattraper au prochain démarrage")
	}()
	if cfg.AdminToken == "" {
		// serve always has an admin key: it manages search keys and writes.
		tok, path, created, err := adminTokenFile(cfg.Data)
		if err != nil {
			return err
		}
		if created {
			log.Printf("jeton d’administration créé dans %s (lisible par vous seul·e) : utilisez-le avec Authorization: Bearer, ou donnez le vôtre avec TROUVAILLE_ADMIN_TOKEN", path)
		}
		cfg.AdminToken = tok
	}
	return serve(cfg, eng, nil)
}

func runDemo(args []string) error {
	cfg := defaultConfig()
	fs := newFlags("demo")
	cfg.register(fs, "data", "addr", "serve", "batch")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	setServerLogger(newLogger(os.Stderr, cfg.LogFormat))
	eng, err := open(cfg, true)
	if err != nil {
		return err
	}
	defer eng.Close()
	storeSeq, _ := eng.Seqs()
	marker := filepath.Join(cfg.Data, demoMarker)
	if why := demoChanged(marker, storeSeq); why != "" {
		log.Printf("corpus de démonstration : %s gardé tel quel, %s (supprimez le dossier pour repartir du corpus)", cfg.Data, why)
	} else {
		in := &trouvaille.Ingester{Engine: eng, BatchSize: cfg.BatchSize}
		rep, err := in.Ingest(bytes.NewReader(trouvaille.DemoNotes), "testdata/demo/notes.jsonl")
		if err != nil {
			return err
		}
		log.Printf("corpus de démonstration dans %s : %s", cfg.Data, rep.Summary())
		storeSeq, _ = eng.Seqs()
		if err := writeFileAtomic(marker, []byte(strconv.FormatUint(storeSeq, 10)+"\n")); err != nil {
			slog.Warn(fmt.Sprintf("attention : %v", err))
		}
	}
	return serve(cfg, eng, func(base string) {
		fmt.Printf(`
Trouvaille est prêt. À essayer :
  %[1]s/                                        la page de recherche
  %[1]s/v1/search?q=economie+sociale            sans accents
  %[1]s/v1/search?q=finacement                  avec une faute de frappe
  %[1]s/v1/search?q=participantes&facets=organisations,carnets
%[2]s  %[1]s/healthz
Ctrl+C pour arrêter.
`, base, browseHint(eng, base))
	})
}

// browseHint is the demo's line that browses by organisation: the address
// of the notes of the organisation with the most public notes of the
// folder, ready to click; without one, the address of the organisations.
func browseHint(eng *trouvaille.Engine, base string) string {
	vals, err := eng.FacetValues(context.Background(), "organisations")
	if err != nil || len(vals) == 0 {
		return fmt.Sprintf("  %s/v1/search?q=&facets=organisations       les organisations, pour parcourir\n", base)
	}
	v := vals[0]
	notes := fmt.Sprintf("les %d notes", v.Count)
	if v.Count == 1 {
		notes = "la note"
	}
	return fmt.Sprintf("  %s/v1/search?q=&organisation=%s\n      parcourir par organisation : %s de « %s » (toutes les organisations : facets=organisations)\n",
		base, url.QueryEscape(v.Value), notes, clean(v.Value))
}

// demoMarker is the file of the data folder where demo notes the store's
// last sequence number once it has loaded the demo corpus.
const demoMarker = "demo.seq"

// demoChanged says why demo must not load its corpus again into a folder
// whose store is at storeSeq: notes were written there since its last load
// (reloading would undo them: a note made private public again, a deleted
// note back), or it holds notes from elsewhere. "" when the folder is new,
// or nothing but the demo wrote to it (loading again then only brings the
// corpus of a newer binary).
func demoChanged(marker string, storeSeq uint64) string {
	b, err := os.ReadFile(marker)
	if err != nil {
		if storeSeq == 0 {
			return ""
		}
		return "il contient déjà des notes qui ne viennent pas d’un chargement du corpus"
	}
	loaded, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || storeSeq != loaded {
		return "des notes y ont été écrites depuis le chargement du corpus"
	}
	return ""
}

// writeFileAtomic writes b to path through a temporary file and a rename.
func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("écrire %s : %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("écrire %s : %w", path, err)
	}
	return nil
}

func serve(cfg Config, eng *trouvaille.Engine, ready func(base string)) error {
	// No memory ceiling of our own: a fixed one (256 MiB until 2026-12-02)
	// below the live heap of a large index makes the GC run back to back
	// (at 100k notes under writes, searches were 2 to 10 times slower and
	// some passed the 10 s timeout). The GC's goal follows the live heap
	// instead (serveGCPercent), a ratio of it, which cannot run the GC back
	// to back. GOMEMLIMIT and GOGC, read by the Go runtime, remain the
	// operator's (docs/operations.md): with GOGC set, the goal is left alone.
	if os.Getenv("GOGC") == "" {
		stop := followGCPercent(time.Second)
		defer stop()
	}
	logger := slog.Default()
	// The list was read and put in force by open (before the catch-up).
	syn := eng.Synonyms()
	marked, unmarked := eng.PhraseMarks()
	logger.Info("synonymes chargés", "groupes", syn.Groups, "source", syn.Source, "expressions_marquées", marked, "expressions_relues", unmarked)
	if unmarked > 0 {
		logger.Warn("des synonymes de plusieurs mots ne sont pas marqués dans l’index : ils sont vérifiés en relisant les notes (plus lent); « trouvaille reindex --data "+shellQuote(cfg.Data)+" » les marque, le serveur reconstruisant son index sans s’arrêter", "expressions", unmarked)
	}
	if cfg.AdminToken == "" {
		logger.Warn("routes d’administration, écritures et /metrics désactivées (pas de TROUVAILLE_ADMIN_TOKEN)")
	}
	// The search page is anonymous public search: with anonymous access
	// off, its searching addresses say public search is closed (api), and
	// the partners' script and the site's files are still served.
	// A page that fails is a server fault, as the API's are (ERROR).
	var pages api.Pages = web.Routes(eng, web.WithLogf(slogf(slog.LevelError)))
	if !cfg.Anonymous {
		log.Printf("recherche anonyme désactivée : une clé de recherche ou un jeton signé est exigé; la page de recherche dit que la recherche publique est fermée, /widget.js reste servi")
	}
	opsCfg := api.OpsConfig{Version: ops.Build().Version, MetricsPublic: cfg.MetricsPublic, Logger: logger, MaxInFlight: cfg.MaxInFlight, MaxQueue: cfg.MaxInFlight}
	actx, stopAnalytics := context.WithCancel(context.Background())
	analyticsDone := make(chan struct{})
	if cfg.NoAnalytics {
		close(analyticsDone)
	} else {
		rec := analytics.New(eng.AnalyticsStore(), analytics.Options{Logf: func(f string, a ...any) { logger.Error(fmt.Sprintf(f, a...)) }})
		opsCfg.Analytics = rec
		go func() {
			defer close(analyticsDone)
			rec.Run(actx, 10*time.Second, time.Hour)
		}()
	}
	// Before eng.Close (deferred by the caller): the last counts are flushed.
	defer func() { stopAnalytics(); <-analyticsDone }()
	h := api.New(eng, api.Config{SearchTimeout: cfg.SearchTimeout, AdminToken: cfg.AdminToken, SynonymsFile: cfg.SynonymsFile,
		NoAnonymous: !cfg.Anonymous, AnonymousRatePerMinute: cfg.AnonymousRate, TrustedProxies: cfg.proxies(), Ops: opsCfg}, pages)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return listenError(cfg.Addr, err)
	}
	srv := api.NewHTTPServer(h, api.ServerLimits{}, cfg.SearchTimeout)
	srv.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	base := "http://" + ln.Addr().String()
	logger.Info("Trouvaille écoute", "adresse", base, "données", cfg.Data, "version", ops.Build().Version)
	if err := writeServerFile(cfg.Data, base); err != nil {
		logger.Warn("impossible d’écrire le fichier du serveur dans le dossier de données", "fichier", serverFile, "erreur", err)
	}
	defer removeServerFile(cfg.Data)
	if ready != nil {
		ready(base)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	// The engine owns both background jobs; its Close stops them.
	eng.WarmUp()
	// SIGHUP reloads the synonyms file; an invalid file keeps the list in place.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	eng.ReloadSynonymsOn(hup, cfg.SynonymsFile)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Stop accepting, let the requests in flight finish (5 s at most), then
	// the caller's eng.Close applies what is queued and closes the store.
	logger.Info("arrêt demandé : fin des requêtes en cours")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Warn("requêtes encore en cours après 5 s, coupées", "erreur", err)
		srv.Close()
	}
	return nil
}

func runSearch(args []string, out io.Writer) error {
	cfg := defaultConfig()
	fs := newFlags("search")
	cfg.register(fs, "data")
	filters := map[string]*multiFlag{}
	for _, name := range schema.FilterNames() {
		filters[name] = &multiFlag{}
		d, _, _ := schema.ByFilter(name)
		fs.Var(filters[name], name, "filtre « "+d.Label.FR+" » (répétable)")
	}
	sortBy := fs.String("sort", "", "tri : "+sortNames+" (par défaut : relevance)")
	n := fs.Int("n", 10, fmt.Sprintf("nombre de résultats, de 1 à %d", query.MaxPerPage))
	page := fs.Int("page", 1, "page, à partir de 1")
	related := fs.String("related", "", "afficher aussi les notes reliées à la note ID")
	noSyn := fs.Bool("no-synonyms", false, "ne pas étendre la requête par les synonymes")
	synFile := fs.String("synonyms", os.Getenv("TROUVAILLE_SYNONYMS"), "fichier de synonymes (vide : la liste fournie) [TROUVAILLE_SYNONYMS]")
	after := fs.String("published-after", "", "publiées à partir de (AAAA-MM-JJ)")
	before := fs.String("published-before", "", "publiées jusqu’au (AAAA-MM-JJ)")
	// Accept flags after the query words too: trouvaille search "mots" --organisation X
	var words []string
	rest := args
	for {
		if err := parseFlags(fs, rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		words = append(words, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	// The engine reads 0 as its default (page 1, 20 results): the
	// options are checked here, and named as typed.
	if _, ok := schema.SortOrders(*sortBy); !ok {
		return usagef("--sort « %s » : tri inconnu : utilisez %s", *sortBy, sortNames)
	}
	if *n < 1 || *n > query.MaxPerPage {
		return usagef("-n « %d » : donnez un nombre de résultats de 1 à %d", *n, query.MaxPerPage)
	}
	if *page < 1 {
		return usagef("--page « %d » : donnez un numéro de page à partir de 1", *page)
	}
	req := trouvaille.Request{Q: strings.Join(words, " "), Sort: *sortBy, PerPage: *n, Page: *page, Filters: map[string][]string{}}
	for name, f := range filters {
		if len(*f) > 0 {
			req.Filters[name] = *f
		}
	}
	var err error
	if req.PublishedAfter, err = parseDay("published-after", *after, false); err != nil {
		return err
	}
	if req.PublishedBefore, err = parseDay("published-before", *before, true); err != nil {
		return err
	}
	syn, err := loadSynonyms(*synFile)
	if err != nil {
		return err
	}
	// A misspelled folder would be created empty and answer « 0 notes ».
	if err := hasStore(cfg.Data, ""); err != nil {
		return err
	}
	eng, err := trouvaille.Open(cfg.Data, commandOptions(trouvaille.OpenOptions{}))
	if err != nil {
		return lockedHint(err, cfg.Data, func(s serverInfo) string {
			return "interrogez-le, dans un navigateur ou avec curl :\n  " + s.URL + "/?q=" + url.QueryEscape(req.Q) + "\n  curl " + shellQuote(s.URL+"/v1/search?q="+url.QueryEscape(req.Q))
		})
	}
	defer eng.Close()
	if err := eng.SetSynonyms(syn); err != nil {
		return err
	}
	req.NoSynonyms = *noSyn
	color := false
	if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		color = true
	}
	cliErr := func(err error) error {
		var re *trouvaille.RequestError
		if errors.As(err, &re) {
			// The options' names in the message too (it named the API's
			// parameters: « published_before doit être après … »).
			msg := strings.NewReplacer("published_before", "--published-before", "published_after", "--published-after", "per_page=", "-n ").Replace(re.Message)
			return usagef("%s : %s", searchOption(re.Param), msg)
		}
		if errors.Is(err, trouvaille.ErrNotFound) {
			return fmt.Errorf("aucune note publique ne porte l’identifiant « %s »", *related)
		}
		return err
	}
	if *related != "" && req.Q == "" && len(req.Filters) == 0 {
		// trouvaille search --related ID: the related notes only.
		hits, err := eng.Related(context.Background(), trouvaille.Scope{}, *related, *n)
		if err != nil {
			return cliErr(err)
		}
		printRelated(out, *related, hits, color)
		return nil
	}
	res, err := eng.Search(context.Background(), trouvaille.Scope{}, req)
	if err != nil {
		return cliErr(err)
	}
	printResult(out, res, color)
	if *related != "" {
		hits, err := eng.Related(context.Background(), trouvaille.Scope{}, *related, *n)
		if err != nil {
			return cliErr(err)
		}
		printRelated(out, *related, hits, color)
	}
	return nil
}

// sortNames are the values of search --sort (schema.SortOrders).
const sortNames = "relevance, -published_at, published_at ou title"

// searchOption is the option of search that gives the request's parameter
// param, as typed; a parameter without one (q: the query's words) keeps
// its name.
func searchOption(param string) string {
	switch param {
	case "per_page":
		return "-n"
	case "page", "sort":
		return "--" + param
	case "published_after", "published_before":
		return "--" + strings.ReplaceAll(param, "_", "-")
	}
	if _, _, ok := schema.ByFilter(param); ok {
		return "--" + param
	}
	return param
}

func parseDay(flagName, s string, upper bool) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return nil, usagef("--%s : date invalide « %s » : écrivez-la AAAA-MM-JJ", flagName, s)
	}
	if upper {
		t = t.AddDate(0, 0, 1)
	}
	return &t, nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// ingestMemoryFloor is the least soft memory limit of a bulk load.
const ingestMemoryFloor = 700 << 20

// ingestMemoryLimit is the soft memory limit for a live heap of live bytes
// on a machine (or container) of total bytes of memory (0: unknown): twice
// the live heap (the GC's own goal, GOGC=100) while that stays under half
// the machine's memory, else half the machine's memory, but never less than
// half as much again as the live heap (the GC's goal with GOGC=50), nor
// than the floor.
// At 300,000 notes the GC's own goal loaded 9 % faster than half as much
// again (92.7 against 101.7 s, two runs each) for a peak of 1.78 GB
// instead of 1.25: a machine with room takes the speed, a small one the
// lower peak.
func ingestMemoryLimit(live, total uint64) int64 {
	limit := 2 * live
	if total > 0 && limit > total/2 {
		limit = max(total/2, live+live/2)
	}
	return max(ingestMemoryFloor, int64(limit))
}

// machineMemory is the memory the process may use, in bytes: the
// machine's (MemTotal of /proc/meminfo), or the container's limit when
// its control group sets a lower one; 0 when unknown.
func machineMemory() uint64 {
	read := func(path string) string {
		b, _ := os.ReadFile(path)
		return string(b)
	}
	return memoryOf(read("/proc/meminfo"), read("/sys/fs/cgroup/memory.max"), read("/sys/fs/cgroup/memory/memory.limit_in_bytes"))
}

// memoryOf is machineMemory from the texts of /proc/meminfo and of the
// control group's limits (version 2, then 1; "max", empty or unreadable:
// none).
func memoryOf(meminfo string, cgroupLimits ...string) uint64 {
	var total uint64
	for _, line := range strings.Split(meminfo, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			if kb, err := strconv.ParseUint(f[1], 10, 64); err == nil {
				total = kb << 10
			}
			break
		}
	}
	for _, text := range cgroupLimits {
		limit, err := strconv.ParseUint(strings.TrimSpace(text), 10, 64)
		if err == nil && limit > 0 && (total == 0 || limit < total) {
			total = limit
		}
	}
	return total
}

// roomyGCPercent is the GC's goal of a bulk load on a machine with room
// (ingestGCPercent): the heap grows to three times the live heap.
const roomyGCPercent = 200

// ingestGCPercent is the GC's goal (GOGC) for a live heap of live bytes on
// a machine (or container) of total bytes of memory (0: unknown):
// roomyGCPercent while three times the live heap fits in a quarter of the
// machine's memory, else Go's default, 100. The GC's work during a load is
// in proportion to the bytes allocated over the heap's headroom: twice the
// headroom, half the GC.
func ingestGCPercent(live, total uint64) int {
	if total > 0 && 3*live <= total/4 {
		return roomyGCPercent
	}
	return 100
}

// followMemoryLimit sets the soft memory limit from the live heap now and
// every period until the returned function is called, and the GC's goal
// too when gcPercent is set (GOGC is not the operator's).
func followMemoryLimit(period time.Duration, gcPercent bool) (stop func()) {
	total := machineMemory()
	percent := -1 // the goal set last (-1: none yet)
	setPercent := func(p int) {
		if gcPercent && p != percent {
			debug.SetGCPercent(p)
			percent = p
		}
	}
	stopFollowing := followLiveHeap(period, func(live uint64) {
		if gcPercent && ingestGCPercent(live, total) == roomyGCPercent {
			// The goal is under a quarter of the machine: the limit is
			// only a ceiling, should the live heap leap.
			setPercent(roomyGCPercent)
			debug.SetMemoryLimit(int64(total / 2))
			return
		}
		setPercent(100)
		debug.SetMemoryLimit(ingestMemoryLimit(live, total))
	})
	return func() {
		stopFollowing()
		setPercent(100) // Go's default again (a no-op when GOGC was the operator's)
	}
}

// followLiveHeap calls set with the live heap (as of the last GC) now and
// every period, until the returned function is called.
func followLiveHeap(period time.Duration, set func(live uint64)) (stop func()) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	read := func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			set(sample[0].Value.Uint64())
		}
	}
	read()
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// followGCPercent sets the GC's goal of a server from its live heap
// (serveGCPercent) now and every period until the returned function is
// called, which gives Go's default back.
func followGCPercent(period time.Duration) (stop func()) {
	percent := -1
	stopFollowing := followLiveHeap(period, func(live uint64) {
		if p := serveGCPercent(live); p != percent {
			debug.SetGCPercent(p)
			percent = p
		}
	})
	return func() {
		stopFollowing()
		debug.SetGCPercent(100)
	}
}

// serveHeadroom is the least room a server's heap is given over its live
// heap before the GC runs (serveGCPercent).
const serveHeadroom = 96 << 20

// serveGCPercent is the GC's goal (GOGC) of a server whose live heap is
// live bytes: room for half the live heap again, but at least
// serveHeadroom, and at most Go's default (as much again). A small heap
// keeps Go's default or nearly (at 100,000 notes, 98 MiB live: 98 %); a
// large one, made mostly of long-lived tables with few pointers (the
// discovery view, the facet columns, decoded postings), is held to half as
// much again: at a million notes, 370 MiB live, the GC's goal is 555 MiB
// instead of 740, which took 220 MiB off the anonymous memory without
// slowing the searches (37 % off, for 7 % fewer searches a minute, under
// searches and writes saturating both cores), where 50 % at 100,000 notes
// cost 8 to 11 % at p99 (docs/performance.md, session 17).
func serveGCPercent(live uint64) int {
	if live <= 2*serveHeadroom {
		if live <= serveHeadroom {
			return 100
		}
		return int((100*serveHeadroom + live - 1) / live) // rounded up
	}
	return 50
}

// hasStore refuses a data folder without a store (a misspelled --data,
// which a command would otherwise create empty), or one whose restore was
// cut short, which says so; also names the file the command would write.
func hasStore(data, also string) error {
	if err := trouvaille.CheckRestored(data); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(data, "store")); err != nil {
		if also != "" {
			return fmt.Errorf("aucun magasin dans %s : vérifiez --data (rien n’est écrit dans %s)", data, also)
		}
		return fmt.Errorf("aucun magasin dans %s : vérifiez --data", data)
	}
	return nil
}

// diskError words err with oplog.FileError when it is a problem of the
// file system (full, read-only, missing folder…) met writing path, the file
// the operator gave, or its temporary file beside it; any other error (the
// data folder's, the network's) stays as it is.
func diskError(what, path string, err error) error {
	if err == nil || !oplog.IsFileProblem(err) {
		return err
	}
	var files []string
	var pe *iofs.PathError
	var le *os.LinkError
	if errors.As(err, &pe) {
		files = append(files, pe.Path)
	}
	if errors.As(err, &le) {
		files = append(files, le.Old, le.New)
	}
	dir := filepath.Clean(filepath.Dir(path))
	for _, f := range files {
		if f = filepath.Clean(f); f == filepath.Clean(path) || filepath.Dir(f) == dir || strings.HasPrefix(dir+"/", f+"/") {
			return oplog.FileError(what, path, err)
		}
	}
	return err
}

// listenError says why the server cannot listen on addr and what to do:
// every failure was called « adresse déjà prise ? », which sent an
// operator whose address is not on the machine to another interface.
func listenError(addr string, err error) error {
	var why string
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		why = "l’adresse est déjà prise (un autre « trouvaille serve » ou un autre programme y écoute) : arrêtez-le, ou choisissez un autre port, par exemple --addr 127.0.0.1:8081"
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		why = "cette adresse n’est à aucune interface de cette machine : donnez-en une de la machine (127.0.0.1 pour elle seule, 0.0.0.0 pour toutes ses interfaces)"
	case errors.Is(err, syscall.EACCES):
		why = "port réservé (sous 1024) : choisissez un port à partir de 1024 (par exemple --addr 127.0.0.1:8080), ou donnez au service le droit CAP_NET_BIND_SERVICE"
	default:
		return fmt.Errorf("écouter sur %s : %w", addr, err)
	}
	return fmt.Errorf("écouter sur %s : %s", addr, why)
}

// anyNotes reports whether one of paths may hold notes: a file that is
// there, not a folder, and not empty (a pipe, /dev/stdin, counts).
func anyNotes(paths []string) bool {
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && !(fi.Mode().IsRegular() && fi.Size() == 0) {
			return true
		}
	}
	return false
}

// errorLines writes a command's error for stderr: « trouvaille : » before
// each of its lines that starts a message, so that every error of several
// joined (two invalid variables) reads as the first one does.
func errorLines(err error) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(err.Error(), "\n"), "\n") {
		if line != "" && !strings.HasPrefix(line, " ") {
			b.WriteString("trouvaille : ")
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// commandHelp prints the help of command name (its -h), false when there
// is no such command.
func commandHelp(name string) bool {
	run := map[string]func(){
		"demo":    func() { runDemo([]string{"-h"}) },
		"ingest":  func() { runIngest([]string{"-h"}, os.Stdout, os.Stderr) },
		"serve":   func() { runServe([]string{"-h"}) },
		"backup":  func() { runBackup([]string{"-h"}, os.Stderr) },
		"restore": func() { runRestore([]string{"-h"}, os.Stderr) },
		"reindex": func() { runReindex([]string{"-h"}, os.Stderr) },
		"export":  func() { runExport([]string{"-h"}, os.Stdout, os.Stderr) },
		"search":  func() { runSearch([]string{"-h"}, os.Stdout) },
	}[name]
	if run == nil {
		return false
	}
	run()
	return true
}
