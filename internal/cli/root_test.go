package cli

import (
	"bytes"
	"errors"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testIO returns streams on buffers, with stdin reading in.
func testIO(in string) (*IOStreams, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: strings.NewReader(in), Out: out, ErrOut: errOut}, out, errOut
}

// parseFlags runs a command built by newCmd on args (split on spaces) with
// a runF that captures the options. It returns the options (nil when runF
// was not called), the streams passed to newCmd and the error.
func parseFlags[O any](newCmd func(*IOStreams, func(*O) error) *cobra.Command, args string) (*O, *IOStreams, error) {
	ios, _, _ := testIO("")
	var got *O
	cmd := newCmd(ios, func(o *O) error {
		got = o
		return nil
	})
	cmd.SetArgs(strings.Fields(args))
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SetFlagErrorFunc(flagError) // as the root command does
	return got, ios, cmd.Execute()
}

// parsed checks the outcome of parseFlags: with wantErr, a usage error
// (a FlagError) with exactly that text and runF not called; without, no
// error and options captured. It reports whether there are options to check.
func parsed[O any](t *testing.T, got *O, err error, wantErr string) bool {
	t.Helper()
	if wantErr != "" {
		require.Error(t, err)
		var fe *FlagError
		assert.ErrorAs(t, err, &fe, "usage errors are FlagErrors")
		assert.EqualError(t, err, wantErr)
		assert.Nil(t, got, "runF is not called")
		return false
	}
	require.NoError(t, err)
	require.NotNil(t, got)
	return true
}

func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    string // substring of stdout
		wantErrOut string // substring of stderr
	}{
		{name: "version", args: []string{"--version"}, wantCode: exitOK, wantOut: "callqa version "},
		{name: "help", args: []string{"--help"}, wantCode: exitOK, wantOut: "scan"},
		{name: "no_command_prints_help", args: nil, wantCode: exitOK, wantOut: "Available Commands"},
		{name: "unknown_command", args: []string{"scna"}, wantCode: exitTrouble,
			wantErrOut: "callqa: unknown command \"scna\" for \"callqa\" (did you mean scan?)\nsee 'callqa --help'\n"},
		{name: "unknown_rules_subcommand", args: []string{"rules", "lst"}, wantCode: exitTrouble,
			wantErrOut: "callqa: unknown command \"lst\" for \"callqa rules\" (want list, test or health)\nsee 'callqa rules --help'\n"},
		{name: "rules_alone_prints_its_help", args: []string{"rules"}, wantCode: exitOK, wantOut: "Available Commands"},
		{name: "argument_to_a_command_without_any", args: []string{"gen", "extra"}, wantCode: exitTrouble,
			wantErrOut: "callqa: unknown command \"extra\" for \"callqa gen\"\nsee 'callqa gen --help'\n"},
		{name: "scan_without_paths", args: []string{"scan"}, wantCode: exitTrouble,
			wantErrOut: "callqa: no PATH given (name transcript files or folders, or - for standard input)\nsee 'callqa scan --help'\n"},
		{name: "unknown_flag", args: []string{"scan", "--fromat", "csv", "x.txt"}, wantCode: exitTrouble,
			wantErrOut: "callqa: unknown flag: --fromat\nsee 'callqa scan --help'\n"},
		{name: "bad_jobs_value", args: []string{"scan", "--jobs", "many", "x.txt"}, wantCode: exitTrouble,
			wantErrOut: `callqa: invalid argument "many" for "-j, --jobs" flag: strconv.ParseInt: parsing "many": invalid syntax` + "\nsee 'callqa scan --help'\n"},
		{name: "eval_without_labels", args: []string{"eval", "x.txt"}, wantCode: exitTrouble,
			wantErrOut: "callqa: --labels FILE is required\nsee 'callqa eval --help'\n"},
		{name: "rules_subcommand_usage_error", args: []string{"rules", "list", "--bogus"}, wantCode: exitTrouble,
			wantErrOut: "callqa: unknown flag: --bogus\nsee 'callqa rules list --help'\n"},
		{name: "eval_verbose_shorthand_is_not_version", args: []string{"eval", "-v", "--format", "xml", "--labels", "l.jsonl", "x.txt"},
			wantCode: exitTrouble, wantErrOut: `callqa: invalid --format "xml" (want one of table, json)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, out, errOut := testIO("")
			code := run(tt.args, ios)
			assert.Equal(t, tt.wantCode, code, "stderr: %s", errOut)
			assert.Contains(t, out.String(), tt.wantOut)
			assert.Contains(t, errOut.String(), tt.wantErrOut)
			assert.NotContains(t, errOut.String(), "Usage:", "a usage error names the help, it does not print it")
			assert.NotContains(t, errOut.String(), "Flags:")
		})
	}
}

func TestExitStatus(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantCode   int
		wantErrOut string
	}{
		{name: "nil", err: nil, wantCode: exitOK},
		{name: "silent_violation", err: &exitError{code: exitViolation}, wantCode: exitViolation},
		{name: "silent_trouble", err: &exitError{code: exitTrouble}, wantCode: exitTrouble},
		{name: "exit_error_with_message", err: &exitError{code: exitViolation, err: errors.New("turn-level F1 below 0.8: insult 0.700")},
			wantCode: exitViolation, wantErrOut: "callqa: turn-level F1 below 0.8: insult 0.700\n"},
		{name: "plain_error", err: errors.New("rules/x.yaml:3: rule x.y: unknown field"),
			wantCode: exitTrouble, wantErrOut: "callqa: rules/x.yaml:3: rule x.y: unknown field\n"},
		{name: "joined_errors_one_line_each", err: errors.Join(errors.New("a.jsonl:1: bad"), errors.New("a.jsonl:4: worse")),
			wantCode: exitTrouble, wantErrOut: "callqa: a.jsonl:1: bad\ncallqa: a.jsonl:4: worse\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			assert.Equal(t, tt.wantCode, exitStatus(&buf, nil, tt.err))
			assert.Equal(t, tt.wantErrOut, buf.String())
		})
	}
}

func TestVersionOf(t *testing.T) {
	rev := "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{name: "no_build_info", info: nil, want: "devel"},
		{name: "go_install_at_version", info: &debug.BuildInfo{Main: debug.Module{Path: "github.com/callqa/callqa", Version: "v1.4.0"}}, want: "v1.4.0"},
		{name: "pseudo_version", info: &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260301100000-0123456789ab"}}, want: "v0.0.0-20260301100000-0123456789ab"},
		{name: "checkout_clean", info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: "false"}}}, want: "devel 0123456789ab"},
		{name: "checkout_modified", info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: "true"}}}, want: "devel 0123456789ab (modified)"},
		{name: "buildvcs_false", info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "-buildmode", Value: "exe"}}}, want: "devel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, versionOf(tt.info))
		})
	}
}
