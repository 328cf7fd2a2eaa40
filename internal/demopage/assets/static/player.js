// StreamedgePlayer plays a stream in a <video> with hls.js (HLS) or
// shaka-player (DASH), loading the library from /demo/vendor/ on first use.
// hls.js is always used for HLS, even though Chromium can play HLS
// natively: native playback would bypass the XHR path the edge must serve.
(function () {
  'use strict';
  const libs = { hls: '/demo/vendor/hls.min.js', shaka: '/demo/vendor/shaka-player.compiled.js' };
  const loading = {};

  function loadLib(lib) {
    if (!libs[lib]) return Promise.reject(new Error('unknown lib ' + lib + ' (want hls or shaka)'));
    if (!loading[lib]) {
      loading[lib] = new Promise(function (resolve, reject) {
        const s = document.createElement('script');
        s.src = libs[lib];
        s.onload = resolve;
        s.onerror = function () {
          delete loading[lib];
          reject(new Error(libs[lib] + ' did not load: run `make demo` to install the player libraries'));
        };
        document.head.appendChild(s);
      });
    }
    return loading[lib];
  }

  // libFor picks the library for a stream path: DASH manifests play with shaka.
  function libFor(path) { return /\.mpd(\?|$)/.test(path) ? 'shaka' : 'hls'; }

  // play starts src in video and resolves to { lib, destroy() }. onFatal is
  // called with a short description of any fatal player error.
  async function play(video, lib, src, onFatal) {
    await loadLib(lib);
    if (lib === 'hls') {
      if (!Hls.isSupported()) throw new Error('hls.js: MediaSource not supported');
      const hls = new Hls({ enableWorker: true });
      hls.on(Hls.Events.ERROR, function (e, d) { if (d.fatal) onFatal('hls.js ' + d.type + ': ' + d.details); });
      hls.loadSource(src);
      hls.attachMedia(video);
      video.play().catch(function () {});
      return { lib: lib, destroy: function () { hls.destroy(); return Promise.resolve(); } };
    }
    shaka.polyfill.installAll();
    if (!shaka.Player.isBrowserSupported()) throw new Error('shaka: browser not supported');
    const player = new shaka.Player();
    await player.attach(video);
    player.addEventListener('error', function (ev) {
      if (ev.detail && ev.detail.severity === 2) onFatal('shaka error ' + ev.detail.code);
    });
    try {
      await player.load(src);
    } catch (e) {
      onFatal('shaka load error ' + (e && e.code !== undefined ? e.code : e));
    }
    video.play().catch(function () {});
    return { lib: lib, destroy: function () { return player.destroy(); } };
  }

  window.StreamedgePlayer = { play: play, libFor: libFor, loadLib: loadLib };
})();
