package matchmaking

import (
	"math"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Limits bound the fields of a ticket. A nil *Limits, and every zero field,
// takes the default documented on the field.
type Limits struct {
	// MaxIDLen bounds ticket and player IDs, in bytes. Default 64.
	MaxIDLen int
	// MaxNameLen bounds player names, in bytes. Default 64.
	MaxNameLen int
	// MaxRegions bounds a ticket's region list. Default 8.
	MaxRegions int
	// MaxRegionLen bounds a region name, in bytes. Default 32.
	MaxRegionLen int
}

func (l *Limits) withDefaults() Limits {
	var c Limits
	if l != nil {
		c = *l
	}
	if c.MaxIDLen <= 0 {
		c.MaxIDLen = 64
	}
	if c.MaxNameLen <= 0 {
		c.MaxNameLen = 64
	}
	if c.MaxRegions <= 0 {
		c.MaxRegions = 8
	}
	if c.MaxRegionLen <= 0 {
		c.MaxRegionLen = 32
	}
	return c
}

// validateTicket checks t against its mode (already defaulted) and the
// limits. It does not look at the queue.
func validateTicket(t *Ticket, mode *ModeConfig, lim *Limits) error {
	if t.ID != "" {
		if err := checkID("id", string(t.ID), lim.MaxIDLen); err != nil {
			return err
		}
	}
	if mode == nil {
		return invalid("mode", ErrUnknownMode, "%q", truncate(t.Mode, 64))
	}
	switch n := len(t.Players); {
	case n == 0:
		return invalid("players", ErrEmptyParty, "a ticket needs at least one player")
	case n > mode.MaxPlayers:
		return invalid("players", ErrPartyTooLarge, "%d players, a %s match has %d", n, mode.Name, mode.MaxPlayers)
	case n > mode.MaxParty():
		return invalid("players", ErrPartyTooLarge, "%d players, a %s team has %d", n, mode.Name, mode.MaxParty())
	}
	for i, p := range t.Players {
		field := "players[" + strconv.Itoa(i) + "]"
		if err := checkID(field+".id", p.ID, lim.MaxIDLen); err != nil {
			return err
		}
		if len(p.Name) > lim.MaxNameLen {
			return invalid(field+".name", ErrTooLong, "%d bytes, at most %d", len(p.Name), lim.MaxNameLen)
		}
		if !utf8.ValidString(p.Name) {
			return invalid(field+".name", ErrBadID, "not UTF-8")
		}
		for j := range i {
			if t.Players[j].ID == p.ID {
				return invalid(field+".id", ErrDuplicatePlayer, "%q is also players[%d]", p.ID, j)
			}
		}
	}
	if math.IsNaN(t.Skill) || math.IsInf(t.Skill, 0) {
		return invalid("skill", ErrBadSkill, "%v", t.Skill)
	}
	switch n := len(t.Regions); {
	case n == 0:
		return invalid("regions", ErrNoRegions, "a ticket needs at least one region with its latency")
	case n > lim.MaxRegions:
		return invalid("regions", ErrTooManyRegions, "%d regions, at most %d", n, lim.MaxRegions)
	}
	for i, r := range t.Regions {
		field := "regions[" + strconv.Itoa(i) + "]"
		if err := checkID(field+".region", r.Region, lim.MaxRegionLen); err != nil {
			return err
		}
		if r.RTT < 0 {
			return invalid(field+".rtt", ErrBadRegion, "negative round trip %v", r.RTT)
		}
		for j := range i {
			if t.Regions[j].Region == r.Region {
				return invalid(field+".region", ErrBadRegion, "%q listed twice", r.Region)
			}
		}
	}
	return nil
}

// checkID accepts non-empty printable text without spaces, up to max bytes.
func checkID(field, id string, max int) error {
	if id == "" {
		return invalid(field, ErrBadID, "empty")
	}
	if len(id) > max {
		return invalid(field, ErrTooLong, "%d bytes, at most %d", len(id), max)
	}
	if !utf8.ValidString(id) {
		return invalid(field, ErrBadID, "not UTF-8")
	}
	for _, r := range id {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return invalid(field, ErrBadID, "%q has a space or control character", truncate(id, 64))
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
