package loadbench

import (
	"context"
	"io"
	"testing"
	"time"
)

func TestLoadbenchFlags(t *testing.T) {
	f, err := ParseFlags([]string{"-smoke", "-window", "2s"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.CCUs) != 1 || f.CCUs[0] != 32 || f.Window != 2*time.Second || f.Ramp != time.Second || f.Big || len(f.Interest) != 2 {
		t.Errorf("smoke flags %+v", f)
	}
	f, err = ParseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{256, 512, 1024, 2048}; len(f.CCUs) != 4 || f.CCUs[3] != want[3] || !f.Big || f.Window != 20*time.Second {
		t.Errorf("default flags %+v", f)
	}
	if !f.Floor || f.ServeFloor != "" {
		t.Errorf("default flags %+v: want the floor run, not served", f)
	}
	f, err = ParseFlags([]string{"-serve-floor", "127.0.0.1:0", "-floor-frame-bytes", "230"}, io.Discard)
	if err != nil || f.ServeFloor != "127.0.0.1:0" || f.FloorFrameBytes != 230 {
		t.Errorf("-serve-floor: %+v, %v", f, err)
	}
	if f, err = ParseFlags([]string{"-floor-rounds", "3"}, io.Discard); err != nil || f.FloorRounds != 3 {
		t.Errorf("-floor-rounds 3: %+v, %v", f, err)
	}
	if f, err = ParseFlags(nil, io.Discard); err != nil || f.FloorRounds != 1 {
		t.Errorf("default rounds: %+v, %v", f, err)
	}
	for _, bad := range [][]string{{"-ccu", "256,x"}, {"-ccu", "0"}, {"-interest", "maybe"}, {"-window", "10ms"}, {"-floor-rounds", "0"}, {"extra"}} {
		if _, err := ParseFlags(bad, io.Discard); err == nil {
			t.Errorf("flags %q accepted", bad)
		}
	}
}

func TestLoadbenchRunRejectsOptionsWithoutSteps(t *testing.T) {
	for _, o := range []*Options{
		{},
		{Window: time.Second, Interest: []bool{false}},
		{Window: time.Second, CCUs: []int{32}},
		{Window: time.Second, CCUs: []int{0}, Interest: []bool{true}},
	} {
		if err := Run(context.Background(), o, io.Discard, io.Discard); err == nil {
			t.Errorf("Run(%+v) ran", o)
		}
	}
	// A floor that cannot serve says why rather than hang.
	if err := Run(context.Background(), &Options{ServeFloor: "127.0.0.1:0", FloorFrameBytes: 5}, io.Discard, io.Discard); err == nil {
		t.Error("floor with 5-byte frames served")
	}
}
