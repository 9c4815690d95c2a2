package devserver_test

import (
	"context"
	"crypto/tls"
	"log"
	"log/slog"
	"net"
	"os"
	"os/signal"

	"github.com/rtdev/rtdev/devserver"
)

// A signaling server on https://localhost:9000 with the project certificate,
// reloaded when it is renewed; peerjs clients connect with
// new Peer({host: "localhost", port: 9000, path: "/", secure: true}).
func ExampleServer_Serve() {
	srv, err := devserver.New(devserver.Config{
		AllowOverride: true,
		Logger:        slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	if err != nil {
		log.Fatal(err)
	}
	certs, err := devserver.NewCertReloader(".rtdev/cert.pem", ".rtdev/key.pem")
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:9000")
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := srv.Serve(ctx, ln, &tls.Config{GetCertificate: certs.GetCertificate}, nil); err != nil {
		log.Fatal(err)
	}
}
