//go:build linux

package segment

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// releaseTable tells the kernel that the process is done with the pages
// of the embedded table data, which New has copied: they are clean pages
// of the executable, and would otherwise stay in the process's resident
// memory (12 MB) for the whole run. Reading data again pages it back in
// from the executable.
func releaseTable(data string) {
	page := uintptr(os.Getpagesize())
	p := unsafe.StringData(data)
	off := (page - uintptr(unsafe.Pointer(p))%page) % page
	if uintptr(len(data)) <= off+page {
		return
	}
	n := (uintptr(len(data)) - off) / page * page
	b := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(p), off)), n)
	// Advice only: a kernel without MADV_PAGEOUT (before 5.4) refuses it,
	// and nothing changes.
	_ = unix.Madvise(b, unix.MADV_PAGEOUT)
}
