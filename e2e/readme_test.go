//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeCommand is one command of README.md, with the line it is on.
type readmeCommand struct {
	line int
	text string
	skip string // why it is not run, or ""
}

// notRun is the marker that keeps the commands of the next code block that
// start with a prefix from running, with the reason:
//
//	<!-- not run: callqa serve (runs until stopped; e2e/serve_test.go runs it) -->
var notRun = regexp.MustCompile(`^<!-- not run: (.+?) \((.+)\) -->$`)

// hasAnyPrefix reports whether text starts with one of the " | "-separated
// prefixes.
func hasAnyPrefix(text, prefixes string) bool {
	for _, p := range strings.Split(prefixes, " | ") {
		if strings.HasPrefix(text, p) {
			return true
		}
	}
	return false
}

// readmeCommands extracts the commands of a README by these rules:
//
//   - In a fenced code block, a line that starts with "$ " is a command
//     (the lines after it are its output); in a ```sh block every line
//     that is not empty or a # comment is a command.
//   - Outside code blocks, inline `code` that starts with "callqa " and
//     names a file of the repository's testdata/ is a command (the
//     examples of the ASR table).
//   - Only callqa commands run: "callqa …" and "go run ./cmd/callqa …"
//     (both run the binary built for the test); other commands (go test,
//     go install, go build) are listed as not run.
//   - A "<!-- not run: PREFIX (REASON) -->" line before a code block keeps
//     the commands of that block that start with PREFIX from running;
//     PREFIX may list several, separated by " | ".
func readmeCommands(t *testing.T, readme string) []readmeCommand {
	t.Helper()
	var cmds []readmeCommand
	inline := regexp.MustCompile("`(callqa [^`]*testdata/[^`]*)`")
	sc := bufio.NewScanner(strings.NewReader(readme))
	inBlock, shBlock := false, false
	var skipPrefix, skipReason, pendingPrefix, pendingReason string
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") {
			if inBlock {
				inBlock, skipPrefix, skipReason = false, "", ""
				continue
			}
			inBlock = true
			shBlock = trimmed == "```sh" || trimmed == "```bash" || trimmed == "```shell"
			skipPrefix, skipReason, pendingPrefix, pendingReason = pendingPrefix, pendingReason, "", ""
			continue
		}
		if !inBlock {
			if m := notRun.FindStringSubmatch(trimmed); m != nil {
				pendingPrefix, pendingReason = m[1], m[2]
				continue
			}
			if trimmed != "" {
				pendingPrefix, pendingReason = "", ""
			}
			for _, m := range inline.FindAllStringSubmatch(line, -1) {
				cmds = append(cmds, readmeCommand{line: n, text: m[1]})
			}
			continue
		}
		var text string
		switch {
		case strings.HasPrefix(line, "$ "):
			text = strings.TrimPrefix(line, "$ ")
		case shBlock && trimmed != "" && !strings.HasPrefix(trimmed, "#"):
			text = trimmed
		default:
			continue
		}
		c := readmeCommand{line: n, text: text}
		switch {
		case skipPrefix != "" && hasAnyPrefix(text, skipPrefix):
			c.skip = skipReason
		case !strings.HasPrefix(text, "callqa ") && !strings.HasPrefix(text, "go run ./cmd/callqa "):
			c.skip = "not a callqa command"
		}
		cmds = append(cmds, c)
	}
	require.NoError(t, sc.Err())
	return cmds
}

// TestReadmeCommands runs every callqa command of README.md, in order, as
// written, from a copy of the repository (so that what they write, such as
// ./callqa.bleve, stays out of the checkout), with the binary built from
// this checkout first on PATH. It fails listing each command that exits
// with a status other than 0, with its stderr.
func TestReadmeCommands(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	cmds := readmeCommands(t, string(readme))

	bin := buildCallqa(t)
	work := copyRepo(t, "..")
	var failed []string
	ran := 0
	for _, c := range cmds {
		if c.skip != "" {
			t.Logf("README.md:%d: not run (%s): %s", c.line, c.skip, c.text)
			continue
		}
		text := strings.Replace(c.text, "go run ./cmd/callqa ", "callqa ", 1)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cmd := exec.CommandContext(ctx, "bash", "-c", text)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		cancel()
		ran++
		if err != nil {
			failed = append(failed, fmt.Sprintf("README.md:%d: %s\n    %v: %s", c.line, c.text, err, strings.TrimSpace(stderr.String())))
		}
	}
	t.Logf("%d README commands run, %d not run", ran, len(cmds)-ran)
	assert.GreaterOrEqual(t, ran, 15, "the README's commands were found")
	if len(failed) > 0 {
		t.Errorf("%d README commands fail as written:\n%s", len(failed), strings.Join(failed, "\n"))
	}
}

// TestReadmeCommandRules checks the extraction rules on a small README.
func TestReadmeCommandRules(t *testing.T) {
	readme := "# x\n\n```sh\ngo run ./cmd/callqa scan testdata/calls   # scan\ngo test ./...\n```\n\n" +
		"| a | `callqa scan testdata/asr/call.vtt` |\n\nsee `callqa rules list` and `callqa scan one.txt`\n\n" +
		"```\ncallqa scan [--format F] PATH...\n```\n\n```\n$ callqa search 坐牢\n1 matching calls\n```\n\n" +
		"<!-- not run: callqa serve (runs until stopped) -->\n```sh\ncallqa index testdata/calls\ncallqa serve --index callqa.bleve\n```\n" +
		"\n<!-- not run: callqa serve | callqa eval (needs a person) -->\n```sh\ncallqa serve x\ncallqa rules list\ncallqa eval y\n```\n"
	got := readmeCommands(t, readme)
	want := []readmeCommand{
		{line: 4, text: "go run ./cmd/callqa scan testdata/calls   # scan"},
		{line: 5, text: "go test ./...", skip: "not a callqa command"},
		{line: 8, text: "callqa scan testdata/asr/call.vtt"},
		{line: 17, text: "callqa search 坐牢"},
		{line: 23, text: "callqa index testdata/calls"},
		{line: 24, text: "callqa serve --index callqa.bleve", skip: "runs until stopped"},
		{line: 29, text: "callqa serve x", skip: "needs a person"},
		{line: 30, text: "callqa rules list"},
		{line: 31, text: "callqa eval y", skip: "needs a person"},
	}
	assert.Equal(t, want, got)
}

// copyRepo copies the repository at src, without .git, into a temporary
// folder and returns it.
func copyRepo(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "callqa")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.Name() == ".git" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, 0o644)
		}
		return nil // links and the like: no README command needs them
	})
	require.NoError(t, err)
	return dst
}

// TestVersion: the binary's --version is what its build information
// holds (go version -m): the VCS revision when the build recorded one,
// "devel" when it did not (.ci/run builds with -buildvcs=false) — never the
// old fixed "dev".
func TestVersion(t *testing.T) {
	bin := buildCallqa(t)
	out, err := exec.Command(bin, "--version").Output()
	require.NoError(t, err)
	got := strings.TrimSpace(string(out))

	info, err := exec.Command(goTool(), "version", "-m", bin).Output()
	require.NoError(t, err)
	var rev, modified string
	for _, line := range strings.Split(string(info), "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == "build" {
			switch f[1] {
			case "vcs.revision":
				rev = f[2]
			case "vcs.modified":
				modified = f[2]
			}
		}
	}
	want := "callqa version devel"
	if rev != "" {
		want += " " + rev[:12]
		if modified == "true" {
			want += " (modified)"
		}
	}
	assert.Equal(t, want, got)
}

// goTool is the go command, as buildCallqa finds it.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}
