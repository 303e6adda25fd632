package bench

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// AnonMemory counts a process's own memory and not the pages of a file it
// maps: 64 MiB of new anonymous pages, written, raise it by about that much;
// 64 MiB of a file mapped and read do not. (The pages are mapped outside Go's
// heap, which may reuse memory it already holds.)
func TestAnonMemory(t *testing.T) {
	const size = 64 << 20
	if got := AnonMemory(os.Getpid()); got <= 0 || AnonMemory(0) <= 0 {
		t.Fatalf("AnonMemory(own pid) = %d, want the test's own heap", got)
	}
	before := AnonMemory(0)
	anon, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(anon)
	for i := 0; i < size; i += 4096 {
		anon[i] = 1
	}
	after := AnonMemory(0)
	if grew := after - before; grew < size*3/4 {
		t.Errorf("anonymous memory grew by %d bytes for %d written, want at least 3/4 of it", grew, size)
	}
	if pss := treePSS(os.Getpid()); after > pss {
		t.Errorf("anonymous %d above the whole PSS %d", after, pss)
	}

	path := filepath.Join(t.TempDir(), "mapped")
	if err := os.WriteFile(path, make([]byte, size), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	file, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(file)
	before = AnonMemory(0)
	sum := 0
	for i := 0; i < size; i += 4096 {
		sum += int(file[i])
	}
	if grew := AnonMemory(0) - before; grew > size/4 || sum != 0 {
		t.Errorf("anonymous memory grew by %d bytes for %d of a file read through mmap", grew, size)
	}
}
