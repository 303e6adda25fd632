// Package oplog carries the engine's messages to the operator, each at its
// level: routine progress (Info), a problem handled (Warn), a service
// degraded until a retry succeeds or the operator acts (Error). A server
// logs each at its level, so that an alert on warnings and errors sees
// every problem the engine reports; the commands print them all. A level
// without its function falls back to the one below it.
package oplog
