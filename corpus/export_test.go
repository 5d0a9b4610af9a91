package corpus

import "strconv"

// ReadJSONLPositioned is ReadJSONL without the fast path: every line is
// read by the positioned reader alone. It is for BenchmarkReadJSONL in
// package corpus_test, which needs the generator of internal/synth (and
// that imports corpus).
func ReadJSONLPositioned(name string, data []byte) ([]*Call, []error) {
	return splitItems(readJSONLWith(name, string(data), positionedLine))
}

// positionedLine is readJSONLine without the fast path.
func positionedLine(name, base string, n int, line string) (*Call, error) {
	p := &jsonParser{path: name, data: []byte(line), base: n - 1, whole: n}
	c, err := p.call(base + "-" + strconv.Itoa(n))
	if err != nil {
		return nil, err
	}
	c.Source = name + "#" + strconv.Itoa(n)
	return c, nil
}
