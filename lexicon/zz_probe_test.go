package lexicon

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestZZProbe(t *testing.T) {
	files, _ := filepath.Glob("testdata/invalid/*.yaml")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		_, err := Parse(f, data)
		fmt.Printf("== %s\n%v\n", f, err)
	}
}
