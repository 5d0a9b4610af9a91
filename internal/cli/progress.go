package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows how a long batch goes, on stderr: files done of the
// total, calls a second, errors so far and the time left. On a terminal it
// is a bar (github.com/schollz/progressbar); with NO_COLOR set it is a
// plain line every few seconds instead; when stderr is not a terminal, or
// with --quiet, there is none. A nil *progress does nothing.
type progress struct {
	mu     sync.Mutex
	w      io.Writer
	bar    *progressbar.ProgressBar // nil: plain lines
	total  int
	files  int
	calls  int
	errors int
	start  time.Time
	last   time.Time     // last plain line
	every  time.Duration // between plain lines
	shown  bool
}

// progressMinFiles is the smallest batch that gets progress: a trainer's
// few calls need none.
const progressMinFiles = 20

// plainEvery is how often the plain progress line is printed.
const plainEvery = 5 * time.Second

// barThrottle is the least time between two drawings of the bar.
var barThrottle = 100 * time.Millisecond

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// wantPlainProgress reports whether the environment asks for no colour or
// cursor tricks (NO_COLOR, TERM=dumb): then progress is a plain line.
func wantPlainProgress() bool {
	return os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb"
}

// newProgress returns the progress display on w for a batch of total
// files — a bar, or with plain a line every few seconds — or nil for a
// batch too small to need one. The caller checks that w is a terminal.
func newProgress(w io.Writer, total int, plain bool) *progress {
	if total < progressMinFiles {
		return nil
	}
	p := &progress{w: w, total: total, start: time.Now(), every: plainEvery}
	p.last = p.start
	if !plain {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(fmt.Sprintf("0/%d files", total)),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(barThrottle),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionUseANSICodes(true),
		)
	}
	return p
}

// fileDone counts one input file finished, with the calls it held and
// whether it failed.
func (p *progress) fileDone(calls int, failed bool) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.files++
	p.calls += calls
	if failed {
		p.errors++
	}
	rate := float64(p.calls) / max(time.Since(p.start).Seconds(), 1e-3)
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("%d/%d files, %d calls, %.0f calls/s, %d errors", p.files, p.total, p.calls, rate, p.errors))
		_ = p.bar.Set(p.files)
		p.shown = true
		return
	}
	if now := time.Now(); now.Sub(p.last) >= p.every {
		p.last = now
		left := "?"
		if p.files > 0 {
			el := now.Sub(p.start)
			left = (time.Duration(float64(el) * float64(p.total-p.files) / float64(p.files))).Round(time.Second).String()
		}
		fmt.Fprintf(p.w, "callqa: %d/%d files, %d calls, %.0f calls/s, %d errors, %s left\n", p.files, p.total, p.calls, rate, p.errors, left)
	}
}

// print writes a message line without breaking the bar.
func (p *progress) print(f func()) {
	if p == nil || p.bar == nil {
		f()
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		_ = p.bar.Clear()
	}
	f()
	if p.shown {
		_ = p.bar.RenderBlank()
	}
}

// finish removes the bar.
func (p *progress) finish() {
	if p == nil || p.bar == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.bar.Finish()
	_ = p.bar.Clear()
}
