// Package specdata finds the data that lives beside the repository rather
// than in it — the specification's shared folder with the labeled dev set
// (devset/) and the public data sets (external/) — for the tests that use
// it, and makes a test that cannot find it say so.
//
// The shared folder is $CALLQA_SHARED, or ../shared next to the
// repository's root (the folder holding go.mod); the dev set is
// $CALLQA_DEVSET, or devset/ in the shared folder. A relative path in
// either variable is taken from the repository's root.
//
// A test whose data is missing is skipped with a message naming the path
// it looked in and the variable that sets it; with CALLQA_REQUIRE_DATA=1
// (as .ci/run sets it when the shared folder is there) it fails instead,
// so that a test cannot pass in CI without having run.
package specdata

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// The environment variables the package reads.
const (
	EnvShared  = "CALLQA_SHARED"
	EnvDevSet  = "CALLQA_DEVSET"
	EnvRequire = "CALLQA_REQUIRE_DATA"
)

// RepoRoot returns the repository's root: the nearest folder at or above
// the working directory that holds go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above the working directory")
		}
		dir = parent
	}
}

// SharedDir returns the shared folder: $CALLQA_SHARED, or ../shared next
// to the repository's root. It does not check that the folder exists.
func SharedDir() (string, error) {
	return fromEnv(EnvShared, "..", "shared")
}

// DevSetDir returns the dev-set folder (labels.jsonl and calls/):
// $CALLQA_DEVSET, or devset/ in the shared folder. It does not check that
// the folder exists.
func DevSetDir() (string, error) {
	if os.Getenv(EnvDevSet) != "" {
		return fromEnv(EnvDevSet)
	}
	shared, err := SharedDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(shared, "devset"), nil
}

// fromEnv is the value of the variable env, or the path def under the
// repository's root when it is empty; a relative value is taken from the
// root too.
func fromEnv(env string, def ...string) (string, error) {
	p := os.Getenv(env)
	if p != "" && filepath.IsAbs(p) {
		return filepath.Clean(p), nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	if p != "" {
		return filepath.Join(root, p), nil
	}
	return filepath.Join(append([]string{root}, def...)...), nil
}

// Required reports whether CALLQA_REQUIRE_DATA asks for missing data to
// fail the tests.
func Required() bool {
	v := os.Getenv(EnvRequire)
	return v != "" && v != "0" && v != "false"
}

// DevSet returns the dev set's calls folder, ending t when it is missing
// (see Need).
func DevSet(t testing.TB) string {
	t.Helper()
	dir, err := DevSetDir()
	return Need(t, dir, err, "the dev set's calls", EnvDevSet, "calls")
}

// External returns the file or folder rel of the shared folder's
// external/ data, ending t when it is missing (see Need).
func External(t testing.TB, rel string) string {
	t.Helper()
	dir, err := SharedDir()
	return Need(t, dir, err, "external data "+rel, EnvShared, "external", rel)
}

// Need returns the path rel under base when it exists. Otherwise (or when
// err, from finding base, is not nil) it ends t: a skip with a message
// naming what is missing, where it was looked for and the variable env
// that sets it; a failure when CALLQA_REQUIRE_DATA is set.
func Need(t testing.TB, base string, err error, what, env string, rel ...string) string {
	t.Helper()
	p, msg := Find(base, err, what, env, rel...)
	if msg == "" {
		return p
	}
	if failIfRequired(t, msg) {
		return ""
	}
	t.Skip(msg + " — SKIPPED, this test did not run")
	return ""
}

// failIfRequired fails t with msg, and reports true, when
// CALLQA_REQUIRE_DATA is set: where the data must be there, missing data
// is a failure, not a skip.
func failIfRequired(t testing.TB, msg string) bool {
	t.Helper()
	if !Required() {
		return false
	}
	t.Fatalf("%s (%s=1: the data must be there)", msg, EnvRequire)
	return true
}

// Find is Need without a test: the path, or a message saying what is
// missing, where it was looked for and how to set it.
func Find(base string, err error, what, env string, rel ...string) (string, string) {
	if err != nil {
		return "", fmt.Sprintf("%s not found: %v (set %s)", what, err, env)
	}
	p := filepath.Join(append([]string{base}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Sprintf("%s not found at %s (set %s to the folder that holds it)", what, p, env)
	}
	return p, ""
}

// Optional is Need for data a test can do without: it returns the path
// when it exists, and otherwise logs what is missing and returns "" —
// or fails t when CALLQA_REQUIRE_DATA is set.
func Optional(t testing.TB, base string, err error, what, env string, rel ...string) string {
	t.Helper()
	p, msg := Find(base, err, what, env, rel...)
	if msg == "" {
		return p
	}
	if failIfRequired(t, msg) {
		return ""
	}
	t.Logf("%s — this part of the test did not run", msg)
	return ""
}
