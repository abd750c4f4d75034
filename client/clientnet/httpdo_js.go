//go:build js

package clientnet

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"syscall/js"
)

// httpDo: see httpdo.go. Browsers use the Fetch API, so that the wasm
// links no net/http client; ctx's end aborts the fetch (AbortController)
// and the body is read as a stream, so an over-long one is cut off at
// limit bytes rather than buffered whole.
func httpDo(ctx context.Context, method, url string, header map[string]string, body []byte, limit int) (status int, resp []byte, err error) {
	if err := ctx.Err(); err != nil {
		return 0, nil, err
	}
	defer func() {
		if r := recover(); r != nil { // a throwing constructor or call
			status, resp, err = 0, nil, fmt.Errorf("%s %q: %v", method, url, r)
		}
	}()
	g := js.Global()
	if g.Get("fetch").Type() != js.TypeFunction || g.Get("AbortController").Type() != js.TypeFunction {
		return 0, nil, fmt.Errorf("%s %q: this page has no Fetch API", method, url)
	}
	abort := g.Get("AbortController").New()
	stop := context.AfterFunc(ctx, func() { abort.Call("abort") })
	defer stop()
	defer abort.Call("abort") // stops a body left unread; no-op once read

	h := make(map[string]any, len(header))
	for k, v := range header {
		h[k] = v
	}
	init := map[string]any{"method": method, "headers": h, "signal": abort.Get("signal")}
	if body != nil {
		a := g.Get("Uint8Array").New(len(body))
		js.CopyBytesToJS(a, body)
		init["body"] = a
	}
	fail := func(err error) (int, []byte, error) {
		if ctx.Err() != nil {
			return status, nil, ctx.Err()
		}
		return status, nil, fmt.Errorf("%s %q: %w", method, url, err)
	}
	r, err := await(g.Call("fetch", url, init))
	if err != nil {
		return fail(err)
	}
	status = r.Get("status").Int()
	if cl := r.Get("headers").Call("get", "Content-Length"); cl.Type() == js.TypeString {
		if n, err := strconv.Atoi(cl.String()); err == nil && n > limit {
			return status, nil, errTooLarge(method, url, limit)
		}
	}
	stream := r.Get("body")
	if stream.IsNull() || stream.IsUndefined() { // no body (204), or no streams
		if stream.IsNull() {
			return status, nil, nil
		}
		buf, err := await(r.Call("arrayBuffer"))
		if err != nil {
			return fail(err)
		}
		if buf.Get("byteLength").Int() > limit {
			return status, nil, errTooLarge(method, url, limit)
		}
		u := g.Get("Uint8Array").New(buf)
		resp = make([]byte, u.Length())
		js.CopyBytesToGo(resp, u)
		return status, resp, nil
	}
	reader := stream.Call("getReader")
	for {
		chunk, err := await(reader.Call("read"))
		if err != nil {
			return fail(err)
		}
		if chunk.Get("done").Bool() {
			return status, resp, nil
		}
		v := chunk.Get("value") // a Uint8Array
		n := v.Length()
		if len(resp)+n > limit {
			reader.Call("cancel")
			return status, nil, errTooLarge(method, url, limit)
		}
		resp = append(resp, make([]byte, n)...)
		js.CopyBytesToGo(resp[len(resp)-n:], v)
	}
}

// await waits for the promise p to settle: its value, or its rejection as
// an error. httpDo's promises all settle once its AbortController aborts,
// so await does not watch a context: the callbacks are released only after
// they ran.
func await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	onValue := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: args[0]}
		return nil
	})
	onError := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: jsReason(args[0])}
		return nil
	})
	defer onValue.Release()
	defer onError.Release()
	p.Call("then", onValue, onError)
	r := <-ch
	return r.v, r.err
}

// jsReason is a promise's rejection reason as an error ("TypeError:
// Failed to fetch", "AbortError: ...").
func jsReason(v js.Value) error {
	if v.Type() == js.TypeObject {
		if name, msg := v.Get("name"), v.Get("message"); msg.Type() == js.TypeString {
			if name.Type() == js.TypeString {
				return errors.New(name.String() + ": " + msg.String())
			}
			return errors.New(msg.String())
		}
	}
	return errors.New(v.String())
}
