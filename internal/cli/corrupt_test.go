package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runChild runs callqa as a child process, so that what anything in the
// process writes to the real stderr (Bleve logs through the standard
// logger) is seen too, and returns the exit status, stdout and stderr.
func runChild(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	child := exec.Command(os.Args[0], args...)
	child.Env = append(os.Environ(), childEnv+"=1", tokenEnv+"=")
	var out, errOut bytes.Buffer
	child.Stdout, child.Stderr = &out, &errOut
	err := child.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), out.String(), errOut.String()
	}
	require.NoError(t, err)
	return 0, out.String(), errOut.String()
}

// TestCorruptIndex damages a real index on disk in several ways: search,
// stats and serve each say in one line which index, what is damaged and
// to rebuild it, exit 2, and write nothing else (no Bleve log line);
// callqa index --rebuild then builds it again from the sources.
func TestCorruptIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the analyzer")
	}
	src := []string{sample("S02_insult_threat.txt"), sample("S03_false_legal.txt")}
	segment := func(t *testing.T, dir string) string {
		segs, err := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
		require.NoError(t, err)
		require.NotEmpty(t, segs)
		return segs[len(segs)-1]
	}
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string) string // returns what the message says is damaged
	}{
		{name: "zeroed_segment", damage: func(t *testing.T, dir string) string {
			seg := segment(t, dir)
			require.NoError(t, os.Truncate(seg, 0))
			return "segment file store/" + filepath.Base(seg) + " is empty"
		}},
		{name: "truncated_segment", damage: func(t *testing.T, dir string) string {
			seg := segment(t, dir)
			info, err := os.Stat(seg)
			require.NoError(t, err)
			require.NoError(t, os.Truncate(seg, info.Size()/2))
			return "segment file store/" + filepath.Base(seg) + " is damaged"
		}},
		{name: "deleted_segment", damage: func(t *testing.T, dir string) string {
			seg := segment(t, dir)
			require.NoError(t, os.Remove(seg))
			return "segment file store/" + filepath.Base(seg) + " is missing"
		}},
		{name: "truncated_root_bolt", damage: func(t *testing.T, dir string) string {
			require.NoError(t, os.Truncate(filepath.Join(dir, "store", "root.bolt"), 1000))
			return "store/root.bolt is cut short"
		}},
		{name: "root_bolt_cut_short", damage: func(t *testing.T, dir string) string {
			// bbolt would read past the end of the file it maps: SIGBUS.
			require.NoError(t, os.Truncate(filepath.Join(dir, "store", "root.bolt"), 8192))
			return "store/root.bolt is cut short"
		}},
		{name: "emptied_root_bolt", damage: func(t *testing.T, dir string) string {
			require.NoError(t, os.Truncate(filepath.Join(dir, "store", "root.bolt"), 0))
			return "store/root.bolt is empty"
		}},
		{name: "deleted_root_bolt", damage: func(t *testing.T, dir string) string {
			require.NoError(t, os.Remove(filepath.Join(dir, "store", "root.bolt")))
			return "store/root.bolt is missing"
		}},
		{name: "garbage_index_meta", damage: func(t *testing.T, dir string) string {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{garbage"), 0o644))
			return "index_meta.json is not valid"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "callqa.bleve")
			code, _, errOut := callqa(append([]string{"index", "--index", dir}, src...)...)
			require.Equal(t, exitOK, code, errOut)
			what := tt.damage(t, dir)
			want := "callqa: " + dir + ": the index is damaged (" + what + "); build it again from the sources with: callqa index --rebuild --index " + dir + " PATH...\n"
			for _, args := range [][]string{
				{"search", "--index", dir, "坐牢"},
				{"stats", "--index", dir},
				{"serve", "--index", dir, "--addr", "127.0.0.1:0"},
				{"index", "--index", dir, src[0]},
			} {
				code, out, errOut := runChild(t, args...)
				assert.Equal(t, exitTrouble, code, args[0])
				assert.Empty(t, out, args[0])
				assert.Equal(t, want, errOut, args[0])
			}

			code, out, errOut := runChild(t, append([]string{"index", "--rebuild", "--index", dir}, src...)...)
			require.Equal(t, exitOK, code, errOut)
			assert.Equal(t, dir+": 2 added, 0 updated, 0 unchanged, 0 failed\n", out)
			assert.Empty(t, errOut)
			res := searchJSON(t, "--index", dir, "坐牢")
			assert.Equal(t, []string{"S03"}, hitIDs(res))
		})
	}
}
