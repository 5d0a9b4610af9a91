// Package pgtest gives tests a database of their own on a real PostgreSQL
// server: the one CALLQA_TEST_PG names (a URL; .ci/run starts a throwaway
// cluster with scripts/pg-throwaway and sets it). Without the variable the
// tests skip, unless CALLQA_REQUIRE_PG=1, which makes them fail: CI never
// skips them.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the driver the tests talk through
)

// Env is the variable naming the test server.
const Env = "CALLQA_TEST_PG"

// ServerURL is the URL of the test server, or "" after skipping (or
// failing) the test when there is none.
func ServerURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(Env)
	if u == "" {
		if os.Getenv("CALLQA_REQUIRE_PG") == "1" {
			t.Fatalf("%s is not set but CALLQA_REQUIRE_PG=1: start a server with scripts/pg-throwaway", Env)
		}
		t.Skipf("no PostgreSQL server: set %s (scripts/pg-throwaway start DIR prints one)", Env)
	}
	return u
}

// NewDatabase creates an empty database on the test server for this test
// and drops it when the test ends; it returns the database's URL.
func NewDatabase(t testing.TB) string {
	t.Helper()
	server := ServerURL(t)
	b := make([]byte, 6)
	rand.Read(b)
	name := "callqa_test_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("creating a test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
