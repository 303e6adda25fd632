package api

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/analysis"
	"github.com/gin-gonic/gin"
)

// Writer is what the write routes need of the engine; *trouvaille.Engine
// implements it.
type Writer interface {
	Write(ctx context.Context, r io.Reader, name string, o trouvaille.WriteOptions) (trouvaille.WriteResult, error)
	Delete(id string) (trouvaille.WriteResult, error)
	WaitIndexed(ctx context.Context, seq uint64, timeout time.Duration) error
	Backup(w io.Writer) (uint64, error)
}

// Bounds of the write routes.
const (
	// DefaultMaxBody bounds one write request's body (Config.MaxBody).
	DefaultMaxBody = 64 << 20
	// waitTimeout bounds ?wait=true.
	waitTimeout = 10 * time.Second
)

// admin lets only the admin token through: 403 when no token is configured
// (writes and admin routes are then disabled), 401 when the request's token
// is missing or wrong.
func (s *Server) admin(c *gin.Context) bool {
	if s.cfg.AdminToken == "" {
		c.AbortWithStatusJSON(http.StatusForbidden, ErrorBody{Error: ErrorDetail{Code: "admin_disabled", Message: "écritures et routes d’administration désactivées : démarrez le serveur avec TROUVAILLE_ADMIN_TOKEN (ou --admin-token)"}})
		return false
	}
	token, ok := bearer(c.Request)
	inHeader := ok && token != ""
	urlCreds := urlCredentials(c.Request)
	if inHeader || len(urlCreds) > 0 {
		if d := s.credentialsBlocked(c); d != nil {
			s.writeDenial(c, d)
			return false
		}
	}
	for _, cred := range urlCreds {
		if subtle.ConstantTimeCompare([]byte(cred), []byte(s.cfg.AdminToken)) == 1 {
			// The right token in the wrong place, with or without the
			// header (as on the search routes): not counted as a refusal.
			c.Header("WWW-Authenticate", `Bearer realm="trouvaille-admin"`)
			c.AbortWithStatusJSON(errAdminInURL.status, ErrorBody{Error: ErrorDetail{Code: errAdminInURL.code, Message: errAdminInURL.message}})
			return false
		}
	}
	if !ok || subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.AdminToken)) != 1 {
		if inHeader || len(urlCreds) > 0 {
			// A wrong token, in the header or in the URL: counted, or
			// the admin_token_in_url answer above would confirm guesses
			// at no cost.
			s.credentialRefused(c)
		}
		c.Header("WWW-Authenticate", `Bearer realm="trouvaille-admin"`)
		c.AbortWithStatusJSON(http.StatusUnauthorized, ErrorBody{Error: ErrorDetail{Code: "unauthorized", Message: "jeton d’administration absent ou invalide : envoyez l’en-tête Authorization: Bearer <jeton>"}})
		return false
	}
	return true
}

// writeBody is the JSON answer of a write.
type writeBody struct {
	Seq       uint64        `json:"seq"`
	Indexed   bool          `json:"indexed"`
	Added     int           `json:"added"`
	Updated   int           `json:"updated"`
	Unchanged int           `json:"unchanged"`
	Deleted   int           `json:"deleted"`
	Rejected  []rejectedRec `json:"rejected"`
	Message   string        `json:"message,omitempty"`
}

type rejectedRec struct {
	Line    int    `json:"line,omitempty"`
	Element int    `json:"element,omitempty"`
	ID      string `json:"id,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func toBody(r trouvaille.WriteResult) writeBody {
	b := writeBody{Seq: r.Seq, Added: r.Added, Updated: r.Updated, Unchanged: r.Unchanged, Deleted: r.Deleted, Rejected: []rejectedRec{}}
	for _, rj := range r.Rejections {
		line := rj.Line
		if rj.Element > 0 {
			line = 0 // a note of a JSON array is named by its element (README)
		}
		b.Rejected = append(b.Rejected, rejectedRec{Line: line, Element: rj.Element, ID: rj.ID, Field: rj.Field, Message: bodyWords.Replace(rj.Reason)})
	}
	return b
}

// bodyWords says in ingest's reasons, written for a file, what they mean
// in a request: the body.
var bodyWords = strings.NewReplacer(
	"la fin du fichier", "la fin du corps de la requête",
	"enregistrez le fichier en UTF-8", "envoyez le corps en UTF-8",
)

// wantWait reads the wait parameter, the only one the write routes take.
func wantWait(c *gin.Context) (bool, error) {
	v := c.Request.URL.Query()
	allowed := map[string]bool{"wait": true}
	if c.Request.Method == http.MethodPost {
		allowed["default_visibility"], allowed["ignore_unknown"] = true, true
	}
	if err := checkSingle(v, allowed); err != nil {
		return false, err
	}
	switch w := v.Get("wait"); w {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	default:
		return false, paramError("wait", "invalid_wait", "wait vaut true ou false")
	}
}

// bodyReader bounds the request body and names the limit when it is
// passed. A gzipped body (Content-Encoding, checked by bodyEncoding) is
// decompressed whole, bounded by the same limit, before a note is written:
// gzip checks its data at the end of the stream, and a damaged body must
// not overwrite a stored note with bytes that check would refuse.
func (s *Server) bodyReader(c *gin.Context) (io.Reader, error) {
	body := http.MaxBytesReader(c.Writer, c.Request.Body, s.maxBody())
	if enc, _ := contentEncoding(c.Request.Header); enc == "gzip" {
		zr, err := newGunzipped(body, s.maxBody())
		if err != nil {
			return nil, err
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			return nil, err
		}
		return bytes.NewReader(plain), nil
	}
	return body, nil
}

func (s *Server) maxBody() int64 {
	if s.cfg.MaxBody > 0 {
		return s.cfg.MaxBody
	}
	return DefaultMaxBody
}

// checkContentType accepts JSON lines and JSON (an array, or lines).
func checkContentType(c *gin.Context) error {
	ct := c.GetHeader("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil {
		switch mt {
		case "application/x-ndjson", "application/jsonl", "application/json", "text/plain":
			return nil
		}
	}
	want := "application/x-ndjson (une note par ligne) ou application/json (un tableau de notes)"
	if c.Request.Method == http.MethodPut {
		want = "application/json (la note, un objet JSON)"
	}
	return &httpError{http.StatusUnsupportedMediaType, "unsupported_media_type", "Content-Type « " + printable(ct) + " » non pris en charge : envoyez " + want}
}

// httpError is an error the write routes answer with a given status.
type httpError struct {
	status  int
	code    string
	message string
}

func (e *httpError) Error() string { return e.message }

// postNotes stores the notes of the body (JSON lines or a JSON array, the
// ingest format) and answers once they are durable.
func (s *Server) postNotes(c *gin.Context) {
	wait, err := wantWait(c)
	if err == nil {
		err = checkContentType(c)
	}
	if err != nil {
		s.writeFailure(c, err)
		return
	}
	opts, err := writeOptions(c)
	if err != nil {
		s.writeFailure(c, err)
		return
	}
	body, err := s.bodyReader(c)
	if err != nil {
		s.writeFailure(c, err)
		return
	}
	res, err := s.wr.Write(c.Request.Context(), body, "requête", opts)
	if err == nil && res.Added+res.Updated+res.Unchanged+res.Deleted+len(res.Rejections) == 0 {
		// An empty body, or blank lines, or []: a client's mistake more
		// often than not (an empty file, a variable not set).
		s.writeFailure(c, paramError("body", "empty_body", "le corps ne contient aucune note : envoyez une note par ligne (application/x-ndjson) ou un tableau de notes (application/json)"))
		return
	}
	s.answerWrite(c, res, err, wait)
}

// writeOptions reads the ingest options of POST /v1/notes (the flags of
// `trouvaille ingest`): default_visibility and ignore_unknown.
func writeOptions(c *gin.Context) (trouvaille.WriteOptions, error) {
	var o trouvaille.WriteOptions
	v := c.Request.URL.Query()
	switch dv := v.Get("default_visibility"); dv {
	case "", "public", "community", "private":
		o.DefaultVisibility = dv
	default:
		return o, paramError("default_visibility", "invalid_visibility", "default_visibility vaut public, community ou private")
	}
	switch iu := v.Get("ignore_unknown"); iu {
	case "", "false", "0":
	case "true", "1":
		o.IgnoreUnknown = true
	default:
		return o, paramError("ignore_unknown", "invalid_bool", "ignore_unknown vaut true ou false")
	}
	return o, nil
}

// putNote stores one note whose id is in the path.
func (s *Server) putNote(c *gin.Context) {
	wait, err := wantWait(c)
	if err == nil {
		err = checkContentType(c)
	}
	if err != nil {
		s.writeFailure(c, err)
		return
	}
	id := c.Param("id")
	r, err := s.bodyReader(c)
	if err != nil {
		s.writeFailure(c, err)
		return
	}
	body, err := io.ReadAll(r)
	if err != nil {
		s.writeFailure(c, err)
		return
	}
	// A byte-order mark, as POST accepts it (an editor's UTF-8 file).
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(body), []byte("\xef\xbb\xbf")))
	if len(trimmed) == 0 || trimmed[0] != '{' {
		s.writeFailure(c, paramError("body", "invalid_body", "PUT /v1/notes/{id} prend une seule note : un objet JSON {…}"))
		return
	}
	// The id in the body, when given, must be the one of the address. A
	// body the probe cannot read is the decoder's to name.
	var probe struct {
		ID json.RawMessage `json:"id"`
	}
	_ = json.Unmarshal(trimmed, &probe)
	if len(probe.ID) > 0 {
		var inBody string
		switch {
		case string(probe.ID) == "null":
			s.writeFailure(c, paramError("id", "invalid_id", fmt.Sprintf("« id » vaut null dans le corps : retirez-le (l’adresse donne l’identifiant « %s ») ou donnez celui de l’adresse", printable(id))))
			return
		case json.Unmarshal(probe.ID, &inBody) != nil:
			s.writeFailure(c, paramError("id", "invalid_id", fmt.Sprintf("« id » doit être une chaîne dans le corps : celle de l’adresse, « %s », ou rien", printable(id))))
			return
		case inBody != id:
			s.writeFailure(c, paramError("id", "id_mismatch", fmt.Sprintf("l’identifiant du corps « %s » diffère de celui de l’adresse « %s »", printable(inBody), printable(id))))
			return
		}
	} else {
		// Add the path's id as the object's first field; the decoder
		// validates it like any other.
		quoted, _ := json.Marshal(id)
		rest := bytes.TrimSpace(trimmed[1:])
		sep := []byte(",")
		if len(rest) > 0 && rest[0] == '}' {
			sep = nil
		}
		trimmed = slices.Concat([]byte(`{"id":`), quoted, sep, rest)
	}
	// One line: the decoder takes JSON lines.
	line := bytes.ReplaceAll(bytes.ReplaceAll(trimmed, []byte("\r\n"), []byte(" ")), []byte("\n"), []byte(" "))
	res, err := s.wr.Write(c.Request.Context(), bytes.NewReader(line), "requête", trouvaille.WriteOptions{})
	if err == nil && len(res.Rejections) > 0 {
		rj := res.Rejections[0]
		s.writeFailure(c, paramError(orDefault(rj.Field, "body"), "invalid_note", bodyWords.Replace(rj.Reason)))
		return
	}
	s.answerWrite(c, res, err, wait)
}

// deleteNote removes a note; deleting an unknown id is not an error (the
// answer says deleted: 0), so that retries are safe.
func (s *Server) deleteNote(c *gin.Context) {
	wait, err := wantWait(c)
	if err != nil {
		s.writeFailure(c, err)
		return
	}
	if err := trouvaille.CheckID(c.Param("id")); err != nil {
		s.writeFailure(c, paramError("id", "invalid_id", err.Error()))
		return
	}
	res, err := s.wr.Delete(c.Param("id"))
	s.answerWrite(c, res, err, wait)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// answerWrite answers a write: 200 with the counts once durable; with
// ?wait=true, once the index has applied it too (or after waitTimeout, with
// indexed: false and a message).
func (s *Server) answerWrite(c *gin.Context, res trouvaille.WriteResult, err error, wait bool) {
	answerInTime(c)
	body := toBody(res)
	if err != nil {
		var done *writeBody
		if res.Added+res.Updated+res.Unchanged+res.Deleted+len(res.Rejections) > 0 {
			body.Indexed = s.indexed(res.Seq)
			done = &body
		}
		s.writeFailureWith(c, err, done)
		return
	}
	body.Indexed = s.indexed(res.Seq)
	if wait && !body.Indexed {
		if werr := s.wr.WaitIndexed(c.Request.Context(), res.Seq, waitTimeout); werr != nil {
			body.Message = "notes enregistrées, mais pas encore visibles dans la recherche après " + waitTimeout.String() + " : suivez GET /v1/tasks/" + strconv.FormatUint(res.Seq, 10)
		}
		body.Indexed = s.indexed(res.Seq)
	}
	c.JSON(http.StatusOK, body)
}

func (s *Server) indexed(seq uint64) bool {
	_, have := s.eng.Seqs()
	return have >= seq
}

// answerGrace is the time a write route's answer has to reach the client
// once the body is read.
const answerGrace = 30 * time.Second

// answerInTime moves the connection's write deadline to answerGrace from
// now. The server's deadline counts from the start of the request: a body
// that took more than 30 s to arrive (up to the 60 s read deadline) was
// stored, but its answer (200, or a 408 or 413 saying what was stored) was
// cut before it left.
func answerInTime(c *gin.Context) {
	http.NewResponseController(c.Writer).SetWriteDeadline(time.Now().Add(answerGrace))
}

// writeFailure maps the errors of the write routes.
func (s *Server) writeFailure(c *gin.Context, err error) { s.writeFailureWith(c, err, nil) }

// writeFailureWith is writeFailure for a write that stored part of its
// notes before it stopped: written, when not nil, says what (the answer's
// "written", and its message says so).
func (s *Server) writeFailureWith(c *gin.Context, err error, written *writeBody) {
	answerInTime(c)
	var he *httpError
	var mbe *http.MaxBytesError
	var bg *badGzip
	kept := "; les lots déjà acceptés restent enregistrés"
	if written != nil {
		n := written.Added + written.Updated + written.Unchanged + written.Deleted + len(written.Rejected)
		kept = fmt.Sprintf("; les %s premiers enregistrements du corps sont traités (champ « written » : %s, %s à jour, %s, %s, %s, séquence %d) : renvoyez à partir du suivant",
			analysis.FrenchInt(int64(n)), analysis.FrenchCount(written.Added, "ajoutée"), analysis.FrenchCount(written.Updated, "mise"), analysis.FrenchCount(written.Unchanged, "inchangée"),
			analysis.FrenchCount(written.Deleted, "supprimée"), analysis.FrenchCount(len(written.Rejected), "rejetée"), written.Seq)
	}
	abort := func(status int, d ErrorDetail) {
		c.AbortWithStatusJSON(status, ErrorBody{Error: d, Written: written})
	}
	switch {
	case errors.As(err, &he):
		abort(he.status, ErrorDetail{Code: he.code, Message: he.message})
	case errors.As(err, &bg):
		abort(http.StatusBadRequest, ErrorDetail{Code: "invalid_body_encoding", Param: "Content-Encoding", Message: bg.Error() + kept})
	case errors.As(err, &mbe):
		abort(http.StatusRequestEntityTooLarge, ErrorDetail{Code: "body_too_large", Message: fmt.Sprintf("corps de la requête trop grand (plus de %d Mio) : envoyez les notes en plusieurs requêtes%s", mbe.Limit>>20, kept)})
	case bodyReadFailed(err):
		abort(http.StatusRequestTimeout, ErrorDetail{Code: "body_timeout", Param: "body", Message: "le corps de la requête est arrivé trop lentement ou a été coupé : renvoyez-le" + kept})
	case errors.Is(err, trouvaille.ErrDiskFull):
		msg := err.Error()
		if written != nil {
			msg += kept
		}
		abort(http.StatusInsufficientStorage, ErrorDetail{Code: "disk_full", Message: msg})
	default:
		writeError(c, err)
	}
}

// task says whether a sequence number is searchable yet.
func (s *Server) task(c *gin.Context) {
	if err := checkSingle(c.Request.URL.Query(), map[string]bool{}); err != nil {
		writeError(c, err)
		return
	}
	seq, err := strconv.ParseUint(c.Param("seq"), 10, 64)
	if err != nil || seq == 0 {
		writeError(c, paramError("seq", "invalid_seq", "le numéro de séquence est un entier positif, celui que rend une écriture (« seq »)"))
		return
	}
	storeSeq, indexSeq := s.eng.Seqs()
	if seq > storeSeq {
		c.AbortWithStatusJSON(http.StatusNotFound, ErrorBody{Error: ErrorDetail{Code: "unknown_seq", Param: "seq", Message: fmt.Sprintf("aucune écriture n’a encore reçu la séquence %d (dernière : %d)", seq, storeSeq)}})
		return
	}
	status := "indexed"
	if indexSeq < seq {
		status = "pending"
	}
	c.JSON(http.StatusOK, gin.H{"seq": seq, "status": status, "indexed": indexSeq >= seq, "index_seq": indexSeq, "store_seq": storeSeq})
}

// backup streams a consistent copy of the store (Badger's backup format);
// `trouvaille backup` calls it when a server holds the data folder.
func (s *Server) backup(c *gin.Context) {
	if err := checkSingle(c.Request.URL.Query(), map[string]bool{}); err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Type", "application/octet-stream")
	c.Header("Content-Disposition", `attachment; filename="trouvaille.backup"`)
	c.Status(http.StatusOK)
	if c.Request.Method == http.MethodHead {
		// The headers only: a whole copy of the store written to be
		// thrown away would cost the disk and a core for nothing.
		return
	}
	seq, err := s.wr.Backup(c.Writer)
	if err != nil {
		// Headers are gone: cut the stream so that the client sees a
		// truncated body (and its restore refuses it) rather than a
		// complete-looking file. Said first: the cut ends the request
		// before its log line.
		slog.Error("sauvegarde interrompue : la copie envoyée est coupée, le client la refusera", "request_id", c.GetString(requestIDKey), "erreur", err.Error())
		panic(http.ErrAbortHandler)
	}
	_ = seq
}

// rebuilder is what the rebuild routes need of the engine
// (trouvaille.Engine.RebuildBeside, LastRebuild).
type rebuilder interface {
	RebuildBeside() error
	LastRebuild() (trouvaille.RebuildStatus, bool)
}

// RebuildState is the answer of GET /v1/admin/index/rebuild: the last
// rebuild beside the index in service since the server started.
type RebuildState struct {
	// Status: none (no rebuild since the start), running, done (its index
	// is in service) or failed (the index in service stayed).
	Status string `json:"status"`
	// Upgrade: the rebuild replaces an index of another analysis of words
	// (after an upgrade), not one asked for.
	Upgrade    bool       `json:"upgrade,omitempty"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	// Changes is the number of the store's changes the new index applied.
	Changes int    `json:"changes,omitempty"`
	Message string `json:"message"`
}

// rebuildState answers the state of the last rebuild beside the index in
// service (for an operator, or `trouvaille reindex` waiting for its end).
func (s *Server) rebuildState(c *gin.Context) {
	if err := checkSingle(c.Request.URL.Query(), map[string]bool{}); err != nil {
		writeError(c, err)
		return
	}
	if !s.rebuilds(c) {
		return
	}
	st, ok := s.rb.LastRebuild()
	out := RebuildState{Status: "none", Message: "aucune reconstruction depuis le démarrage du serveur"}
	if !ok {
		c.JSON(http.StatusOK, out)
		return
	}
	// To the millisecond: a rebuild of a small index takes less than a
	// second, which `trouvaille reindex` prints.
	started, finished := st.Started.UTC().Truncate(time.Millisecond), st.Finished.UTC().Truncate(time.Millisecond)
	out.Upgrade, out.StartedAt = st.Upgrade, &started
	switch {
	case st.Running:
		out.Status, out.Message = "running", "reconstruction en cours à côté de l’index en service, qui continue de répondre"
	case st.Done:
		out.FinishedAt, out.Changes = &finished, st.Changes
		out.Status, out.Message = "done", "nouvel index en service, sans interruption des recherches"
	default:
		out.FinishedAt = &finished
		out.Status, out.Message = "failed", "reconstruction arrêtée ("+st.Err+") : l’index actuel continue de répondre; le journal du serveur en dit plus"
	}
	c.JSON(http.StatusOK, out)
}

// rebuilds reports whether the engine rebuilds its index on request, and
// answers 403 read_only when it does not.
func (s *Server) rebuilds(c *gin.Context) bool {
	if s.rb == nil {
		c.AbortWithStatusJSON(http.StatusForbidden, ErrorBody{Error: ErrorDetail{Code: "read_only", Message: "ce serveur ne reconstruit pas son index"}})
		return false
	}
	return true
}

// rebuildIndex starts a rebuild of the index from the store, beside the
// index in service, which keeps answering: 202 at once, 409 when one runs.
func (s *Server) rebuildIndex(c *gin.Context) {
	if err := checkSingle(c.Request.URL.Query(), map[string]bool{}); err != nil {
		writeError(c, err)
		return
	}
	if !s.rebuilds(c) {
		return
	}
	if err := s.rb.RebuildBeside(); err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"status": "started", "message": "reconstruction de l’index commencée à côté de l’index en service, qui continue de répondre; le journal dira « nouvel index en service », et la jauge trouvaille_index_building_beside revient alors à 0"})
}

// printable keeps a client's string short and printable in a message.
func printable(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return printableRunes(s)
}

// printableRunes replaces the control characters and invalid UTF-8 of s,
// whatever its length.
func printableRunes(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
}

// writeRoute guards a write or admin route: the admin token, and an engine
// that takes writes.
func (s *Server) writeRoute(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !s.admin(c) {
			return
		}
		if s.wr == nil {
			c.AbortWithStatusJSON(http.StatusForbidden, ErrorBody{Error: ErrorDetail{Code: "read_only", Message: "ce serveur ne prend pas d’écritures"}})
			return
		}
		h(c)
	}
}
