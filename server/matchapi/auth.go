package matchapi

import (
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/skirmishgg/skirmish/server/identity"
)

// AuthOptions configures an Auth.
type AuthOptions struct {
	// Issuer mints guest identities. Required.
	Issuer *identity.Issuer
	// GuestRate is how many guest identities one IP address may get per
	// minute (a burst of as many, refilled evenly); past it, 429. 0: no
	// limit.
	GuestRate int
	// Clock is the time of issuance. Default time.Now.
	Clock func() time.Time
	// Logger receives the adapter's logs. Default slog.Default().
	Logger *slog.Logger
}

// Auth serves POST /v1/auth/guest: a fresh guest identity, which a client
// stores and reuses. It is separate from API so that a server without a
// matchmaker (serve -matchmaking=false) hands out identities too.
type Auth struct {
	opts    AuthOptions
	limiter *ipLimiter
}

// NewAuth returns the guest endpoint.
func NewAuth(opts AuthOptions) *Auth {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	a := &Auth{opts: opts}
	if opts.GuestRate > 0 {
		a.limiter = newIPLimiter(float64(opts.GuestRate), time.Minute)
	}
	return a
}

// Register adds POST /v1/auth/guest to mux.
func (a *Auth) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/auth/guest", a.serveGuest)
	mux.HandleFunc("OPTIONS /v1/auth/guest", servePreflight)
}

// guestView is the answer of POST /v1/auth/guest.
type guestView struct {
	Player  string    `json:"player"`
	Token   string    `json:"token"`
	Expires time.Time `json:"expires"`
}

func (a *Auth) serveGuest(w http.ResponseWriter, r *http.Request) {
	allowAnyOrigin(w)
	now := a.opts.Clock()
	ip := clientIP(r)
	if wait, ok := a.limiter.allow(ip, now); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		writeError(w, http.StatusTooManyRequests, fmt.Sprintf("too many guest identities from this address: at most %d a minute; keep and reuse the one you have", a.opts.GuestRate))
		return
	}
	id, token, err := a.opts.Issuer.Guest(now)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "could not issue a guest identity")
		a.opts.Logger.Error("guest identity", "err", err)
		return
	}
	a.opts.Logger.Debug("guest identity issued", "player", id.Player, "ip", ip)
	writeJSON(w, http.StatusOK, guestView{Player: id.Player, Token: token, Expires: id.Expires})
}

// ipLimiter is a token bucket per IP address. Its map is bounded: when it
// is full, buckets that have refilled (whose owners are idle) are dropped,
// and if none has, the newcomer is refused rather than memory grown.
type ipLimiter struct {
	rate  float64 // tokens per second
	burst float64

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

const maxLimiterIPs = 65536

func newIPLimiter(n float64, per time.Duration) *ipLimiter {
	return &ipLimiter{rate: n / per.Seconds(), burst: n, buckets: map[string]*bucket{}}
}

// allow takes a token for ip at now; when there is none, it says how long
// until there is. A nil limiter allows everything.
func (l *ipLimiter) allow(ip string, now time.Time) (time.Duration, bool) {
	if l == nil {
		return 0, true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[ip]
	if !ok {
		if len(l.buckets) >= maxLimiterIPs && !l.evict(now) {
			return time.Minute, false
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[ip] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) / l.rate * float64(time.Second)), false
	}
	b.tokens--
	return 0, true
}

// evict drops the buckets that are full again; it reports whether any was.
func (l *ipLimiter) evict(now time.Time) bool {
	n := len(l.buckets)
	for ip, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, ip)
		}
	}
	return len(l.buckets) < n
}
