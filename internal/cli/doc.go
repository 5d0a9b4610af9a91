// Package cli is the callqa command line, built with cobra in the style of
// the GitHub CLI: one file per command, each with an Options struct, a
// newXxxCmd(io, runF) that only parses flags into the options, and a
// runXxx(opts) that does the work. Tests call newXxxCmd with a runF that
// captures the options, and runXxx with buffers for the streams.
//
// cmd/callqa/main.go is only
//
//	func main() { os.Exit(cli.Main(os.Args[1:])) }
//
// Exit statuses: 0 when every input was read; 1 only with
// --fail-on-violation when a violation was found (scan) or when a score is
// below --min-f1 (eval); 2 on trouble: an input that failed, a usage
// error, rules that did not load.
//
// To add a command, write newXxxCmd in its own file and add it to
// subcommands in root.go. A command that reads and analyzes transcripts
// embeds BatchOptions in its options and registers their flags (rules,
// input format and limits, jobs, masking, progress) with addBatchFlags;
// newScanner takes them on in a scannerOptions.
//
// Tables for the terminal are written through internal/termtab, which
// aligns columns by display width (a Chinese character takes two columns),
// never through text/tabwriter or fmt's %-Ns.
package cli
