package devserver

import (
	"errors"
	"strings"
	"testing"
)

// A password in the query is refused by the Redis client's URL parser, and
// neither that error nor any other New returns shows it.
func TestClusterURLQueryPasswordNotShown(t *testing.T) {
	for _, raw := range []string{
		"redis://127.0.0.1:1/0?password=s3cretPW",
		"redis://127.0.0.1:1/0?db=1&PassWord=s3cretPW",
		"redis://127.0.0.1:1/0?password=s3cret%50W",
		"redis://:s3cretPW@127.0.0.1:1/0?dial_timeout=s3cretPW",
	} {
		_, err := New(Config{ClusterURL: raw})
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != "ClusterURL" {
			t.Errorf("New(%q): %v, want a ConfigError for ClusterURL", raw, err)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("New(%q): %v", raw, err)
		}
	}
}
