package similar_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/similar"
)

var examples = []similar.Example{
	{Category: "threat", Source: "threat.family", Text: "你再不还钱，你家里人出门可要小心点"},
	{Category: "false_legal_claim", Source: "false_legal_claim.crime", Text: "欠钱不还就是诈骗，警察明天就上门抓你"},
	{Category: "third_party_disclosure", Source: "third_party_disclosure.debt", Text: "你老公欠了我们两万块钱一直不还"},
}

func TestBest(t *testing.T) {
	m := similar.New(examples)
	tests := []struct {
		name, text string
		above      bool
		source     string
	}{
		{"near paraphrase", "欠钱不还就是诈骗，明天警察就会上门来抓你", true, "false_legal_claim.crime"},
		{"paraphrase in Traditional", "你再不還錢，你家裡人出門可要小心點啊", true, "threat.family"},
		{"unrelated", "您好，请问您这个月的账单什么时候方便处理", false, ""},
		{"small talk", "好的，谢谢，再见", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := m.Best(tt.text)
			if tt.above {
				require.True(t, ok)
				assert.GreaterOrEqual(t, got.Similarity, similar.DefaultThreshold)
				assert.Equal(t, tt.source, got.Source)
				return
			}
			assert.Less(t, got.Similarity, similar.DefaultThreshold, "like %q", got.Text)
		})
	}
	same, ok := m.Best(examples[0].Text)
	require.True(t, ok)
	assert.InDelta(t, 1, same.Similarity, 1e-9)
}

// TestAddExample: an example added later (a reviewer-confirmed violation)
// is found, with its source, by the next Best, even while others run.
func TestAddExample(t *testing.T) {
	m := similar.New(examples[:1])
	text := "不还钱就把你的事发到你们单位群里"
	got, _ := m.Best(text)
	assert.Less(t, got.Similarity, similar.DefaultThreshold)

	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() { defer wg.Done(); m.Best("你家里人出门小心") }()
	}
	m.AddExample("third_party_disclosure", similar.SourceConfirmed, "再不还钱就把你的事发到你们单位群里")
	m.AddExample("threat", "x", "。，！") // no letter or digit: left out
	wg.Wait()
	assert.Equal(t, 2, m.Len())
	got, ok := m.Best(text)
	require.True(t, ok)
	assert.Equal(t, similar.SourceConfirmed, got.Source)
	assert.Equal(t, "third_party_disclosure", got.Category)
	assert.Greater(t, got.Similarity, 0.8)
}

func TestEmptyModel(t *testing.T) {
	_, ok := similar.New(nil).Best("你好")
	assert.False(t, ok)
}
