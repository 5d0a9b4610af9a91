// Command callqa checks Chinese debt-collection call transcripts for
// compliance. See internal/cli for the commands.
package main

import (
	"os"

	"github.com/callqa/callqa/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
