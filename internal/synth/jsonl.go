package synth

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/callqa/callqa/corpus"
)

type jsonCall struct {
	CallID    string     `json:"call_id"`
	Agent     string     `json:"agent,omitempty"`
	Team      string     `json:"team,omitempty"`
	StartedAt string     `json:"started_at,omitempty"`
	Kind      string     `json:"kind,omitempty"`
	Party     string     `json:"party,omitempty"`
	Turns     []jsonTurn `json:"turns"`
}

type jsonTurn struct {
	Speaker string `json:"speaker"`
	Text    string `json:"text"`
}

// WriteJSONL writes calls one per line in the JSON form of formats.md §2
// (speaker agent, customer or third_party), UTF-8 without HTML escaping.
// Read back with corpus.ReadJSONL under the name Source, the calls are
// the same, Source included.
func WriteJSONL(w io.Writer, calls []*corpus.Call) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, c := range calls {
		jc := jsonCall{CallID: c.ID, Agent: c.Agent, Team: c.Team, StartedAt: c.StartedAt, Kind: c.Kind, Party: c.Party}
		jc.Turns = make([]jsonTurn, len(c.Turns))
		for i, t := range c.Turns {
			jc.Turns[i] = jsonTurn{Speaker: string(t.Role), Text: t.Text}
		}
		if err := enc.Encode(jc); err != nil {
			return err
		}
	}
	return bw.Flush()
}
