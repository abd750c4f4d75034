package admission_test

import (
	"crypto/rand"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/admission"
	"github.com/skirmishgg/skirmish/server/clock"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/registry"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// host is a registry and its admission on a fake clock, with in-memory
// peers: the host side of matchmaking without a network.
type host struct {
	t      *testing.T
	clock  *clock.Fake
	reg    *registry.Registry
	adm    *admission.Admission
	signer *matchmaking.TokenSigner
	period time.Duration
	loops  int // matches started: each makes one ticker
}

const grace = 2 * time.Second

func newHost(t *testing.T) *host {
	t.Helper()
	signer, err := matchmaking.GenerateTokenSigner(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	fake := clock.NewFake()
	rules := arena.New(&arena.Config{MaxPlayers: 16, TimeLimit: 1 << 30, ScoreLimit: 1 << 30})
	reg, err := registry.New(registry.Options{
		Modes:  map[string]game.Rules{"ffa": rules},
		Direct: rules, // for the tests without join tokens
		Match:  (&match.Options{Clock: fake, ResumeGrace: grace, AckTimeout: time.Hour}).WithDefaults(),
		Logger: servertest.Logger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close(t.Context()) })
	return &host{t: t, clock: fake, reg: reg, signer: signer, period: time.Second / 60,
		adm: admission.New(reg, admission.Options{Tokens: signer.Verifier(), Clock: fake})}
}

// expect hands the registry an assignment.
func (h *host) expect(a matchmaking.MatchAssignment) {
	h.t.Helper()
	if h.reg.Find(a.MatchID) == nil {
		h.loops++
	}
	if err := h.reg.Expect(a); err != nil {
		h.t.Fatal(err)
	}
}

// advance moves the clock n periods, waiting each time until every
// running match has stepped.
func (h *host) advance(n int) {
	h.t.Helper()
	// Every match is on the host's metronome once the registry has it;
	// the metronome's ticker exists once the first is.
	// The metronome's goroutine makes it: wait for it, not past it.
	if h.loops > 0 {
		servertest.WaitFor(h.t, "the metronome's ticker", func() bool { return h.clock.Tickers() > 0 })
	}
	for range n {
		want := map[string]uint64{}
		for _, m := range h.reg.Matches() {
			want[m.ID] = m.Ticks + 1
		}
		h.clock.Advance(h.period)
		servertest.WaitFor(h.t, "every match to step", func() bool {
			for _, m := range h.reg.Matches() {
				if w, ok := want[m.ID]; ok && m.Ticks < w {
					return false
				}
			}
			return true
		})
	}
}

// admitAll admits every token at once, advancing the clock until each is
// answered.
func (h *host) admitAll(tokens []string) ([]*match.Match, []*match.Player, []error) {
	h.t.Helper()
	ms := make([]*match.Match, len(tokens))
	ps := make([]*match.Player, len(tokens))
	errs := make([]error, len(tokens))
	var wg sync.WaitGroup
	for i, tok := range tokens {
		wg.Go(func() {
			ms[i], ps[i], errs[i] = h.adm.Admit(protocol.Hello{Version: protocol.Version, Resume: tok}, &servertest.Peer{}, nil)
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for {
		select {
		case <-done:
			return ms, ps, errs
		default:
			h.advance(1)
		}
	}
}

// TestTenThousandPlayersLeaveNoSeatBehind admits and releases 10 000
// players through join tokens, in rounds of matches: each claims its
// reserved seat; a quarter drop, of whom half resume and half let the
// grace period end; then everyone leaves. Every seat is released, every
// spent token forgotten once expired, and every match ends: nothing grows
// with the number of players the host has seen.
func TestTenThousandPlayersLeaveNoSeatBehind(t *testing.T) {
	const players, perMatch, matchesPerRound = 10_000, 16, 25
	if testing.Short() {
		t.Skip("admits 10 000 players")
	}
	h := newHost(t)
	admitted := 0
	for round := 0; admitted < players; round++ {
		expires := h.clock.Now().Add(30 * time.Second)
		var tokens []string
		for mi := range matchesPerRound {
			a := matchmaking.MatchAssignment{MatchID: fmt.Sprintf("m%d-%d", round, mi), Mode: "ffa", ExpiresAt: expires}
			for range perMatch {
				tok, c, err := h.signer.Issue(fmt.Sprintf("p%d", admitted), a.MatchID, "host", expires)
				if err != nil {
					t.Fatal(err)
				}
				a.Players = append(a.Players, matchmaking.AssignedPlayer{PlayerID: c.PlayerID, Nonce: c.Nonce})
				tokens = append(tokens, tok)
				admitted++
			}
			h.expect(a)
		}
		ms, ps, errs := h.admitAll(tokens)
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: admit %d: %v", round, i, err)
			}
		}
		// A quarter drop; half of them resume with the same token.
		var resume []string
		for i := 0; i < len(ps); i += 4 {
			ms[i].Leave(ps[i], true)
			if i%8 == 0 {
				resume = append(resume, tokens[i])
			}
		}
		h.advance(1)
		rms, rps, rerrs := h.admitAll(resume)
		for i, err := range rerrs {
			if err != nil {
				t.Fatalf("round %d: resume %d: %v", round, i, err)
			}
		}
		// Everyone still connected leaves for good.
		for i := range ps {
			if i%4 != 0 {
				ms[i].Leave(ps[i], false)
			}
		}
		for i := range rps {
			rms[i].Leave(rps[i], false)
		}
		h.advance(1)
		// The others' grace periods end.
		h.advance(int((grace + 1500*time.Millisecond) / h.period))
		for _, m := range h.reg.Matches() {
			if m.Seats.Taken() != 0 {
				t.Fatalf("round %d: match %s keeps seats %+v", round, m.ID, m.Seats)
			}
		}
	}
	// Spent tokens are remembered until they expire, and empty matches end.
	h.advance(int(40 * time.Second / h.period))
	if ms := h.reg.Matches(); len(ms) != 0 {
		t.Fatalf("%d matches still running, e.g. %+v", len(ms), ms[0])
	}
}

// TestGracePeriodReleasesAHeldSeat: a dropped player's seat is held, and
// released when its grace period ends: the token then takes no seat.
func TestGracePeriodReleasesAHeldSeat(t *testing.T) {
	h := newHost(t)
	expires := h.clock.Now().Add(time.Minute)
	tok, c, err := h.signer.Issue("p", "m", "host", expires)
	if err != nil {
		t.Fatal(err)
	}
	h.expect(matchmaking.MatchAssignment{MatchID: "m", Mode: "ffa", ExpiresAt: expires,
		Players: []matchmaking.AssignedPlayer{{PlayerID: "p", Nonce: c.Nonce}}})
	ms, ps, errs := h.admitAll([]string{tok})
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	ms[0].Leave(ps[0], true)
	h.advance(1)
	if got := ms[0].Seats(); got.Held != 1 {
		t.Fatalf("after the drop: %+v, want the seat held", got)
	}
	h.advance(int((grace + 1500*time.Millisecond) / h.period))
	if got := ms[0].Seats(); got.Taken() != 0 || got.Spent != 1 {
		t.Fatalf("after the grace period: %+v, want it released and its token spent", got)
	}
	_, _, errs = h.admitAll([]string{tok})
	if protocol.CloseStatus(errs[0]) != protocol.CloseBadToken {
		t.Fatalf("resume after the grace period: %v, want a 4005 refusal", errs[0])
	}
}
