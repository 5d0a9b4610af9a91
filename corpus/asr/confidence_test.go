package asr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
)

// TestASRConfidence: the vendors that give a word confidence give each
// segment the mean of its words'; a vendor without one gives none, and
// a confidence out of range is an error naming the field.
func TestASRConfidence(t *testing.T) {
	tests := []struct {
		name, format, in string
		want             []float64 // per segment; -1: none
		err              string
	}{
		{
			name:   "iflytek_words_wc",
			format: formatIflytek,
			in:     `{"lattice2":[{"json_1best":{"st":{"bg":"820","ed":"2640","rl":"2","rt":[{"ws":[{"cw":[{"w":"您好","wp":"n","wc":"0.9000"}]},{"cw":[{"w":"起素","wp":"n","wc":"0.3000"}]},{"cw":[{"w":"。","wp":"p","wc":"0.0000"}]}]}]}}}]}`,
			want:   []float64{0.6},
		},
		{
			name:   "transcribe_items",
			format: formatTranscribe,
			in: `{"results":{"speaker_labels":{"segments":[{"start_time":"0.0","end_time":"2.0","speaker_label":"spk_0"}]},"items":[
				{"type":"pronunciation","start_time":"0.1","end_time":"0.5","alternatives":[{"confidence":"0.99","content":"你好"}]},
				{"type":"pronunciation","start_time":"0.6","end_time":"0.9","alternatives":[{"confidence":"0.41","content":"起素"}]},
				{"type":"punctuation","alternatives":[{"confidence":"0.0","content":"。"}]}]}}`,
			want: []float64{0.7},
		},
		{
			name:   "no_confidence",
			format: formatAliyun,
			in:     `{"Result":{"Sentences":[{"BeginTime":760,"EndTime":3240,"Text":"您好","ChannelId":0}]}}`,
			want:   []float64{-1},
		},
		{
			name:   "out_of_range",
			format: formatIflytek,
			in:     `{"lattice2":[{"json_1best":{"st":{"bg":"820","ed":"2640","rl":"2","rt":[{"ws":[{"cw":[{"w":"您好","wp":"n","wc":"1.5"}]}]}]}}}]}`,
			err:    `"1.5" is not a confidence from 0 to 1`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := vendorFormat(t, tt.format).Read("x.json", []byte(tt.in), &corpus.ReadOptions{})
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			require.Len(t, tr.Segments, len(tt.want))
			for i, s := range tr.Segments {
				if tt.want[i] < 0 {
					assert.Nil(t, s.Confidence)
					continue
				}
				require.NotNil(t, s.Confidence)
				assert.InDelta(t, tt.want[i], *s.Confidence, 1e-9)
			}
		})
	}
}

// TestTurnConfidenceLowestSegment: segments merged into one turn keep the
// lowest confidence.
func TestTurnConfidenceLowestSegment(t *testing.T) {
	at := func(v float64) *float64 { return &v }
	c, err := corpus.BuildCall("x.json", &corpus.Transcript{Segments: []corpus.Segment{
		{Speaker: "坐席", Start: at(0), End: at(1), Text: "您好", Confidence: at(0.9)},
		{Speaker: "坐席", Start: at(1.2), End: at(2), Text: "起素你", Confidence: at(0.4)},
		{Speaker: "客户", Start: at(3), End: at(4), Text: "嗯"},
	}}, corpus.BuildOptions{MergeGap: 3})
	require.NoError(t, err)
	require.Len(t, c.Turns, 2)
	require.NotNil(t, c.Turns[0].Confidence)
	assert.InDelta(t, 0.4, *c.Turns[0].Confidence, 1e-9)
	assert.Nil(t, c.Turns[1].Confidence)
}
