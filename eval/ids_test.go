package eval

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/result"
)

func TestParseIDs(t *testing.T) {
	tests := []struct {
		name    string
		lists   []string
		in      []string // ids the set contains
		out     []string // ids it does not
		wantErr string
	}{
		{
			name:  "single_ids",
			lists: []string{"DEV001,DEV007"},
			in:    []string{"DEV001", "DEV007"},
			out:   []string{"DEV1", "DEV002", "dev001", "DEV0070"},
		},
		{
			name:  "range_inclusive",
			lists: []string{"DEV001..DEV170"},
			in:    []string{"DEV001", "DEV099", "DEV170", "DEV42", "DEV0042"},
			out:   []string{"DEV000", "DEV171", "DEV290", "XDEV010", "DEV", "DEV01a", "D001"},
		},
		{
			name:  "numbers_compared_as_numbers",
			lists: []string{"DEV9..DEV10"},
			in:    []string{"DEV9", "DEV10", "DEV09", "DEV010"},
			out:   []string{"DEV1", "DEV8", "DEV11", "DEV100"},
		},
		{
			name:  "repeatable_and_spaces_around_items",
			lists: []string{" A1 , B2..B3", "C9"},
			in:    []string{"A1", "B2", "B3", "C9"},
			out:   []string{"A2", "B1", "B4", "C8"},
		},
		{
			name:  "prefix_with_digits_inside",
			lists: []string{"T2-01..T2-03"},
			in:    []string{"T2-01", "T2-2", "T2-03"},
			out:   []string{"T2-04", "T3-01", "T2-"},
		},
		{
			name:  "empty_prefix",
			lists: []string{"100..200"},
			in:    []string{"100", "150", "0200"},
			out:   []string{"99", "201", "A150"},
		},
		{
			name:  "single_number_range",
			lists: []string{"DEV5..DEV005"},
			in:    []string{"DEV5", "DEV05"},
			out:   []string{"DEV4", "DEV6"},
		},
		{
			name:  "huge_numbers",
			lists: []string{"N1..N99999999999999999999999"},
			in:    []string{"N123456789012345678901"},
			out:   []string{"N100000000000000000000000"},
		},
		{name: "different_prefixes", lists: []string{"DEV001..X170"},
			wantErr: `invalid item "DEV001..X170": the ends have different prefixes ("DEV" and "X")`},
		{name: "prefix_case_differs", lists: []string{"DEV1,dev2..DEV5"},
			wantErr: `invalid item "dev2..DEV5": the ends have different prefixes ("dev" and "DEV")`},
		{name: "backwards", lists: []string{"DEV170..DEV001"},
			wantErr: `invalid item "DEV170..DEV001": the range runs backwards (DEV170 is above DEV001)`},
		{name: "open_end", lists: []string{"DEV001.."},
			wantErr: `invalid item "DEV001..": a range needs two ends, as in DEV001..DEV170`},
		{name: "open_start", lists: []string{"..DEV9"},
			wantErr: `invalid item "..DEV9": a range needs two ends, as in DEV001..DEV170`},
		{name: "no_number", lists: []string{"DEV1..DEVX"},
			wantErr: `invalid item "DEV1..DEVX": range end "DEVX" does not end in a number`},
		{name: "three_dots_chain", lists: []string{"A1..A2..A3"},
			wantErr: `invalid item "A1..A2..A3": more than one ".."`},
		{name: "empty_item", lists: []string{"A1,,A2"},
			wantErr: `invalid item "": empty item (want a call id or a range such as DEV001..DEV170)`},
		{name: "trailing_comma", lists: []string{"A1,"},
			wantErr: `invalid item "": empty item (want a call id or a range such as DEV001..DEV170)`},
		{name: "space_inside", lists: []string{"DEV 1"},
			wantErr: `invalid item "DEV 1": space inside a call id`},
		{name: "nothing", lists: nil, wantErr: "no call id given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseIDs(tt.lists...)
			if tt.wantErr != "" {
				assert.EqualError(t, err, tt.wantErr)
				assert.Nil(t, s)
				return
			}
			require.NoError(t, err)
			for _, id := range tt.in {
				assert.True(t, s.Contains(id), "%s should be in the set", id)
			}
			for _, id := range tt.out {
				assert.False(t, s.Contains(id), "%s should not be in the set", id)
			}
		})
	}
}

func TestParseIDsItemError(t *testing.T) {
	_, err := ParseIDs("A1", "B1..C2")
	var ie *IDItemError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "B1..C2", ie.Item)
}

func TestIDSetNilContainsNothing(t *testing.T) {
	var s *IDSet
	assert.False(t, s.Contains("A1"))
}

func TestIDSetFilters(t *testing.T) {
	s, err := ParseIDs("A1..A3")
	require.NoError(t, err)

	labels := sampleLabels()
	got := s.Labels(labels)
	assert.Equal(t, []string{"A1", "A2", "A3"}, sortedKeys(got))
	assert.Len(t, labels, 4, "labels unchanged")

	var ids []string
	for _, r := range s.Results(sampleResults()) {
		ids = append(ids, r.CallID)
	}
	assert.Equal(t, []string{"A1", "A2", "A3", "A1"}, ids, "input order kept, nil and X9 dropped")
	assert.Nil(t, s.Results([]*result.Result{{CallID: "B1"}}))
}
