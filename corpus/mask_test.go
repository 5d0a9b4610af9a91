package corpus_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/callqa/callqa/corpus"
)

// TestErrorsMaskLabels: a speaker label or role value echoed in an error
// is masked like a transcript (package redact), so a phone number used as
// a label never reaches a log in full. The numbers are invented.
func TestErrorsMaskLabels(t *testing.T) {
	const number, masked = "13812345678", "138****5678"
	tests := []struct{ name, file, data string }{
		{"text_roles_unknown_role", "a.txt", "# roles: " + number + "=boss\n坐席：你好"},
		{"text_roles_mapped_twice", "a.txt", "# roles: " + number + "=agent\n# roles: " + number + "=customer\n坐席：你好"},
		{"json_unknown_speaker", "a.json", `{"turns":[{"speaker":"` + number + `","text":"你好"}]}`},
		{"json_roles_unknown_role", "a.json", `{"roles":{"` + number + `":"boss"},"turns":[{"speaker":"A","text":"你好"}]}`},
		{"json_speaker_role_disagree", "a.json", `{"turns":[{"speaker":"` + number + `","role":"13912345678","text":"你好"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := corpus.ParseBytes(tt.file, []byte(tt.data), corpus.ReadOptions{})
			if !assert.Len(t, errs, 1) {
				return
			}
			msg := errs[0].Error()
			assert.True(t, strings.Contains(msg, masked), "the label is not shown masked")
			assert.False(t, strings.Contains(msg, "12345678"), "the error shows a number in full")
		})
	}
	for _, roles := range []string{number + "=boss", number} {
		_, err := corpus.ParseRoleMap(roles)
		if assert.Error(t, err) {
			msg := err.Error()
			assert.True(t, strings.Contains(msg, masked), "the label is not shown masked")
			assert.False(t, strings.Contains(msg, "12345678"), "the error shows a number in full")
		}
	}
}
