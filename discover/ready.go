package discover

// Built reports whether a discovery view (suggestion tables, vocabulary)
// has been built: until then suggestions wait or answer ErrDiscoveryNotReady.
func (d *Discovery) Built() bool { return d.current.Load() != nil }
