package main

import (
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/encommun/trouvaille/ingest"
)

func TestLoopback(t *testing.T) {
	for _, c := range []struct {
		host string
		want bool
	}{
		{"127.0.0.1", true},
		{"127.8.9.10", true},
		{"::1", true},
		{"localhost", true},
		{"LocalHost", true},
		{"app.localhost", true},
		{"10.0.0.5", false},
		{"192.168.1.20", false},
		{"::ffff:10.0.0.5", false},
		{"trouvaille.example.org", false},
		{"localhost.example.org", false},
		{"", false},
	} {
		if got := loopback(c.host); got != c.want {
			t.Errorf("loopback(%q) = %v, want %v", c.host, got, c.want)
		}
	}
}

// TestIngestServerGzip: ingest --server compresses its uploads for a
// server on another machine (seen here through a proxy that records the
// requests' Content-Encoding), with the same report as plain uploads; a
// server that refuses gzip (415) gets the same body again, plain, and every
// later one plain too.
func TestIngestServerGzip(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	for _, refuse := range []bool{false, true} {
		dir, file := writeNotesFile(t)
		p := startServe(t, filepath.Join(dir, "data"))
		target, _ := url.Parse("http://" + p.addr)
		proxy := httputil.NewSingleHostReverseProxy(target)
		var mu sync.Mutex
		var seen []string // Content-Encoding of each POST /v1/notes
		front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == "/v1/notes" {
				enc := r.Header.Get("Content-Encoding")
				mu.Lock()
				seen = append(seen, enc)
				mu.Unlock()
				if refuse && enc != "" {
					w.WriteHeader(http.StatusUnsupportedMediaType)
					return
				}
			}
			proxy.ServeHTTP(w, r)
		}))
		r, err := newRemote(front.URL, harnessToken)
		if err != nil {
			t.Fatal(err)
		}
		if r.gzip {
			t.Fatalf("%s is on this machine: its uploads should go plain", front.URL)
		}
		r.gzip = true // as for a server on another machine
		rep, err := ingestRemote(r, file, ingest.Options{}, nil)
		front.Close()
		if err != nil {
			t.Fatal(err)
		}
		if rep.Added != 2 || rep.Rejected != 2 || rep.Read != 4 {
			t.Errorf("refuse=%v: report %+v, want 2 added and 2 rejected of 4 read", refuse, rep)
		}
		lines := []int{}
		for _, rj := range rep.Rejections {
			lines = append(lines, rj.Line)
		}
		if !slices.Equal(lines, []int{3, 4}) {
			t.Errorf("refuse=%v: rejected lines %v, want the file's [3 4]", refuse, lines)
		}
		want := []string{"gzip"}
		if refuse {
			want = []string{"gzip", ""}
		}
		if !slices.Equal(seen, want) {
			t.Errorf("refuse=%v: uploads' Content-Encoding %q, want %q", refuse, seen, want)
		}
		if refuse && r.gzip {
			t.Errorf("after a 415 the next uploads should go plain")
		}
		// A write is acknowledged once stored; the index follows it within
		// moments (CI caught a search made at once).
		for deadline := time.Now().Add(20 * time.Second); ; {
			resp, err := http.Get("http://" + p.addr + "/v1/search?q=" + url.QueryEscape("économie sociale"))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(body), `"id":"n1"`) {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("refuse=%v: the uploaded note is not found: %s", refuse, body)
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		p.kill()
	}
}

// TestDiskError: a file system problem met writing the operator's file (or
// its temporary file beside it) is said in French naming that file; one
// met elsewhere (the data folder) keeps its own words.
func TestDiskError(t *testing.T) {
	what, path := "écrire la sauvegarde /srv/b/x.bak", "/srv/b/x.bak"
	for _, c := range []struct {
		err  error
		want string // "" for unchanged
	}{
		{fmt.Errorf("sauvegarder le magasin : %w", &iofs.PathError{Op: "write", Path: "/srv/b/.x.bak.4015645920", Err: syscall.ENOSPC}), "écrire la sauvegarde /srv/b/x.bak : disque plein là où /srv/b/x.bak s’écrit"},
		{&iofs.PathError{Op: "open", Path: "/srv/b/.x.bak.1", Err: syscall.EROFS}, "écrire la sauvegarde /srv/b/x.bak : le disque de /srv/b/x.bak est en lecture seule"},
		{&os.LinkError{Op: "rename", Old: "/srv/b/.x.bak.1", New: "/srv/b/x.bak", Err: syscall.EACCES}, "accès refusé à /srv/b/x.bak"},
		{&iofs.PathError{Op: "open", Path: "/srv/b", Err: syscall.ENOENT}, "le dossier /srv/b n’existe pas"},
		{&iofs.PathError{Op: "open", Path: "/var/lib/trouvaille/store/MANIFEST", Err: syscall.EACCES}, ""},
		{errors.New("le serveur répond 401"), ""},
	} {
		got := diskError(what, path, c.err)
		if c.want == "" {
			if got != c.err {
				t.Errorf("diskError(%v) = %v, want it unchanged", c.err, got)
			}
			continue
		}
		if !strings.HasPrefix(got.Error(), c.want) && !strings.Contains(got.Error(), c.want) {
			t.Errorf("diskError(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

// TestListenError: an address taken, one that is not the machine's, a
// reserved port: each says its own cause and remedy (every failure was
// « adresse déjà prise ? essayez --addr 127.0.0.1:8081 »).
func TestListenError(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	_, err = net.Listen("tcp", taken.Addr().String())
	if got := listenError(taken.Addr().String(), err).Error(); !strings.Contains(got, "l’adresse est déjà prise") || strings.Contains(got, "address already in use") {
		t.Errorf("an address taken: %q", got)
	}
	_, err = net.Listen("tcp", "192.0.2.1:0") // TEST-NET-1: no interface has it
	if got := listenError("192.0.2.1:0", err).Error(); !strings.Contains(got, "n’est à aucune interface de cette machine") {
		t.Errorf("an address not on the machine: %q", got)
	}
	err = &net.OpError{Op: "listen", Net: "tcp", Err: os.NewSyscallError("bind", syscall.EACCES)}
	if got := listenError("0.0.0.0:80", err).Error(); !strings.Contains(got, "port réservé") {
		t.Errorf("a reserved port: %q", got)
	}
}

// search's errors name its options, not the API's parameters (« --page :
// … (page 1 000 au plus avec per_page=10) »).
func TestSearchErrorsNameOptions(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	seedNotes(t, data, 3)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--published-after", "2024-01-01", "--published-before", "2023-01-01"}, "--published-before doit être après --published-after"},
		{[]string{"--page", "9999"}, "au plus avec -n 10)"},
	} {
		err := runSearch(append([]string{"--data", data, "note"}, c.args...), io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "published_") || strings.Contains(err.Error(), "per_page") {
			t.Errorf("search %v: %v, want %q", c.args, err, c.want)
		}
	}
}

// Small CLI points of the operator audit: « trouvaille help serve » is
// serve's help; every error of several joined (two invalid variables) has
// its « trouvaille : »; backup with two files says there is one too many.
func TestCLIHelpAndErrorLines(t *testing.T) {
	dir := t.TempDir()
	if code, out := runCLI(t, dir, nil, "help", "serve"); code != 0 || !strings.Contains(out, "Utilisation : trouvaille serve [options]") {
		t.Errorf("help serve: exit %d\n%s", code, out)
	}
	code, out := runCLI(t, dir, []string{"TROUVAILLE_BATCH_SIZE=abc", "TROUVAILLE_QUIET=x"}, "ingest", "x.jsonl")
	if code != 2 || strings.Count(out, "trouvaille : variable d’environnement invalide") != 2 {
		t.Errorf("two invalid variables: exit %d\n%s", code, out)
	}
	if code, out := runCLI(t, dir, nil, "backup", "--data", filepath.Join(dir, "d"), "a.bak", "b.bak"); code != 2 || !strings.Contains(out, "un seul fichier de sauvegarde") {
		t.Errorf("backup with two files: exit %d\n%s", code, out)
	}
	if got := errorLines(errors.New("refusé : faites ceci\n  commande à copier")); got != "trouvaille : refusé : faites ceci\n  commande à copier\n" {
		t.Errorf("errorLines: %q", got)
	}
}
