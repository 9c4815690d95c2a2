package cluster

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/rtdev/rtdev/internal/testtool"
)

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

// The scripts read a claim with claim_fields and Go with claimFields; both
// must take the same fields out of what newClaim writes, and neither any
// out of a value that is not a claim.
func TestClaimFieldsInGoAndLua(t *testing.T) {
	rp := testtool.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: rp.Addr()})
	defer rdb.Close()
	script := redis.NewScript(luaClaimFields + `
local inst, th = claim_fields(ARGV[1])
return {inst or '', th or ''}
`)
	b := &Broker{prefix: clusterPrefix("/", "peerjs"), instance: randomHex(8)}
	for _, tc := range []struct {
		claim, inst, hash string
	}{
		{claim: b.newClaim("alice", "tok"), inst: b.instance},
		{claim: "i1" + claimSep + "abc" + claimSep + "01", inst: "i1", hash: "abc"},
	} {
		inst, hash := claimFields(tc.claim)
		if inst != tc.inst || (tc.hash != "" && hash != tc.hash) || hash == "" {
			t.Errorf("claimFields(%q) = %q, %q", tc.claim, inst, hash)
		}
		got, err := script.Run(context.Background(), rdb, nil, tc.claim).StringSlice()
		if err != nil {
			t.Fatal(err)
		}
		if got[0] != inst || got[1] != hash {
			t.Errorf("claim_fields(%q) = %q, claimFields = %q, %q", tc.claim, got, inst, hash)
		}
	}
	got, err := script.Run(context.Background(), rdb, nil, "not-a-claim").StringSlice()
	if err != nil || got[0] != "" || got[1] != "" {
		t.Errorf("claim_fields of a non-claim = %q, %v", got, err)
	}
}
