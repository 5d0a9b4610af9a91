package procmem

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestVmHWM reads this test's own peak memory, and refuses a process that
// does not run the given program.
func TestVmHWM(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc here")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	exe, _ = filepath.EvalSymlinks(exe)
	n, ok := VmHWM(os.Getpid(), exe)
	if !ok || n <= 0 {
		t.Fatalf("VmHWM of this process = %d, %v", n, ok)
	}
	if _, ok := VmHWM(os.Getpid(), "/not/this/program"); ok {
		t.Error("a process running another program was read")
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep")
	}
	cmd := exec.Command(sleep, "0.2")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	real, _ := filepath.EvalSymlinks(sleep)
	for range 100 {
		if n, ok := VmHWM(cmd.Process.Pid, real); ok && n > 0 {
			return
		}
	}
	t.Log("the child ended before it could be read (a loaded machine); not a failure")
}
