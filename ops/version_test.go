package ops

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}}
	b := fromBuildInfo(info, "")
	if b.Version != "v1.4.0" || b.Commit != "0123456789abcdef0123" || !b.Modified || b.GoVersion != "go1.26.8" {
		t.Fatalf("got %+v", b)
	}
	if s := b.String(); s != "trouvaille v1.4.0 (commit 0123456789ab (modifié), go1.26.8)" {
		t.Errorf("String: %q", s)
	}
	if b := fromBuildInfo(info, "v9.9.9"); b.Version != "v9.9.9" {
		t.Errorf("override ignored: %+v", b)
	}
	if b := fromBuildInfo(&debug.BuildInfo{GoVersion: "go1.26.8"}, ""); b.Version != "(devel)" || !strings.Contains(b.String(), "commit inconnu") {
		t.Errorf("no module version: %+v %q", b, b.String())
	}
}

func TestBuildHasGoVersion(t *testing.T) {
	if b := Build(); !strings.HasPrefix(b.GoVersion, "go") {
		t.Errorf("Build() = %+v, want the Go version", b)
	}
}
