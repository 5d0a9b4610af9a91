//go:build unix

package corpus

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadNamedPipe: a pipe named like a transcript is refused without
// being opened, since opening it would wait for a writer forever.
func TestReadNamedPipe(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "call.txt")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	want := fifo + ": not a regular file (a named pipe); read a stream as standard input with -"

	done := make(chan []string)
	go func() {
		var errs []string
		ReadPaths([]string{fifo, dir}, nil, func(it Item) { errs = append(errs, it.Err.Error()) })
		done <- errs
	}()
	select {
	case errs := <-done:
		assert.Equal(t, []string{want, want}, errs, "named, and met in a folder")
	case <-time.After(10 * time.Second):
		t.Fatal("reading a named pipe blocked")
	}
}
