package clientnet

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Party is a group formed by invite code (POST /v1/parties): its leader
// queues it with the code (QueueRequest.Party), every other member sends
// the same code and waits; each gets its own token.
type Party struct {
	Code    string        `json:"code"`
	Leader  string        `json:"leader"`
	Mode    string        `json:"mode"`
	Members []PartyMember `json:"members"`
	Max     int           `json:"max"`
	Expires time.Time     `json:"expires"`
}

// PartyMember is a player who joined a party.
type PartyMember struct {
	Player string `json:"player"`
	Name   string `json:"name"`
}

// PartyError is the server refusing a party request: Status is the HTTP
// status (401 identity, 404 unknown or expired code, 409 full, 403 not a
// member), Message is for people.
type PartyError struct {
	Status  int
	Message string
}

func (e *PartyError) Error() string {
	return fmt.Sprintf("clientnet: party: %d: %s", e.Status, e.Message)
}

// CreateParty creates a party for mode led by the identity's player.
func CreateParty(ctx context.Context, serverURL, identity, mode, name string) (Party, error) {
	return partyRequest(ctx, http.MethodPost, serverURL, "/v1/parties", identity, map[string]string{"mode": mode, "name": name})
}

// JoinParty adds the identity's player to the party with the invite code.
func JoinParty(ctx context.Context, serverURL, identity, code, name string) (Party, error) {
	return partyRequest(ctx, http.MethodPost, serverURL, "/v1/parties/"+url.PathEscape(code)+"/join", identity, map[string]string{"name": name})
}

// GetParty shows a party to one of its members.
func GetParty(ctx context.Context, serverURL, identity, code string) (Party, error) {
	return partyRequest(ctx, http.MethodGet, serverURL, "/v1/parties/"+url.PathEscape(code), identity, nil)
}

func partyRequest(ctx context.Context, method, serverURL, path, identity string, body any) (Party, error) {
	base, err := GuestURL(serverURL) // the server's HTTP base, whatever URL was given
	if err != nil {
		return Party{}, err
	}
	u, _ := url.Parse(base)
	u.Path = path
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	header := map[string]string{"Authorization": "Bearer " + identity, "Content-Type": "application/json"}
	status, b, err := httpDo(ctx, method, u.String(), header, b, 16<<10)
	if err != nil {
		return Party{}, fmt.Errorf("clientnet: party: %w", err)
	}
	if status != http.StatusOK && status != http.StatusCreated {
		var e struct{ Error string }
		json.Unmarshal(b, &e)
		return Party{}, &PartyError{Status: status, Message: e.Error}
	}
	var p Party
	if err := json.Unmarshal(b, &p); err != nil || p.Code == "" {
		return Party{}, fmt.Errorf("clientnet: party: not a party: %.100q", b)
	}
	return p, nil
}
