package segments

import (
	"math/bits"
	"sync"
)

// Buffers for encoded entries come in power-of-two size classes from 4 KiB
// to 8 MiB. A value larger than the top class gets an unpooled buffer, and a
// buffer is returned only to the class its capacity covers, so the pools
// never pin more than a bounded buffer per idle slot.
const (
	minClassShift = 12 // 4 KiB
	maxClassShift = 23 // 8 MiB
	numClasses    = maxClassShift - minClassShift + 1
)

type buffer struct{ b []byte }

// bufferPool is a set of size-classed pools; the zero value is ready.
type bufferPool struct {
	classes [numClasses]sync.Pool
}

// classFor returns the smallest class holding n bytes, or -1 if none does.
func classFor(n int) int {
	if n <= 1<<minClassShift {
		return 0
	}
	c := bits.Len(uint(n-1)) - minClassShift
	if c >= numClasses {
		return -1
	}
	return c
}

// bufferSize is the capacity get(n) returns.
func bufferSize(n int) int64 {
	if c := classFor(n); c >= 0 {
		return 1 << (c + minClassShift)
	}
	return int64(n)
}

// get returns a buffer with capacity ≥ n and length 0.
func (p *bufferPool) get(n int) *buffer {
	c := classFor(n)
	if c < 0 {
		return &buffer{b: make([]byte, 0, n)}
	}
	if v, ok := p.classes[c].Get().(*buffer); ok {
		v.b = v.b[:0]
		return v
	}
	return &buffer{b: make([]byte, 0, 1<<(c+minClassShift))}
}

// put returns buf to the largest class its capacity covers; buffers above
// the top class or below the bottom one are dropped.
func (p *bufferPool) put(buf *buffer) {
	n := cap(buf.b)
	if n < 1<<minClassShift || n > 1<<maxClassShift {
		return
	}
	c := bits.Len(uint(n)) - 1 - minClassShift
	buf.b = buf.b[:0]
	p.classes[c].Put(buf)
}
