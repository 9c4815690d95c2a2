package doctor

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/rtdev/rtdev/imagetrust"
	"github.com/rtdev/rtdev/project"
)

// featureFix writes this developer's CA into the Feature; the image needs
// a rebuild to take it, which the messages say.
const featureFix = "rtdev snippet devcontainer --write"

// checkFeatureCA compares the Feature's CA copy with this developer's CA:
// a copy from another CA (a teammate's, committed by mistake, or one from
// before a new CA) bakes a CA into the image that nothing here signs for.
// No Feature is no finding.
func checkFeatureCA(lay project.Layout, c *x509.Certificate) []Finding {
	dir := filepath.Join(lay.Root, filepath.FromSlash(imagetrust.FeatureDir))
	if _, err := os.Stat(filepath.Join(dir, "devcontainer-feature.json")); err != nil {
		return nil
	}
	path := filepath.Join(dir, imagetrust.FeatureCAFile)
	subject := filepath.ToSlash(filepath.Join(imagetrust.FeatureDir, imagetrust.FeatureCAFile))
	data, err := readBounded(path, maxBundleBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return []Finding{{ID: IDFeatureCA, Severity: SeverityWarn, Subject: subject,
			Message: "the devcontainer Feature has no CA copy, so the next image build fails; write it, then rebuild the dev container", Fix: featureFix}}
	}
	if err != nil {
		return []Finding{{ID: IDFeatureCA, Severity: SeverityWarn, Subject: subject,
			Message: "the devcontainer Feature's CA copy cannot be read: " + err.Error(), Fix: featureFix}}
	}
	block, _ := pem.Decode(data)
	if block == nil || !bytes.Equal(block.Bytes, c.Raw) {
		return []Finding{{ID: IDFeatureCA, Severity: SeverityWarn, Subject: subject,
			Message: "the devcontainer Feature holds another CA than yours, so an image built from it does not trust your certificates; write yours, then rebuild the dev container", Fix: featureFix}}
	}
	return []Finding{{ID: IDFeatureCA, Severity: SeverityOK, Subject: subject,
		Message: "the devcontainer Feature bakes your CA into the image"}}
}
