package main

// The commands that work beside a running server: ingest --server, backup
// and restore, and the file through which a server tells other commands
// where it listens.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/ingest"
	"github.com/encommun/trouvaille/oplog"
	"github.com/encommun/trouvaille/store"
	"github.com/klauspost/compress/gzip"
)

// serverFile is written in the data folder by serve while it runs: the
// other commands read it to send their work to the server.
const serverFile = "serveur.json"

type serverInfo struct {
	URL string `json:"url"`
	PID int    `json:"pid"`
}

func writeServerFile(data, base string) error {
	b, _ := json.Marshal(serverInfo{URL: base, PID: os.Getpid()})
	tmp := filepath.Join(data, serverFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(data, serverFile))
}

func removeServerFile(data string) { os.Remove(filepath.Join(data, serverFile)) }

// runningServer returns what the server that holds data wrote of itself
// (its address and process id), if it did.
func runningServer(data string) (serverInfo, bool) {
	var si serverInfo
	b, err := os.ReadFile(filepath.Join(data, serverFile))
	if err != nil || json.Unmarshal(b, &si) != nil || si.URL == "" {
		return serverInfo{}, false
	}
	return si, true
}

// lockedHint turns ErrLocked, when a server holds the folder, into advice:
// advice says what to do instead, given the server.
func lockedHint(err error, data string, advice func(s serverInfo) string) error {
	if !errors.Is(err, trouvaille.ErrLocked) {
		return err
	}
	s, ok := runningServer(data)
	if !ok {
		return err
	}
	pid := ""
	if s.PID > 0 {
		pid = fmt.Sprintf(" (processus %d)", s.PID)
	}
	return fmt.Errorf("le dossier %s est servi par un « trouvaille serve » sur %s%s : %s", data, s.URL, pid, advice(s))
}

// stopCommand is the shell command that stops the server gracefully, ""
// when its file gives no process id.
func stopCommand(s serverInfo) string {
	if s.PID > 0 {
		return fmt.Sprintf("kill -TERM %d", s.PID)
	}
	return ""
}

// tokenArg is the admin token to type in a command for the server of data
// at server: read from the file serve writes (DATA/admin-token) when it
// exists and the server takes it (a server given its token by the
// environment leaves an older file beside it: the hint, copied, got a
// 401); else JETON, to replace.
func tokenArg(data, server string) string { // after TROUVAILLE_ADMIN_TOKEN= in a hint
	path := filepath.Join(data, adminTokenName)
	tok, _, err := readAdminToken(data)
	if err != nil || tok == "" || (server != "" && !tokenAccepted(server, tok)) {
		return "JETON"
	}
	return `"$(cat ` + shellQuote(path) + `)"`
}

// tokenAccepted reports whether the server at base takes token as its
// admin token (an admin route answers 200); a server that does not answer
// within two seconds is taken to accept it.
func tokenAccepted(base, token string) bool {
	req, err := http.NewRequest(http.MethodGet, strings.TrimRight(base, "/")+"/v1/keys", nil)
	if err != nil {
		return true
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Timeout: 2 * time.Second}).Do(req)
	if err != nil {
		return true
	}
	resp.Body.Close()
	return resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+,-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellJoin quotes each argument and joins them with spaces.
func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}

// remote talks to a running server with the admin token.
type remote struct {
	base  string
	token string
	hc    *http.Client
	// gzip compresses the notes' uploads (Content-Encoding: gzip): notes
	// compress about tenfold, which a network between the two machines
	// feels; on this machine it would only spend CPU on both sides, so a
	// loopback server gets them plain (newRemote).
	gzip bool
}

func newRemote(base, token string) (*remote, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usagef("--server « %s » : donnez l’adresse du serveur, par exemple http://127.0.0.1:8080", base)
	}
	if token == "" {
		return nil, usagef("--server demande le jeton d’administration du serveur : --admin-token ou TROUVAILLE_ADMIN_TOKEN")
	}
	return &remote{base: strings.TrimRight(base, "/"), token: token, hc: &http.Client{}, gzip: !loopback(u.Hostname())}, nil
}

// loopback reports whether a server's host name is this machine.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// post sends a body of notes to path, gzipped when r.gzip is set. A server
// that does not take gzip (an older version, or a proxy that refuses it)
// answers 415: the body goes again, plain, and so do the next ones.
func (r *remote) post(path, ctype string, body []byte) (*http.Response, error) {
	if r.gzip {
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed)
		zw.Write(body) // a bytes.Buffer does not fail
		zw.Close()
		resp, err := r.doEncoded(http.MethodPost, path, ctype, "gzip", bytes.NewReader(z.Bytes()))
		if err != nil || resp.StatusCode != http.StatusUnsupportedMediaType {
			return resp, err
		}
		resp.Body.Close()
		r.gzip = false
	}
	return r.do(http.MethodPost, path, ctype, bytes.NewReader(body))
}

func (r *remote) do(method, path, ctype string, body io.Reader) (*http.Response, error) {
	return r.doEncoded(method, path, ctype, "", body)
}

// doEncoded is do with the body's Content-Encoding ("" for none).
func (r *remote) doEncoded(method, path, ctype, encoding string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequest(method, r.base+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if encoding != "" {
		req.Header.Set("Content-Encoding", encoding)
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		// The network's own words are Go's, in English: the advice is
		// given first, in French.
		return nil, fmt.Errorf("impossible de joindre le serveur %s : vérifiez qu’un « trouvaille serve » y tourne et l’adresse donnée (--server, ou DOSSIER/serveur.json) — détail : %w", r.base, err)
	}
	return resp, nil
}

// apiError reads an error answer of the API.
func apiError(resp *http.Response) error {
	var eb struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if json.Unmarshal(raw, &eb) == nil && eb.Error.Message != "" {
		return fmt.Errorf("le serveur répond %d : %s", resp.StatusCode, eb.Error.Message)
	}
	return fmt.Errorf("le serveur répond %d", resp.StatusCode)
}

// writeAnswer is the body of a successful write.
type writeAnswer struct {
	Seq       uint64 `json:"seq"`
	Added     int    `json:"added"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	Deleted   int    `json:"deleted"`
	Rejected  []struct {
		Line    int    `json:"line"`
		Element int    `json:"element"`
		ID      string `json:"id"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"rejected"`
}

// Bounds of one request of ingest --server.
const (
	remoteChunkLines = 5000
	remoteChunkBytes = 16 << 20
)

// ingestRemote sends one file to the server in requests of at most
// remoteChunkLines notes, and reports like a local ingest (line numbers are
// the file's).
func ingestRemote(r *remote, path string, o ingest.Options, progress *ingest.Progress) (trouvaille.Report, error) {
	start := time.Now()
	var rep trouvaille.Report
	f, err := trouvaille.OpenNotesFile(path)
	if err != nil {
		return rep, err
	}
	defer f.Close()
	q := url.Values{}
	if o.DefaultVisibility != "" {
		q.Set("default_visibility", o.DefaultVisibility)
	}
	if o.IgnoreUnknown {
		q.Set("ignore_unknown", "true")
	}
	query := ""
	if len(q) > 0 {
		query = "?" + q.Encode()
	}
	send := func(body []byte, ctype string, firstLine, records int) error {
		resp, err := r.post("/v1/notes"+query, ctype, body)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			return fmt.Errorf("le serveur sur %s refuse le jeton d’administration donné : donnez-lui le sien par TROUVAILLE_ADMIN_TOKEN=JETON (celui de son service, ou DOSSIER/admin-token s’il l’a créé lui-même)", r.base)
		}
		if resp.StatusCode != http.StatusOK {
			return apiError(resp)
		}
		var a writeAnswer
		if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
			return fmt.Errorf("réponse illisible du serveur : %w", err)
		}
		rep.Read += records
		rep.Added += a.Added
		rep.Updated += a.Updated
		rep.Unchanged += a.Unchanged
		rep.Deleted += a.Deleted
		rep.Rejected += len(a.Rejected)
		for _, rj := range a.Rejected {
			line := rj.Line
			if line > 0 {
				line += firstLine - 1
			}
			rep.Rejections = append(rep.Rejections, ingest.Rejection{File: path, Line: line, Element: rj.Element, ID: rj.ID, Field: rj.Field, Reason: rj.Message})
		}
		if progress != nil {
			progress.Add(records, int64(len(body)))
		}
		return nil
	}
	br := bufio.NewReaderSize(f, 1<<20)
	first, _ := br.Peek(64)
	if t := bytes.TrimLeft(first, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '[' {
		// A JSON array goes whole: its elements are not lines.
		body, err := io.ReadAll(br)
		if err != nil {
			return rep, err
		}
		n := max(1, bytes.Count(body, []byte("\n")))
		if err := send(body, "application/json", 1, n); err != nil {
			return rep, err
		}
		rep.Read = len(rep.Rejections) + rep.Added + rep.Updated + rep.Unchanged + rep.Deleted
	} else {
		var chunk bytes.Buffer
		line, firstLine, records := 0, 1, 0
		for {
			b, err := br.ReadBytes('\n')
			if len(b) > 0 {
				line++
				chunk.Write(b)
				if len(bytes.TrimSpace(b)) > 0 {
					records++
				}
				if b[len(b)-1] != '\n' {
					chunk.WriteByte('\n')
				}
			}
			if records > 0 && (records >= remoteChunkLines || chunk.Len() >= remoteChunkBytes || err != nil) {
				if serr := send(chunk.Bytes(), "application/x-ndjson", firstLine, records); serr != nil {
					return rep, serr
				}
				chunk.Reset()
				firstLine, records = line+1, 0
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return rep, err
			}
		}
	}
	rep.Elapsed = time.Since(start)
	if rep.Read == 0 {
		return rep, fmt.Errorf("%s : %w (fichier vide, ou tableau vide) : vérifiez que c’est le bon fichier", path, trouvaille.ErrNoNotes)
	}
	return rep, nil
}

func runBackup(args []string, stderr io.Writer) (err error) {
	cfg := defaultConfig()
	fs := newFlags("backup")
	cfg.register(fs, "data", "remote")
	if err := parseInterleaved(fs, args); err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("un seul fichier de sauvegarde : trouvaille backup --data DIR FICHIER")
	}
	if fs.NArg() != 1 {
		return usagef("donnez le fichier de sauvegarde : trouvaille backup --data DIR FICHIER")
	}
	path := fs.Arg(0)
	defer func() { err = diskError("écrire la sauvegarde "+path, path, err) }()
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		// Said before the copy is made: the rename at its end would fail.
		return fmt.Errorf("écrire la sauvegarde %s : c’est un dossier; donnez un nom de fichier (par exemple %s)", path, filepath.Join(path, "trouvaille.sauvegarde"))
	}
	removeStaleTemps(filepath.Dir(path), "."+filepath.Base(path)+".*", stderr)
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	switch {
	case errors.Is(err, iofs.ErrNotExist):
		return fmt.Errorf("écrire la sauvegarde %s : le dossier %s n’existe pas; créez-le ou choisissez un autre chemin", path, filepath.Dir(path))
	case errors.Is(err, iofs.ErrPermission):
		return fmt.Errorf("écrire la sauvegarde %s : écriture refusée dans %s (permissions)", path, filepath.Dir(path))
	case err != nil:
		return fmt.Errorf("écrire la sauvegarde %s : %w", path, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	var seq uint64
	server, token := cfg.Server, cfg.AdminToken
	// tokenFile names DATA/admin-token when the token was read there.
	tokenFile := ""
	if server == "" {
		// A misspelled folder would be created empty and its copy, of no
		// note, written as a success: a nightly backup would keep nothing.
		if err := hasStore(cfg.Data, path); err != nil {
			return err
		}
		// The store alone: the index is neither needed nor caught up.
		seq, err = trouvaille.BackupStore(cfg.Data, tmp, commandOptions(trouvaille.OpenOptions{}))
		if errors.Is(err, trouvaille.ErrLocked) {
			s, ok := runningServer(cfg.Data)
			if !ok {
				return err
			}
			server = s.URL
			// Found through --data: the token serve wrote in the folder,
			// unless one was given.
			if token == "" {
				tok, path, err := readAdminToken(cfg.Data)
				if err != nil {
					return err
				}
				if tok == "" {
					return fmt.Errorf("le dossier %s est servi par un « trouvaille serve » sur %s : la sauvegarde passe par lui et demande son jeton d’administration, absent de %s (le serveur a reçu le sien par --admin-token ou TROUVAILLE_ADMIN_TOKEN) : donnez-le par TROUVAILLE_ADMIN_TOKEN=JETON (ou --admin-token JETON, que ps montre à tous)", cfg.Data, server, path)
				}
				token, tokenFile = tok, path
			}
		} else if err != nil {
			return err
		}
	}
	if server != "" {
		// The folder is served: the server writes the copy while it serves.
		r, err := newRemote(server, token)
		if err != nil {
			return err
		}
		resp, err := r.do(http.MethodGet, "/v1/admin/backup", "", nil)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusUnauthorized && tokenFile != "" {
			return tokenFileRefused(server, tokenFile)
		}
		if resp.StatusCode != http.StatusOK {
			return apiError(resp)
		}
		if _, err := io.Copy(tmp, resp.Body); err != nil {
			return fmt.Errorf("sauvegarde interrompue (%v) : rien n’est écrit dans %s; relancez", err, path)
		}
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("écrire la sauvegarde %s : %w", path, err)
	}
	st, _ := tmp.Stat()
	if _, err := store.VerifyBackup(tmp, st.Size()); err != nil {
		return fmt.Errorf("la copie reçue n’est pas complète (%v) : rien n’est écrit dans %s; relancez", err, path)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("écrire la sauvegarde %s : %w", path, err)
	}
	if seq > 0 {
		fmt.Fprintf(stderr, "sauvegarde écrite dans %s (%s, jusqu’à la séquence %d)\n", path, store.SizeText(st.Size()), seq)
	} else {
		fmt.Fprintf(stderr, "sauvegarde écrite dans %s (%s)\n", path, store.SizeText(st.Size()))
	}
	return nil
}

func runRestore(args []string, stderr io.Writer) error {
	cfg := defaultConfig()
	cfg.Data = ""
	fs := newFlags("restore")
	cfg.register(fs, "data")
	if err := parseInterleaved(fs, args); err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	if fs.NArg() != 1 || cfg.Data == "" {
		return usagef("donnez la sauvegarde et un dossier neuf : trouvaille restore FICHIER --data NOUVEAU_DOSSIER")
	}
	f, err := os.Open(fs.Arg(0))
	switch {
	case errors.Is(err, iofs.ErrNotExist):
		return fmt.Errorf("%s n’existe pas; vérifiez le chemin de la sauvegarde", fs.Arg(0))
	case errors.Is(err, iofs.ErrPermission):
		return fmt.Errorf("lecture de la sauvegarde %s refusée (permissions)", fs.Arg(0))
	case err != nil:
		return fmt.Errorf("lire la sauvegarde : %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.IsDir() {
		return fmt.Errorf("%s est un dossier; donnez le fichier de sauvegarde qu’a écrit « trouvaille backup »", fs.Arg(0))
	}
	if ents, err := os.ReadDir(cfg.Data); err == nil && len(ents) > 0 {
		if _, err := os.Stat(filepath.Join(cfg.Data, trouvaille.RestoreMarker)); err == nil {
			return fmt.Errorf("%s est une restauration interrompue : supprimez ce dossier, puis relancez cette commande", cfg.Data)
		}
		return fmt.Errorf("%s contient déjà des fichiers : restaurez dans un dossier neuf (rien n’a été touché)", cfg.Data)
	}
	// The file and the room it needs are checked before the folder is
	// made: a mistyped path or a disk too small leaves nothing to delete.
	stream, err := store.VerifyBackup(f, st.Size())
	if err != nil {
		return err
	}
	if err := store.CheckRestoreSpace(cfg.Data, stream.Size()); err != nil {
		return err
	}
	// Until the store holds the whole backup, the folder says it is a
	// restore under way: cut short (killed, a full disk), it is refused by
	// every command instead of served as an empty or partial folder.
	marker := filepath.Join(cfg.Data, trouvaille.RestoreMarker)
	if err := os.MkdirAll(cfg.Data, 0o755); err != nil {
		return oplog.FileError("créer "+cfg.Data, cfg.Data, err)
	}
	if err := writeSynced(marker, "Restauration en cours ou interrompue (trouvaille restore). Si aucune restauration ne tourne, supprimez ce dossier et relancez-la.\n"); err != nil {
		return fmt.Errorf("marquer la restauration dans %s : %w", cfg.Data, err)
	}
	s, err := store.RestoreVerified(filepath.Join(cfg.Data, "store"), stream, store.Options{Log: commandLog})
	if err != nil {
		return err
	}
	seq := s.LastSeq()
	if err := s.Close(); err != nil {
		return err
	}
	// The store is whole and on disk; the index is rebuilt from it at
	// every start until it is complete.
	if err := os.Remove(marker); err != nil {
		return fmt.Errorf("restauration terminée, mais %s reste : %w", marker, err)
	}
	if err := syncDir(cfg.Data); err != nil {
		return err
	}
	// Opening the engine rebuilds the index from the restored store.
	start := time.Now()
	eng, err := trouvaille.Open(cfg.Data, commandOptions(trouvaille.OpenOptions{}))
	if err != nil {
		return err
	}
	n, _ := eng.NoteCount()
	if err := eng.Close(); err != nil {
		return err
	}
	p := plurals(n)
	fmt.Fprintf(stderr, "%s note%s restaurée%s dans %s (séquence %d), index reconstruit en %s\n", store.FrenchInt(int64(n)), p, p, cfg.Data, seq, ingest.DurationText(time.Since(start)))
	return nil
}

// parseInterleaved parses flags placed before or after the arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) error {
	var rest []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		a := fs.Args()
		if len(a) == 0 {
			break
		}
		rest = append(rest, a[0])
		args = a[1:]
	}
	return parseFlags(fs, rest)
}

// writeSynced writes a small file and makes it, and its name, durable.
func writeSynced(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes the names of a folder's entries durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// staleTempAge is the age past which a temporary file of backup or export
// is the leftover of a run cut short (killed): a run under way writes its
// own all the time.
const staleTempAge = 10 * time.Minute

// removeStaleTemps removes the leftovers (pattern, in dir) of backups or
// exports cut short, which are hidden and as large as a copy, and says so.
func removeStaleTemps(dir, pattern string, stderr io.Writer) {
	matches, _ := filepath.Glob(filepath.Join(dir, pattern))
	for _, m := range matches {
		fi, err := os.Lstat(m)
		if err != nil || !fi.Mode().IsRegular() || time.Since(fi.ModTime()) < staleTempAge {
			continue
		}
		if os.Remove(m) == nil {
			fmt.Fprintf(stderr, "fichier temporaire d’une copie interrompue supprimé : %s (%s)\n", m, store.SizeText(fi.Size()))
		}
	}
}
