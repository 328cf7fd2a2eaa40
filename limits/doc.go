// Package limits protects the edge from abusive clients. It sits in front of
// the request path (listener → cache key → store → coalesced fill → response)
// in two places:
//
//   - at the listener (Listener): a cap on concurrent client connections in
//     all and per client IP. A connection beyond either cap is answered
//     "503 Service Unavailable" (Connection: close, Retry-After: 1) written
//     straight on the socket and closed, before net/http spends a goroutine
//     or a header buffer on it. The per-IP cap keeps one slowloris source
//     from holding the whole pool while ReadHeaderTimeout drops its
//     connections.
//   - at the front of the handler (Handler), before the cache key is built:
//     request-target length (414), header bytes (431), per-IP request rate
//     (429 with Retry-After), CONNECT and TRACE (405), and message framing
//     that could desynchronise a proxy chain (400, connection closed).
//
// Framing: net/http already rejects what it cannot frame unambiguously
// (differing duplicate Content-Length: 400; any Transfer-Encoding but a single
// "chunked": 501) and, when a request carries both Transfer-Encoding: chunked
// and Content-Length, deletes the Content-Length before a handler sees it
// (RFC 9112 §6.3). Handler therefore refuses every GET or HEAD that carries a
// body at all, which covers that case on the cacheable path, and still refuses
// both headers together should another server put them through. A refused
// request with a body has its connection closed at once, without reading the
// body, and a chunked request on another method is served and its connection
// then closed, so no byte after a body is ever parsed as a further request and
// a trickled body cannot hold a connection. Fills never carry a client's body
// or headers and the pass-through proxy re-frames what it forwards, so the
// origin only ever sees requests the edge composed.
//
// On the fasthttp front end FastHandler applies the same checks with the
// same answers and metrics (fast.go). fasthttp's parser differs from
// net/http's (it lets Transfer-Encoding drop Content-Length, does not unfold
// obs-fold lines, reads a body before the handler), so the framing check
// reads the raw request head as net/http would (fastparse.go), a GET or HEAD
// announcing a body is refused before its body is read (FastHeaderReceived),
// and what fasthttp cannot parse gets net/http's statuses (FastErrorHandler).
//
// The client is the peer address of the connection (the edge is the first
// hop; forwarding headers are not trusted). IPv6 clients are counted per /64,
// the block one subscriber typically holds. Per-IP state lives in one bounded
// table per Listener or Handler (MaxTrackedIPs, least recently used evicted
// first, idle entries first of all) and is expired lazily as the table is
// used: there is no goroutine per IP and no janitor to stop.
package limits
