package devserver_test

import (
	"context"
	"crypto/tls"
	"errors"
	"log"
	"log/slog"
	"net"
	"os"
	"os/signal"

	"github.com/rtdev/rtdev/devserver"
	"github.com/rtdev/rtdev/internal/tlsserve"
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
	certs, err := tlsserve.NewCertReloader(".rtdev/cert.pem", ".rtdev/key.pem")
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

// One instance of a cluster: start the same program on another port (or
// machine) with the same Redis, path and key, and a peer on either reaches
// a peer on the other. New fails with a *ClusterError when Redis cannot be
// reached.
func ExampleConfig_cluster() {
	srv, err := devserver.New(devserver.Config{
		ClusterURL:      "redis://127.0.0.1:6379/0",
		ClusterPassword: os.Getenv("REDIS_PASSWORD"),
		Logger:          slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	var ce *devserver.ClusterError
	if errors.As(err, &ce) {
		log.Fatalf("%v: is redis-server running?", err)
	}
	if err != nil {
		log.Fatal(err)
	}
	// Serve as in the Serve example; Shutdown (which Serve calls) stops the
	// broker.
	_ = srv.Shutdown(context.Background())
}
