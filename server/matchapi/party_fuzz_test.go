package matchapi

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/skirmishgg/skirmish/matchmaking"
)

// FuzzPartyRequest: a party request's body and invite code, however
// hostile, are refused with a status or read within their limits.
func FuzzPartyRequest(f *testing.F) {
	f.Add(`{"mode":"duel","name":"ann"}`, "K7QXM2PD")
	f.Add(`{"name":`, "../../x")
	f.Add(strings.Repeat("[", 2000), "k7qxm2pd")
	f.Fuzz(func(t *testing.T, body, code string) {
		w := httptest.NewRecorder()
		req, ok := readPartyRequest(w, httptest.NewRequest("POST", "/v1/parties", strings.NewReader(body)))
		if ok && len(req.Name) > 32 {
			t.Fatalf("name of %d bytes accepted", len(req.Name))
		}
		if !ok && w.Code < 400 {
			t.Fatalf("refused with %d", w.Code)
		}
		if c, ok := matchmaking.NormalizePartyCode(code); ok && len(c) != matchmaking.PartyCodeLen {
			t.Fatalf("code %q normalized to %q", code, c)
		}
	})
}
