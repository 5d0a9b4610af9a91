package pgindex

import (
	"context"
	"strings"
)

// resultTables are the tables that hold stored calls: EmptyResults empties
// them, and the facet cubes that count the calls. The decisions tables (package review) and the reference table
// rule_versions are not among them.
var resultTables = []string{"calls", "turns", "findings", "call_tasks", "call_cube_day", "call_cube_month"}

// EmptyResults deletes every stored call, turn, finding and task at once
// (callqa index --rebuild), leaving the reviewers' decisions
// that may share the database alone. The pending batch is dropped.
func (db *DB) EmptyResults(ctx context.Context) error {
	db.batch, db.inBatch = db.batch[:0], map[string]int{}
	// One TRUNCATE of all: all at once or not at all, and fast on
	// millions of rows (Citus truncates every shard).
	if _, err := db.pool.Exec(ctx, "TRUNCATE "+strings.Join(resultTables, ", ")); err != nil {
		return db.errorf("emptying the results tables", err)
	}
	return nil
}
