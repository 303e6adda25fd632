package ops

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// EngineStats is what the metrics read of the engine at each scrape
// (trouvaille.Engine.Stats gives it).
type EngineStats struct {
	StoreSeq, IndexSeq     uint64
	StoreBytes, IndexBytes int64
	Segments               uint64
	Notes                  uint64
	// IndexWriteFailures counts the index's failed background writes since
	// it opened; StoreCompactionsOff is true when the store was opened on a
	// nearly full disk, without compactions (store.Store.Tight).
	IndexWriteFailures  uint64
	StoreCompactionsOff bool
	// IndexBuildingBeside is true while the successor of an index built by
	// another analysis of words is built beside it (the old one serves).
	IndexBuildingBeside bool
}

// Metrics are the server's Prometheus metrics, on their own registry (no
// global state: two servers in one test process do not collide). See
// docs/operations.md for what each one means.
type Metrics struct {
	Registry *prometheus.Registry

	requests    *prometheus.HistogramVec
	searches    prometheus.Counter
	zero        prometheus.Counter
	results     prometheus.Histogram
	writes      *prometheus.CounterVec
	rejects     prometheus.Counter
	writeErrors *prometheus.CounterVec
	overloaded  prometheus.Counter
	inFlight    prometheus.Gauge
	events      *prometheus.CounterVec
}

// NewMetrics registers the metrics; stats (nil: none) is read at each
// scrape for the engine's gauges.
func NewMetrics(stats func() EngineStats) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "trouvaille_http_request_duration_seconds",
			Help:    "Durée des requêtes HTTP, par route (le modèle de la table des routes, jamais l’adresse brute), méthode et statut.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "status"}),
		searches: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "trouvaille_searches_total",
			Help: "Recherches réussies par l’API (GET /v1/search).",
		}),
		zero: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "trouvaille_searches_zero_results_total",
			Help: "Recherches sans aucun résultat (taux : rapport à trouvaille_searches_total).",
		}),
		results: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "trouvaille_search_results",
			Help:    "Nombre total de résultats par recherche.",
			Buckets: []float64{0, 1, 2, 5, 10, 20, 50, 100, 500, 1000, 10000},
		}),
		writes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "trouvaille_writes_total",
			Help: "Notes écrites par l’API, par résultat (added, updated, unchanged, deleted).",
		}, []string{"outcome"}),
		rejects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "trouvaille_write_rejects_total",
			Help: "Notes rejetées par les écritures (champ invalide, JSON mal formé…).",
		}),
		writeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "trouvaille_write_errors_total",
			Help: "Écritures arrêtées par une erreur du serveur, par genre (disk_full, canceled, other).",
		}, []string{"kind"}),
		overloaded: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "trouvaille_http_overloaded_total",
			Help: "Requêtes refusées (503) parce que trop de requêtes étaient en cours et la file pleine.",
		}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "trouvaille_http_in_flight",
			Help: "Requêtes en cours de traitement (hors file d’attente).",
		}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "trouvaille_events_total",
			Help: "Événements reçus par POST /v1/events, par type.",
		}, []string{"type"}),
	}
	reg.MustRegister(m.requests, m.searches, m.zero, m.results, m.writes, m.rejects, m.writeErrors, m.overloaded, m.inFlight, m.events,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if stats != nil {
		reg.MustRegister(&engineCollector{stats: stats})
	}
	for _, o := range []string{"added", "updated", "unchanged", "deleted"} {
		m.writes.WithLabelValues(o) // present at 0 from the start, for rate()
	}
	// Present at 0 too: increase() over a series born at 1 gives 0, and the
	// documented alert on disk_full missed the first refusal.
	for _, k := range []string{"disk_full", "canceled", "other"} {
		m.writeErrors.WithLabelValues(k)
	}
	return m
}

// ObserveRequest records one HTTP request.
func (m *Metrics) ObserveRequest(route, method string, status int, seconds float64) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Observe(seconds)
}

// ObserveSearch records one successful search and its total.
func (m *Metrics) ObserveSearch(total uint64) {
	m.searches.Inc()
	if total == 0 {
		m.zero.Inc()
	}
	m.results.Observe(float64(total))
}

// ObserveWrite records what one write did.
func (m *Metrics) ObserveWrite(added, updated, unchanged, deleted, rejected int) {
	m.writes.WithLabelValues("added").Add(float64(added))
	m.writes.WithLabelValues("updated").Add(float64(updated))
	m.writes.WithLabelValues("unchanged").Add(float64(unchanged))
	m.writes.WithLabelValues("deleted").Add(float64(deleted))
	m.rejects.Add(float64(rejected))
}

// WriteError records a write stopped by a server-side error.
func (m *Metrics) WriteError(kind string) { m.writeErrors.WithLabelValues(kind).Inc() }

// Overloaded records a request refused by the concurrency limit.
func (m *Metrics) Overloaded() { m.overloaded.Inc() }

// InFlight moves the in-flight gauge by delta.
func (m *Metrics) InFlight(delta float64) { m.inFlight.Add(delta) }

// Event records one accepted POST /v1/events.
func (m *Metrics) Event(kind string) { m.events.WithLabelValues(kind).Inc() }

// engineCollector reads the engine's state at scrape time.
type engineCollector struct {
	stats func() EngineStats
}

var (
	descStoreSeq   = prometheus.NewDesc("trouvaille_store_seq", "Dernier numéro de séquence du magasin (Badger).", nil, nil)
	descIndexSeq   = prometheus.NewDesc("trouvaille_index_seq", "Dernier numéro de séquence appliqué à l’index (Bleve).", nil, nil)
	descLag        = prometheus.NewDesc("trouvaille_index_lag_sequences", "Retard de l’index sur le magasin, en numéros de séquence (0 : à jour).", nil, nil)
	descStoreBytes = prometheus.NewDesc("trouvaille_store_disk_bytes", "Taille sur disque du magasin Badger (dossier store/).", nil, nil)
	descIndexBytes = prometheus.NewDesc("trouvaille_index_disk_bytes", "Taille sur disque de l’index Bleve (dossier index/).", nil, nil)
	descSegments   = prometheus.NewDesc("trouvaille_index_segments", "Segments à la racine de l’index Bleve (en mémoire et sur disque).", nil, nil)
	descNotes      = prometheus.NewDesc("trouvaille_indexed_notes", "Notes dans l’index, toutes visibilités.", nil, nil)
	descWriteFails = prometheus.NewDesc("trouvaille_index_write_failures_total", "Écritures de l’index sur le disque (segments, fusions) qui ont échoué depuis son ouverture : disque plein, le plus souvent.", nil, nil)
	descNoCompact  = prometheus.NewDesc("trouvaille_store_compactions_off", "1 : le magasin a été ouvert sur un disque presque plein, sans compactions; libérez de la place, puis redémarrez.", nil, nil)
	descBeside     = prometheus.NewDesc("trouvaille_index_building_beside", "1 : un nouvel index se construit à côté de celui en service (une mise à jour a changé l’analyse des mots); les recherches continuent sur l’ancien.", nil, nil)
)

func (c *engineCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descStoreSeq, descIndexSeq, descLag, descStoreBytes, descIndexBytes, descSegments, descNotes, descWriteFails, descNoCompact, descBeside} {
		ch <- d
	}
}

func (c *engineCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	lag := uint64(0)
	if s.StoreSeq > s.IndexSeq {
		lag = s.StoreSeq - s.IndexSeq
	}
	ch <- prometheus.MustNewConstMetric(descStoreSeq, prometheus.GaugeValue, float64(s.StoreSeq))
	ch <- prometheus.MustNewConstMetric(descIndexSeq, prometheus.GaugeValue, float64(s.IndexSeq))
	ch <- prometheus.MustNewConstMetric(descLag, prometheus.GaugeValue, float64(lag))
	ch <- prometheus.MustNewConstMetric(descStoreBytes, prometheus.GaugeValue, float64(s.StoreBytes))
	ch <- prometheus.MustNewConstMetric(descIndexBytes, prometheus.GaugeValue, float64(s.IndexBytes))
	ch <- prometheus.MustNewConstMetric(descSegments, prometheus.GaugeValue, float64(s.Segments))
	ch <- prometheus.MustNewConstMetric(descNotes, prometheus.GaugeValue, float64(s.Notes))
	ch <- prometheus.MustNewConstMetric(descWriteFails, prometheus.CounterValue, float64(s.IndexWriteFailures))
	off := 0.0
	if s.StoreCompactionsOff {
		off = 1
	}
	ch <- prometheus.MustNewConstMetric(descNoCompact, prometheus.GaugeValue, off)
	beside := 0.0
	if s.IndexBuildingBeside {
		beside = 1
	}
	ch <- prometheus.MustNewConstMetric(descBeside, prometheus.GaugeValue, beside)
}
