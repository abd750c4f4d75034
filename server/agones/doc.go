// Package agones connects a match host to Agones through the SDK
// server's REST gateway (the sidecar on localhost:$AGONES_SDK_HTTP_PORT):
// it marks the GameServer Ready when the host takes matches, Allocated
// while it runs matches and Ready again when they are over, sends Health
// pings, keeps the Counters "players" and "matches" current, labels the
// GameServer with its region, and calls Shutdown once a drain is done.
//
// It follows the REST API of Agones 1.41 and later (Counters at
// /v1beta1/counters/{name}, int64 fields as JSON strings). The sidecar
// being slow or away never blocks the host: every call has a timeout,
// failures are logged and retried with backoff, and the host's state is
// read, never pushed, so no match loop waits on Agones.
package agones
