package protocol

import (
	"errors"
	"testing"
)

// TestInputView: Input's view tick is an optional eighth element. A
// version 4 Input without it (seven elements, as clients before it send)
// decodes with View 0; one with it decodes it in any integer form and any
// array header form; a view sent as 0, or a ninth element, is malformed.
func TestInputView(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want Input
		err  error
	}{
		{"without view (v4 before views)", "97032acd01367fd081cd400001", Input{Seq: 42, Ack: 310, MoveX: 127, MoveY: -127, Aim: 16384, Buttons: 1}, nil},
		{"with view", "98032acd01367fd081cd400001cd0128", Input{Seq: 42, Ack: 310, MoveX: 127, MoveY: -127, Aim: 16384, Buttons: 1, View: 296}, nil},
		{"view as a wide integer", "98032acd01367fd081cd400001d300000000000000ff", Input{Seq: 42, Ack: 310, MoveX: 127, MoveY: -127, Aim: 16384, Buttons: 1, View: 255}, nil},
		{"array16 header", "dc000803010000000000 05", Input{Seq: 1, View: 5}, nil},
		{"array16 without view", "dc0007030100000000 00", Input{Seq: 1}, nil},
		{"view 0 sent", "980301000000000000", Input{}, ErrMalformed},
		{"view negative", "9803010000000000ff", Input{}, ErrMalformed},
		{"view over uint32", "98030100000000 00cf0000000100000000", Input{}, ErrMalformed},
		{"nine elements", "99030100000000000101", Input{}, ErrMalformed},
		{"six elements", "960301000000 00", Input{}, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got Input
			got.View = 77 // a used message: an Input without a view clears it
			err := got.Decode(unhex(t, tc.in))
			if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Fatalf("Decode = %v, want %v", err, tc.err)
			}
			if err == nil && got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
