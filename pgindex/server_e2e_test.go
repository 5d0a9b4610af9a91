//go:build e2e

package pgindex_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/internal/pgtest"
	"github.com/callqa/callqa/pgindex"
)

// cluster is a PostgreSQL server of the test's own (scripts/pg-throwaway),
// which the test may stop and start again.
type cluster struct {
	dir  string
	port int
	url  string // the postgres superuser's URL, to the postgres database
}

// pgBin is the directory of the PostgreSQL server programs, or "".
func pgBin() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Strings(dirs)
	if len(dirs) == 0 {
		return ""
	}
	return dirs[len(dirs)-1]
}

// newCluster starts a throwaway cluster on a free port in 56000-56999 and
// removes it when the test ends.
func newCluster(t *testing.T) *cluster {
	t.Helper()
	pgtest.ServerURL(t) // skips (or fails) as the other PostgreSQL tests do
	if pgBin() == "" {
		t.Skip("no PostgreSQL server programs")
	}
	dir, err := os.MkdirTemp("", "callqa-pgindex-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755)) // the server runs as postgres
	c := &cluster{dir: filepath.Join(dir, "pg")}
	t.Cleanup(func() {
		exec.Command("../scripts/pg-throwaway", "stop", c.dir).Run()
		os.RemoveAll(dir)
	})
	for attempt := 0; ; attempt++ {
		port := 56000 + rand.IntN(1000)
		if l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err != nil {
			continue
		} else {
			l.Close()
		}
		out, err := exec.Command("../scripts/pg-throwaway", "start", c.dir, fmt.Sprint(port)).Output()
		if err == nil {
			c.port, c.url = port, strings.TrimSpace(string(out))
			return c
		}
		exec.Command("../scripts/pg-throwaway", "stop", c.dir).Run()
		require.Less(t, attempt, 3, "starting a throwaway cluster: %v", err)
	}
}

// pgCtl runs pg_ctl on the cluster as the server's owner.
func (c *cluster) pgCtl(t *testing.T, args ...string) {
	t.Helper()
	args = append([]string{"-D", filepath.Join(c.dir, "data")}, args...)
	name := filepath.Join(pgBin(), "pg_ctl")
	cmd := exec.Command(name, args...)
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "pg_ctl %v: %s", args, out)
}

// stopNow stops the server as a crash would (no checkpoint, every
// connection cut).
func (c *cluster) stopNow(t *testing.T) { c.pgCtl(t, "-m", "immediate", "-w", "stop") }

// start starts the stopped server again (it recovers from its log).
func (c *cluster) start(t *testing.T) {
	c.pgCtl(t, "-l", filepath.Join(c.dir, "server.log"), "-w", "-t", "60", "-o",
		fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -c unix_socket_directories=%s", c.port, c.dir), "start")
}

// exec runs statements as the superuser.
func (c *cluster) exec(t *testing.T, sql ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	for _, s := range sql {
		_, err := conn.Exec(ctx, s)
		require.NoError(t, err, s)
	}
}

// database creates a database on the cluster and returns its URL.
func (c *cluster) database(t *testing.T, name string) string {
	t.Helper()
	c.exec(t, "CREATE DATABASE "+name)
	return strings.Replace(c.url, "/postgres?", "/"+name+"?", 1)
}

// The server's trouble, on a cluster of the test's own: each is one line
// naming the database without its password, and a load run again
// completes with every call once.
func TestServerTrouble(t *testing.T) {
	c := newCluster(t)
	_, version := writerSetup(t)

	t.Run("wrong password", func(t *testing.T) {
		const secret, wrong = "Pw-7Kq2-distinctive", "Wr0ng-9Zt-distinctive"
		c.exec(t, "CREATE ROLE callqa_pw LOGIN PASSWORD '"+secret+"'", "CREATE DATABASE pwdb OWNER callqa_pw")
		hba := filepath.Join(c.dir, "data", "pg_hba.conf")
		b, err := os.ReadFile(hba)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(hba, append([]byte("host all callqa_pw 127.0.0.1/32 scram-sha-256\n"), b...), 0o600))
		c.exec(t, "SELECT pg_reload_conf()")
		time.Sleep(200 * time.Millisecond) // the postmaster rereads pg_hba.conf

		for _, tc := range []struct{ url, names string }{
			{fmt.Sprintf("postgres://callqa_pw:%s@127.0.0.1:%d/pwdb?sslmode=disable", wrong, c.port),
				fmt.Sprintf("postgres://callqa_pw:xxxxx@127.0.0.1:%d/pwdb", c.port)},
			{fmt.Sprintf("postgres://callqa_pw@127.0.0.1:%d/pwdb?password=%s&sslmode=disable", c.port, wrong),
				fmt.Sprintf("postgres://callqa_pw@127.0.0.1:%d/pwdb", c.port)},
		} {
			for _, ro := range []bool{false, true} {
				_, err := pgindex.Open(context.Background(), tc.url, pgindex.Options{ReadOnly: ro})
				require.Error(t, err)
				oneLine(t, err.Error(), tc.names, wrong, secret)
				assert.Contains(t, err.Error(), "password authentication failed")
			}
		}
		// The right one loads.
		url := fmt.Sprintf("postgres://callqa_pw:%s@127.0.0.1:%d/pwdb?sslmode=disable", secret, c.port)
		db := openWriter(t, url, pgindex.Options{})
		load(t, db, version, synthResults(t, 0, 3))
		require.NoError(t, db.Close())
	})

	// A batch held inside its transaction (another connection holds the
	// rules version it inserts last), then cut off: by the backend's
	// termination, or by the server stopping.
	for _, how := range []string{"backend terminated", "server stopped"} {
		t.Run(how, func(t *testing.T) {
			name := strings.ReplaceAll(how, " ", "_")
			url := c.database(t, name)
			results := synthResults(t, 0, 30)
			db := openWriter(t, url, pgindex.Options{BatchSize: 100})
			load(t, db, version, results[:10])

			ctx := context.Background()
			holder, err := pgx.Connect(ctx, url)
			require.NoError(t, err)
			defer holder.Close(ctx)
			const held = "held_rules@1"
			_, err = holder.Exec(ctx, `BEGIN; INSERT INTO rule_versions (rules_version) VALUES ('`+held+`')`)
			require.NoError(t, err)

			flushed := make(chan error, 1)
			go func() {
				for _, r := range results[10:20] {
					if _, err := db.Add(r, held); err != nil {
						flushed <- err
						return
					}
				}
				flushed <- db.Flush()
			}()
			pid := waitingBackend(t, url)
			switch how {
			case "backend terminated":
				c.exec(t, fmt.Sprintf("SELECT pg_terminate_backend(%d)", pid))
			case "server stopped":
				c.stopNow(t)
			}
			var ferr error
			select {
			case ferr = <-flushed:
			case <-time.After(30 * time.Second):
				t.Fatal("the batch did not fail")
			}
			require.Error(t, ferr)
			t.Log(ferr)
			oneLine(t, ferr.Error(), strings.TrimSuffix(url, "?sslmode=disable"))
			assert.Contains(t, ferr.Error(), "committing a batch of 10 calls: none of them was stored (10 calls were committed before it); run the same command again to complete the load")
			if how == "server stopped" {
				c.start(t)
			} else {
				_, err = holder.Exec(ctx, "ROLLBACK")
				require.NoError(t, err)
			}

			again := openWriter(t, url, pgindex.Options{BatchSize: 7})
			counts := tableCounts(t, again)
			assert.Equal(t, 10, counts["calls"], "the cut batch is stored in part")
			checkComplete(t, again)
			load(t, again, version, results)
			assert.Equal(t, expectedCounts(results), tableCounts(t, again))
			checkComplete(t, again)
		})
	}

	t.Run("server stopped at random", func(t *testing.T) {
		url := c.database(t, "random_stop")
		results := synthResults(t, 0, 200)
		db := openWriter(t, url, pgindex.Options{BatchSize: 5})
		loaded := make(chan error, 1)
		go func() {
			for _, r := range results {
				if _, err := db.Add(r, version); err != nil {
					loaded <- err
					return
				}
			}
			loaded <- db.Flush()
		}()
		time.Sleep(time.Duration(50+rand.IntN(150)) * time.Millisecond)
		c.stopNow(t)
		var err error
		select {
		case err = <-loaded:
		case <-time.After(30 * time.Second):
			t.Fatal("the load did not fail")
		}
		c.start(t)
		if err != nil {
			t.Log(err)
			oneLine(t, err.Error(), strings.TrimSuffix(url, "?sslmode=disable"))
			assert.Contains(t, err.Error(), "run the same command again to complete the load")
		}
		again := openWriter(t, url, pgindex.Options{BatchSize: 5})
		counts := tableCounts(t, again)
		assert.Zero(t, counts["calls"]%5, "%d calls: a batch stored in part", counts["calls"])
		checkComplete(t, again)
		load(t, again, version, results)
		assert.Equal(t, expectedCounts(results), tableCounts(t, again))
		checkComplete(t, again)
	})
}

// waitingBackend is the process id of the backend of url's database that
// waits for a lock (the writer's, held up by the holder).
func waitingBackend(t *testing.T, url string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var pid int
		err := conn.QueryRow(ctx, `SELECT pid FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`).Scan(&pid)
		if err == nil {
			return pid
		}
		require.ErrorIs(t, err, pgx.ErrNoRows)
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the writer never waited on the held row")
	return 0
}
