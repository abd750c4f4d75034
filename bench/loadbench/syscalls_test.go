package loadbench

import "testing"

func TestParsePerfCount(t *testing.T) {
	tests := []struct {
		out     string
		want    uint64
		wantErr bool
	}{
		{"123456,,raw_syscalls:sys_enter,10001234567,100.00,,\n", 123456, false},
		{"# started on …\n\n98,,raw_syscalls:sys_enter,1,100.00,,\n", 98, false},
		{"<not supported>,,raw_syscalls:sys_enter,0,100.00,,\n", 0, true},
		{"Error:\nNo permissions to read /sys/kernel/tracing/events/raw_syscalls/sys_enter\n", 0, true},
		{"5,,context-switches,1,100.00,,\n", 0, true},
	}
	for _, tt := range tests {
		got, err := parsePerfCount(tt.out, "raw_syscalls:sys_enter")
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("parsePerfCount(%q) = %d, %v; want %d, error %v", tt.out, got, err, tt.want, tt.wantErr)
		}
	}
}
