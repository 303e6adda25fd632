package bench

import (
	"fmt"
	"strings"
	"time"
)

// Skipped is an engine that did not run, with why.
type Skipped struct {
	Engine string
	Reason string
}

func fmtBytes(b int64) string {
	switch {
	case b <= 0:
		return "–"
	case b >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d B", b)
}

func fmtDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	case d < 10*time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func fmtMS(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/1e6) }

func ratio(other, ref float64) string {
	if other <= 0 || ref <= 0 {
		return "–"
	}
	if r := other / ref; r < 0.1 {
		return fmt.Sprintf("%.2f×", r)
	}
	return fmt.Sprintf("%.1f×", other/ref)
}

// Markdown renders results side by side: resources, latencies (ms), and
// ratios against Trouvaille (above 1× means Trouvaille does better).
func Markdown(results []*Result, skipped []Skipped) string {
	var b strings.Builder
	b.WriteString("| engine | notes | ingest notes/s | disk/note | peak RSS ingest | RSS serving | anonymous serving | start-up |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		perNote := int64(0)
		if r.Notes > 0 {
			perNote = r.DiskBytes / int64(r.Notes)
		}
		fmt.Fprintf(&b, "| %s | %d | %.0f | %s | %s | %s | %s | %s |\n", r.Engine, r.Notes, r.IngestRate(),
			fmtBytes(perNote), fmtBytes(r.PeakRSSIngest), fmtBytes(r.RSSServing), fmtBytes(r.AnonServing), fmtDur(r.Startup))
	}
	b.WriteString("\nLatency in ms, p50 / p95 / p99 (zero-hit queries, errors):\n\n| engine |")
	for _, k := range Kinds {
		b.WriteString(" " + k + " |")
	}
	b.WriteString("\n|---|")
	for range Kinds {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %s |", r.Engine)
		for _, k := range Kinds {
			l := r.Latency[k]
			if l == nil || l.N == 0 {
				b.WriteString(" – |")
				continue
			}
			fmt.Fprintf(&b, " %s / %s / %s (%d/%d", fmtMS(l.P50), fmtMS(l.P95), fmtMS(l.P99), l.ZeroHits, l.N+l.Errors)
			if l.Errors > 0 {
				fmt.Fprintf(&b, ", %d err", l.Errors)
			}
			b.WriteString(") |")
		}
		b.WriteString("\n")
	}

	var ref *Result
	for _, r := range results {
		if r.Engine == "trouvaille" {
			ref = r
		}
	}
	if ref != nil && len(results) > 1 {
		b.WriteString("\nRatios against Trouvaille (engine ÷ Trouvaille for costs, so above 1× Trouvaille is ahead):\n\n")
		b.WriteString("| engine | ingest time | disk | peak RSS ingest | RSS serving | start-up |")
		for _, k := range Kinds {
			b.WriteString(" p50 " + k + " | p99 " + k + " |")
		}
		b.WriteString("\n|---|---:|---:|---:|---:|---:|")
		for range Kinds {
			b.WriteString("---:|---:|")
		}
		b.WriteString("\n")
		for _, r := range results {
			if r == ref {
				continue
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |", r.Engine,
				ratio(ref.IngestRate(), r.IngestRate()),
				ratio(perNoteF(r), perNoteF(ref)),
				ratio(float64(r.PeakRSSIngest), float64(ref.PeakRSSIngest)),
				ratio(float64(r.RSSServing), float64(ref.RSSServing)),
				ratio(float64(r.Startup), float64(ref.Startup)))
			for _, k := range Kinds {
				a, c := r.Latency[k], ref.Latency[k]
				if a == nil || c == nil || a.N == 0 || c.N == 0 {
					b.WriteString(" – | – |")
					continue
				}
				fmt.Fprintf(&b, " %s | %s |", ratio(float64(a.P50), float64(c.P50)), ratio(float64(a.P99), float64(c.P99)))
			}
			b.WriteString("\n")
		}
	}
	for _, s := range skipped {
		fmt.Fprintf(&b, "\n- **%s skipped**: %s\n", s.Engine, s.Reason)
	}
	var remarks []string
	for _, r := range results {
		remarks = append(remarks, r.Notes2...)
	}
	if len(remarks) > 0 {
		b.WriteString("\nNotes:\n\n")
		for _, n := range remarks {
			b.WriteString("- " + n + "\n")
		}
	}
	return b.String()
}

func perNoteF(r *Result) float64 {
	if r.Notes == 0 {
		return 0
	}
	return float64(r.DiskBytes) / float64(r.Notes)
}
