// Package flows reads the files that feed reconciliation: pagoPA reporting flows
// (FdR XML 1.0.4 and FdR 3 JSON), the treasury journal (OPI giornale di cassa XML
// 1.6.1 and the CSV giornale di cassa), MyPay's paid-positions export and the
// ente's payment notifications. Every reader streams: rows are handed to a
// callback one at a time, so a file of a million rows never sits in memory.
package flows
