package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// IOStreams are the streams a command reads and writes. Main uses the
// process's standard streams; tests use buffers.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// Exit statuses, as grep and diff use them.
const (
	exitOK        = 0 // every input read, and no requested check failed
	exitViolation = 1 // --fail-on-violation found a violation, or eval is below --min-f1
	exitTrouble   = 2 // an input failed, a usage error, or rules that did not load
)

// Main runs callqa with args (the command line without the program name)
// on the process's standard streams and returns the exit status.
func Main(args []string) int {
	return run(args, &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr})
}

// run executes the command line on ios and returns the exit status.
func run(args []string, ios *IOStreams) int {
	root := newRootCmd(ios)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	return exitStatus(ios.ErrOut, cmd, err)
}

// subcommands returns the callqa commands, in help order. To add a
// command, add one line here.
func subcommands(ios *IOStreams) []*cobra.Command {
	return []*cobra.Command{
		newScanCmd(ios, nil),
		newEvalCmd(ios, nil),
		newRulesCmd(ios),
		newIndexCmd(ios, nil),
		newSearchCmd(ios, nil),
		newStatsCmd(ios, nil),
		newBacktestCmd(ios, nil),
		newScoreCmd(ios, nil),
		newReportCmd(ios, nil),
		newServeCmd(ios, nil),
		newUsersCmd(ios),
		newGenCmd(ios),
		newDBCmd(ios),
		newVerdictsCmd(ios),
	}
}

func newRootCmd(ios *IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   "callqa",
		Short: "Check Chinese debt-collection call transcripts for compliance",
		Long: `callqa checks transcripts of debt-collection calls (催收电话) for the
violations of the collection policy (insult, threat, false legal claims,
disclosure to third parties), the four core tasks of a first call and the
identification steps.`,
		Version:       version(),
		SilenceErrors: true, // exitStatus prints them
		SilenceUsage:  true,
	}
	root.CompletionOptions.HiddenDefaultCmd = true
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetFlagErrorFunc(flagError) // subcommands inherit it
	for _, c := range subcommands(ios) {
		root.AddCommand(c)
	}
	return root
}

// version is what --version prints, taken from the build information
// the Go toolchain stores in the binary.
func version() string {
	info, _ := debug.ReadBuildInfo()
	return versionOf(info)
}

// versionOf is the version of a binary with build information info (nil
// when there is none): the module version for `go install …@vX.Y.Z`;
// otherwise "devel" with the VCS revision (12 hex digits) and
// "(modified)" when the work tree had uncommitted changes, as `go build`
// in a git checkout records them; plain "devel" when the build recorded
// no revision (-buildvcs=false, no git, a test binary).
func versionOf(info *debug.BuildInfo) string {
	if info == nil {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified == "true" {
		return "devel " + rev + " (modified)"
	}
	return "devel " + rev
}

// FlagError is a usage error: a bad flag or argument. It is printed on one
// line, followed by where to find the command's help (as gh does, not the
// whole usage), and exits with status 2.
type FlagError struct {
	Err error
}

// Error returns the message of the underlying error.
func (e *FlagError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FlagError) Unwrap() error { return e.Err }

// flagError is the cobra FlagErrorFunc: a flag that does not parse is a
// usage error.
func flagError(_ *cobra.Command, err error) error {
	return &FlagError{Err: err}
}

func flagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// exitError ends a command with a given status. Err, when not nil, is
// printed; a nil Err means the command already said what went wrong.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

// exitStatus prints err, if it needs printing, and returns the status for
// it. cmd is the command that ran (for its usage).
func exitStatus(w io.Writer, cmd *cobra.Command, err error) int {
	var exitErr *exitError
	var flagErr *FlagError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &exitErr):
		if exitErr.err != nil {
			printError(w, exitErr.err)
		}
		return exitErr.code
	case errors.As(err, &flagErr):
		printError(w, err)
		fmt.Fprintln(w, helpHint(cmd))
		return exitTrouble
	}
	if msg := err.Error(); strings.HasPrefix(msg, "unknown command") {
		fmt.Fprintf(w, "callqa: %s\n%s\n", unknownCommand(msg), helpHint(cmd))
		return exitTrouble
	}
	printError(w, err)
	return exitTrouble
}

// unknownCommand puts cobra's "unknown command" error on one line, with
// its suggestions: `unknown command "scna" for "callqa" (did you mean
// scan?)`.
func unknownCommand(msg string) string {
	lines := strings.Split(msg, "\n")
	var suggest []string
	for i, line := range lines {
		if strings.TrimSpace(line) == "Did you mean this?" {
			for _, s := range lines[i+1:] {
				if s = strings.TrimSpace(s); s != "" {
					suggest = append(suggest, s)
				}
			}
			break
		}
	}
	if len(suggest) == 0 {
		return lines[0]
	}
	return fmt.Sprintf("%s (did you mean %s?)", lines[0], strings.Join(suggest, " or "))
}

// helpHint is the line printed after a usage error: the command whose
// help to read, "callqa" when it is not known.
func helpHint(cmd *cobra.Command) string {
	path := "callqa"
	if cmd != nil {
		path = cmd.CommandPath()
	}
	return fmt.Sprintf("see '%s --help'", path)
}

// printError writes err as "callqa: <line>" for each line of its message;
// errors.Join and rule-pack error lists put one problem per line.
func printError(w io.Writer, err error) {
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(w, "callqa: %s\n", line)
	}
}
