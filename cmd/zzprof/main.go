package main

import (
	"os"
	"runtime/pprof"

	trouvaille "github.com/encommun/trouvaille"
)

func main() {
	dir, _ := os.MkdirTemp("/tmp/s22", "prof")
	defer os.RemoveAll(dir)
	e, err := trouvaille.Open(dir, trouvaille.OpenOptions{Bulk: true})
	if err != nil {
		panic(err)
	}
	f, _ := os.Create(os.Args[2])
	pprof.StartCPUProfile(f)
	in := &trouvaille.Ingester{Engine: e}
	if _, err := in.IngestFile(os.Args[1]); err != nil {
		panic(err)
	}
	pprof.StopCPUProfile()
	e.Close()
}
