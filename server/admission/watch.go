package admission

import (
	"errors"
	"fmt"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/match"
)

// Watch hands a spectator to the running match sp names. Spectators take
// no seat, so no join token is needed: what they see is delayed
// (match.Options.SpectateDelay). sp.Token is where an identity token will
// go once hosts require one for every connection.
func (a *Admission) Watch(sp protocol.Spectate, peer match.Spectator, cancel <-chan struct{}) (*match.Match, error) {
	m := a.reg.Find(sp.Match)
	if m == nil {
		return nil, protocol.Refuse(protocol.CloseUnknownMatch, "no match %s runs on this host", sp.Match)
	}
	err := m.Spectate(match.SpectateRequest{Spectator: peer, Cancel: cancel})
	switch {
	case err == nil:
		return m, nil
	case errors.Is(err, match.ErrNoSpectators):
		return nil, protocol.Refuse(protocol.CloseUnknownMatch, "match %s takes no spectators", sp.Match)
	case errors.Is(err, match.ErrSpectatorsFull):
		return nil, protocol.Refuse(protocol.CloseTryAgainLater, "match %s has as many spectators as it takes", sp.Match)
	case errors.Is(err, match.ErrEnded):
		return nil, protocol.Refuse(protocol.CloseUnknownMatch, "match %s has ended", sp.Match)
	}
	return nil, fmt.Errorf("admission: spectate %s: %w", sp.Match, err)
}
