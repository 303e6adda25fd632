package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/encommun/trouvaille/api"
	"github.com/encommun/trouvaille/ingest"
	"github.com/encommun/trouvaille/store"
)

// reindexServed asks the server serving cfg.Data to rebuild its index (the
// token given, else the one serve wrote in the folder) and follows it.
func reindexServed(cfg Config, s serverInfo, stderr io.Writer) error {
	pid := ""
	if s.PID > 0 {
		pid = fmt.Sprintf(" (processus %d)", s.PID)
	}
	if cfg.SynonymsFile != "" {
		hup := ""
		if s.PID > 0 {
			hup = "kill -HUP " + strconv.Itoa(s.PID) + " ou "
		}
		return fmt.Errorf("le dossier %s est servi par un « trouvaille serve » sur %s%s, qui reconstruit son index avec sa propre liste de synonymes, pas avec --synonyms. Remplacez le fichier de synonymes du serveur, faites-le-lui relire (%sPOST %s/v1/admin/synonyms/reload avec le jeton d’administration), puis relancez sans --synonyms :\n  trouvaille reindex --data %s", cfg.Data, s.URL, pid, hup, s.URL, shellQuote(cfg.Data))
	}
	token, tokenFile := cfg.AdminToken, ""
	if token == "" {
		tok, path, err := readAdminToken(cfg.Data)
		if err != nil {
			return err
		}
		if tok == "" {
			return fmt.Errorf("le dossier %s est servi par un « trouvaille serve » sur %s%s : il reconstruit son index sans s’arrêter, à la demande, avec son jeton d’administration, absent de %s (le serveur a reçu le sien par --admin-token ou TROUVAILLE_ADMIN_TOKEN) : donnez-le par TROUVAILLE_ADMIN_TOKEN (--admin-token se voit dans ps) :\n  TROUVAILLE_ADMIN_TOKEN=JETON trouvaille reindex --data %s", cfg.Data, s.URL, pid, path, shellQuote(cfg.Data))
		}
		token, tokenFile = tok, path
	}
	return reindexThrough(s.URL, token, tokenFile, stderr)
}

// reindexThrough asks the server at base to rebuild its index beside the
// one in service (POST /v1/admin/index/rebuild) and waits for its end,
// reading its state (GET) every half second. An interruption stops the
// wait only: the server goes on.
func reindexThrough(base, token, tokenFile string, stderr io.Writer) error {
	r, err := newRemote(base, token)
	if err != nil {
		return err
	}
	// The state's times are in whole seconds.
	asked := time.Now().UTC().Truncate(time.Second)
	resp, err := r.do(http.MethodPost, "/v1/admin/index/rebuild", "", nil)
	if err != nil {
		return err
	}
	following := "reconstruction de l’index demandée au serveur sur " + r.base
	already := false
	switch resp.StatusCode {
	case http.StatusAccepted:
	case http.StatusConflict:
		already = true
		following = "une reconstruction de l’index est déjà en cours sur le serveur " + r.base + " : suivie jusqu’à sa fin"
	case http.StatusUnauthorized:
		defer resp.Body.Close()
		if tokenFile != "" {
			return tokenFileRefused(r.base, tokenFile)
		}
		return apiError(resp)
	default:
		defer resp.Body.Close()
		return apiError(resp)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	fmt.Fprintf(stderr, "%s; l’index en service continue de répondre pendant ce temps (Ctrl+C n’arrête que l’attente, pas la reconstruction)\n", following)
	for {
		time.Sleep(500 * time.Millisecond)
		resp, err := r.do(http.MethodGet, "/v1/admin/index/rebuild", "", nil)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			defer resp.Body.Close()
			return apiError(resp)
		}
		var st api.RebuildState
		err = json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&st)
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("lire l’état de la reconstruction sur %s : %w", r.base, err)
		}
		if st.Status == "running" {
			already = false
			continue
		}
		// A 409 whose rebuild is not one built beside (none running,
		// none ended since the request): the index is rebuilt in place
		// (it was unreadable or damaged), searches answer 503 until then.
		if already && (st.FinishedAt == nil || st.FinishedAt.Before(asked)) {
			return fmt.Errorf("le serveur sur %s reconstruit déjà son index sur place (illisible ou endommagé; les recherches répondent 503 jusqu’à la fin) : son journal dit quand c’est fait, /readyz aussi", r.base)
		}
		switch st.Status {
		case "done":
			took := ""
			if st.StartedAt != nil && st.FinishedAt != nil {
				took = " en " + ingest.DurationText(st.FinishedAt.Sub(*st.StartedAt))
			}
			fmt.Printf("index reconstruit par le serveur sur %s%s, sans interruption des recherches (%s changement%s appliqué%s)\n", r.base, took, store.FrenchInt(int64(st.Changes)), plurals(st.Changes), plurals(st.Changes))
			return nil
		case "failed":
			return fmt.Errorf("le serveur sur %s : %s", r.base, st.Message)
		case "none":
			return fmt.Errorf("le serveur sur %s a redémarré pendant la reconstruction : relancez la commande", r.base)
		default:
			return fmt.Errorf("le serveur sur %s ne dit pas où en est la reconstruction (%q) : voyez son journal", r.base, st.Status)
		}
	}
}
