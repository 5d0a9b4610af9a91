package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProgressBar(t *testing.T) {
	defer func(d time.Duration) { barThrottle = d }(barThrottle)
	barThrottle = 0
	var buf bytes.Buffer
	p := newProgress(&buf, 40, false)
	require.NotNil(t, p)
	for i := range 40 {
		p.fileDone(3, i == 7)
		if i == 10 {
			p.print(func() { buf.WriteString("callqa: x.txt: something is wrong\n") })
		}
	}
	out := buf.String()
	assert.Contains(t, out, "40/40 files")
	assert.Contains(t, out, "120 calls")
	assert.Contains(t, out, "calls/s")
	assert.Contains(t, out, "1 errors")
	assert.Contains(t, out, "callqa: x.txt: something is wrong\n", "messages come out whole")
	p.finish()
}

func TestProgressPlain(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, 25, true)
	require.NotNil(t, p)
	p.every = 0 // a line each file
	for range 25 {
		p.fileDone(2, false)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 25)
	assert.Regexp(t, `^callqa: 25/25 files, 50 calls, \d+ calls/s, 0 errors, 0s left$`, lines[24])
	assert.NotContains(t, buf.String(), "\x1b", "no escape sequences in plain mode")
}

func TestProgressNoneForSmallBatches(t *testing.T) {
	assert.Nil(t, newProgress(&bytes.Buffer{}, progressMinFiles-1, false))
	var p *progress // nil does nothing
	p.fileDone(1, true)
	p.print(func() {})
	p.finish()
}

// TestNoProgressWithoutTerminal: a scan whose stderr is a buffer (not a
// terminal) prints no progress, however many files.
func TestNoProgressWithoutTerminal(t *testing.T) {
	dir := t.TempDir()
	ios, _, _ := testIO("")
	require.Equal(t, exitOK, run([]string{"gen", "--calls", "30", "--format", "txt", "--out", dir}, ios))
	ios, _, errOut := testIO("")
	require.Equal(t, exitOK, run([]string{"scan", "--format", "jsonl", dir}, ios), errOut.String())
	assert.Empty(t, errOut.String())
}
