package bench

import (
	"os"
	"runtime"
	"testing"
)

// AnonMemory counts a process's own heap, and not the pages of a file it
// maps: 64 MiB allocated and written raise it by about that much.
func TestAnonMemory(t *testing.T) {
	before := AnonMemory(0)
	if before <= 0 {
		t.Fatalf("AnonMemory(0) = %d, want the test's own heap", before)
	}
	if got := AnonMemory(os.Getpid()); got <= 0 {
		t.Fatalf("AnonMemory(own pid) = %d", got)
	}
	b := make([]byte, 64<<20)
	for i := range b {
		b[i] = byte(i)
	}
	after := AnonMemory(0)
	runtime.KeepAlive(b)
	if grew := after - before; grew < 48<<20 {
		t.Errorf("anonymous memory grew by %d bytes for 64 MiB written, want at least 48 MiB", grew)
	}
	if rss := treePSS(os.Getpid()); after > rss {
		t.Errorf("anonymous %d above the whole PSS %d", after, rss)
	}
}
