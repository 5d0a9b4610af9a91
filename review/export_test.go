package review

import "context"

// ExecForTest runs a statement on the store's database.
func (s *Store) ExecForTest(ctx context.Context, q string) error {
	_, err := s.db.ExecContext(ctx, q)
	return err
}
