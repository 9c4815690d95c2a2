package harness

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Navigate loads url in a started tab, giving up after timeout. It returns
// the error rather than failing the test, because a refused page (a
// *chromedp.LoadError such as net::ERR_CERT_AUTHORITY_INVALID) is what a
// control expects.
func Navigate(tab context.Context, timeout time.Duration, url string) error {
	ctx, cancel := context.WithTimeout(tab, timeout)
	defer cancel()
	return chromedp.Do(ctx, chromedp.Navigate(url))
}

// Evaluate reads a value from the page of a started tab, failing the test
// if expr throws or timeout passes first.
func Evaluate[T any](t testing.TB, tab context.Context, timeout time.Duration, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}
