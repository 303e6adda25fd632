package oplog

// Logger sends each message to the function of its level. A nil Error
// sends errors to Warn, a nil Warn sends warnings (and errors) to Info;
// the zero Logger discards everything.
type Logger struct {
	// Info receives routine progress: an index caught up, warmed,
	// rebuilt; a file reloaded.
	Info func(format string, args ...any)
	// Warn receives what went wrong and was handled: a file refused (the
	// one in force stays), a damaged index being rebuilt, a cache rebuilt,
	// a write to be retried.
	Warn func(format string, args ...any)
	// Error receives what leaves the service degraded until a retry
	// succeeds or the operator acts: a rebuild or a catch-up that failed,
	// a disk too full to write the index or take new notes.
	Error func(format string, args ...any)
}

// To returns a Logger that sends every message to f, whatever its level.
func To(f func(format string, args ...any)) Logger { return Logger{Info: f} }

// IsZero reports whether l has no function: it discards everything.
func (l Logger) IsZero() bool { return l.Info == nil && l.Warn == nil && l.Error == nil }

// Infof reports routine progress.
func (l Logger) Infof(format string, args ...any) {
	if l.Info != nil {
		l.Info(format, args...)
	}
}

// Warnf reports a problem that was handled.
func (l Logger) Warnf(format string, args ...any) {
	if l.Warn != nil {
		l.Warn(format, args...)
		return
	}
	l.Infof(format, args...)
}

// Errorf reports a problem that leaves the service degraded.
func (l Logger) Errorf(format string, args ...any) {
	if l.Error != nil {
		l.Error(format, args...)
		return
	}
	l.Warnf(format, args...)
}
