package cluster

import "testing"

func TestRedactURL(t *testing.T) {
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
		if got := RedactURL(tc.in); got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
