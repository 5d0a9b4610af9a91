//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/internal/procmem"
)

// rssBase is the memory callqa scan takes whatever it reads (the rules,
// the word segmenter's dictionary, the runtime), with room to spare: 75 MiB
// measured on a small file.
const rssBase = 150 << 20

// TestScanMemoryBigFile runs the real binary on one big JSONL file and
// reads its peak resident memory: reading streams the file line by line,
// so the peak stays near the base plus about twice the longest line,
// whatever the size of the file (docs/errors.md, "Limits").
func TestScanMemoryBigFile(t *testing.T) {
	bin := buildCallqa(t)
	dir := t.TempDir()

	// About 60 MiB of ordinary calls, under the 64 MiB file limit.
	export := filepath.Join(dir, "export.jsonl")
	gen := exec.Command(bin, "gen", "--format", "jsonl", "--calls", "17500", "--out", export)
	out, err := gen.CombinedOutput()
	require.NoError(t, err, "callqa gen: %s", out)

	// One call whose only turn is 50 MiB of text: refused, as the turn
	// limit is 1 MiB, but read to say how long it is.
	bigTurn := filepath.Join(dir, "big_turn.jsonl")
	line, err := json.Marshal(map[string]any{"call_id": "BIG1", "turns": []map[string]string{
		{"speaker": "agent", "text": strings.Repeat("请还款", 50<<20/9)},
	}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bigTurn, append(line, '\n'), 0o644))

	for _, tc := range []struct {
		name    string
		path    string
		minSize int64
		status  int
		stderr  string
	}{
		{name: "60MiB_export", path: export, minSize: 55 << 20, status: 0},
		{name: "50MiB_turn", path: bigTurn, minSize: 50 << 20, status: 2,
			stderr: "callqa: " + bigTurn + ":1: turn 1 too long (50.0 MiB of text; the limit is 1.0 MiB, raise it with --max-line-length)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fi, err := os.Stat(tc.path)
			require.NoError(t, err)
			require.GreaterOrEqual(t, fi.Size(), tc.minSize)
			require.Less(t, fi.Size(), int64(64<<20), "under the file size limit")
			longest := longestLine(t, tc.path)

			peak, status, stderr := scanPeakRSS(t, bin, tc.path)
			assert.Equal(t, tc.status, status, stderr)
			if tc.stderr != "" {
				assert.True(t, strings.HasPrefix(stderr, tc.stderr), stderr)
			}
			bound := rssBase + 2*longest
			t.Logf("file %.1f MiB, longest line %.1f MiB: peak RSS %.0f MiB (bound %.0f MiB)",
				mebi(fi.Size()), mebi(longest), mebi(peak), mebi(bound))
			assert.Less(t, peak, bound, "peak RSS of callqa scan on a %.0f MiB file", mebi(fi.Size()))
		})
	}
}

func mebi(n int64) float64 { return float64(n) / (1 << 20) }

// longestLine returns the length of the longest line of the file at path.
func longestLine(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	r := bufio.NewReader(f)
	var longest, cur int64
	for {
		b, err := r.ReadSlice('\n')
		cur += int64(len(b))
		if err == bufio.ErrBufferFull {
			continue
		}
		longest = max(longest, cur)
		cur = 0
		if err != nil {
			return longest
		}
	}
}

// scanPeakRSS runs callqa scan --format jsonl path, output discarded, and
// returns the peak resident memory of the child, its exit status and its
// standard error. The peak is the child's VmHWM polled from /proc while it
// runs, as bench/scanbench does: the rusage of a child would count the
// memory of this test process, which it was forked from (Linux keeps the
// high-water mark across exec).
func scanPeakRSS(t *testing.T, bin, path string) (peak int64, status int, stderr string) {
	t.Helper()
	exe, err := filepath.EvalSymlinks(bin)
	require.NoError(t, err)
	cmd := exec.Command(bin, "scan", "--format", "jsonl", "--quiet", path)
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf // stdout to /dev/null
	require.NoError(t, cmd.Start())
	peak, err = procmem.Wait(cmd, exe)
	if ee, ok := err.(*exec.ExitError); ok {
		status = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	require.Positive(t, peak, "VmHWM was read")
	return peak, status, errBuf.String()
}
