package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// piiCalls holds a call whose every number is invented.
var piiCalls = filepath.Join("..", "..", "testdata", "pii")

// piiNumbers are its phone, ID and card numbers and e-mail address.
var piiNumbers = []string{"13812345678", "110101199003071233", "6222021234567890128", "62345678", "zhangwei@example.com"}

// TestRedactionEverywhere runs every command that writes what a call says
// — scan in each format, score, report, index then search — and checks
// that no number of the call is in what they write, unless --no-redact.
func TestRedactionEverywhere(t *testing.T) {
	dir := t.TempDir()
	type output struct {
		name string
		args []string
		file string // the output is this file, not stdout
	}
	outputs := func(extra ...string) []output {
		tag := "masked"
		if len(extra) > 0 {
			tag = "plain"
		}
		ix := filepath.Join(dir, tag+".bleve")
		html := filepath.Join(dir, tag+".html")
		with := func(args ...string) []string { return append(append(args, extra...), piiCalls) }
		return []output{
			{name: "scan table", args: with("scan", "--explain")},
			{name: "scan jsonl", args: with("scan", "--format", "jsonl", "--explain")},
			{name: "scan json", args: with("scan", "--format", "json")},
			{name: "scan csv", args: with("scan", "--format", "csv")},
			{name: "score json", args: with("score", "--format", "json")},
			{name: "score html", args: with("score", "--format", "html")},
			{name: "report", args: with("report", "--out", html), file: html},
			{name: "index", args: with("index", "--index", ix)},
			{name: "search", args: []string{"search", "--index", ix, "--format", "jsonl", "老赖"}},
			{name: "search findings", args: []string{"search", "--index", ix, "--findings", "--format", "jsonl"}},
		}
	}
	for _, mode := range []string{"masked", "plain"} {
		var extra []string
		if mode == "plain" {
			extra = []string{"--no-redact"}
		}
		for _, o := range outputs(extra...) {
			t.Run(mode+" "+o.name, func(t *testing.T) {
				ios, stdout, errOut := testIO("")
				code := run(o.args, ios)
				require.Contains(t, []int{exitOK, exitViolation}, code, errOut.String())
				out := stdout.String()
				if o.file != "" {
					b, err := os.ReadFile(o.file)
					require.NoError(t, err)
					out = string(b)
				}
				if o.name == "index" {
					return
				}
				require.NotEmpty(t, out)
				found := 0
				for _, n := range piiNumbers {
					if strings.Contains(out, n) {
						found++
					}
				}
				if mode == "masked" {
					assert.Zero(t, found, "a number is in the output")
				} else if strings.Contains("scan jsonl|scan json|report|score html", o.name) {
					// The outputs that hold the turn texts show them.
					assert.Positive(t, found, "--no-redact keeps the numbers")
				}
			})
		}
	}
}
