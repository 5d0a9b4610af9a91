package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
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

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	urls := make(chan string, 1)
	ios, out, errBuf := testIO("")
	opts := &ServeOptions{IO: ios, Indexes: []string{dir}, Addr: "127.0.0.1:0", MaxBody: "2MiB", ctx: ctx, ready: func(u string) { urls <- u }}
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

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	assert.Regexp(t, `^callqa: serving 1 calls at http://127\.0\.0\.1:\d+/ \(no token: this machine only; Ctrl-C to stop\)\ncallqa: stopped\n$`, out.String())
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
