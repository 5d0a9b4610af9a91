package review

import "context"

// Counts is how many decisions the database holds, by state, and how many
// call reviews are finished.
type Counts struct {
	// Confirmed, Dismissed and Appealed count the decisions on machine
	// findings (orphaned ones included) in each state.
	Confirmed int `json:"confirmed"`
	Dismissed int `json:"dismissed"`
	Appealed  int `json:"appealed"`
	// Added counts the violations reviewers added, whatever their state.
	Added int `json:"added"`
	// CallsFinished counts the calls whose review is finished.
	CallsFinished int `json:"calls_finished"`
}

// Counts counts the decisions by state and the finished call reviews.
func (s *Store) Counts(ctx context.Context) (Counts, error) {
	var c Counts
	rows, err := s.db.QueryContext(ctx, `SELECT state, added, COUNT(*) FROM decisions GROUP BY state, added`)
	if err != nil {
		return c, s.wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var added bool
		var n int
		if err := rows.Scan(&state, &added, &n); err != nil {
			return c, s.wrap(err)
		}
		switch {
		case added:
			c.Added += n
		case State(state) == StateConfirmed:
			c.Confirmed += n
		case State(state) == StateDismissed:
			c.Dismissed += n
		case State(state) == StateAppealed:
			c.Appealed += n
		}
	}
	if err := rows.Err(); err != nil {
		return c, s.wrap(err)
	}
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM call_reviews`).Scan(&c.CallsFinished)
	return c, s.wrap(err)
}
