//go:build race

package resilience

// raceEnabled: the race detector allows at most 8128 live goroutines, so
// the load generator shares goroutines between connections beyond that.
const raceEnabled = true
