// The demo page: plays the picked stream and polls /demo/stats.json once a
// second into the counters and the chart. window.demoState exposes the
// latest stats and the player state to browser tests.
(function () {
  'use strict';
  const span = 120; // most seconds of history on the chart (it starts at 20 and grows)
  const v = document.getElementById('v');
  const sel = document.getElementById('stream');
  const $ = function (id) { return document.getElementById(id); };
  const state = window.demoState = { stats: null, samples: [], fatal: null, stalls: 0, playing: false, lib: null };
  let current = null;

  function pct(x) { return (x * 100).toFixed(1) + '%'; }

  async function start(path) {
    if (current) { try { await current.destroy(); } catch (e) { /* ignore */ } current = null; }
    const lib = StreamedgePlayer.libFor(path);
    const src = new URL(path, location.href).href;
    state.fatal = null; state.playing = false; state.lib = lib;
    $('lib').textContent = lib === 'hls' ? 'hls.js' : 'shaka-player';
    $('url').textContent = src;
    $('state').textContent = 'loading…';
    history.replaceState(null, '', '?stream=' + encodeURIComponent(path));
    try {
      current = await StreamedgePlayer.play(v, lib, src, function (err) {
        state.fatal = err; $('state').textContent = 'fatal: ' + err;
      });
    } catch (e) {
      state.fatal = String(e.message || e); $('state').textContent = 'error: ' + state.fatal;
    }
  }

  v.addEventListener('playing', function () { state.playing = true; $('state').textContent = 'playing'; });
  v.addEventListener('waiting', function () { if (state.playing) { state.stalls++; $('state').textContent = 'buffering…'; } });
  sel.addEventListener('change', function () { start(sel.value); });

  async function poll() {
    try {
      const r = await fetch('/demo/stats.json', { cache: 'no-store' });
      if (!r.ok) throw new Error('HTTP ' + r.status);
      const s = await r.json();
      state.stats = s;
      $('hit-ratio').textContent = s.client_requests ? pct(s.hit_ratio) : '–';
      $('hit-detail').textContent = s.cache_hits + ' of ' + s.client_requests + ' client requests from cache';
      $('origin-offload').textContent = s.client_requests ? pct(s.origin_offload) : '–';
      $('origin-detail').textContent = s.origin_requests + ' origin requests' +
        (s.test_origin_requests !== undefined ? ' (origin counted ' + s.test_origin_requests + ')' : '');
      $('coalesced').textContent = String(s.coalesced);
      $('by-cache').textContent = 'by result: ' + Object.keys(s.by_cache).sort().map(function (k) {
        return k + ' ' + s.by_cache[k];
      }).join(', ');
      state.samples.push({ t: Date.now(), hit: s.hit_ratio, offload: s.origin_offload, coalesced: s.coalesced });
      while (state.samples.length > span + 5) state.samples.shift();
    } catch (e) {
      $('hit-detail').textContent = 'stats: ' + e.message;
    }
    const first = state.samples.length ? state.samples[0].t : Date.now();
    drawStatsChart($('chart'), state.samples, Math.max(20, Math.min(span, Math.ceil((Date.now() - first) / 1000))));
  }

  const want = new URLSearchParams(location.search).get('stream');
  if (want && Array.from(sel.options).some(function (o) { return o.value === want; })) sel.value = want;
  if (sel.value) start(sel.value);
  poll();
  setInterval(poll, 1000);
})();
