package pgindex_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/internal/pgtest"
	"github.com/callqa/callqa/pgindex"
)

// The loader process of TestKillDuringLoad: the test binary run again
// with these variables set loads calls 0..N-1 in batches and prints
// "ack N" after each commit, then "done ADDED UPDATED UNCHANGED".
const (
	loaderEnv      = "CALLQA_PG_LOADER"       // the database URL
	loaderCalls    = "CALLQA_PG_LOADER_CALLS" // N
	loaderVersion  = "CALLQA_PG_LOADER_RULES" // the rules version to store
	loaderBatch    = 10
	crashCalls     = 300
	crashKillAfter = 250 * time.Millisecond // at most, after the first commit
)

// TestLoaderProcess is the loader of TestKillDuringLoad; run by itself it
// does nothing.
func TestLoaderProcess(t *testing.T) {
	url := os.Getenv(loaderEnv)
	if url == "" {
		t.Skip("the loader process of TestKillDuringLoad")
	}
	n, err := strconv.Atoi(os.Getenv(loaderCalls))
	require.NoError(t, err)
	results := synthResults(t, 0, n)
	w := bufio.NewWriter(os.Stdout)
	db, err := pgindex.Open(context.Background(), url, pgindex.Options{BatchSize: loaderBatch, OnCommit: func(calls int) {
		fmt.Fprintf(w, "ack %d\n", calls)
		w.Flush()
	}})
	require.NoError(t, err)
	for _, r := range results {
		_, err := db.Add(r, os.Getenv(loaderVersion))
		require.NoError(t, err)
	}
	require.NoError(t, db.Close())
	c := db.Tally()
	fmt.Fprintf(w, "done %d %d %d\n", c.Added, c.Updated, c.Unchanged)
	w.Flush()
}

// startLoader starts the loader process and returns it with its output.
func startLoader(t *testing.T, url, rulesVersion string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoaderProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), loaderEnv+"="+url, loaderCalls+"="+strconv.Itoa(crashCalls), loaderVersion+"="+rulesVersion)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	return cmd, bufio.NewScanner(out)
}

// kill -9 at random points of a load, several times, leaves no call
// written in part and no batch in part; running the load once more
// completes it with every call once.
func TestKillDuringLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts loader processes")
	}
	url := pgtest.NewDatabase(t)
	_, version := writerSetup(t)
	results := synthResults(t, 0, crashCalls)
	check := openWriter(t, url, pgindex.Options{}) // makes the schema, and looks at the tables
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 19))
	ctx := context.Background()

	// Each round stores the calls under other rules, so that every batch
	// replaces stored calls: a kill finds batches deleting and copying.
	for round := range 4 {
		rules := fmt.Sprintf("crash_round@%d", round)
		cmd, out := startLoader(t, url, rules)
		acked, done := 0, false
		killAt := time.Duration(rng.Int64N(int64(crashKillAfter)))
		deadline := time.Now().Add(60 * time.Second)
		var timer *time.Timer
		for out.Scan() {
			line := out.Text()
			if strings.HasPrefix(line, "done") {
				done = true
				break
			}
			if !strings.HasPrefix(line, "ack ") {
				continue
			}
			n, err := strconv.Atoi(strings.TrimPrefix(line, "ack "))
			require.NoError(t, err)
			acked = n
			if timer == nil {
				timer = time.AfterFunc(killAt, func() { cmd.Process.Signal(syscall.SIGKILL) })
			}
			require.True(t, time.Now().Before(deadline), "the loader is too slow")
		}
		if timer != nil {
			timer.Stop()
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		t.Logf("round %d: killed %v after the first commit, %d calls acknowledged (finished: %v)", round, killAt, acked, done)

		// Whole batches only, each call whole, none twice.
		counts := tableCounts(t, check)
		var mine int
		require.NoError(t, check.Pool().QueryRow(ctx, `SELECT count(*) FROM calls WHERE rules_version = $1`, rules).Scan(&mine))
		assert.GreaterOrEqual(t, mine, acked, "round %d: acknowledged calls are lost", round)
		for what, n := range map[string]int{"calls": counts["calls"], "calls of this round": mine} {
			if n < crashCalls {
				assert.Zero(t, n%loaderBatch, "round %d: %d %s: a batch in part", round, n, what)
			}
		}
		checkComplete(t, check)
	}

	// The load once more, to the end.
	cmd, out := startLoader(t, url, version)
	var last string
	for out.Scan() {
		if strings.HasPrefix(out.Text(), "done ") {
			last = out.Text()
		}
	}
	require.NoError(t, cmd.Wait())
	var added, updated, unchanged int
	_, err := fmt.Sscanf(last, "done %d %d %d", &added, &updated, &unchanged)
	require.NoError(t, err, "the last load did not finish: %q", last)
	assert.Equal(t, crashCalls, added+updated+unchanged)
	want := expectedCounts(results)
	got := tableCounts(t, check)
	delete(want, "rule_versions")
	delete(got, "rule_versions")
	assert.Equal(t, want, got)
	checkComplete(t, check)
	var stale int
	require.NoError(t, check.Pool().QueryRow(ctx, `SELECT count(*) FROM calls WHERE rules_version <> $1`, version).Scan(&stale))
	assert.Zero(t, stale)
	for _, i := range []int{0, crashCalls / 2, crashCalls - 1} {
		checkRows(t, check, results[i], version)
	}
}
