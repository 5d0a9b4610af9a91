package labels_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/labels"
	"github.com/callqa/callqa/lexicon"
)

// TestEveryCodeNamed: every category, task, step and hint kind of the
// built-in packs has both names, so a new code without one fails here.
func TestEveryCodeNamed(t *testing.T) {
	set, err := lexicon.LoadSet(nil)
	if err != nil {
		t.Fatal(err)
	}
	check := func(group string, m map[string]labels.Label, codes []string) {
		for _, c := range codes {
			l, ok := m[c]
			assert.True(t, ok && l.ZH != "" && l.EN != "", "%s %q has no name", group, c)
		}
	}
	check("category", labels.Categories, append([]string{analyzer.CategoryCustomerAbuse}, analyzer.ViolationCategories...))
	check("item", labels.Items, append(append([]string{}, analyzer.TaskCodes...), analyzer.StepCodes...))
	var hints, severities []string
	for _, r := range set.Rules {
		if r.Category == lexicon.CategoryHint {
			hints = append(hints, r.Code)
		}
		severities = append(severities, r.Severity)
	}
	check("hint", labels.Hints, hints)
	check("severity", labels.Severities, severities)
	check("party", labels.Parties, []string{lexicon.PartyDebtor, lexicon.PartyThirdParty})
	assert.Equal(t, "辱骂", labels.ZH(labels.Categories, "insult"))
	assert.Equal(t, "made_up", labels.ZH(labels.Categories, "made_up"), "an unnamed code shows as itself")
	assert.Equal(t, "债务人", labels.Names(labels.Parties)["debtor"])
}
