package matchapi

import (
	"context"
	"net/http"
)

// operatorKey marks a request that came in on the operators' address.
type operatorKey struct{}

// AsOperator serves h to operators: ticket views carry the full
// explanation (the candidates' ticket IDs and skills) rather than the
// player's. Wrap only a handler on an address players cannot reach.
func AsOperator(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), operatorKey{}, true)))
	})
}

func isOperator(ctx context.Context) bool {
	v, _ := ctx.Value(operatorKey{}).(bool)
	return v
}
