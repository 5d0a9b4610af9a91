//go:build unix

package index

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// lockFile takes an exclusive lock on f, which the system releases when f
// is closed or the process dies, waiting at most timeout for another
// process that holds it; then it returns ErrLocked.
func lockFile(f *os.File, timeout time.Duration) error {
	return lockMode(f, timeout, syscall.LOCK_EX)
}

// lockShared takes a shared lock on f, as a reader of a bolt file does:
// many readers hold it at once, and none while a writer holds its
// exclusive lock.
func lockShared(f *os.File, timeout time.Duration) error {
	return lockMode(f, timeout, syscall.LOCK_SH)
}

func lockMode(f *os.File, timeout time.Duration, how int) error {
	deadline := time.Now().Add(timeout)
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR):
			return err
		case time.Now().After(deadline):
			return ErrLocked
		}
		time.Sleep(10 * time.Millisecond)
	}
}
