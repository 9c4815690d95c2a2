package ca

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Leaf lifetimes. 90 days follows the public WebPKI trend; 825 days is
// Apple's limit for TLS server certificates, which applies to locally
// trusted roots too (support.apple.com/103769).
const (
	DefaultValidity = 90 * day
	MaxValidity     = 825 * day
)

const day = 24 * time.Hour

// validityUnits are the suffixes ParseValidity accepts. "m" is left out on
// purpose: minutes or months would be a guess.
var validityUnits = map[string]time.Duration{
	"h": time.Hour,
	"d": day,
	"w": 7 * day,
	"y": 365 * day,
}

// ParseValidity parses a leaf lifetime such as "14d", "90d", "2w", "12h" or
// "1y" (365 days). It must be positive and at most MaxValidity.
func ParseValidity(s string) (time.Duration, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	i := max(len(t)-1, 0) // the unit is the last character
	unit, ok := validityUnits[t[i:]]
	n, err := strconv.ParseUint(t[:i], 10, 32)
	if !ok || err != nil {
		return 0, fmt.Errorf("invalid validity %q: use a number and a unit h, d, w or y (for example 90d)", s)
	}
	if n > uint64(MaxValidity/unit) { // also keeps the product below from overflowing
		return 0, fmt.Errorf("invalid validity %q: %w", s, errTooLong)
	}
	d := time.Duration(n) * unit
	if err := checkValidity(d); err != nil {
		return 0, fmt.Errorf("invalid validity %q: %w", s, err)
	}
	return d, nil
}

var errTooLong = fmt.Errorf("longer than the %d days Apple platforms accept", MaxValidity/day)

func checkValidity(d time.Duration) error {
	if d <= 0 {
		return errors.New("validity must be positive")
	}
	if d > MaxValidity {
		return errTooLong
	}
	return nil
}
