package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGenFlags(t *testing.T) {
	tests := []struct {
		name, args, wantErr string
	}{
		{"bad_format", "gen --format docx --out x", `invalid --format "docx" (want one of txt, json, jsonl, srt, vtt, csv)`},
		{"no_calls", "gen --calls 0 --out x", "invalid --calls 0 (want 1 or more)"},
		{"turns_too_close", "gen --min-turns 10 --max-turns 12 --out x", "invalid --max-turns 12 (want at least --min-turns + 8 = 18: a call opens and closes in several turns)"},
		{"asr_share", "gen --asr 2 --out x", "invalid --asr 2 (want a share from 0 to 1)"},
		{"no_out", "gen", "no --out given"},
		{"one_call_formats_need_a_folder", "gen --format txt --out -", "--format txt writes one file a call: give a folder as --out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, errOut := testIO("")
			code := run(strings.Fields(tt.args), ios)
			assert.Equal(t, exitTrouble, code)
			assert.Contains(t, errOut.String(), "callqa: "+tt.wantErr)
		})
	}
}

// TestGenThenScan writes corpora in every format and scans them back: all
// calls read, none failed, and the same seed gives the same bytes.
func TestGenThenScan(t *testing.T) {
	dir := t.TempDir()
	for _, format := range []string{"txt", "json", "jsonl", "srt", "vtt", "csv"} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(dir, format)
			if format == "jsonl" || format == "csv" {
				out += "." + format
			}
			ios, _, errOut := testIO("")
			require.Equal(t, exitOK, run([]string{"gen", "--calls", "12", "--seed", "5", "--format", format, "--out", out}, ios), errOut.String())

			ios, stdout, errOut := testIO("")
			require.Equal(t, exitOK, run([]string{"scan", "--format", "jsonl", out}, ios), errOut.String())
			assert.Len(t, decodeJSONL(t, stdout.String()), 12)
		})
	}
	ios, stdout, _ := testIO("")
	require.Equal(t, exitOK, run(strings.Fields("gen --calls 12 --seed 5 --out -"), ios))
	again, err := os.ReadFile(filepath.Join(dir, "jsonl.jsonl"))
	require.NoError(t, err)
	assert.Equal(t, string(again), stdout.String(), "same seed, same corpus")
}
