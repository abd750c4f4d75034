package matchapi

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/skirmishgg/skirmish/matchmaking"
)

// serveStats answers GET /v1/matchmaking/stats: tickets and players per
// pool, waits, matches formed.
func (a *API) serveStats(w http.ResponseWriter, r *http.Request) {
	st, err := a.mm.Stats(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// ticketView is GET /v1/matchmaking/tickets/{id}: the ticket's status and,
// while it waits, why it is not matched yet.
type ticketView struct {
	Status      matchmaking.TicketStatus `json:"status"`
	Explanation *matchmaking.Explanation `json:"explanation,omitempty"`
}

func (a *API) serveTicket(w http.ResponseWriter, r *http.Request) {
	id := matchmaking.TicketID(r.PathValue("id"))
	st, err := a.mm.Status(r.Context(), id)
	if errors.Is(err, matchmaking.ErrTicketNotFound) {
		writeError(w, http.StatusNotFound, "no ticket "+string(id)+": unknown, or finished long ago")
		return
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	if st.Assignment != nil {
		// Operators see where the party went, never its join tokens.
		a := *st.Assignment
		a.Tokens = nil
		st.Assignment = &a
	}
	view := ticketView{Status: st}
	if st.State == matchmaking.StateQueued {
		if ex, err := a.mm.Explain(r.Context(), id); err == nil {
			view.Explanation = &ex
		}
	}
	writeJSON(w, http.StatusOK, view)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}
