package devserver

import (
	"errors"
	"math"
	"testing"
	"time"
)

func TestConfigDefaults(t *testing.T) {
	c, err := Config{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != "/" || c.Key != "peerjs" || c.ExpireTimeout != 5*time.Second || c.AliveTimeout != 60*time.Second ||
		c.ConcurrentLimit != 5000 || c.MaxMessageBytes != 64<<10 || c.SendQueueLen != 256 || c.OfflineQueueLen != 256 ||
		c.MessagesPerSecond != 100 || c.Burst != 200 || c.HandshakeTimeout != 10*time.Second ||
		c.IdleReadTimeout != 90*time.Second || c.WriteTimeout != 10*time.Second || c.MaxIDLen != 128 ||
		c.MaxTokenLen != 128 || c.ShutdownTimeout != 5*time.Second || c.Logger == nil || c.GenerateID == nil ||
		c.MaxQueuedBytes != 64<<20 || c.BytesPerSecond != 1<<20 ||
		c.AllowDiscovery || c.AllowOverride || c.CORSOrigins != nil {
		t.Errorf("defaults: %+v", c)
	}
	c, err = Config{MessagesPerSecond: -0.5, BytesPerSecond: NoRateLimit}.withDefaults()
	if err != nil || c.MessagesPerSecond != NoRateLimit || c.BytesPerSecond != NoRateLimit {
		t.Errorf("a negative rate turns its limit off: %v %v %v", c.MessagesPerSecond, c.BytesPerSecond, err)
	}
	c, err = Config{AliveTimeout: time.Second}.withDefaults()
	if err != nil || c.IdleReadTimeout != 31*time.Second {
		t.Errorf("IdleReadTimeout follows AliveTimeout: %v %v", c.IdleReadTimeout, err)
	}
}

func TestConfigPath(t *testing.T) {
	for in, want := range map[string]string{"": "/", "/": "/", "myapp": "/myapp/", "/myapp": "/myapp/", "/a/b/": "/a/b/"} {
		c, err := Config{Path: in}.withDefaults()
		if err != nil || c.Path != want {
			t.Errorf("Path %q: %q %v, want %q", in, c.Path, err, want)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		cfg   Config
		field string
	}{
		{Config{ExpireTimeout: -1}, "ExpireTimeout"},
		{Config{AliveTimeout: -time.Second}, "AliveTimeout"},
		{Config{IdleReadTimeout: -1}, "IdleReadTimeout"},
		{Config{ConcurrentLimit: -1}, "ConcurrentLimit"},
		{Config{SendQueueLen: -1}, "SendQueueLen"},
		{Config{MaxMessageBytes: -1}, "MaxMessageBytes"},
		{Config{MessagesPerSecond: math.NaN()}, "MessagesPerSecond"},
		{Config{MessagesPerSecond: math.Inf(1)}, "MessagesPerSecond"},
		{Config{Burst: -1}, "Burst"},
		{Config{BytesPerSecond: math.NaN()}, "BytesPerSecond"},
		{Config{MaxQueuedBytes: -1}, "MaxQueuedBytes"},
		{Config{MaxTokenLen: -1}, "MaxTokenLen"},
		{Config{Path: "/a?b"}, "Path"},
		{Config{CORSOrigins: []string{""}}, "CORSOrigins"},
		{Config{CORSOrigins: []string{"https://a.test, https://b.test"}}, "CORSOrigins"},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg)
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != tt.field {
			t.Errorf("%+v: error %v, want one naming %s", tt.cfg, err, tt.field)
		}
	}
}
