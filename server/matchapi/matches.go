package matchapi

import (
	"errors"
	"net/http"

	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/protocol"
)

// matchView is GET /v1/matches/{id}: a live match's host, or a finished
// match's result.
type matchView struct {
	ID     string                   `json:"id"`
	State  string                   `json:"state"` // running or finished
	HostID string                   `json:"host_id,omitempty"`
	Result *matchmaking.MatchResult `json:"result,omitempty"`
}

// serveMatch answers for live matches (from the hosts' reports in the
// directory) and recent ones (from the results the hosts recorded).
func (a *API) serveMatch(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if len(id) > 64 {
		writeError(w, http.StatusBadRequest, "match IDs are at most 64 bytes")
		return
	}
	if a.opts.Results != nil {
		res, err := a.opts.Results.Get(r.Context(), id)
		switch {
		case err == nil:
			writeJSON(w, http.StatusOK, matchView{ID: id, State: "finished", HostID: res.HostID, Result: &res})
			return
		case !errors.Is(err, matchmaking.ErrResultNotFound):
			writeError(w, http.StatusServiceUnavailable, "results unavailable: "+err.Error())
			return
		}
	}
	hosts, err := a.mm.Directory().Hosts(r.Context())
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "host directory unavailable: "+err.Error())
		return
	}
	for _, h := range hosts {
		for _, m := range h.Running {
			if m == id {
				writeJSON(w, http.StatusOK, matchView{ID: id, State: "running", HostID: h.ID})
				return
			}
		}
	}
	writeError(w, http.StatusNotFound, "no match "+protocol.Truncate(id, 64)+": unknown, or finished long ago")
}
