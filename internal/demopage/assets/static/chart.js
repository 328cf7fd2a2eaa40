// drawStatsChart draws samples [{t, hit, offload, coalesced}] on a canvas:
// hit ratio and origin offload as percentages (left axis, 0-100 %) and the
// cumulative coalesced count (right axis, 0-max). Plain canvas 2D, no library.
(function () {
  'use strict';
  const colors = { hit: '#3fb950', offload: '#f0883e', coalesced: '#58a6ff', grid: '#2a2f36', text: '#8b949e' };

  function drawStatsChart(canvas, samples, spanSeconds) {
    const ctx = canvas.getContext('2d');
    const W = canvas.width, H = canvas.height;
    const L = 36, R = 40, T = 10, B = 20; // plot margins
    const pw = W - L - R, ph = H - T - B;
    ctx.clearRect(0, 0, W, H);
    ctx.font = '10px sans-serif';
    ctx.lineWidth = 1;
    // Left axis grid: 0, 25, 50, 75, 100 %.
    for (let p = 0; p <= 100; p += 25) {
      const y = T + ph - (p / 100) * ph;
      ctx.strokeStyle = colors.grid;
      ctx.beginPath(); ctx.moveTo(L, y); ctx.lineTo(L + pw, y); ctx.stroke();
      ctx.fillStyle = colors.text;
      ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
      ctx.fillText(p + '%', L - 4, y);
    }
    const now = samples.length ? samples[samples.length - 1].t : Date.now();
    const t0 = now - spanSeconds * 1000;
    const x = function (t) { return L + ((t - t0) / (spanSeconds * 1000)) * pw; };
    // Time axis labels.
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    for (let s = spanSeconds; s >= 0; s -= spanSeconds / 4) {
      ctx.fillText(s === 0 ? 'now' : '-' + Math.round(s) + 's', x(now - s * 1000), T + ph + 4);
    }
    let cmax = 1;
    samples.forEach(function (s) { if (s.coalesced > cmax) cmax = s.coalesced; });
    cmax = niceMax(cmax);
    ctx.textAlign = 'left'; ctx.textBaseline = 'middle'; ctx.fillStyle = colors.coalesced;
    ctx.fillText(String(cmax), L + pw + 4, T);
    ctx.fillText('0', L + pw + 4, T + ph);
    const visible = samples.filter(function (s) { return s.t >= t0; });
    line(ctx, visible, x, function (s) { return T + ph - s.hit * ph; }, colors.hit);
    line(ctx, visible, x, function (s) { return T + ph - Math.min(s.offload, 1) * ph; }, colors.offload);
    line(ctx, visible, x, function (s) { return T + ph - (s.coalesced / cmax) * ph; }, colors.coalesced);
  }

  function line(ctx, samples, x, y, color) {
    if (!samples.length) return;
    ctx.strokeStyle = color; ctx.lineWidth = 2;
    ctx.beginPath();
    samples.forEach(function (s, i) { if (i === 0) ctx.moveTo(x(s.t), y(s)); else ctx.lineTo(x(s.t), y(s)); });
    ctx.stroke();
    if (samples.length === 1) { ctx.fillStyle = color; ctx.fillRect(x(samples[0].t) - 2, y(samples[0]) - 2, 4, 4); }
  }

  function niceMax(v) {
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  window.drawStatsChart = drawStatsChart;
})();
