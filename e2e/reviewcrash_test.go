//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/internal/pgtest"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/review"
)

// TestKillServeDuringVerdicts streams confirmations to callqa serve over
// its JSON API and kills the server with SIGKILL three times in the middle
// of the stream, restarting it each time: every decision the API had
// acknowledged (200) is in the database afterwards, on SQLite and on
// PostgreSQL.
func TestKillServeDuringVerdicts(t *testing.T) {
	bin := buildCallqa(t)
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls.jsonl")
	out, err := exec.Command(bin, "gen", "--calls", "300", "--seed", "11", "--format", "jsonl", "--out", calls).CombinedOutput()
	require.NoError(t, err, "callqa gen: %s", out)
	ix := filepath.Join(dir, "callqa.bleve")
	out, err = exec.Command(bin, "index", "-q", "--index", ix, calls).CombinedOutput()
	require.NoError(t, err, "callqa index: %s", out)
	scanned, err := exec.Command(bin, "scan", "-q", "--format", "jsonl", calls).Output()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		err = nil
	}
	require.NoError(t, err)
	var keys []review.Key
	sc := bufio.NewScanner(bytes.NewReader(scanned))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var res result.Result
		require.NoError(t, json.Unmarshal(sc.Bytes(), &res))
		for _, f := range res.Findings {
			if result.IsViolation(f.Category) {
				keys = append(keys, review.Key{CallID: res.CallID, Turn: f.Turn, Category: f.Category})
			}
		}
	}
	require.Greater(t, len(keys), 150, "enough findings for three kills")

	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "decisions.db")
			if backend == "postgres" {
				db = pgtest.NewDatabase(t)
			}
			var acked []review.Key
			next := 0
			for round, after := range []int{23, 41, 37} {
				base, cmd := startServeProcess(t, bin, "--index", ix, "--db", db)
				sent := 0
				for ; next < len(keys) && sent < after; next++ {
					k := keys[next]
					body := fmt.Sprintf(`{"action":"confirm","turn":%d,"category":%q,"seen":0}`, k.Turn, k.Category)
					resp, err := http.Post(base+"/api/calls/"+k.CallID+"/review", "application/json", bytes.NewBufferString(body))
					require.NoError(t, err)
					resp.Body.Close()
					require.Equal(t, http.StatusOK, resp.StatusCode, "round %d: %s", round, k)
					acked = append(acked, k)
					sent++
				}
				// The kill lands while the next request is on its way.
				go func(k review.Key) {
					body := fmt.Sprintf(`{"action":"confirm","turn":%d,"category":%q,"seen":0}`, k.Turn, k.Category)
					if resp, err := http.Post(base+"/api/calls/"+k.CallID+"/review", "application/json", bytes.NewBufferString(body)); err == nil {
						resp.Body.Close()
					}
				}(keys[next])
				require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
				next++ // that one may or may not have landed; it is not counted
			}
			st, err := review.Open(context.Background(), db)
			require.NoError(t, err)
			defer st.Close()
			for _, k := range acked {
				d, ok, err := st.Decision(context.Background(), k)
				require.NoError(t, err)
				if assert.True(t, ok, "%s was acknowledged and is lost", k) {
					assert.Equal(t, review.StateConfirmed, d.State)
					assert.Equal(t, "local", d.By)
				}
			}
			assert.Len(t, acked, 23+41+37)
		})
	}
}
