package ops

import (
	"fmt"
	"runtime/debug"
)

// version can be set at link time (-ldflags "-X github.com/encommun/trouvaille/ops.version=v1.2.3");
// otherwise the module version of the build information is used.
var version string

// BuildInfo says which build is running.
type BuildInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	Modified  bool   `json:"modified,omitempty"`
	GoVersion string `json:"go_version"`
}

// Build reads the build information of the running binary (runtime/debug):
// the module version (or the -X override), the VCS revision and whether
// the work tree had uncommitted changes, and the Go version.
func Build() BuildInfo {
	b := BuildInfo{Version: version}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		if b.Version == "" {
			b.Version = "(inconnue)"
		}
		return b
	}
	return fromBuildInfo(info, version)
}

func fromBuildInfo(info *debug.BuildInfo, override string) BuildInfo {
	b := BuildInfo{Version: override, GoVersion: info.GoVersion}
	if b.Version == "" {
		b.Version = info.Main.Version
	}
	if b.Version == "" {
		b.Version = "(devel)"
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// String is the line `trouvaille version` prints.
func (b BuildInfo) String() string {
	commit := b.Commit
	if commit == "" {
		commit = "inconnu"
	} else if len(commit) > 12 {
		commit = commit[:12]
	}
	if b.Modified {
		commit += " (modifié)"
	}
	return fmt.Sprintf("trouvaille %s (commit %s, %s)", b.Version, commit, b.GoVersion)
}
