package loadbench

import (
	"context"
	"os/exec"
	"strings"
	"time"
)

// serveFlags lists the flags of bin's serve command, from its -h output
// ("  -name type" lines), so the load tool works with older binaries.
func serveFlags(ctx context.Context, bin string) map[string]bool {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, _ := exec.CommandContext(ctx, bin, "serve", "-h").CombinedOutput()
	return parseFlagNames(string(out))
}

// parseFlagNames reads the flag names out of a flag.FlagSet's usage text.
func parseFlagNames(usage string) map[string]bool {
	names := map[string]bool{}
	for _, line := range strings.Split(usage, "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(line, "  -") {
			names[strings.TrimPrefix(f[0], "-")] = true
		}
	}
	return names
}
