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
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(out)
	// Output:
	// {
	//   "scripts": {
	//     "peer": "peerjs --host 127.0.0.1 --port 9500 --path / --key peerjs --sslkey .rtdev/key.pem --sslcert .rtdev/cert.pem"
	//   }
	// }
}

func ExampleClosest() {
	fmt.Println(templates.Closest("ngnix", 3))
	// Output: [nginx]
}
