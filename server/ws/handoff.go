package ws

// handOver keeps every connection on its own goroutine where there is no
// event loop (evloop_linux.go).
func (h *Handler) handOver(*session) bool { return false }

// stopLoops has no loops to stop.
func (h *Handler) stopLoops() {}
