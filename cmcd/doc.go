// Package cmcd reads Common Media Client Data (CTA-5004) from player
// requests and keeps a bounded per-session view of it.
//
// In the request path (listener → cache key → store lookup → coalesced origin
// fetch → manifest policy → store → response) it sits beside the cache key:
// FromRequest reads the CMCD query argument and the CMCD-Request,
// CMCD-Object, CMCD-Status and CMCD-Session headers before the key is built
// (CMCD is never part of the key), Data.Log gives the compact access-log
// field, and a Tracker counts requests per session (LRU by sid, at most
// MaxSessions), with Prometheus collectors (requests by object type, buffer
// starvation flags) and a JSON view for the admin listener. Package edge
// calls Sent and then Tracker.ReadFrom per request (edge/cmcd.go) and logs
// Data.Log; serve mounts the view at /cmcd/sessions (README, "CMCD").
//
// Parsing follows CTA-5004's encoding: comma-separated key=value pairs,
// strings double-quoted with \" and \\ escapes, tokens and numbers bare, a
// true boolean as the key alone. Values of the wrong type are dropped and
// reported; the rest of the payload is still used. CMCD v2's inner lists
// (br=(3200 1600)) give their first item. Input is bounded (MaxPayloadBytes,
// MaxKeys, MaxStringBytes, MaxUnknown) and never panics (FuzzParse).
package cmcd
