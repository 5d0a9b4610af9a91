package backtest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/review"
)

func TestReadDecisions(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []review.Key
		wantErr  string
	}{
		{name: "lines", in: `{"call_id":"C1","turn":2,"category":"insult","state":"confirmed","by":"a"}` + "\n\n" +
			`{"call_id":"C1","turn":3,"category":"threat","state":"appealed","by":"a"}` + "\n",
			want: []review.Key{{CallID: "C1", Turn: 2, Category: "insult"}, {CallID: "C1", Turn: 3, Category: "threat"}}},
		{name: "empty", in: "", want: nil},
		{name: "not_json", in: "{\n", wantErr: "d.jsonl:1: not a decision: "},
		{name: "no_call", in: `{"turn":2,"category":"insult","state":"confirmed"}`, wantErr: "d.jsonl:1: decision has no call_id"},
		{name: "turn", in: `{"call_id":"C1","turn":0,"category":"insult","state":"confirmed"}`, wantErr: "d.jsonl:1: decision on C1: turn 0 (want 1 or more)"},
		{name: "category", in: `{"call_id":"C1","turn":1,"state":"confirmed"}`, wantErr: "d.jsonl:1: decision on C1 turn 1 has no category"},
		{name: "state", in: "\n" + `{"call_id":"C1","turn":1,"category":"insult","state":"maybe"}`, wantErr: `d.jsonl:2: decision on C1#1/insult: state "maybe" (want confirmed, dismissed or appealed)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := ReadDecisions(strings.NewReader(tc.in), "d.jsonl")
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			var keys []review.Key
			for _, d := range ds {
				keys = append(keys, d.Key)
			}
			assert.Equal(t, tc.want, keys)
		})
	}
}

// TestByKeyLaterWins: a later decision on a key replaces an earlier one.
func TestByKeyLaterWins(t *testing.T) {
	k := review.Key{CallID: "C1", Turn: 2, Category: "insult"}
	m := byKey([]review.Decision{{Key: k, State: review.StateConfirmed}, {Key: k, State: review.StateDismissed}})
	assert.Equal(t, review.StateDismissed, m[k].State)
	assert.Len(t, m, 1)
}
