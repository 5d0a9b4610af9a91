package specdata

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a testing.TB that records how Need and Optional end a test
// instead of ending it.
type recorder struct {
	testing.TB
	skipped, failed, logged string
}

func (r *recorder) Helper()                    {}
func (r *recorder) Skip(args ...any)           { r.skipped = args[0].(string) }
func (r *recorder) Fatalf(f string, a ...any)  { r.failed = fmt.Sprintf(f, a...) }
func (r *recorder) Logf(f string, args ...any) { r.logged = fmt.Sprintf(f, args...) }

func TestDirs(t *testing.T) {
	root, err := RepoRoot()
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(root, "go.mod"))
	require.NoError(t, err)

	t.Run("defaults_beside_the_repository", func(t *testing.T) {
		t.Setenv(EnvShared, "")
		t.Setenv(EnvDevSet, "")
		shared, err := SharedDir()
		require.NoError(t, err)
		assert.Equal(t, filepath.Join(filepath.Dir(root), "shared"), shared)
		dev, err := DevSetDir()
		require.NoError(t, err)
		assert.Equal(t, filepath.Join(filepath.Dir(root), "shared", "devset"), dev)
	})
	t.Run("shared_variable", func(t *testing.T) {
		t.Setenv(EnvShared, "/data/spec")
		t.Setenv(EnvDevSet, "")
		dev, err := DevSetDir()
		require.NoError(t, err)
		assert.Equal(t, "/data/spec/devset", dev)
	})
	t.Run("devset_variable_relative_to_the_root", func(t *testing.T) {
		t.Setenv(EnvDevSet, "testdata/probe")
		dev, err := DevSetDir()
		require.NoError(t, err)
		assert.Equal(t, filepath.Join(root, "testdata", "probe"), dev)
	})
}

func TestNeed(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "calls"), 0o755))
	missing := filepath.Join(dir, "nothing")

	t.Run("found", func(t *testing.T) {
		r := &recorder{TB: t}
		assert.Equal(t, filepath.Join(dir, "calls"), Need(r, dir, nil, "the calls", EnvDevSet, "calls"))
		assert.Empty(t, r.skipped+r.failed)
	})
	t.Run("missing_skips_loudly", func(t *testing.T) {
		t.Setenv(EnvRequire, "")
		r := &recorder{TB: t}
		assert.Equal(t, "", Need(r, missing, nil, "the dev set's calls", EnvDevSet, "calls"))
		assert.Equal(t, "the dev set's calls not found at "+filepath.Join(missing, "calls")+" (set CALLQA_DEVSET to the folder that holds it) — SKIPPED, this test did not run", r.skipped)
		assert.Empty(t, r.failed)
	})
	t.Run("missing_fails_when_required", func(t *testing.T) {
		t.Setenv(EnvRequire, "1")
		r := &recorder{TB: t}
		Need(r, missing, nil, "the dev set's calls", EnvDevSet, "calls")
		assert.Contains(t, r.failed, "CALLQA_REQUIRE_DATA=1: the data must be there")
		assert.Empty(t, r.skipped)
	})
	t.Run("optional_logs", func(t *testing.T) {
		t.Setenv(EnvRequire, "0")
		r := &recorder{TB: t}
		assert.Equal(t, "", Optional(r, missing, nil, "external data", EnvShared))
		assert.Contains(t, r.logged, "did not run")
		assert.Empty(t, r.skipped+r.failed)
	})
	t.Run("optional_fails_when_required", func(t *testing.T) {
		t.Setenv(EnvRequire, "1")
		r := &recorder{TB: t}
		Optional(r, missing, nil, "external data", EnvShared)
		assert.NotEmpty(t, r.failed)
	})
}
