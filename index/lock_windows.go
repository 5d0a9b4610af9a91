//go:build windows

package index

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// lockFile takes an exclusive lock on f, which the system releases when f
// is closed or the process dies, waiting at most timeout for another
// process that holds it; then it returns ErrLocked. The locked byte is
// past any data (as bbolt does), so the file can still be written.
func lockFile(f *os.File, timeout time.Duration) error {
	return lockMode(f, timeout, windows.LOCKFILE_EXCLUSIVE_LOCK)
}

// lockShared takes a shared lock on f, as a reader of a bolt file does:
// many readers hold it at once, and none while a writer holds its
// exclusive lock.
func lockShared(f *os.File, timeout time.Duration) error {
	return lockMode(f, timeout, 0)
}

func lockMode(f *os.File, timeout time.Duration, how uint32) error {
	deadline := time.Now().Add(timeout)
	for {
		const past = 1<<32 - 1
		err := windows.LockFileEx(windows.Handle(f.Fd()), how|windows.LOCKFILE_FAIL_IMMEDIATELY,
			0, 1, 0, &windows.Overlapped{Offset: past, OffsetHigh: past})
		switch {
		case err == nil:
			return nil
		case !errors.Is(err, windows.ERROR_LOCK_VIOLATION):
			return err
		case time.Now().After(deadline):
			return ErrLocked
		}
		time.Sleep(10 * time.Millisecond)
	}
}
