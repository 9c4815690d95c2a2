// Package npm checks rtdev's npm packages as a developer gets them: the
// test builds the linux/amd64 release archive with make dist, packs it
// with make npm (only the linux-x64 platform package, to stay fast) and
// installs the tarballs into a throwaway app with file: dependencies and
// overrides, against a loopback registry that records what npm asks it,
// so no @rtdev name (or anything else) is ever fetched from the public
// registry. In that app npx rtdev runs the binary with its exit status and
// signals passed through, a removed platform package gives the error that
// names it and the fix, the rtdev/vite plugin serves a Vite 8 app that
// headless Chromium trusts through a throwaway NSS database and whose
// PeerJS client opens through the Vite origin, the plugin's proxy speaks
// for its clients to rtdev serve with a token passed in the environment
// (a client's own X-Forwarded-For counts for nothing), one rtdev serve survives a
// Vite restart and none outlives Vite, the plugin's config resolves with
// Vite 5, and the onboarding script's install = "npm" runs the app's
// devDependency. A hostile committed rtdev.toml (lan, bind, static and
// routes) under the plugin stays out of reach of a second network
// namespace the test plugs in as a device on the Wi-Fi (e2e/internal/netns).
//
// The package holds only tests; testdata/app is the Vite app's page.
package npm
