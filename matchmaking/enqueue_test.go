package matchmaking

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// newTestMM makes a matchmaker on a fake clock with modes "m" (FFA of 4)
// and "duel" (1v1 team mode), and a local host.
func newTestMM(t *testing.T, opts *Options) (*Matchmaker, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	o := Options{}
	if opts != nil {
		o = *opts
	}
	if o.Modes == nil {
		o.Modes = []ModeConfig{
			{Name: "m", MaxPlayers: 4},
			{Name: "duel", MaxPlayers: 2, Teams: 2},
			{Name: "squads", MaxPlayers: 8, Teams: 2},
		}
	}
	o.Clock = clock.Now
	if o.Rand == nil {
		o.Rand = newSeededRand(9)
	}
	mm, err := New(&o)
	must(t, err)
	must(t, mm.Directory().Heartbeat(context.Background(), Host{ID: "local", URL: "ws://local/ws", Capacity: 1000}))
	return mm, clock
}

// queueState is everything a failed enqueue must leave unchanged.
func queueState(t *testing.T, mm *Matchmaker) any {
	t.Helper()
	ctx := context.Background()
	counts, err := mm.store.Counts(ctx)
	must(t, err)
	var queued [][]Ticket
	for _, m := range mm.modeNames {
		q, err := mm.store.Queued(ctx, m)
		must(t, err)
		queued = append(queued, q)
	}
	return []any{counts, queued}
}

func TestEnqueueValidation(t *testing.T) {
	ctx := context.Background()
	mm, clock := newTestMM(t, nil)
	existing := tk("queued", 1500, 0, 2)
	existing.CreatedAt = time.Time{}
	if _, err := mm.Enqueue(ctx, existing); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 65)
	mod := func(f func(*Ticket)) Ticket {
		t := tk("new", 1500, 0, 2)
		t.CreatedAt = time.Time{}
		f(&t)
		return t
	}
	tests := []struct {
		name  string
		t     Ticket
		want  error
		field string
	}{
		{"unknown mode", mod(func(t *Ticket) { t.Mode = "nope" }), ErrUnknownMode, "mode"},
		{"empty party", mod(func(t *Ticket) { t.Players = nil }), ErrEmptyParty, "players"},
		{"party larger than the match", mod(func(t *Ticket) { t.Players = tk("x", 0, 0, 5).Players }), ErrPartyTooLarge, "players"},
		{"party larger than a team", mod(func(t *Ticket) { t.Mode = "duel" }), ErrPartyTooLarge, "players"},
		{"duplicate player in the party", mod(func(t *Ticket) { t.Players[1].ID = t.Players[0].ID }), ErrDuplicatePlayer, "players[1].id"},
		{"NaN skill", mod(func(t *Ticket) { t.Skill = math.NaN() }), ErrBadSkill, "skill"},
		{"infinite skill", mod(func(t *Ticket) { t.Skill = math.Inf(-1) }), ErrBadSkill, "skill"},
		{"no regions", mod(func(t *Ticket) { t.Regions = nil }), ErrNoRegions, "regions"},
		{"too many regions", mod(func(t *Ticket) {
			t.Regions = nil
			for i := range 9 {
				t.Regions = append(t.Regions, rl(string(rune('a'+i)), 10))
			}
		}), ErrTooManyRegions, "regions"},
		{"region twice", mod(func(t *Ticket) { t.Regions = append(t.Regions, rl("eu", 40)) }), ErrBadRegion, "regions[1].region"},
		{"negative RTT", mod(func(t *Ticket) { t.Regions[0].RTT = -1 }), ErrBadRegion, "regions[0].rtt"},
		{"empty region", mod(func(t *Ticket) { t.Regions[0].Region = "" }), ErrBadID, "regions[0].region"},
		{"player ID too long", mod(func(t *Ticket) { t.Players[0].ID = long }), ErrTooLong, "players[0].id"},
		{"empty player ID", mod(func(t *Ticket) { t.Players[0].ID = "" }), ErrBadID, "players[0].id"},
		{"player ID with a space", mod(func(t *Ticket) { t.Players[0].ID = "a b" }), ErrBadID, "players[0].id"},
		{"name too long", mod(func(t *Ticket) { t.Players[0].Name = long }), ErrTooLong, "players[0].name"},
		{"ticket ID too long", mod(func(t *Ticket) { t.ID = TicketID(long) }), ErrTooLong, "id"},
		{"created in the future", mod(func(t *Ticket) { t.CreatedAt = t0.Add(time.Second) }), ErrBadCreatedAt, "created_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := queueState(t, mm)
			id, err := mm.Enqueue(ctx, tt.t)
			if !errors.Is(err, tt.want) || !errors.Is(err, ErrInvalidTicket) {
				t.Fatalf("err %v, want %v and ErrInvalidTicket", err, tt.want)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field {
				t.Fatalf("err %#v: want field %q", err, tt.field)
			}
			if id != "" {
				t.Errorf("id %q returned with an error", id)
			}
			if after := queueState(t, mm); !reflect.DeepEqual(before, after) {
				t.Errorf("queue changed: %v -> %v", before, after)
			}
		})
	}

	conflicts := []struct {
		name string
		t    Ticket
		want error
	}{
		{"player already queued", mod(func(t *Ticket) { t.Players[1].ID = "queued-1" }), ErrPlayerQueued},
		{"player already queued in another mode", mod(func(t *Ticket) {
			t.Mode, t.Players = "duel", []Player{{ID: "queued-0"}}
		}), ErrPlayerQueued},
		{"ticket ID already used", mod(func(t *Ticket) { t.ID = "queued" }), ErrDuplicateTicket},
	}
	for _, tt := range conflicts {
		t.Run(tt.name, func(t *testing.T) {
			before := queueState(t, mm)
			_, err := mm.Enqueue(ctx, tt.t)
			if !errors.Is(err, tt.want) || errors.Is(err, ErrInvalidTicket) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
			if tt.want == ErrPlayerQueued && !strings.Contains(err.Error(), "queued") {
				t.Errorf("error does not name the queued ticket: %v", err)
			}
			if after := queueState(t, mm); !reflect.DeepEqual(before, after) {
				t.Errorf("queue changed")
			}
		})
	}

	// Once the first ticket leaves the queue, its players may queue again.
	must(t, mm.Cancel(ctx, "queued"))
	clock.Advance(time.Second)
	again := tk("again", 1500, 0, 2)
	again.Players[0].ID = "queued-0"
	again.CreatedAt = time.Time{}
	id, err := mm.Enqueue(ctx, again)
	must(t, err)
	st, err := mm.Status(ctx, id)
	must(t, err)
	if st.State != StateQueued {
		t.Fatalf("status %+v", st)
	}
}

func TestEnqueueStampsAndIDs(t *testing.T) {
	ctx := context.Background()
	mm, _ := newTestMM(t, nil)
	tt := tk("", 1500, 0, 1)
	tt.CreatedAt = time.Time{}
	id, err := mm.Enqueue(ctx, tt)
	must(t, err)
	if !strings.HasPrefix(string(id), "t_") {
		t.Fatalf("id %q", id)
	}
	rec, err := mm.store.Get(ctx, id)
	must(t, err)
	if !rec.Ticket.CreatedAt.Equal(t0) {
		t.Fatalf("created %s", rec.Ticket.CreatedAt)
	}
	// The queue keeps its own copy.
	tt.ID = "mine"
	tt.Players[0].ID = "p-mine"
	_, err = mm.Enqueue(ctx, tt)
	must(t, err)
	tt.Players[0].ID = "changed"
	rec, err = mm.store.Get(ctx, "mine")
	must(t, err)
	if rec.Ticket.Players[0].ID != "p-mine" {
		t.Fatal("the queue shares the caller's slice")
	}
}

func TestNewRejectsBadModes(t *testing.T) {
	for _, modes := range [][]ModeConfig{
		nil,
		{{Name: "a"}},
		{{Name: "a", MaxPlayers: 5, Teams: 2}},
		{{Name: "a", MaxPlayers: 4, MinPlayers: 6}},
		{{Name: "a", MaxPlayers: 4, Teams: 2, MinPlayers: 1}},
		{{Name: "a", MaxPlayers: 4, SkillWindow: 200, MaxSkillWindow: 100}},
		{{Name: "a", MaxPlayers: 4}, {Name: "a", MaxPlayers: 2}},
	} {
		if _, err := New(&Options{Modes: modes}); !errors.Is(err, ErrBadMode) {
			t.Errorf("modes %+v: err %v", modes, err)
		}
	}
}
