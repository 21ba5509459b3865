package ledger

// SetClassifyBatch lowers the keys per classification transaction for a test
// and returns the function that restores it.
func SetClassifyBatch(n int) func() {
	old := classifyBatch
	classifyBatch = n
	return func() { classifyBatch = old }
}

// SetClassifyWorkers sets how many payment batches PostgreSQL classifies at
// once and returns the function that restores it.
func SetClassifyWorkers(n int) func() {
	old := classifyWorkers
	classifyWorkers = n
	return func() { classifyWorkers = old }
}

// SetAnalyzeAbove sets the backlog after which a run refreshes the statistics
// first (and, on PostgreSQL, expands the files meanwhile) and returns the
// function that restores it.
func SetAnalyzeAbove(n int64) func() {
	old := analyzeAbove
	analyzeAbove = n
	return func() { analyzeAbove = old }
}
