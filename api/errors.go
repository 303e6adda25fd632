package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/gin-gonic/gin"
)

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
	// Written, on a write stopped part-way (body too large or too slow, disk
	// full), says what was stored before it stopped, so that the client
	// resumes from there.
	Written *writeBody `json:"written,omitempty"`
}

// ErrorDetail says what went wrong, in French, and which parameter is at fault.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Param   string `json:"param,omitempty"`
}

// paramError is a bad request detected by the API layer itself.
func paramError(param, code, message string) error {
	return &trouvaille.RequestError{Param: param, Code: code, Message: message}
}

// tooLarge is a request body past its route's bound, detected by the API
// layer: a 413 body_too_large naming body.
type tooLarge struct{ message string }

func (e *tooLarge) Error() string { return e.message }

// bodyTooLarge returns the error of a body past its bound; message says the
// bound and what to do, in French.
func bodyTooLarge(message string) error { return &tooLarge{message: message} }

// renameParam returns err naming the parameter to instead of from, when it
// is a request error about from (a route that hands a parameter of its own
// to the engine under another name).
func renameParam(err error, from, to string) error {
	var re *trouvaille.RequestError
	if errors.As(err, &re) && re.Param == from {
		r := *re
		r.Param = to
		return &r
	}
	return err
}

// logInternal logs an error the caller can do nothing about (a 500), at
// ERROR, with the route and the request's id.
func logInternal(c *gin.Context, err error) {
	slog.Error("erreur interne", "route", c.FullPath(), "request_id", c.GetString(requestIDKey), "erreur", err.Error())
}

// writeError maps a core error to an HTTP status and a JSON body. It is the
// only place where that mapping lives.
func writeError(c *gin.Context, err error) {
	var re *trouvaille.RequestError
	var tl *tooLarge
	switch {
	case errors.As(err, &tl):
		c.AbortWithStatusJSON(http.StatusRequestEntityTooLarge, ErrorBody{Error: ErrorDetail{Code: "body_too_large", Message: tl.message, Param: "body"}})
	case errors.As(err, &re):
		c.AbortWithStatusJSON(http.StatusBadRequest, ErrorBody{Error: ErrorDetail{Code: re.Code, Message: re.Message, Param: re.Param}})
	case errors.Is(err, trouvaille.ErrNotFound):
		c.AbortWithStatusJSON(http.StatusNotFound, ErrorBody{Error: ErrorDetail{Code: "not_found", Message: "aucune note accessible ne porte cet identifiant : vérifiez le lien ou cherchez la note par son titre"}})
	case errors.Is(err, trouvaille.ErrIndexDamaged), errors.Is(err, trouvaille.ErrRebuilding):
		c.Header("Retry-After", "30")
		c.AbortWithStatusJSON(http.StatusServiceUnavailable, ErrorBody{Error: ErrorDetail{Code: "index_rebuilding", Message: err.Error()}})
	case errors.Is(err, trouvaille.ErrDiskFull):
		c.AbortWithStatusJSON(http.StatusInsufficientStorage, ErrorBody{Error: ErrorDetail{Code: "disk_full", Message: err.Error()}})
	case errors.Is(err, trouvaille.ErrRebuildRunning):
		c.AbortWithStatusJSON(http.StatusConflict, ErrorBody{Error: ErrorDetail{Code: "rebuild_running", Message: err.Error()}})
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		c.AbortWithStatusJSON(http.StatusServiceUnavailable, ErrorBody{Error: ErrorDetail{Code: "timeout", Message: "la recherche a pris trop de temps : réessayez, ou précisez la requête"}})
	default:
		logInternal(c, err)
		c.AbortWithStatusJSON(http.StatusInternalServerError, ErrorBody{Error: ErrorDetail{Code: "internal", Message: "erreur interne du serveur : réessayez plus tard; si elle persiste, signalez-la à l’équipe"}})
	}
}
