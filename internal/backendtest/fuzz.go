package backendtest

import (
	"time"

	"github.com/callqa/callqa/index"
)

// FuzzedQuery is the index.Query of the fuzz tests' arguments (index's
// FuzzQuery, pgindex's FuzzSameAnswers): a zero from or to leaves that end
// open, and pass%3 is no filter, pass only or fail only.
func FuzzedQuery(text, category, team, agent, party string, from, to int64, pass uint8, limit, offset int, sort string, findings bool) index.Query {
	q := index.Query{
		Text: text, Category: category, Team: team, Agent: agent, Party: party,
		Limit: limit, Offset: offset, Sort: sort, Findings: findings,
	}
	if from != 0 {
		q.From = time.Unix(from, 0)
	}
	if to != 0 {
		q.To = time.Unix(to, 0)
	}
	switch pass % 3 {
	case 1:
		q.Pass = new(bool)
		*q.Pass = true
	case 2:
		q.Pass = new(bool)
	}
	return q
}
