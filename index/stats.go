package index

// Segments returns the number of segments at the root of the index (in
// memory and on disk), as Bleve's scorch reports them; ok is false when the
// statistics are not available.
func (ix *Index) Segments() (n uint64, ok bool) {
	m := ix.bi.StatsMap()
	sm, _ := m["index"].(map[string]any)
	if sm == nil {
		return 0, false
	}
	file, ok1 := sm["num_root_filesegments"].(uint64)
	mem, ok2 := sm["num_root_memorysegments"].(uint64)
	return file + mem, ok1 || ok2
}
