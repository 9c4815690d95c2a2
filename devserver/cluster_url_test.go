package devserver

import (
	"errors"
	"strings"
	"testing"
)

func TestRedactClusterURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"},
		{"redis://:s3cretPW@127.0.0.1:6379/0", "redis://:xxxxx@127.0.0.1:6379/0"},
		{"redis://127.0.0.1:6379/0?password=s3cretPW", "redis://127.0.0.1:6379/0?password=xxxxx"},
		{"rediss://h:1/2?db=3&password=s3cretPW&client_name=app", "rediss://h:1/2?db=3&password=xxxxx&client_name=app"},
		{"redis://h/0?PASSWORD=s3cretPW", "redis://h/0?PASSWORD=xxxxx"},
		{"redis://h/0?pass%77ord=s3cretPW", "redis://h/0?pass%77ord=xxxxx"},
		{"redis://h/0?sentinel_password=s3cretPW", "redis://h/0?sentinel_password=xxxxx"},
		{"redis://h/0?password=a&password=s3cretPW", "redis://h/0?password=xxxxx&password=xxxxx"},
		{"redis://h/0?x=1;password=s3cretPW", "redis://h/0?xxxxx"},
		{"redis://h/0?%zz=s3cretPW", "redis://h/0?xxxxx"},
		{"redis://user:pw@h/0?username=user&password=s3cretPW", "redis://user:xxxxx@h/0?username=user&password=xxxxx"},
		{"http://h/?password=s3cretPW", "(invalid Redis URL)"},
	} {
		if got := RedactClusterURL(tc.in); got != tc.want {
			t.Errorf("RedactClusterURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

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
