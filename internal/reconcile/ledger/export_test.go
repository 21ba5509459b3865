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
