package review_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/review"
)

func TestCounts(t *testing.T) {
	backends(t, func(t *testing.T, db string) {
		s := open(t, db)
		c, err := s.Counts(ctx)
		require.NoError(t, err)
		assert.Equal(t, review.Counts{}, c, "an empty database")

		apply := func(a review.Action) {
			t.Helper()
			_, err := s.Apply(ctx, a)
			require.NoError(t, err)
		}
		apply(review.Action{Kind: review.ActConfirm, Actor: reviewer, Finding: finding("C1", 3, "insult", "insult_laolai")})
		apply(review.Action{Kind: review.ActConfirm, Actor: reviewer, Finding: finding("C1", 4, "threat", "threat_going_out")})
		apply(review.Action{Kind: review.ActConfirm, Actor: reviewer, Finding: finding("C2", 2, "threat", "threat_going_out")})
		apply(review.Action{Kind: review.ActAppeal, Actor: lead, Finding: finding("C2", 2, "threat", "threat_going_out"), Seen: 1, Note: "玩笑"})
		apply(review.Action{Kind: review.ActDismiss, Actor: reviewer, Finding: finding("C3", 1, "insult", "insult_laolai"), Reason: "context"})
		apply(review.Action{Kind: review.ActAdd, Actor: reviewer, Finding: review.FindingRef{Key: review.Key{CallID: "C3", Turn: 5, Category: "threat"}, Text: "你等着"}})
		_, err = s.CompleteCall(ctx, reviewer, review.FindingRef{Key: review.Key{CallID: "C3"}}, 0, "")
		require.NoError(t, err)

		c, err = s.Counts(ctx)
		require.NoError(t, err)
		assert.Equal(t, review.Counts{Confirmed: 2, Dismissed: 1, Appealed: 1, Added: 1, CallsFinished: 1}, c)
	})
}
