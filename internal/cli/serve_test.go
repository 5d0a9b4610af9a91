package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
)

func TestNewServeCmd(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    ServeOptions
		wantErr string
	}{
		{name: "defaults", args: "", want: ServeOptions{Addr: "127.0.0.1:8080", MaxBody: "2MiB"}},
		{name: "all", args: "--index a.bleve --index b-*.bleve --addr 0.0.0.0:9000 --token-file tok --max-body 512KiB --rules team/",
			want: ServeOptions{Indexes: []string{"a.bleve", "b-*.bleve"}, Addr: "0.0.0.0:9000", TokenFile: "tok", MaxBody: "512KiB", Rules: []string{"team/"}}},
		{name: "bad_max_body", args: "--max-body lots", wantErr: `--max-body: "lots" is not a size like 2MiB, 512KiB or 1048576`},
		{name: "bad_addr", args: "--addr 8080", wantErr: `--addr "8080": want HOST:PORT, e.g. 127.0.0.1:8080`},
		{name: "no_args", args: "calls/", wantErr: `unknown command "calls/" for "serve"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ios, err := parseFlags(newServeCmd, tt.args)
			if tt.name == "no_args" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "unknown command")
				return
			}
			if !parsed(t, got, err, tt.wantErr) {
				return
			}
			tt.want.IO = ios
			assert.Equal(t, tt.want, *got)
		})
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"2MiB": 2 << 20, "512KiB": 512 << 10, "1MB": 1000000, "1048576": 1 << 20, "64k": 64 << 10, " 3 MiB ": 3 << 20, "100B": 100} {
		got, err := parseSize(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "MiB", "-1MiB", "0", "two", "1TiB"} {
		_, err := parseSize(in)
		assert.Error(t, err, in)
	}
}

func TestReadToken(t *testing.T) {
	t.Setenv(tokenEnv, " from-env ")
	tok, err := readToken("")
	require.NoError(t, err)
	assert.Equal(t, "from-env", tok)

	file := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(file, []byte("from-file\n"), 0o600))
	tok, err = readToken(file)
	require.NoError(t, err)
	assert.Equal(t, "from-file", tok, "the file wins over the environment")

	require.NoError(t, os.WriteFile(file, []byte(" \n"), 0o600))
	_, err = readToken(file)
	assert.EqualError(t, err, "--token-file "+file+" is empty")
	_, err = readToken(filepath.Join(t.TempDir(), "none"))
	assert.ErrorContains(t, err, "--token-file: open ")
}

// TestRunServe starts the real server on a random loopback port over an
// index of one call, asks it something and stops it as SIGINT would.
func TestRunServe(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the analyzer")
	}
	t.Setenv(tokenEnv, "")
	dir := filepath.Join(t.TempDir(), "callqa.bleve")
	code, _, errOut := callqa("index", "--index", dir, sample("S02_insult_threat.txt"))
	require.Equal(t, exitOK, code, errOut)

	ios, out, errBuf := testIO("")
	opts := &ServeOptions{IO: ios, Indexes: []string{dir}, Addr: "127.0.0.1:0", MaxBody: "2MiB"}
	base, stop := startServeInTest(t, opts, errBuf)

	resp, err := http.Get(base + "/healthz")
	require.NoError(t, err)
	var health map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&health))
	resp.Body.Close()
	assert.Equal(t, map[string]any{"ok": true, "calls": float64(1)}, health)
	resp, err = http.Get(base + "/calls/S02")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), `data-category="insult"`)

	stop()
	assert.Regexp(t, `^callqa: serving 1 calls at http://127\.0\.0\.1:\d+/ \(no token: this machine only, as user local \(admin\); decisions in .*callqa\.review\.db; Ctrl-C to stop\)\ncallqa: stopped\n$`, out.String())
	_, err = os.Stat(filepath.Join(filepath.Dir(dir), "callqa.review.db"))
	assert.NoError(t, err, "the decisions database is the SQLite file beside the index")
}

func TestServeRefusesOpenAddressWithoutToken(t *testing.T) {
	t.Setenv(tokenEnv, "")
	code, out, errOut := callqa("serve", "--index", "nowhere.bleve", "--addr", "0.0.0.0:0")
	assert.Equal(t, exitTrouble, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "callqa: refusing to listen on 0.0.0.0:0 (every network interface) without a token")
	assert.Contains(t, errOut, "--token-file FILE or set CALLQA_TOKEN")
}

func TestServeRefusesShortTokenOffLoopback(t *testing.T) {
	t.Setenv(tokenEnv, "abc")
	code, out, errOut := callqa("serve", "--index", "nowhere.bleve", "--addr", "0.0.0.0:0")
	assert.Equal(t, exitTrouble, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "callqa: refusing to listen on 0.0.0.0:0 (every network interface) with a token of 3 characters: off this machine the token must have at least 16")
}

func TestServeIndexInUse(t *testing.T) {
	t.Setenv(tokenEnv, "")
	dir := filepath.Join(t.TempDir(), "callqa.bleve")
	ix, err := index.Open(dir, index.Options{})
	require.NoError(t, err)
	defer ix.Close()

	code, out, errOut := callqa("serve", "--index", dir, "--addr", "127.0.0.1:0")
	assert.Equal(t, exitTrouble, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "callqa: "+dir+": index is in use by another process (callqa index?)")

	code, _, errOut = callqa("serve", "--index", filepath.Join(t.TempDir(), "missing.bleve"), "--addr", "127.0.0.1:0")
	assert.Equal(t, exitTrouble, code)
	assert.Contains(t, errOut, "no index here (create one with callqa index)")
}

// TestServeLiveReindex: callqa index adds calls to the index that a
// running serve answers from, as a separate process; queries run
// throughout and none fails, and the new calls are served within a
// bounded time after the run ends.
func TestServeLiveReindex(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the analyzer")
	}
	t.Setenv(tokenEnv, "")
	dir := filepath.Join(t.TempDir(), "callqa.bleve")
	code, _, errOut := callqa("index", "--index", dir, sample("S02_insult_threat.txt"))
	require.Equal(t, exitOK, code, errOut)

	ios, _, errBuf := testIO("")
	opts := &ServeOptions{IO: ios, Indexes: []string{dir}, Addr: "127.0.0.1:0", MaxBody: "2MiB", refreshEvery: 100 * time.Millisecond}
	base, stopServe := startServeInTest(t, opts, errBuf)

	calls := func() (int, error) {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		var health struct{ Calls int }
		if err := json.NewDecoder(resp.Body).Decode(&health); err != nil || resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("healthz: %d %v", resp.StatusCode, err)
		}
		return health.Calls, nil
	}
	var queries, failures atomic.Int64
	var firstFailure atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, path := range []string{"/api/search?q=" + url.QueryEscape("出门最好小心"), "/api/stats?by=team", "/api/calls/S02", "/"} {
					resp, err := http.Get(base + path)
					if err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							err = fmt.Errorf("%s: status %d", path, resp.StatusCode)
						}
					}
					queries.Add(1)
					if err != nil {
						failures.Add(1)
						firstFailure.CompareAndSwap(nil, err.Error())
					}
				}
			}
		}()
	}

	// Two runs of callqa index as child processes, a batch per call, while
	// the queries go on.
	before := queries.Load()
	for _, files := range [][]string{
		{sample("S01_compliant.txt"), sample("S03_false_legal.txt"), sample("S04_third_party.txt")},
		{sample("S05_third_party_ok.txt"), sample("S06_traditional.txt"), sample("S07_asr.json")},
	} {
		code, out, errOut := runChild(t, append([]string{"index", "--batch-size", "1", "--index", dir}, files...)...)
		require.Equal(t, exitOK, code, errOut)
		assert.Contains(t, out, "3 added")
	}
	assert.Greater(t, queries.Load(), before, "queries ran during the index runs")

	deadline := time.Now().Add(5 * time.Second)
	n, err := calls()
	for (err != nil || n != 7) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		n, err = calls()
	}
	require.NoError(t, err)
	assert.Equal(t, 7, n, "the calls added are served within 5 s")
	time.Sleep(300 * time.Millisecond) // queries on the new snapshot too
	close(stop)
	wg.Wait()
	assert.Zero(t, failures.Load(), "queries failed during the re-index, the first: %v", firstFailure.Load())
	assert.Greater(t, queries.Load(), int64(20))

	stopServe()
	assert.NotContains(t, errBuf.String(), "callqa: serve:", "nothing logged")
	snaps, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".callqa.bleve.serve-*"))
	assert.Empty(t, snaps, "serve removes its snapshots when it stops")
}

// startServeInTest runs runServe with opts in the background on a free
// 127.0.0.1 port (opts.ctx and opts.ready are set here) and returns its
// base URL and a stop function that shuts it down and checks it stopped
// cleanly. errBuf is the server's stderr, shown when it fails to start.
func startServeInTest(t *testing.T, opts *ServeOptions, errBuf fmt.Stringer) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	urls := make(chan string, 1)
	opts.ctx, opts.ready = ctx, func(u string) { urls <- u }
	done := make(chan error, 1)
	go func() { done <- runServe(opts) }()
	var base string
	select {
	case base = <-urls:
	case err := <-done:
		t.Fatalf("serve stopped: %v\n%s", err, errBuf)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start within 30 s")
	}
	return base, func() {
		t.Helper()
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(15 * time.Second):
			t.Fatal("serve did not stop")
		}
	}
}
