package devserver

import (
	"testing"
	"time"
)

func TestTokenBucket(t *testing.T) {
	t0 := time.Unix(1000, 0)
	tests := []struct {
		name  string
		rate  float64
		burst int
		at    []time.Duration // offsets from t0 of successive calls
		want  []bool
	}{
		{"burst then empty", 1, 3, []time.Duration{0, 0, 0, 0}, []bool{true, true, true, false}},
		{"refills at rate", 10, 1, []time.Duration{0, 0, 50 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond}, []bool{true, false, false, true, false}},
		{"never above burst", 100, 2, []time.Duration{time.Hour, time.Hour, time.Hour}, []bool{true, true, false}},
		{"clock going back is ignored", 1, 1, []time.Duration{0, -time.Hour, 0}, []bool{true, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTokenBucket(tt.rate, float64(tt.burst), t0)
			for i, off := range tt.at {
				if got := b.allow(t0.Add(off), 1); got != tt.want[i] {
					t.Fatalf("call %d at %v: %v, want %v", i, off, got, tt.want[i])
				}
			}
		})
	}
}
