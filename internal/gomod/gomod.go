// Package gomod finds the source folder of a module the build uses and
// reads the data files shipped in it, for the generators that derive
// tables from a dependency (OpenCC's dictionaries, gse's word list).
package gomod

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
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

// EachEntry calls fn with every `key<TAB>value value…` line of an OpenCC
// dictionary file (lines without a tab or a value are skipped), stopping
// at the first error fn returns.
func EachEntry(path string, fn func(key string, values []string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, vals, ok := strings.Cut(sc.Text(), "\t")
		values := strings.Fields(vals)
		if !ok || len(values) == 0 {
			continue
		}
		if err := fn(key, values); err != nil {
			return err
		}
	}
	return sc.Err()
}
