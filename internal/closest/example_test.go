package closest_test

import (
	"fmt"

	"github.com/rtdev/rtdev/internal/closest"
)

func ExampleFind() {
	keys := []closest.Candidate{{Name: "port"}, {Name: "path"}, {Name: "key"}}
	fmt.Println(closest.Find("prot", 3, keys))
	// Output: [port]
}
