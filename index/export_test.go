package index

// For the tests of package index_test.
var LockFile = lockFile

const CreatingFile = creatingFile
