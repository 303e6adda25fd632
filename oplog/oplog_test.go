package oplog

import (
	"fmt"
	"testing"
)

// A level without its function falls back to the one below: errors to
// warnings, warnings to information; the zero Logger discards everything.
func TestFallback(t *testing.T) {
	var got []string
	at := func(level string) func(string, ...any) {
		return func(f string, a ...any) { got = append(got, level+" "+fmt.Sprintf(f, a...)) }
	}
	report := func(l Logger) {
		l.Infof("i%d", 1)
		l.Warnf("w%d", 2)
		l.Errorf("e%d", 3)
	}
	for _, c := range []struct {
		l    Logger
		want string
	}{
		{Logger{Info: at("I"), Warn: at("W"), Error: at("E")}, "[I i1 W w2 E e3]"},
		{Logger{Info: at("I"), Warn: at("W")}, "[I i1 W w2 W e3]"},
		{To(at("I")), "[I i1 I w2 I e3]"},
		{Logger{Error: at("E")}, "[E e3]"},
		{Logger{}, "[]"},
	} {
		got = nil
		report(c.l)
		if s := fmt.Sprint(got); s != c.want {
			t.Errorf("%s, want %s", s, c.want)
		}
	}
	if !(Logger{}).IsZero() || !To(nil).IsZero() || To(at("I")).IsZero() {
		t.Error("IsZero")
	}
}
