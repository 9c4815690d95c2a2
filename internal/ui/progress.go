package ui

import (
	"fmt"
	"sync"
	"time"
)

// Progress shows that something slow is under way (a certutil run, a
// browser start). On a terminal it draws a spinner on ErrOut; elsewhere it
// prints the message once so logs still say what was happening. The
// returned stop function clears the spinner and is safe to call twice.
func (s *IOStreams) Progress(msg string) (stop func()) {
	if !s.ColorErr() {
		fmt.Fprintf(s.ErrOut, "%s…\n", msg)
		return func() {}
	}
	st := s.StylesErr()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		frames := []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}
		tick := time.NewTicker(90 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			fmt.Fprintf(s.ErrOut, "\r%s %s", st.Hint.Render(frames[i%len(frames)]), msg)
			select {
			case <-done:
				fmt.Fprint(s.ErrOut, "\r\033[K")
				return
			case <-tick.C:
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done); wg.Wait() }) }
}
