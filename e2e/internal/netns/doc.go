// Package netns gives end-to-end tests network namespaces of their own,
// made with iproute2 (`ip netns`), so a test can play a second machine: a
// phone or another device on the Wi-Fi. Everything it makes is named with
// Prefix and the test process's pid, deleted when the test ends (failed or
// not), and what a killed run left is deleted by the next run's Sweep.
// Tests dial from a namespace with Dial, which needs no program inside it.
//
// It needs root and ip; without them a test fails in CI and is skipped
// elsewhere (testtool.Missing). Off Linux, Sweep does nothing.
package netns
