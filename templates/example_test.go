package templates_test

import (
	"fmt"

	"github.com/rtdev/rtdev/templates"
)

func ExampleRender() {
	out, err := templates.Render("peerjs-server", templates.Data{
		ProjectDir: "/home/dev/chat app",
		CertFile:   "/home/dev/chat app/.rtdev/cert.pem",
		KeyFile:    "/home/dev/chat app/.rtdev/key.pem",
		Relative:   true, // peerjs-server reads them from the project folder
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(out)
	// Output:
	// # rtdev: peerjs-server (npm peer) CLI over HTTPS. Goes in package.json "peer" script; made by `rtdev snippet peerjs-server`.
	// # The same settings as `rtdev serve`, for the npm `peer` server. --sslkey and
	// # --sslcert go together (one alone exits) and are read from the working folder;
	// # there is no flag for a CA or chain.
	// peerjs --host 127.0.0.1 --port 9000 --path / --key peerjs \
	//   --sslkey .rtdev/key.pem \
	//   --sslcert .rtdev/cert.pem
}

func ExampleClosest() {
	fmt.Println(templates.Closest("ngnix", 3))
	// Output: [nginx]
}
