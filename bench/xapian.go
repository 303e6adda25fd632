package bench

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// Xapian as a fourth peer (search core issue): Debian's python3-xapian 1.4
// driven as a subprocess (bench/xapian/peer.py: French stemmer, accents
// folded, title weighted, BM25 over an OR of the words).

//go:embed xapian/peer.py
var xapianPeer []byte

// XapianInstallHint says how to install the Xapian peer.
const XapianInstallHint = "apt-get install -y python3-xapian"

// xapianPython finds a Python that imports xapian: $XAPIAN_PYTHON, then
// /usr/bin/python3 (Debian's, where python3-xapian installs), then python3.
func xapianPython() (string, error) {
	var cands []string
	if p := os.Getenv("XAPIAN_PYTHON"); p != "" {
		cands = append(cands, p)
	}
	cands = append(cands, "/usr/bin/python3", "python3")
	for _, c := range cands {
		p, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		if exec.Command(p, "-c", "import xapian").Run() == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: Python with the xapian module not found; install with: %s (or set XAPIAN_PYTHON)", ErrMissing, XapianInstallHint)
}

// XapianRelevance loads the notes file into a Xapian database in a
// temporary folder and returns its search function and a stop function
// (ends the subprocess, removes the folder). The error wraps ErrMissing
// when python3-xapian is not installed.
func XapianRelevance(ctx context.Context, notesFile string) (RelevanceSearch, func(), error) {
	py, err := xapianPython()
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "trouvaille-xapian-")
	if err != nil {
		return nil, nil, err
	}
	script := filepath.Join(dir, "peer.py")
	if err := os.WriteFile(script, xapianPeer, 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	cmd := exec.CommandContext(ctx, py, script, notesFile, filepath.Join(dir, "db"))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("start the Xapian peer: %w", err)
	}
	stop := func() {
		in.Close()
		cmd.Wait()
		os.RemoveAll(dir)
	}
	out := bufio.NewReader(outPipe)
	ready, err := out.ReadString('\n')
	if err != nil || !strings.HasPrefix(ready, "ready ") {
		stop()
		return nil, nil, fmt.Errorf("the Xapian peer did not load the notes (%q): %w", strings.TrimSpace(ready), errors.Join(err, io.ErrUnexpectedEOF))
	}
	var mu sync.Mutex
	search := func(q string, k int) ([]string, error) {
		mu.Lock()
		defer mu.Unlock()
		req, _ := json.Marshal(map[string]any{"q": q, "k": k})
		if _, err := in.Write(append(req, '\n')); err != nil {
			return nil, fmt.Errorf("Xapian peer: %w", err)
		}
		line, err := out.ReadBytes('\n')
		if err != nil {
			return nil, fmt.Errorf("Xapian peer: %w", err)
		}
		var resp struct {
			IDs   []string `json:"ids"`
			Error string   `json:"error"`
		}
		if err := json.Unmarshal(line, &resp); err != nil {
			return nil, fmt.Errorf("Xapian peer answer %q: %w", line, err)
		}
		if resp.Error != "" {
			return nil, fmt.Errorf("Xapian peer: %s", resp.Error)
		}
		return resp.IDs, nil
	}
	return search, stop, nil
}
