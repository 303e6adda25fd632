package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
)

// ErrMissing reports an engine that cannot run on this machine.
var ErrMissing = errors.New("engine not available")

// PostgresInstallHint tells how to get the PostgreSQL binaries.
const PostgresInstallHint = "apt-get update && apt-get install -y postgresql   (or set PGBIN to a directory holding initdb and pg_ctl)"

// FindPostgres returns the directory of initdb/pg_ctl: $PGBIN, else the
// newest /usr/lib/postgresql/*/bin, else the PATH.
func FindPostgres() (string, error) {
	if d := os.Getenv("PGBIN"); d != "" {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("%w: PostgreSQL binaries (initdb, pg_ctl) not found; install with: %s", ErrMissing, PostgresInstallHint)
}

func pgMajor(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// pgServer is a private PostgreSQL cluster run for the benchmark.
type pgServer struct {
	bin, root, data, sock, logFile string
	port                           int
	asUser                         string // run binaries as this user (when we are root)
}

func (s *pgServer) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	path := filepath.Join(s.bin, name)
	if s.asUser != "" {
		return exec.CommandContext(ctx, "runuser", append([]string{"-u", s.asUser, "--", path}, args...)...)
	}
	return exec.CommandContext(ctx, path, args...)
}

func (s *pgServer) run(ctx context.Context, name string, args ...string) error {
	out, err := s.command(ctx, name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// newPGServer runs initdb in a fresh temporary directory.
func newPGServer(ctx context.Context, cfg *Config) (*pgServer, error) {
	bin, err := FindPostgres()
	if err != nil {
		return nil, err
	}
	s := &pgServer{bin: bin}
	// /tmp is traversable by the postgres user, a private work dir may not be.
	if s.root, err = os.MkdirTemp("", "trouvaille-bench-pg-"); err != nil {
		return nil, err
	}
	s.data, s.sock, s.logFile = filepath.Join(s.root, "data"), filepath.Join(s.root, "sock"), filepath.Join(s.root, "postgres.log")
	for _, d := range []string{s.sock} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("%w: running as root needs a 'postgres' user (installed with the postgresql package)", ErrMissing)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.asUser = "postgres"
		for _, p := range []string{s.root, s.sock} {
			if err := os.Chown(p, uid, gid); err != nil {
				return nil, err
			}
		}
	}
	if s.port, err = freePort(); err != nil {
		return nil, err
	}
	cfg.logf("postgres: initdb in %s (%s)", s.data, bin)
	if err := s.run(ctx, "initdb", "-D", s.data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		s.remove()
		return nil, err
	}
	return s, nil
}

// start launches the server and returns once it accepts connections.
func (s *pgServer) start(ctx context.Context) (*pgx.Conn, error) {
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -c unix_socket_directories=%s", s.port, s.sock)
	if err := s.command(ctx, "pg_ctl", "start", "-D", s.data, "-l", s.logFile, "-o", opts).Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		conn, err := s.connect(ctx, "postgres")
		if err == nil {
			if _, err = conn.Exec(ctx, "SELECT 1"); err == nil {
				return conn, nil
			}
			conn.Close(ctx)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			log, _ := os.ReadFile(s.logFile)
			return nil, fmt.Errorf("postgres did not start: %v\n%s", err, log)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// startPGDatabase runs initdb in a fresh temporary directory, starts the
// server, creates database db and connects to it. On error nothing is left
// running; on success the caller stops and removes the server.
func startPGDatabase(ctx context.Context, cfg *Config, db string) (*pgServer, *pgx.Conn, error) {
	s, err := newPGServer(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	fail := func(err error) (*pgServer, *pgx.Conn, error) {
		s.stop()
		s.remove()
		return nil, nil, err
	}
	admin, err := s.start(ctx)
	if err != nil {
		return fail(err)
	}
	_, err = admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{db}.Sanitize())
	admin.Close(ctx)
	if err != nil {
		return fail(err)
	}
	conn, err := s.connect(ctx, db)
	if err != nil {
		return fail(err)
	}
	return s, conn, nil
}

func (s *pgServer) connect(ctx context.Context, db string) (*pgx.Conn, error) {
	return pgx.Connect(ctx, fmt.Sprintf("host=127.0.0.1 port=%d user=postgres dbname=%s sslmode=disable", s.port, db))
}

// pid returns the postmaster's pid, or 0.
func (s *pgServer) pid() int {
	b, err := os.ReadFile(filepath.Join(s.data, "postmaster.pid"))
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(line))
	return pid
}

// stop shuts the server down (fast mode), killing the postmaster by pid if
// pg_ctl cannot. It is safe to call on a stopped server.
func (s *pgServer) stop() {
	pid := s.pid()
	if pid == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := s.run(ctx, "pg_ctl", "stop", "-D", s.data, "-m", "fast", "-w"); err != nil && s.pid() == pid {
		_ = syscall.Kill(pid, syscall.SIGQUIT)
	}
}

func (s *pgServer) remove() { _ = os.RemoveAll(s.root) }

// pgTextSearchSetup creates the fr_unaccent configuration (the french
// snowball stemmer after unaccent) and the join_words helper; the benchmark
// and the relevance comparison both start their schema with it.
const pgTextSearchSetup = `
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = french);
ALTER TEXT SEARCH CONFIGURATION fr_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
-- array_to_string is only STABLE; a generated column needs an IMMUTABLE expression.
CREATE FUNCTION join_words(text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT coalesce(array_to_string($1, ' '), '') $$;
`

const pgSchema = pgTextSearchSetup + `
CREATE TABLE notes (
	id text PRIMARY KEY,
	type text NOT NULL,
	visibility text NOT NULL,
	title text NOT NULL,
	summary text,
	body text,
	authors text[],
	organisations text[],
	carnets text[],
	blocs text[],
	terms text[],
	published_at timestamptz,
	tsv tsvector GENERATED ALWAYS AS (
		setweight(to_tsvector('fr_unaccent'::regconfig, coalesce(title, '')), 'A') ||
		setweight(to_tsvector('fr_unaccent'::regconfig, coalesce(summary, '')), 'B') ||
		setweight(to_tsvector('fr_unaccent'::regconfig, join_words(terms)), 'B') ||
		setweight(to_tsvector('fr_unaccent'::regconfig, coalesce(body, '')), 'C')
	) STORED
);`

var pgColumns = []string{"id", "type", "visibility", "title", "summary", "body", "authors", "organisations", "carnets", "blocs", "terms", "published_at"}

// pgCopySource feeds COPY from a notes file.
type pgCopySource struct {
	r     *NoteReader
	n     Note
	err   error
	count int
}

func (c *pgCopySource) Next() bool {
	c.err = c.r.Next(&c.n)
	if c.err == io.EOF {
		c.err = nil
		return false
	}
	if c.err == nil {
		c.count++
	}
	return c.err == nil
}

func (c *pgCopySource) Values() ([]any, error) {
	n := &c.n
	var published any
	if t, err := time.Parse(time.RFC3339, n.PublishedAt); err == nil {
		published = t
	}
	return []any{n.ID, n.Type, n.Visibility, n.Title, n.Summary, n.Body, n.Authors, n.Organisations, n.CarnetTitles(), n.Blocs(), n.Terms, published}, nil
}

func (c *pgCopySource) Err() error { return c.err }

// RunPostgres measures PostgreSQL full-text search: private cluster,
// COPY + GIN index, restart (start-up), queries.
func RunPostgres(ctx context.Context, cfg *Config) (res *Result, err error) {
	s, conn, err := startPGDatabase(ctx, cfg, "bench")
	if err != nil {
		return nil, err
	}
	defer s.remove()
	defer s.stop()
	var base int64
	if err := conn.QueryRow(ctx, "SELECT pg_database_size(current_database())").Scan(&base); err != nil {
		return nil, err
	}

	res = &Result{Engine: "postgres"}
	var version string
	_ = conn.QueryRow(ctx, "SHOW server_version").Scan(&version)
	cfg.logf("postgres %s: loading %s", version, cfg.NotesFile)
	sampler := SampleTree(s.pid, 100*time.Millisecond)
	start := time.Now()
	if _, err := conn.Exec(ctx, pgSchema); err != nil {
		sampler.Stop()
		return nil, fmt.Errorf("schema: %w", err)
	}
	r, err := OpenNotes(cfg.NotesFile)
	if err != nil {
		sampler.Stop()
		return nil, err
	}
	src := &pgCopySource{r: r}
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"notes"}, pgColumns, src)
	r.Close()
	if err == nil {
		_, err = conn.Exec(ctx, "CREATE INDEX notes_tsv ON notes USING gin (tsv)")
	}
	if err == nil {
		_, err = conn.Exec(ctx, "VACUUM ANALYZE notes")
	}
	if err == nil {
		_, err = conn.Exec(ctx, "CHECKPOINT")
	}
	res.Ingest = time.Since(start)
	res.PeakRSSIngest = sampler.Stop()
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	res.Notes = src.count
	var size int64
	if err := conn.QueryRow(ctx, "SELECT pg_database_size(current_database())").Scan(&size); err != nil {
		return nil, err
	}
	res.DiskBytes = size - base
	conn.Close(ctx)
	cfg.logf("postgres: %d notes in %v (%.0f notes/s), %.1f MB (tables + indexes)", res.Notes, res.Ingest.Round(time.Millisecond), res.IngestRate(), float64(res.DiskBytes)/1e6)

	// Restart to measure start-up and serve from a fresh server, like the others.
	s.stop()
	start = time.Now()
	admin, err := s.start(ctx)
	if err != nil {
		return nil, err
	}
	res.Startup = time.Since(start)
	admin.Close(ctx)
	if conn, err = s.connect(ctx, "bench"); err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	cfg.logf("postgres: restarted in %v, querying", res.Startup.Round(time.Millisecond))
	sampler = SampleTree(s.pid, 50*time.Millisecond)
	err = RunQueries(ctx, cfg, res, pgSearcher(conn))
	res.RSSServing = sampler.Stop()
	if p := s.pid(); p > 0 {
		res.AnonServing = AnonMemory(p)
	}
	if err != nil {
		return nil, err
	}
	res.Notes2 = append(res.Notes2, "postgres "+version+": disk = pg_database_size growth (tables, TOAST, indexes; WAL excluded); RSS = summed PSS of the postmaster and its backends, sampled; websearch_to_tsquery AND falling back to OR when nothing matches")
	return res, nil
}

const pgHitsSQL = `SELECT id, title%s FROM (
	SELECT id, title, body, q, ts_rank(tsv, q) AS r
	FROM notes, websearch_to_tsquery('fr_unaccent', $1) AS q
	WHERE tsv @@ q AND visibility = 'public'
	ORDER BY r DESC LIMIT 20) s ORDER BY r DESC`

const pgHeadline = `, ts_headline('fr_unaccent', body, q, 'MaxFragments=2, MinWords=5, MaxWords=20, StartSel=<mark>, StopSel=</mark>')`

const pgCountSQL = `SELECT count(*) FROM notes WHERE tsv @@ websearch_to_tsquery('fr_unaccent', $1) AND visibility = 'public'`

// pgFacetsSQL counts the matching set and the top 10 values of every facet in one statement.
var pgFacetsSQL = func() string {
	var b strings.Builder
	b.WriteString(`WITH m AS MATERIALIZED (
	SELECT type, authors, organisations, carnets, blocs, terms FROM notes
	WHERE tsv @@ websearch_to_tsquery('fr_unaccent', $1) AND visibility = 'public')
SELECT 'total' AS facet, NULL AS value, count(*) AS n FROM m`)
	for _, f := range []string{"authors", "organisations", "carnets", "blocs", "terms"} {
		fmt.Fprintf(&b, "\nUNION ALL (SELECT '%s', v, count(*) FROM m, unnest(m.%s) AS v GROUP BY v ORDER BY 3 DESC, 2 LIMIT 10)", f, f)
	}
	b.WriteString("\nUNION ALL (SELECT 'type', type, count(*) FROM m GROUP BY type ORDER BY 3 DESC LIMIT 10)")
	return b.String()
}()

const pgPrefixSQL = `SELECT id, title FROM notes, to_tsquery('fr_unaccent', $1) AS q
	WHERE tsv @@ q AND visibility = 'public' ORDER BY ts_rank(tsv, q) DESC LIMIT 5`

// pgPrefixQuery turns "logement abor" into "logement & abor:*".
func pgPrefixQuery(q string) string {
	parts := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, " & ") + ":*"
}

func pgSearcher(conn *pgx.Conn) Searcher {
	return func(ctx context.Context, q Query) (int, error) {
		if q.Kind == KindPrefix {
			return drain(conn.Query(ctx, pgPrefixSQL, pgPrefixQuery(q.Q)))
		}
		total, err := pgSearch(ctx, conn, q, q.Q)
		if err == nil && total == 0 && len(strings.Fields(q.Q)) > 1 {
			total, err = pgSearch(ctx, conn, q, strings.Join(strings.Fields(q.Q), " or "))
		}
		return total, err
	}
}

// pgSearch sends the hits query and the count (or facets) query in one round trip.
func pgSearch(ctx context.Context, conn *pgx.Conn, q Query, text string) (int, error) {
	batch := &pgx.Batch{}
	headline := ""
	if q.Kind != KindPlain {
		headline = pgHeadline
	}
	batch.Queue(fmt.Sprintf(pgHitsSQL, headline), text)
	if q.Kind == KindFacetsHighlight {
		batch.Queue(pgFacetsSQL, text)
	} else {
		batch.Queue(pgCountSQL, text)
	}
	br := conn.SendBatch(ctx, batch)
	defer br.Close()
	rows, err := br.Query()
	if _, err = drain(rows, err); err != nil {
		return 0, err
	}
	rows, err = br.Query()
	if err != nil {
		return 0, err
	}
	total := 0
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			rows.Close()
			return 0, err
		}
		// count query: one int64; facets query: the 'total' row carries the count.
		if len(vals) == 1 {
			total = int(vals[0].(int64))
		} else if vals[0] == "total" {
			total = int(vals[2].(int64))
		}
	}
	rows.Close()
	return total, rows.Err()
}

func drain(rows pgx.Rows, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		if _, err := rows.Values(); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}
