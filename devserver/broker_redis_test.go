package devserver

import "testing"

func TestRedisVersion(t *testing.T) {
	for _, tc := range []struct {
		info string
		ok   bool
	}{
		{"# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n", true},
		{"# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.0.1\r\n", true},
		{"redis_version:8.4.0\n", true},
		{"# Server\r\nredis_version:6.2.14\r\n", false},
		{"# Server\r\n", false},
		{"redis_version:x\r\n", false},
	} {
		if _, err := redisVersion(tc.info); (err == nil) != tc.ok {
			t.Errorf("redisVersion(%q): %v", tc.info, err)
		}
	}
}
