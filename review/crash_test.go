package review_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/review"
)

// TestMain lets the test binary act as the writer of TestKillDuringVerdicts:
// with CALLQA_CRASH_WRITER set to a database it records verdicts one after
// another and prints "ack N" once each has committed, until it is killed.
func TestMain(m *testing.M) {
	if db := os.Getenv("CALLQA_CRASH_WRITER"); db != "" {
		os.Exit(crashWriter(db))
	}
	os.Exit(m.Run())
}

func crashWriter(db string) int {
	s, err := review.Open(context.Background(), db)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	w := bufio.NewWriter(os.Stdout)
	for i := 1; ; i++ {
		f := review.FindingRef{Key: review.Key{CallID: fmt.Sprintf("K%05d", i), Turn: 1, Category: "threat"}, Rule: "r", Text: "t"}
		if _, err := s.Apply(context.Background(), review.Action{Kind: review.ActConfirm, Actor: reviewer, Finding: f}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Fprintf(w, "ack %d\n", i)
		w.Flush()
	}
}

// kill -9 during a stream of verdicts loses none that was acknowledged.
func TestKillDuringVerdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a writer process")
	}
	backends(t, func(t *testing.T, db string) {
		if !strings.Contains(db, "://") {
			db = filepath.Join(t.TempDir(), "crash.db")
		}
		// The schema is made first, so the writer starts at once.
		open(t, db).Close()
		for round := range 3 {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "CALLQA_CRASH_WRITER="+db)
			out, err := cmd.StdoutPipe()
			require.NoError(t, err)
			cmd.Stderr = os.Stderr
			require.NoError(t, cmd.Start())
			sc := bufio.NewScanner(out)
			acked := 0
			deadline := time.Now().Add(30 * time.Second)
			for sc.Scan() {
				n, err := strconv.Atoi(strings.TrimPrefix(sc.Text(), "ack "))
				require.NoError(t, err)
				acked = n
				if acked >= 40+round*37 || time.Now().After(deadline) {
					break
				}
			}
			require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			cmd.Wait()
			require.Greater(t, acked, 0, "the writer acknowledged nothing")

			s := open(t, db)
			for i := 1; i <= acked; i++ {
				_, ok, err := s.Decision(ctx, review.Key{CallID: fmt.Sprintf("K%05d", i), Turn: 1, Category: "threat"})
				require.NoError(t, err)
				require.True(t, ok, "round %d: verdict %d was acknowledged and is lost", round, i)
			}
			ds, err := s.Decisions(ctx, review.Filter{})
			require.NoError(t, err)
			assert.GreaterOrEqual(t, len(ds), acked)
			s.Close()
			// The next writer starts again from K00001, which is decided
			// already: clear the table so every round writes afresh.
			s = open(t, db)
			require.NoError(t, s.ExecForTest(ctx, `DELETE FROM decisions`))
			s.Close()
		}
	})
}
