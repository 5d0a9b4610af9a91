// Package gomod finds the source folder of a module the build uses, for
// the generators that read data files shipped in a dependency (OpenCC's
// dictionaries, gse's word list).
package gomod

import (
	"encoding/json"
	"fmt"
	"os/exec"
)

// Module is a module as `go list -m -json` describes it.
type Module struct {
	Path, Dir, Version string
}

// Find returns the module path as the current build resolves it, with
// the folder of its source in the module cache.
func Find(path string) (Module, error) {
	out, err := exec.Command("go", "list", "-m", "-json", path).Output()
	if err != nil {
		return Module{}, fmt.Errorf("go list -m %s: %w", path, err)
	}
	var m Module
	if err := json.Unmarshal(out, &m); err != nil {
		return Module{}, fmt.Errorf("go list -m %s: %w", path, err)
	}
	if m.Dir == "" {
		return Module{}, fmt.Errorf("go list -m %s: no source folder (run go mod download)", path)
	}
	return m, nil
}
