// Package report turns benchmark runs into the side-by-side summary: a
// median and a p99 over the repeated runs of every metric, the ratios of
// rtdev to peerjs-server and to the floor server, the goals those ratios are
// held to, and three renderings of it — a text table for the terminal, a
// Markdown table for the README, and a small SVG chart — next to the raw
// results as JSON.
package report
