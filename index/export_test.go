package index

// For the tests of package index_test.
var LockFile = lockFile

const CreatingFile = creatingFile

// SegmenterLoaded reports whether the index tokenizer's segmenter was
// loaded (or tried) in this process.
func SegmenterLoaded() bool {
	return words != nil || wordsErr != nil
}

// ClearFacetCache empties Search's cache of facets.
func ClearFacetCache() {
	facetCache.Lock()
	defer facetCache.Unlock()
	facetCache.m = map[string]*facetEntry{}
	facetCache.order = nil
}

// SetColumns turns Search's columns (columns.go) on or off, and returns
// the setting it replaced.
func SetColumns(on bool) bool {
	was := columnsEnabled
	columnsEnabled = on
	return was
}

// CachedWords reports whether the words of text are in the word cache.
func CachedWords(text string) bool {
	_, ok := cachedWords([]byte(text))
	return ok
}

// ForgetSearches makes the next search of every index its process's first
// (firstsearch.go), as in a command that searches once.
func ForgetSearches() {
	searched.Clear()
}

// WindowDates is the number of dates a first search counts at most.
const WindowDates = windowDates

// SetWindow sets the number of matches from which a first search counts
// dates, and the number of dates it counts at most; it returns the
// settings it replaced.
func SetWindow(matches, dates int) (int, int) {
	wasMatches, wasDates := windowMatchesMin, windowDatesMax
	windowMatchesMin, windowDatesMax = matches, dates
	return wasMatches, wasDates
}

// SetAfterGather sets a function a first search runs after the search
// that gathered its matches, before it reads their segments.
func SetAfterGather(f func()) {
	afterGather = f
}
