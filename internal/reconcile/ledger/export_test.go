package ledger

// SetClassifyBatch lowers the keys per classification transaction for a test
// and returns the function that restores it.
func SetClassifyBatch(n int) func() {
	old := classifyBatch
	classifyBatch = n
	return func() { classifyBatch = old }
}
