package doctor

import (
	"path/filepath"
	"testing"

	"github.com/rtdev/rtdev/project"
)

func TestCheckRuntime(t *testing.T) {
	p := newProject(t, fakeSystem{hostname: "devbox"}, project.Defaults())
	lay := p.opts.Layout
	otherCA := newRTDevCA(t)
	for _, tc := range []struct {
		name string
		env  map[string]string
		want map[string]string // variable (or "environment") -> finding ID
	}{
		{"nothing set", nil, map[string]string{"environment": IDRuntimeTrustUnset}},
		{"node trusts the CA", map[string]string{"NODE_EXTRA_CA_CERTS": lay.CA},
			map[string]string{"NODE_EXTRA_CA_CERTS": IDRuntimeTrustOK}},
		{"file gone", map[string]string{"NODE_EXTRA_CA_CERTS": filepath.Join(lay.Root, "gone.pem"), "DENO_CERT": lay.CA},
			map[string]string{"NODE_EXTRA_CA_CERTS": IDRuntimeCAFileMissing, "DENO_CERT": IDRuntimeTrustOK}},
		{"another CA's file", map[string]string{"SSL_CERT_FILE": filepath.Join(otherCA.Dir, "ca.pem")},
			map[string]string{"SSL_CERT_FILE": IDRuntimeCAFileStale}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := checkRuntime(func(k string) string { return tc.env[k] }, lay, p.res.CA)
			got := map[string]string{}
			for _, f := range fs {
				got[f.Subject] = f.ID
			}
			if len(got) != len(tc.want) {
				t.Errorf("findings %v, want %v", describe(fs), tc.want)
			}
			for k, id := range tc.want {
				if got[k] != id {
					t.Errorf("%s: got %q, want %q (%v)", k, got[k], id, describe(fs))
				}
			}
		})
	}
}
