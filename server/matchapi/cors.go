package matchapi

import "net/http"

// The identity and party endpoints answer pages of any origin, as the
// queue socket does: a browser client served elsewhere plays here too.
// Nothing rides on ambient credentials (no cookies: identities travel as
// bearer tokens), so a foreign page gains nothing a script could not do
// directly; guest issuance stays rate-limited per address.

// allowAnyOrigin marks a response readable by pages of any origin.
func allowAnyOrigin(w http.ResponseWriter) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
}

// servePreflight answers a browser's CORS preflight (OPTIONS) for the
// party endpoints, which send Authorization and a JSON body.
func servePreflight(w http.ResponseWriter, r *http.Request) {
	allowAnyOrigin(w)
	w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
	w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	w.Header().Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}
