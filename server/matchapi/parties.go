package matchapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/server/identity"
)

// Parties by invite code: POST /v1/parties creates one led by the caller,
// POST /v1/parties/{code}/join adds the caller, GET /v1/parties/{code}
// shows it to its members. Every request carries the caller's identity
// token as "Authorization: Bearer …": a party is never declared by one
// connection on behalf of others.

func (a *API) registerParties(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/parties", a.serveCreateParty)
	mux.HandleFunc("POST /v1/parties/{code}/join", a.serveJoinParty)
	mux.HandleFunc("GET /v1/parties/{code}", a.serveGetParty)
	mux.HandleFunc("OPTIONS /v1/parties", servePreflight)
	mux.HandleFunc("OPTIONS /v1/parties/{code}", servePreflight)
	mux.HandleFunc("OPTIONS /v1/parties/{code}/join", servePreflight)
}

// maxPartyBody bounds a party request's JSON body.
const maxPartyBody = 1024

// partyRequest is the optional body of a party request.
type partyRequest struct {
	Mode string `json:"mode"` // create only
	Name string `json:"name"` // the caller's display name in the party
}

type memberView struct {
	Player string `json:"player"`
	Name   string `json:"name"`
}

type partyView struct {
	Code    string       `json:"code"`
	Leader  string       `json:"leader"`
	Mode    string       `json:"mode"`
	Members []memberView `json:"members"`
	Max     int          `json:"max"`
	Expires time.Time    `json:"expires"`
}

func viewParty(p matchmaking.Party) partyView {
	v := partyView{Code: p.Code, Leader: p.Leader, Mode: p.Mode, Max: p.Max, Expires: p.ExpiresAt, Members: []memberView{}}
	for _, m := range p.Members {
		v.Members = append(v.Members, memberView{Player: m.ID, Name: m.Name})
	}
	return v
}

// caller verifies the request's bearer identity; on failure it answers 401.
func (a *API) caller(w http.ResponseWriter, r *http.Request) (identity.Identity, bool) {
	allowAnyOrigin(w)
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		token = ""
	}
	id, err := a.opts.Identities.Verify(strings.TrimSpace(token), time.Now())
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="skirmish"`)
		msg := "identity refused: " + err.Error()
		if errors.Is(err, identity.ErrMissing) {
			msg = "identity required: send Authorization: Bearer <token> (get one with POST /v1/auth/guest)"
		}
		writeError(w, http.StatusUnauthorized, msg)
		return identity.Identity{}, false
	}
	return id, true
}

// readPartyRequest reads the optional JSON body.
func readPartyRequest(w http.ResponseWriter, r *http.Request) (partyRequest, bool) {
	var req partyRequest
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPartyBody))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "request body over 1 KiB")
		return req, false
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return req, true
	}
	if err := json.Unmarshal(b, &req); err != nil {
		writeError(w, http.StatusBadRequest, "body is not a JSON object like {\"mode\":\"duel\",\"name\":\"ann\"}")
		return req, false
	}
	if len(req.Name) > 32 {
		writeError(w, http.StatusBadRequest, "name over 32 bytes")
		return req, false
	}
	return req, true
}

func (a *API) serveCreateParty(w http.ResponseWriter, r *http.Request) {
	who, ok := a.caller(w, r)
	if !ok {
		return
	}
	req, ok := readPartyRequest(w, r)
	if !ok {
		return
	}
	var mode *matchmaking.ModeConfig
	for _, m := range a.mm.Modes() {
		if m.Name == req.Mode {
			mode = &m
		}
	}
	if mode == nil {
		writeError(w, http.StatusBadRequest, "unknown mode: say which one the party plays, {\"mode\":\"…\"}")
		return
	}
	now := time.Now()
	for range 3 { // a collision of random codes is all but impossible; retried anyway
		code, err := matchmaking.NewPartyCode(nil)
		if err != nil {
			writeError(w, http.StatusInternalServerError, "could not make an invite code")
			return
		}
		p := matchmaking.Party{Code: code, Leader: who.Player, Mode: mode.Name, Max: mode.MaxParty(),
			Members: []matchmaking.Player{{ID: who.Player, Name: req.Name}}, ExpiresAt: now.Add(a.opts.PartyTTL).Truncate(time.Second)}
		err = a.opts.Parties.Create(r.Context(), p, now)
		if errors.Is(err, matchmaking.ErrPartyExists) {
			continue
		}
		if err != nil {
			writeError(w, http.StatusServiceUnavailable, "parties are unavailable right now; try again")
			a.opts.Logger.Warn("create party", "player", who.Player, "err", err)
			return
		}
		writeJSON(w, http.StatusCreated, viewParty(p))
		return
	}
	writeError(w, http.StatusServiceUnavailable, "could not make an invite code; try again")
}

// partyCode reads {code}; an invalid one answers 404 without echoing it.
func partyCode(w http.ResponseWriter, r *http.Request) (string, bool) {
	code, ok := matchmaking.NormalizePartyCode(r.PathValue("code"))
	if !ok {
		writeError(w, http.StatusNotFound, "no party has this invite code")
	}
	return code, ok
}

func (a *API) writePartyError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, matchmaking.ErrPartyNotFound):
		writeError(w, http.StatusNotFound, "no party has this invite code, or its invite expired")
	case errors.Is(err, matchmaking.ErrPartyFull):
		writeError(w, http.StatusConflict, "the party is full")
	default:
		writeError(w, http.StatusServiceUnavailable, "parties are unavailable right now; try again")
		a.opts.Logger.Warn("party", "err", err)
	}
}

func (a *API) serveJoinParty(w http.ResponseWriter, r *http.Request) {
	who, ok := a.caller(w, r)
	if !ok {
		return
	}
	code, ok := partyCode(w, r)
	if !ok {
		return
	}
	req, ok := readPartyRequest(w, r)
	if !ok {
		return
	}
	p, err := a.opts.Parties.Join(r.Context(), code, matchmaking.Player{ID: who.Player, Name: req.Name}, time.Now())
	if err != nil {
		a.writePartyError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, viewParty(p))
}

func (a *API) serveGetParty(w http.ResponseWriter, r *http.Request) {
	who, ok := a.caller(w, r)
	if !ok {
		return
	}
	code, ok := partyCode(w, r)
	if !ok {
		return
	}
	p, err := a.opts.Parties.Get(r.Context(), code, time.Now())
	if err != nil {
		a.writePartyError(w, err)
		return
	}
	if !p.Member(who.Player) {
		writeError(w, http.StatusForbidden, "only the party's members see it: join it first")
		return
	}
	writeJSON(w, http.StatusOK, viewParty(p))
}
