package textnorm

import (
	"os"
	"testing"
)

// TestMain builds the tables first: the tests call the converter's and
// normalizer's inner functions, which read the tables that Normalize and
// ToSimplified build on first use (loadTables).
func TestMain(m *testing.M) {
	loadTables()
	os.Exit(m.Run())
}
