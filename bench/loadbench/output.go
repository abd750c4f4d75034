package loadbench

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// writeReport prints the markdown report and writes it where o.Out says:
// a temp file for a smoke run, the dated default, a path, or nowhere ('-').
func writeReport(run *benchRun, o *Options, stdout io.Writer) error {
	var md strings.Builder
	if err := run.writeMarkdown(&md); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	fmt.Fprintf(stdout, "\n%s\n", md.String())
	path := o.Out
	switch {
	case path == "-":
		return nil
	case path == "" && o.Smoke:
		tmp, err := os.CreateTemp("", "loadbench-smoke-*.md")
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		path = tmp.Name()
		tmp.Close()
	case path == "" && o.Pin:
		path = filepath.Join("bench", "results", "arena-v1-"+run.Started.Format("2006-01-02")+"-pinned.md")
	case path == "":
		path = filepath.Join("bench", "results", "arena-v1-"+run.Started.Format("2006-01-02")+".md")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.WriteFile(path, []byte(md.String()), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	fmt.Fprintf(stdout, "loadbench: report written to %s\n", path)
	return nil
}
