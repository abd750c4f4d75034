package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	mm "github.com/skirmishgg/skirmish/matchmaking"
)

// RunParties runs the Parties contract: newParties returns empty parties
// for each subtest. Parties expire on the real clock in Redis, so the
// subtests use times around time.Now.
func RunParties(t *testing.T, newParties func(t *testing.T) mm.Parties) {
	t.Run("CreateGetJoin", func(t *testing.T) { partiesJoin(t, newParties(t)) })
	t.Run("Expires", func(t *testing.T) { partiesExpire(t, newParties(t)) })
	t.Run("TicketByLeaderOnly", func(t *testing.T) { partiesTicket(t, newParties(t)) })
	t.Run("RaceToTheLastSeat", func(t *testing.T) { partiesRace(t, newParties(t)) })
}

func newParty(code string, max int, now time.Time, ttl time.Duration) mm.Party {
	return mm.Party{Code: code, Leader: "lead", Mode: "squad", Members: []mm.Player{{ID: "lead", Name: "Lea"}},
		Max: max, ExpiresAt: now.Add(ttl)}
}

func partiesJoin(t *testing.T, s mm.Parties) {
	ctx, now := context.Background(), time.Now()
	must(t, s.Create(ctx, newParty("AAAA2222", 3, now, time.Minute), now))
	if err := s.Create(ctx, newParty("AAAA2222", 3, now, time.Minute), now); !errors.Is(err, mm.ErrPartyExists) {
		t.Fatalf("second Create of a code: %v, want ErrPartyExists", err)
	}
	if _, err := s.Get(ctx, "BBBB2222", now); !errors.Is(err, mm.ErrPartyNotFound) {
		t.Fatalf("Get of an unknown code: %v, want ErrPartyNotFound", err)
	}
	if _, err := s.Join(ctx, "BBBB2222", mm.Player{ID: "x"}, now); !errors.Is(err, mm.ErrPartyNotFound) {
		t.Fatalf("Join of an unknown code: %v, want ErrPartyNotFound", err)
	}
	p, err := s.Join(ctx, "AAAA2222", mm.Player{ID: "b", Name: "Bo"}, now)
	must(t, err)
	if _, err = s.Join(ctx, "AAAA2222", mm.Player{ID: "b", Name: "renamed"}, now); err != nil {
		t.Fatalf("joining twice: %v", err)
	}
	p, err = s.Join(ctx, "AAAA2222", mm.Player{ID: "c", Name: "Cy"}, now)
	must(t, err)
	if _, err := s.Join(ctx, "AAAA2222", mm.Player{ID: "d"}, now); !errors.Is(err, mm.ErrPartyFull) {
		t.Fatalf("a fourth member of a party of 3: %v, want ErrPartyFull", err)
	}
	got, err := s.Get(ctx, "AAAA2222", now)
	must(t, err)
	want := []mm.Player{{ID: "lead", Name: "Lea"}, {ID: "b", Name: "Bo"}, {ID: "c", Name: "Cy"}}
	if fmt.Sprint(got.Members) != fmt.Sprint(want) || fmt.Sprint(p.Members) != fmt.Sprint(want) {
		t.Fatalf("members %v (Join said %v), want %v", got.Members, p.Members, want)
	}
	if got.Leader != "lead" || got.Mode != "squad" || got.Max != 3 || !got.ExpiresAt.Equal(now.Add(time.Minute)) {
		t.Fatalf("party %+v", got)
	}
}

func partiesExpire(t *testing.T, s mm.Parties) {
	ctx, now := context.Background(), time.Now()
	must(t, s.Create(ctx, newParty("CCCC2222", 4, now, 300*time.Millisecond), now))
	later := now.Add(300 * time.Millisecond)
	if _, err := s.Get(ctx, "CCCC2222", later); !errors.Is(err, mm.ErrPartyNotFound) {
		t.Fatalf("Get after the invite expired: %v, want ErrPartyNotFound", err)
	}
	if _, err := s.Join(ctx, "CCCC2222", mm.Player{ID: "b"}, later); !errors.Is(err, mm.ErrPartyNotFound) {
		t.Fatalf("Join after the invite expired: %v, want ErrPartyNotFound", err)
	}
	// The code is free again once the party is gone (Redis drops the key
	// itself; the memory adapter on the next Create).
	time.Sleep(time.Until(later) + 50*time.Millisecond)
	must(t, s.Create(ctx, newParty("CCCC2222", 4, time.Now(), time.Minute), time.Now()))
}

func partiesTicket(t *testing.T, s mm.Parties) {
	ctx, now := context.Background(), time.Now()
	must(t, s.Create(ctx, newParty("DDDD2222", 2, now, time.Minute), now))
	_, err := s.Join(ctx, "DDDD2222", mm.Player{ID: "b"}, now)
	must(t, err)
	if _, err := s.SetTicket(ctx, "DDDD2222", "b", "t-1", now); !errors.Is(err, mm.ErrNotLeader) {
		t.Fatalf("a member set the ticket: %v, want ErrNotLeader", err)
	}
	p, err := s.SetTicket(ctx, "DDDD2222", "lead", "t-1", now)
	must(t, err)
	got, err := s.Get(ctx, "DDDD2222", now)
	must(t, err)
	if p.Ticket != "t-1" || got.Ticket != "t-1" || len(got.Members) != 2 {
		t.Fatalf("after SetTicket: %+v, Get %+v", p, got)
	}
}

func partiesRace(t *testing.T, s mm.Parties) {
	ctx, now := context.Background(), time.Now()
	must(t, s.Create(ctx, newParty("EEEE2222", 4, now, time.Minute), now))
	var wg sync.WaitGroup
	var mu sync.Mutex
	joined := 0
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Join(ctx, "EEEE2222", mm.Player{ID: fmt.Sprintf("p%d", i)}, now)
			switch {
			case err == nil:
				mu.Lock()
				joined++
				mu.Unlock()
			case !errors.Is(err, mm.ErrPartyFull):
				t.Errorf("Join: %v", err)
			}
		}()
	}
	wg.Wait()
	got, err := s.Get(ctx, "EEEE2222", now)
	must(t, err)
	if joined != 3 || len(got.Members) != 4 {
		t.Fatalf("%d joins succeeded, party has %d members; want 3 and 4", joined, len(got.Members))
	}
}
