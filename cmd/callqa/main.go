// Command callqa checks Chinese debt-collection call transcripts for
// compliance. See internal/cli for the commands.
//
// For performance work, CALLQA_CPUPROFILE=FILE writes a CPU profile of
// the whole run to FILE (read it with go tool pprof).
package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/callqa/callqa/internal/cli"
)

func main() {
	if path := os.Getenv("CALLQA_CPUPROFILE"); path != "" {
		os.Exit(profiled(path))
	}
	os.Exit(cli.Main(os.Args[1:]))
}

// profiled runs the command line under a CPU profile written to path.
func profiled(path string) int {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "callqa: CALLQA_CPUPROFILE: %v\n", err)
		return 2
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "callqa: CALLQA_CPUPROFILE: %v\n", err)
		return 2
	}
	defer pprof.StopCPUProfile()
	return cli.Main(os.Args[1:])
}
