// Package harness builds the rtdev binary once per test process and gives
// each test a sandbox: a throwaway HOME, CA folder and project, so nothing
// a test does reaches this machine's own files or trust stores.
package harness
