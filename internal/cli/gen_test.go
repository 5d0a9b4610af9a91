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
		{"one_file_formats_need_a_file", "gen --format csv --out calls/", "--format csv writes every call into one file: give a file name as --out, such as corpus.csv"},
		{"extension_of_another_format", "gen --format jsonl --out corpus.txt", "--out corpus.txt: a jsonl corpus must be named .jsonl to be read back (scan picks the reader by the extension)"},
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
			// No extension: a one-file format gets its own, a folder
			// format writes into the folder.
			out := filepath.Join(dir, format)
			ios, _, errOut := testIO("")
			require.Equal(t, exitOK, run([]string{"gen", "--calls", "12", "--seed", "5", "--format", format, "--out", out}, ios), errOut.String())
			if format == "jsonl" || format == "csv" {
				out += "." + format
				assert.Equal(t, "callqa: wrote 12 calls ("+format+") to "+out+"\n", errOut.String(), "says the name it wrote")
			}

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

// TestGenExistingOut: gen never leaves earlier calls beside the new ones.
// Without --force an --out that holds anything is refused and left as it
// was; --force overwrites a file, or removes an earlier gen's calls from a
// folder; a folder with files gen did not write is always refused.
func TestGenExistingOut(t *testing.T) {
	gen := func(t *testing.T, args ...string) (int, string) {
		ios, _, errOut := testIO("")
		return run(append([]string{"gen", "--seed", "3"}, args...), ios), errOut.String()
	}
	scanCount := func(t *testing.T, path string) int {
		ios, stdout, errOut := testIO("")
		require.Equal(t, exitOK, run([]string{"scan", "--format", "jsonl", path}, ios), errOut.String())
		return len(decodeJSONL(t, stdout.String()))
	}
	t.Run("folder_of_an_earlier_gen", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "calls")
		code, errOut := gen(t, "--calls", "5", "--format", "txt", "--out", out)
		require.Equal(t, exitOK, code, errOut)

		code, errOut = gen(t, "--calls", "3", "--format", "json", "--out", out)
		assert.Equal(t, exitTrouble, code)
		assert.Equal(t, "callqa: --out "+out+": folder already holds 5 calls of an earlier gen; scan would read them beside the new ones: give a new folder, or --force to remove them first\n", errOut)
		assert.Equal(t, 5, scanCount(t, out), "left as it was")

		code, errOut = gen(t, "--calls", "3", "--format", "json", "--force", "--out", out)
		require.Equal(t, exitOK, code, errOut)
		assert.Equal(t, 3, scanCount(t, out), "only the new calls")
		files, err := filepath.Glob(filepath.Join(out, "*", "*"))
		require.NoError(t, err)
		assert.Len(t, files, 3)
	})
	t.Run("folder_with_other_files", func(t *testing.T) {
		out := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(out, "notes.txt"), []byte("坐席：您好\n"), 0o644))
		for _, force := range []bool{false, true} {
			args := []string{"--calls", "2", "--format", "txt", "--out", out}
			if force {
				args = append(args, "--force")
			}
			code, errOut := gen(t, args...)
			assert.Equal(t, exitTrouble, code)
			assert.Equal(t, "callqa: --out "+out+": folder holds files gen did not write (notes.txt); scan would read them beside the new calls: give an empty or a new folder\n", errOut)
		}
		_, err := os.Stat(filepath.Join(out, "notes.txt"))
		assert.NoError(t, err, "never removed")
	})
	t.Run("file", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "corpus.jsonl")
		code, errOut := gen(t, "--calls", "4", "--out", out)
		require.Equal(t, exitOK, code, errOut)

		code, errOut = gen(t, "--calls", "2", "--out", out)
		assert.Equal(t, exitTrouble, code)
		assert.Equal(t, "callqa: --out "+out+": file exists (--force overwrites it)\n", errOut)
		assert.Equal(t, 4, scanCount(t, out))

		code, errOut = gen(t, "--calls", "2", "--force", "--out", out)
		require.Equal(t, exitOK, code, errOut)
		assert.Equal(t, 2, scanCount(t, out))
	})
	t.Run("empty_folder_is_fine", func(t *testing.T) {
		code, errOut := gen(t, "--calls", "2", "--format", "vtt", "--out", t.TempDir())
		assert.Equal(t, exitOK, code, errOut)
	})
}
