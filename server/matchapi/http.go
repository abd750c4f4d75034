package matchapi

import (
	"encoding/json"
	"errors"
	"fmt"
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
// while it waits, why it is not matched yet: in full on the operators'
// address (AsOperator), and without naming any other ticket or player
// elsewhere, where the ticket's owner may ask.
type ticketView struct {
	Status      matchmaking.TicketStatus       `json:"status"`
	Explanation *matchmaking.Explanation       `json:"explanation,omitempty"`
	Player      *matchmaking.PlayerExplanation `json:"player_explanation,omitempty"`
}

// maxTicketID bounds the ticket IDs looked up: the matchmaker's are 26
// bytes.
const maxTicketID = 64

func (a *API) serveTicket(w http.ResponseWriter, r *http.Request) {
	id := matchmaking.TicketID(r.PathValue("id"))
	if len(id) > maxTicketID {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("ticket IDs are at most %d bytes", maxTicketID))
		return
	}
	st, err := a.mm.Status(r.Context(), id)
	if errors.Is(err, matchmaking.ErrTicketNotFound) {
		writeError(w, http.StatusNotFound, "no such ticket: unknown, or finished long ago")
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
			if isOperator(r.Context()) {
				view.Explanation = &ex
			} else {
				pe := ex.ForPlayer()
				view.Player = &pe
			}
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
