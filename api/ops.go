package api

// Operations: readiness, Prometheus metrics, one log line per request with
// a request id, the concurrency limit, and the bounds of the HTTP server.
// Everything here is wired by New through opsState; the handlers of the
// other files do not know about it (the engine and the writer are wrapped
// to observe searches and writes).

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"syscall"
	"time"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/analytics"
	"github.com/encommun/trouvaille/ops"
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// OpsConfig tunes the operations side of the API; its zero value is usable.
type OpsConfig struct {
	// Version is what /healthz reports (empty: the build's, ops.Build).
	Version string
	// MetricsPublic serves /metrics without the admin key.
	MetricsPublic bool
	// Metrics receives the measures (nil: new metrics over the engine).
	Metrics *ops.Metrics
	// Logger receives one line per request (nil: slog.Default()).
	Logger *slog.Logger
	// MaxInFlight bounds the requests handled at once (0: DefaultMaxInFlight);
	// MaxQueue bounds those waiting for a slot (0: DefaultMaxQueue), each at
	// most QueueWait (0: DefaultQueueWait). Past that: 503 with Retry-After.
	MaxInFlight int
	MaxQueue    int
	QueueWait   time.Duration
	// Analytics records searches and clicks (nil: no analytics; the
	// analytics routes then answer 404 with a message).
	Analytics *analytics.Recorder
}

// Bounds of the concurrency limit.
const (
	DefaultMaxInFlight = 64
	DefaultMaxQueue    = 64
	DefaultQueueWait   = 2 * time.Second
)

// opsState is the operations side of one Server.
type opsState struct {
	s       *Server
	cfg     OpsConfig
	metrics *ops.Metrics
	log     *slog.Logger
	raw     Engine // the engine as given (the wrapped one is s.eng)
	slots   chan struct{}
	queue   chan struct{}
}

// readier is the engine's readiness (*trouvaille.Engine implements it).
type readier interface{ Ready() error }

// statser is the engine's state for the metrics.
type statser interface{ Stats() trouvaille.OpsStats }

// initOps sets up the operations side of s and wraps its engine and writer
// so that searches and writes are measured (and searches recorded by the
// analytics).
func (s *Server) initOps() {
	cfg := s.cfg.Ops
	if cfg.Version == "" {
		cfg.Version = ops.Build().Version
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	if cfg.MaxQueue <= 0 {
		cfg.MaxQueue = DefaultMaxQueue
	}
	if cfg.QueueWait <= 0 {
		cfg.QueueWait = DefaultQueueWait
	}
	o := &opsState{s: s, cfg: cfg, raw: s.eng, log: cfg.Logger, metrics: cfg.Metrics,
		slots: make(chan struct{}, cfg.MaxInFlight), queue: make(chan struct{}, cfg.MaxQueue)}
	if o.log == nil {
		o.log = slog.Default()
	}
	if o.metrics == nil {
		var stats func() ops.EngineStats
		if st, ok := s.eng.(statser); ok {
			stats = func() ops.EngineStats {
				x := st.Stats()
				return ops.EngineStats{StoreSeq: x.StoreSeq, IndexSeq: x.IndexSeq, StoreBytes: x.StoreBytes,
					IndexBytes: x.IndexBytes, Segments: x.Segments, Notes: x.Notes,
					IndexWriteFailures: x.IndexWriteFailures, StoreCompactionsOff: x.StoreCompactionsOff,
					IndexBuildingBeside: x.IndexBuildingBeside}
			}
		}
		o.metrics = ops.NewMetrics(stats)
	}
	s.cfg.Ops = cfg
	s.ops = o
	s.eng = observedEngine{Engine: s.eng, o: o}
	if s.wr != nil {
		s.wr = observedWriter{Writer: s.wr, o: o}
	}
}

// opsRoutes are the operations routes, appended to the route table.
func (s *Server) opsRoutes() []route {
	return []route{
		{http.MethodGet, "/readyz", apiRoute, anyOrigin(s.readyz)},
		{http.MethodGet, "/metrics", apiRoute, s.metricsHandler},
		{http.MethodPost, "/v1/events", apiRoute, s.postEvent},
		{http.MethodGet, "/v1/analytics", apiRoute, s.getAnalytics},
		{http.MethodGet, "/admin/recherches", pageRoute, s.adminSearches},
		{http.MethodPost, "/admin/recherches", pageRoute, s.adminLogin},
	}
}

// observedEngine measures the searches of the API (and records them for the
// analytics); the pages search the engine directly and are not counted.
type observedEngine struct {
	Engine
	o *opsState
}

func (e observedEngine) Search(ctx context.Context, sc trouvaille.Scope, r trouvaille.Request) (*trouvaille.Result, error) {
	res, err := e.Engine.Search(ctx, sc, r)
	if err == nil && res != nil {
		e.o.metrics.ObserveSearch(res.Total)
		// The first page only: the next pages are the same search.
		if a := e.o.cfg.Analytics; a != nil && r.Page <= 1 {
			a.Search(r.Q, res.Total)
		}
	}
	return res, err
}

// observedWriter counts what writes did.
type observedWriter struct {
	Writer
	o *opsState
}

func (w observedWriter) Write(ctx context.Context, r io.Reader, name string, o trouvaille.WriteOptions) (trouvaille.WriteResult, error) {
	res, err := w.Writer.Write(ctx, r, name, o)
	w.o.metrics.ObserveWrite(res.Added, res.Updated, res.Unchanged, res.Deleted, len(res.Rejections))
	w.observeErr(err)
	return res, err
}

func (w observedWriter) Delete(id string) (trouvaille.WriteResult, error) {
	res, err := w.Writer.Delete(id)
	w.o.metrics.ObserveWrite(res.Added, res.Updated, res.Unchanged, res.Deleted, len(res.Rejections))
	w.observeErr(err)
	return res, err
}

func (w observedWriter) observeErr(err error) {
	switch {
	case err == nil:
	case errors.Is(err, trouvaille.ErrDiskFull):
		w.o.metrics.WriteError("disk_full")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		w.o.metrics.WriteError("canceled")
	default:
		var re *trouvaille.RequestError
		if !errors.As(err, &re) {
			w.o.metrics.WriteError("other")
		}
	}
}

// requestIDKey holds the request id in the Gin context.
const requestIDKey = "request_id"

// observe gives the request an id (the client's X-Request-Id when it is a
// short token, else a new one), echoes it, and once the request is done
// logs one line and measures its duration by route. The line holds no query
// text, no parameter value and no header: only the parameter names (a key
// or a search never reaches the logs), and no address of the client.
func (o *opsState) observe(c *gin.Context) {
	start := time.Now()
	id := c.GetHeader("X-Request-Id")
	if !validRequestID(id) {
		id = newRequestID()
	}
	c.Set(requestIDKey, id)
	c.Header("X-Request-Id", id)
	c.Next()
	d := time.Since(start)
	route := c.FullPath()
	if route == "" {
		route = "(aucune)" // unknown address: never the raw path, unbounded
	}
	status := c.Writer.Status()
	method := safeMethod(c.Request.Method)
	o.metrics.ObserveRequest(route, metricMethod(method), status, d.Seconds())
	level := slog.LevelInfo
	if status >= 500 && route != "/readyz" { // not ready yet is no fault
		level = slog.LevelError
	}
	o.log.LogAttrs(c.Request.Context(), level, "requête",
		slog.String("request_id", id),
		slog.String("method", method),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000),
		slog.Int("bytes", max(c.Writer.Size(), 0)),
		slog.String("params", paramNames(c.Request.URL.RawQuery)),
	)
}

// paramNames lists the names of the query parameters (never their values),
// sorted, each once, the odd ones (long, not printable) replaced.
func paramNames(raw string) string {
	if raw == "" {
		return ""
	}
	seen := map[string]bool{}
	for _, kv := range strings.Split(raw, "&") {
		k, _, _ := strings.Cut(kv, "=")
		if len(k) > 32 || strings.ContainsFunc(k, func(r rune) bool { return r < 0x21 || r > 0x7e || r == '%' }) {
			k = "?"
		}
		if k != "" {
			seen[k] = true
		}
	}
	names := make([]string, 0, len(seen))
	for k := range seen {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// unlimited routes answer even when the server is saturated: the probes
// and the metrics must see it so.
func unlimited(p string) bool {
	return p == "/healthz" || p == "/readyz" || p == "/metrics"
}

// limit bounds the requests handled at once: a request past MaxInFlight
// waits in a queue of MaxQueue for QueueWait at most; when the queue is
// full or the wait is over, it gets a 503 with Retry-After instead of
// stalling the server.
func (o *opsState) limit(c *gin.Context) {
	if unlimited(c.Request.URL.Path) {
		c.Next()
		return
	}
	select {
	case o.slots <- struct{}{}:
	default:
		select {
		case o.queue <- struct{}{}:
		default:
			o.overloaded(c)
			return
		}
		t := time.NewTimer(o.cfg.QueueWait)
		select {
		case o.slots <- struct{}{}:
			t.Stop()
			<-o.queue
		case <-t.C:
			<-o.queue
			o.overloaded(c)
			return
		case <-c.Request.Context().Done():
			t.Stop()
			<-o.queue
			c.Abort() // the client left: nothing to answer
			return
		}
	}
	o.metrics.InFlight(1)
	defer func() {
		o.metrics.InFlight(-1)
		<-o.slots
	}()
	c.Next()
}

// msgOverloaded is the 503 of a saturated server.
const msgOverloaded = "serveur occupé : trop de requêtes en cours; réessayez dans une seconde"

func (o *opsState) overloaded(c *gin.Context) {
	o.metrics.Overloaded()
	c.Header("Retry-After", "1")
	if isAPIPath(c.Request.URL.Path) {
		c.AbortWithStatusJSON(http.StatusServiceUnavailable, ErrorBody{Error: ErrorDetail{Code: "overloaded", Message: msgOverloaded}})
		return
	}
	c.Header("Content-Type", "text/plain; charset=utf-8")
	c.String(http.StatusServiceUnavailable, msgOverloaded+"\n")
	c.Abort()
}

// readyz answers 200 once the engine can serve as it should (index caught
// up with the store, discovery tables built), 503 with the reason before.
func (s *Server) readyz(c *gin.Context) {
	if err := checkParams(c.Request.URL.Query(), map[string]bool{}); err != nil {
		writeError(c, err)
		return
	}
	if r, ok := s.ops.raw.(readier); ok {
		if err := r.Ready(); err != nil {
			c.Header("Retry-After", "5")
			c.AbortWithStatusJSON(http.StatusServiceUnavailable, ErrorBody{Error: ErrorDetail{Code: "not_ready", Message: err.Error()}})
			return
		}
	}
	storeSeq, indexSeq := s.eng.Seqs()
	c.JSON(http.StatusOK, gin.H{"status": "ready", "version": s.cfg.Ops.Version, "store_seq": storeSeq, "index_seq": indexSeq})
}

// metricsHandler serves the Prometheus metrics, behind the admin key unless
// MetricsPublic.
func (s *Server) metricsHandler(c *gin.Context) {
	if !s.cfg.Ops.MetricsPublic && !s.admin(c) {
		return
	}
	promhttp.HandlerFor(s.ops.metrics.Registry, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}).ServeHTTP(c.Writer, c.Request)
}

// ServerLimits bounds the HTTP server: slow clients, idle connections and
// headers. Zero fields take the defaults of NewHTTPServer.
type ServerLimits struct {
	ReadHeaderTimeout time.Duration // 5 s
	ReadTimeout       time.Duration // 60 s: a write's body (64 MiB at most) included
	WriteTimeout      time.Duration // 30 s, and at least the search timeout + 10 s
	IdleTimeout       time.Duration // 120 s
	MaxHeaderBytes    int           // 1 MiB: past it net/http answers 431 itself, in English; requestBound refuses past 64 KiB, in French
}

// NewHTTPServer returns the http.Server of h with its bounds: a client that
// sends its headers too slowly (slow-loris), or its body, or reads the
// answer too slowly, is cut off instead of holding a connection forever.
// The backup route lifts the write deadline for its own stream.
func NewHTTPServer(h http.Handler, l ServerLimits, searchTimeout time.Duration) *http.Server {
	if l.ReadHeaderTimeout <= 0 {
		l.ReadHeaderTimeout = 5 * time.Second
	}
	if l.ReadTimeout <= 0 {
		l.ReadTimeout = 60 * time.Second
	}
	if l.WriteTimeout <= 0 {
		l.WriteTimeout = 30 * time.Second
		if w := searchTimeout + 10*time.Second; w > l.WriteTimeout {
			l.WriteTimeout = w
		}
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = 120 * time.Second
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = 1 << 20
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
	}
}

// longStream lifts the server's write deadline for a route that streams
// for as long as it needs (the backup).
func longStream(c *gin.Context) {
	if c.FullPath() == "/v1/admin/backup" {
		http.NewResponseController(c.Writer).SetWriteDeadline(time.Time{})
	}
	c.Next()
}

// bodyReadFailed reports whether err comes from reading the request body
// off the network (the server's read deadline passed, the client hung up):
// the client's doing, never a 500.
func bodyReadFailed(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	// io.ErrUnexpectedEOF: the client hung up in the middle of its body
	// (it was logged as a 500 and would page the operator).
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed) || errors.Is(err, http.ErrBodyReadAfterClose) || errors.Is(err, io.ErrUnexpectedEOF)
}

// adminOnly: the operations routes outside /admin/ that take the admin key
// (not listed among the public addresses).
func adminOnly(p string) bool { return p == "/metrics" || p == "/v1/analytics" }
