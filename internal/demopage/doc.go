// Package demopage is the browser side of `streamedge demo`: under /demo/ it
// serves a page that plays the demo streams through the edge (hls.js for
// HLS, shaka-player for DASH) next to live counters of the edge's hit ratio,
// origin offload and coalesced requests, with a small chart of them over
// time.
//
//	/demo/                              the demo page (stream picker, player, counters, chart)
//	/demo/stats.json                    Stats, from the edge's typed counters (edge.Stats)
//	/demo/player.html?lib=hls|shaka&src=URL
//	                                    a bare player for browser tests: window.fatal,
//	                                    window.stalls and the <video id="v"> element
//	/demo/vendor/hls.min.js             hls.js, from Config.AssetsDir
//	/demo/vendor/shaka-player.compiled.js
//
// The HTML and JavaScript are embedded; the two player libraries are not.
// They are read from Config.AssetsDir (player-test/browser/node_modules,
// which `make demo` installs with npm ci). When they are missing the pages
// and the vendor URLs say so instead of failing silently.
//
// Stats.HitRatio counts responses served from the cache (hit, refresh_hit,
// stale) over all client requests; coalesced requests (followers of another
// request's origin fetch) are counted separately. Stats.OriginOffload is
// what CDN users mean by origin offload: the share of client requests the
// origin was spared, 1 − origin requests ÷ client requests (fills and
// pass-through both reach the origin), so higher is better.
package demopage
