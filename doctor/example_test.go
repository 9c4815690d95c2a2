package doctor_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/rtdev/rtdev/doctor"
)

// A plain-HTTP server probed as https:// is the ERR_SSL_PROTOCOL_ERROR case.
func ExampleProbe() {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	target := strings.Replace(srv.URL, "http://", "https://", 1)

	report := doctor.NewReport(doctor.Probe(context.Background(), target, doctor.ProbeOptions{}))
	for _, f := range report.Findings {
		fmt.Println(f.ID, f.Severity)
	}
	fmt.Println("problems:", report.Problems)
	// Output:
	// tls-plain-http error
	// problems: 1
}

func ExampleParseTarget() {
	t, _ := doctor.ParseTarget("localhost:9000")
	fmt.Println(t, t.TLS(), t.WebSocket())
	t, _ = doctor.ParseTarget("ws://127.0.0.1:8080/socket")
	fmt.Println(t, t.TLS(), t.WebSocket())
	// Output:
	// https://localhost:9000/ true false
	// ws://127.0.0.1:8080/socket false true
}
