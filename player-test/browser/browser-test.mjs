// browser-test.mjs: real browsers through the streamedge edge.
//
// Starts the demo on free loopback ports as `make demo` does, as separate
// processes: `bin/player-test origin` (the test origin) and `bin/streamedge
// demo -origin URL` (the edge with the demo page) in front of it; and a
// second such pair whose origin sends Cache-Control: max-age=3600 on live
// playlists (`player-test origin -live-max-age 1h`). Launches Debian's
// /usr/bin/chromium headless through playwright-core (no browser download;
// the browser's HTTP cache stays on, as for any viewer) and checks, each in
// a fresh page:
//   (a) live HLS (TS) with hls.js    through the edge for PLAY_SECONDS (20)
//   (b) live DASH with shaka-player  through the edge for PLAY_SECONDS
//   (c) live HLS (TS) with hls.js    through the edge, origin max-age=3600
//       on playlists: the edge must tell the browser the clamped lifetime,
//       or the browser's cache answers every reload with the first
//       playlist and playback stops at its end
//   (d) the demo page (/demo/), plus a second viewer of the same stream,
//       for DEMO_SECONDS (8): the counters show a hit ratio > 0; saves a
//       screenshot in the temp dir.
//   (f) live HLS (TS) with hls.js    through the edge over HTTPS, for
//       PLAY_SECONDS: a third pair whose edge also listens on -tls-listen
//       with a self-signed P-256 certificate made by openssl in the temp
//       dir (-tls-cert/-tls-key) and writes its access log to the temp dir
//       (-access-log); the page and the stream come from https://127.0.0.1
//       (browser context with ignoreHTTPSErrors). Passes as (a) does and
//       when every manifest and segment load has nextHopProtocol "h2"
//       (Resource Timing) and the edge's access log has those requests
//       with "proto":"HTTP/2.0" and none over another protocol. Chromium
//       runs with --disable-quic, so HTTP/3 (which the edge advertises
//       with Alt-Svc) is not tested here.
//   (g) live HLS (TS) with hls.js    cross-origin through `streamedge serve
//       -config` with a response headers policy (CORS=only runs nothing
//       else): the page is on the test origin (http://127.0.0.1:PORT/time),
//       the stream on the edge; the policy allows that page origin, removes
//       the origin's own Access-Control-Allow-Origin: * and lists
//       X-Playback-Session-Id, which the test origin's own preflight answer
//       does not. Passes when hls.js plays (as (a), for half of
//       PLAY_SECONDS), a fetch with X-Playback-Session-Id succeeds (its
//       preflight answered by the edge: "cache":"preflight" in its access
//       log), and the same page from http://localhost:PORT (an origin the
//       policy does not allow) gets a fatal hls.js network error.
// (a)-(c) and (f) pass when playback starts, currentTime advances at least
// MIN_ADVANCE (14) seconds in PLAY_SECONDS of wall time and the player
// reports no fatal error; stalls ('waiting' after playback started) are
// reported. Prints one line per case and `N passed, M failed`; exits 1 on
// any failure. The processes and the browser are always stopped.
//
//   (e) live LL-HLS with hls.js lowLatencyMode (/live/llhls/master.m3u8) in
//       two pages at once for LL_PLAY_SECONDS (15): through the demo edge of
//       (a) and straight from its test origin. Each passes as (a) does
//       (advance >= LL_MIN_ADVANCE, 0.7 x the play time) and when hls.js
//       loaded parts (seg_N.part_K.m4s) with blocking reloads (_HLS_msn);
//       the case passes when hls.js's latency to the live edge (median of
//       hls.latency, sampled every 0.5 s) is < LL_MAX_LATENCY (3.5) s through
//       the edge and at most LL_MAX_GAP (1.5) s above the direct page's.
//       Both medians, their difference, liveSyncPosition − currentTime and
//       whether issue 12's tighter targets (< 3 s, <= 0.5 s) were met are
//       printed. LLHLS=only runs nothing else (on a pair of its own);
//       LLHLS=0 leaves it out.
// Usage (from anywhere; run.sh installs chromium and node_modules first):
//   node player-test/browser/browser-test.mjs
// Environment: STREAMEDGE_BIN (default <repo>/bin/streamedge), PLAYER_TEST_BIN
// (default <repo>/bin/player-test), CHROMIUM (default /usr/bin/chromium),
// PLAY_SECONDS, MIN_ADVANCE, DEMO_SECONDS, LLHLS, LL_PLAY_SECONDS, LL_MIN_ADVANCE,
// LL_MAX_LATENCY, LL_MAX_GAP, CORS. (f) needs openssl on PATH.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const bin = process.env.STREAMEDGE_BIN || path.join(root, 'bin', 'streamedge');
const playerTestBin = process.env.PLAYER_TEST_BIN || path.join(root, 'bin', 'player-test');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const playSeconds = Number(process.env.PLAY_SECONDS || 20);
const minAdvance = Number(process.env.MIN_ADVANCE || playSeconds * 0.7);
const demoSeconds = Number(process.env.DEMO_SECONDS || 8);
// (e) LL-HLS: play time, and the limits on hls.js's latency to the live
// edge (median of hls.latency): through the edge, and its excess over the
// origin played directly at the same time.
const llSeconds = Number(process.env.LL_PLAY_SECONDS || 15);
const llMinAdvance = Number(process.env.LL_MIN_ADVANCE || llSeconds * 0.7);
// Issue 12's targets are < 3 s and <= 0.5 s; the asserted defaults are
// looser because the edge may answer hls.js's first (non-blocking) playlist
// from its copy, up to the origin's max-age=1 old (one or two parts behind),
// and hls.js (no catch-up by default) keeps that offset: observed gaps
// +0.24 to +0.47 s, up to about 1 s possible. The log says whether the
// issue's targets were met.
const llMaxLatency = Number(process.env.LL_MAX_LATENCY || 3.5);
const llMaxGap = Number(process.env.LL_MAX_GAP || 1.5);
const llTargetLatency = 3;
const llTargetGap = 0.5;
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required'];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamedge-browser-'));
const results = [];
const procs = []; // every process started, stopped in reverse order
const originOf = new Map(); // demo edge base URL → its test origin's
let browser = null;

function log(...a) { console.log(...a); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// start runs bin with args, logging to <tmp>/<name>.log; resolves once
// probe (a URL) answers 200.
async function start(name, file, args, probe) {
  if (!fs.existsSync(file)) throw new Error(`${file} not found: run make build (or make test-browser)`);
  const logPath = path.join(tmp, `${name}.log`);
  const out = fs.openSync(logPath, 'w');
  const p = spawn(file, args, { cwd: root, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  procs.push(p);
  let exited = null;
  p.on('exit', (code, sig) => { exited = `exited (${sig || code})`; });
  const deadline = Date.now() + 20000;
  for (;;) {
    if (exited) throw new Error(`${name} ${exited}; see ${logPath}:\n${fs.readFileSync(logPath, 'utf8').slice(-2000)}`);
    try {
      const r = await fetch(probe);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`${name} did not answer ${probe} within 20 s; see ${logPath}`);
    await sleep(200);
  }
  return logPath;
}

// startDemo starts a test origin (with originArgs) and the demo edge in
// front of it; resolves to the edge's base URL. edgeArgs are added to the
// edge's command line.
async function startDemo(name, originArgs, edgeArgs = []) {
  const [originPort, port, adminPort] = [await freePort(), await freePort(), await freePort()];
  const origin = `http://127.0.0.1:${originPort}`;
  await start(`${name}-origin`, playerTestBin, ['origin', '-listen', `127.0.0.1:${originPort}`, ...originArgs], `${origin}/_stats`);
  const base = `http://127.0.0.1:${port}`;
  const logPath = await start(`${name}-edge`, bin, ['demo', '-origin', origin, '-listen', `127.0.0.1:${port}`,
    '-admin', `127.0.0.1:${adminPort}`, '-drain-timeout', '2s', ...edgeArgs], `${base}/demo/stats.json`);
  log(`${name}: edge ${base} (admin 127.0.0.1:${adminPort}, log ${logPath}) in front of origin ${origin} ${originArgs.join(' ')}`);
  originOf.set(base, origin);
  return base;
}

// startTLSDemo starts a pair whose edge also serves HTTPS on a free port
// with a self-signed certificate for 127.0.0.1 made in the temp dir, and
// writes its access log there; resolves to { base (https), accessLog }.
async function startTLSDemo(name) {
  const cert = path.join(tmp, 'tls-cert.pem');
  const key = path.join(tmp, 'tls-key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const tlsPort = await freePort();
  const accessLog = path.join(tmp, `${name}-access.log`);
  await startDemo(name, [], ['-tls-listen', `127.0.0.1:${tlsPort}`, '-tls-cert', cert, '-tls-key', key, '-access-log', accessLog]);
  const base = `https://127.0.0.1:${tlsPort}`;
  log(`${name}: HTTPS ${base} (access log ${accessLog})`);
  return { base, accessLog };
}

// protoCheck reads, after a case over HTTPS, the protocol of each manifest
// and segment load on both sides: the page's Resource Timing
// nextHopProtocol and the edge's access-log "proto" field.
async function protoCheck(page, accessLog) {
  const stream = /\.(m3u8|mpd|ts|m4s|mp4)(\?|$)/;
  const hops = await page.evaluate((src) => {
    const re = new RegExp(src);
    const c = {};
    for (const r of performance.getEntriesByType('resource')) {
      if (re.test(r.name)) c[r.nextHopProtocol || '(empty)'] = (c[r.nextHopProtocol || '(empty)'] || 0) + 1;
    }
    return c;
  }, stream.source);
  const logged = {};
  for (const line of fs.readFileSync(accessLog, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let e;
    try { e = JSON.parse(line); } catch { continue; }
    if (!stream.test(e.uri || '')) continue;
    logged[e.proto] = (logged[e.proto] || 0) + 1;
  }
  const fmt = (c) => Object.entries(c).map(([k, v]) => `${v} ${k}`).join(', ') || 'none';
  const why = [];
  if (!hops.h2 || Object.keys(hops).length !== 1) why.push(`browser nextHopProtocol: ${fmt(hops)}`);
  if (!logged['HTTP/2.0'] || Object.keys(logged).length !== 1) why.push(`access log proto: ${fmt(logged)}`);
  return { detail: `stream loads by nextHopProtocol: ${fmt(hops)}; edge access log: ${fmt(logged)}`, why };
}

async function stop(p) {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const done = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  if (await Promise.race([done.then(() => true), sleep(8000).then(() => false)])) return;
  p.kill('SIGKILL');
  await done;
}

async function newPage(viewport, extra = {}) {
  const page = await browser.newPage({ viewport, ...extra });
  const notes = { pageErrors: [], consoleErrors: [] };
  page.on('pageerror', (e) => notes.pageErrors.push(String(e.message || e)));
  page.on('console', (m) => { if (m.type() === 'error') notes.consoleErrors.push(m.text()); });
  return { page, notes };
}

// videoState reads what the checks need from the page's <video id="v">.
function videoState(page) {
  return page.evaluate(() => {
    const v = document.getElementById('v');
    const q = v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality() : {};
    const d = window.demoState || {};
    return { t: v.currentTime, w: v.videoWidth, h: v.videoHeight, rs: v.readyState,
      fatal: window.fatal || d.fatal || null, stalls: window.stalls ?? d.stalls ?? 0, waits: window.waits ?? 0,
      frames: q.totalVideoFrames || 0, dropped: q.droppedVideoFrames || 0 };
  });
}

// waitStart waits until currentTime > 0 (or a fatal error); resolves to the
// startup time in seconds.
async function waitStart(page, t0, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await videoState(page);
    if (s.fatal) throw new Error(`fatal player error before playback: ${s.fatal}`);
    if (s.t > 0) return (Date.now() - t0) / 1000;
    if (Date.now() > deadline) throw new Error(`playback did not start within ${timeoutMs / 1000} s (readyState ${s.rs})`);
    await sleep(100);
  }
}

// playCase plays src with lib in /demo/player.html for playSeconds. With
// accessLog (an HTTPS base), it also checks the loads went over h2.
async function playCase(base, name, lib, streamPath, shot = lib, accessLog = null) {
  const { page, notes } = await newPage({ width: 640, height: 360 }, accessLog ? { ignoreHTTPSErrors: true } : {});
  try {
    const src = base + streamPath;
    const start = Date.now();
    await page.goto(`${base}/demo/player.html?lib=${lib}&src=${encodeURIComponent(src)}`);
    const startup = await waitStart(page, start, 20000);
    const first = await videoState(page);
    const w0 = Date.now();
    let last = first;
    while (Date.now() - w0 < playSeconds * 1000) {
      await sleep(1000);
      last = await videoState(page);
      if (last.fatal) break;
    }
    const wall = (Date.now() - w0) / 1000;
    const adv = last.t - first.t;
    // Playlist loads the browser answered from its HTTP cache (no bytes
    // transferred): evidence that the cache is on and what it kept.
    const pl = await page.evaluate(() => {
      const e = performance.getEntriesByType('resource').filter((r) => /\.(m3u8|mpd)(\?|$)/.test(r.name));
      return { loads: e.length, cached: e.filter((r) => r.transferSize === 0).length };
    });
    await page.screenshot({ path: path.join(tmp, `${shot}.png`) });
    const proto = accessLog ? await protoCheck(page, accessLog) : { detail: '', why: [] };
    const detail = `advanced ${adv.toFixed(1)} s in ${wall.toFixed(1)} s (min ${minAdvance}), startup ${startup.toFixed(1)} s, ` +
      `stalls ${last.stalls}, ${last.w}x${last.h}, dropped ${last.dropped}/${last.frames} frames, ` +
      `${pl.loads} manifest loads (${pl.cached} from the browser cache)` +
      (notes.consoleErrors.length ? `, ${notes.consoleErrors.length} console errors (first: ${notes.consoleErrors[0]})` : '') +
      (proto.detail ? `; ${proto.detail}` : '');
    const why = [...proto.why];
    if (last.fatal) why.push(`fatal: ${last.fatal}`);
    if (adv < minAdvance) why.push(`currentTime advanced only ${adv.toFixed(1)} s`);
    if (notes.pageErrors.length) why.push(`page error: ${notes.pageErrors[0]}`);
    return { name, ok: why.length === 0, detail: why.length ? `${why.join('; ')} (${detail})` : detail };
  } finally {
    await page.close();
  }
}

// demoCase opens the demo page and a second viewer of the page's stream, so
// the edge serves that viewer's segments from its cache.
async function demoCase(base) {
  const name = 'demo page (/demo/, live HLS TS + a second viewer)';
  const stream = '/live/hls_ts/master.m3u8';
  const { page, notes } = await newPage({ width: 1200, height: 720 });
  const viewer = await newPage({ width: 320, height: 180 });
  try {
    const start = Date.now();
    await page.goto(`${base}/demo/?stream=${encodeURIComponent(stream)}`);
    const startup = await waitStart(page, start, 20000);
    await viewer.page.goto(`${base}/demo/player.html?lib=hls&src=${encodeURIComponent(base + stream)}`);
    await sleep(demoSeconds * 1000);
    const v = await videoState(page);
    const ui = await page.evaluate(() => ({
      hit: document.getElementById('hit-ratio').textContent,
      offload: document.getElementById('origin-offload').textContent,
      coalesced: document.getElementById('coalesced').textContent,
      samples: window.demoState.samples.length,
      stats: window.demoState.stats,
      vendorMissing: !!document.getElementById('vendor-missing'),
    }));
    const shot = path.join(tmp, 'demo-page.png');
    await page.screenshot({ path: shot });
    const s = ui.stats || {};
    const detail = `hit ratio ${ui.hit}, origin offload ${ui.offload}, coalesced ${ui.coalesced} ` +
      `(${s.client_requests} client / ${s.origin_requests} origin requests, test origin counted ${s.test_origin_requests}), ` +
      `${ui.samples} chart samples, video t=${v.t.toFixed(1)} startup ${startup.toFixed(1)} s; screenshot ${shot}`;
    const why = [];
    if (ui.vendorMissing) why.push('page says the player libraries are missing');
    if (!(parseFloat(ui.hit) > 0)) why.push(`hit ratio shown is ${ui.hit}`);
    if (v.fatal) why.push(`fatal: ${v.fatal}`);
    if (!(v.t > 0)) why.push('video not playing');
    if (ui.samples < 2) why.push('chart has no samples');
    if (notes.pageErrors.length) why.push(`page error: ${notes.pageErrors[0]}`);
    return { name, ok: why.length === 0, detail: why.length ? `${why.join('; ')} (${detail})` : detail };
  } finally {
    await viewer.page.close();
    await page.close();
  }
}

// startOrigin starts a bare test origin; resolves to its base URL.
async function startOrigin(name) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const logPath = await start(name, playerTestBin, ['origin', '-listen', `127.0.0.1:${port}`], `${origin}/_stats`);
  log(`${name}: test origin ${origin} (log ${logPath})`);
  return origin;
}

const quantile = (xs, q) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

// llhlsPage opens a page on base (the edge, or the test origin itself;
// /time is a page of the origin either way, so the stream is same-origin)
// and plays base's LL-HLS stream with hls.js in lowLatencyMode (hls.js added
// from node_modules). Every 0.5 s once playing it samples hls.latency
// (hls.js's estimate of the distance to the live edge) and
// liveSyncPosition − currentTime.
async function llhlsPage(base) {
  const { page, notes } = await newPage({ width: 640, height: 360 });
  const failed = []; // stream responses >= 400 (the page's favicon excluded)
  page.on('response', (resp) => { if (resp.status() >= 400 && !/favicon/.test(resp.url())) failed.push(`${resp.status()} ${resp.url()}`); });
  await page.goto(`${base}/time`);
  await page.setContent('<!doctype html><video id="v" muted autoplay playsinline></video>');
  await page.addScriptTag({ path: path.join(here, 'node_modules', 'hls.js', 'dist', 'hls.min.js') });
  const start = Date.now();
  await page.evaluate((src) => {
    Object.assign(window, { fatal: null, stalls: 0, waits: 0, playing: false, lat: [], sync: [] });
    const v = document.getElementById('v');
    const hls = new Hls({ lowLatencyMode: true });
    hls.on(Hls.Events.ERROR, (_, d) => { if (d.fatal) window.fatal = `${d.type}: ${d.details}`; });
    hls.loadSource(src);
    hls.attachMedia(v);
    v.addEventListener('playing', () => { window.playing = true; });
    v.addEventListener('waiting', () => { window.waits++; if (window.playing) window.stalls++; });
    setInterval(() => {
      if (!window.playing) return;
      if (hls.latency > 0) window.lat.push(hls.latency);
      if (hls.liveSyncPosition != null) window.sync.push(hls.liveSyncPosition - v.currentTime);
    }, 500);
  }, `${base}/live/llhls/master.m3u8`);
  return { page, notes, failed, start };
}

// llhlsResult reads a page's figures after llSeconds of play.
async function llhlsResult(p, first, last, startup) {
  const r = await p.page.evaluate(() => {
    const e = performance.getEntriesByType('resource').map((x) => x.name);
    return { lat: window.lat, sync: window.sync, parts: e.filter((n) => /\.part_\d+\.m4s/.test(n)).length,
      blocking: e.filter((n) => /_HLS_msn=/.test(n)).length, skip: e.filter((n) => /_HLS_skip=/.test(n)).length };
  });
  const adv = last.t - first.t;
  const p50 = quantile(r.lat, 0.5), p95 = quantile(r.lat, 0.95), sync50 = quantile(r.sync, 0.5);
  const detail = `advanced ${adv.toFixed(1)} s (min ${llMinAdvance}), startup ${startup.toFixed(1)} s, stalls ${last.stalls}, ` +
    `hls.latency p50 ${p50.toFixed(2)} s p95 ${p95.toFixed(2)} s, liveSyncPosition − currentTime p50 ${sync50.toFixed(2)} s ` +
    `(${r.lat.length} samples), ${r.parts} part loads, ${r.blocking} blocking reloads, ${r.skip} delta updates, ` +
    `${p.failed.length} failed stream requests${p.failed.length ? ` (first: ${p.failed[0]})` : ''}` +
    (p.notes.consoleErrors.length ? `, ${p.notes.consoleErrors.length} console errors (first: ${p.notes.consoleErrors[0]})` : '');
  const why = [];
  if (last.fatal) why.push(`fatal: ${last.fatal}`);
  if (adv < llMinAdvance) why.push(`currentTime advanced only ${adv.toFixed(1)} s`);
  if (!r.parts || !r.blocking) why.push('no part loads or no blocking reloads');
  if (p.failed.length) why.push(`${p.failed.length} stream requests failed (first: ${p.failed[0]})`);
  if (p.notes.pageErrors.length) why.push(`page error: ${p.notes.pageErrors[0]}`);
  return { p50, p95, sync50, detail, why };
}

// llhlsCase (e) plays the LL-HLS stream in two pages at once, one through
// the edge at edgeBase and one straight from its origin, for llSeconds, and
// compares hls.js's latency to the live edge (median of hls.latency).
async function llhlsCase(edgeBase, origin, name) {
  const pages = [await llhlsPage(edgeBase), await llhlsPage(origin)];
  try {
    const startups = await Promise.all(pages.map((p) => waitStart(p.page, p.start, 20000)));
    const firsts = await Promise.all(pages.map((p) => videoState(p.page)));
    let lasts = firsts;
    for (const w0 = Date.now(); Date.now() - w0 < llSeconds * 1000;) {
      await sleep(1000);
      lasts = await Promise.all(pages.map((p) => videoState(p.page)));
      if (lasts.some((l) => l.fatal)) break;
    }
    const [edge, direct] = await Promise.all(pages.map((p, i) => llhlsResult(p, firsts[i], lasts[i], startups[i])));
    await pages[0].page.screenshot({ path: path.join(tmp, 'hls-llhls.png') });
    const gap = edge.p50 - direct.p50;
    const why = [...edge.why.map((w) => `edge: ${w}`), ...direct.why.map((w) => `direct: ${w}`)];
    if (!(edge.p50 < llMaxLatency)) why.push(`latency through the edge p50 ${edge.p50} s (limit ${llMaxLatency} s)`);
    if (!(gap <= llMaxGap)) why.push(`through the edge ${gap.toFixed(2)} s more than direct (limit ${llMaxGap} s)`);
    const tight = edge.p50 < llTargetLatency && gap <= llTargetGap;
    const detail = `hls.js latency to the live edge p50: edge ${edge.p50.toFixed(2)} s, direct ${direct.p50.toFixed(2)} s, ` +
      `edge − direct ${gap >= 0 ? '+' : ''}${gap.toFixed(2)} s (asserted: edge < ${llMaxLatency} s, gap ≤ ${llMaxGap} s; ` +
      `issue 12 targets edge < ${llTargetLatency} s and gap ≤ ${llTargetGap} s: ${tight ? 'met' : 'MISSED'}); ` +
      `through the edge: ${edge.detail}; direct: ${direct.detail}`;
    return { name, ok: why.length === 0, detail: why.length ? `${why.join('; ')} (${detail})` : detail };
  } finally {
    for (const p of pages) await p.page.close();
  }
}

// startConfigEdge starts `streamedge serve -config` in front of origin with
// a CORS response headers policy allowing pageOrigin; resolves to
// { base, accessLog }.
async function startConfigEdge(name, origin, pageOrigin) {
  const [port, adminPort] = [await freePort(), await freePort()];
  const cfg = path.join(tmp, `${name}.yaml`);
  fs.writeFileSync(cfg, `origins:
  test: {url: "${origin}"}
default_behavior:
  origin: test
  allowed_methods: [GET, HEAD, OPTIONS]
  response_headers_policy: player
response_headers_policies:
  player:
    cors:
      allow_origins: ["${pageOrigin}"]
      allow_headers: [Range, X-Playback-Session-Id]
      expose_headers: [Content-Length, Content-Range, Age, X-Cache]
      max_age: 10m
    remove_headers: [Access-Control-Allow-Origin, Access-Control-Expose-Headers]
`);
  const base = `http://127.0.0.1:${port}`;
  const accessLog = path.join(tmp, `${name}-access.log`);
  const logPath = await start(name, bin, ['serve', '-config', cfg, '-listen', `127.0.0.1:${port}`,
    '-admin', `127.0.0.1:${adminPort}`, '-access-log', accessLog, '-drain-timeout', '2s'], `http://127.0.0.1:${adminPort}/healthz`);
  log(`${name}: edge ${base} -config ${cfg} (log ${logPath}, access log ${accessLog})`);
  return { base, accessLog };
}

// corsPage opens pageURL (a page of the test origin), adds hls.js and plays
// src with it.
async function corsPage(pageURL, src) {
  const { page, notes } = await newPage({ width: 640, height: 360 });
  await page.goto(pageURL);
  await page.setContent('<!doctype html><video id="v" muted autoplay playsinline></video>');
  await page.addScriptTag({ path: path.join(here, 'node_modules', 'hls.js', 'dist', 'hls.min.js') });
  await page.evaluate((s) => {
    Object.assign(window, { fatal: null, stalls: 0, waits: 0, playing: false });
    const v = document.getElementById('v');
    const hls = new Hls();
    hls.on(Hls.Events.ERROR, (_, d) => { if (d.fatal) window.fatal = `${d.type}: ${d.details}`; });
    hls.loadSource(s);
    hls.attachMedia(v);
    v.addEventListener('playing', () => { window.playing = true; });
    v.addEventListener('waiting', () => { window.waits++; if (window.playing) window.stalls++; });
  }, src);
  return { page, notes };
}

// corsCase is (g).
async function corsCase(origin, name) {
  const pageOrigin = origin; // http://127.0.0.1:PORT
  const edge = await startConfigEdge('cors-edge', origin, pageOrigin);
  const src = `${edge.base}/live/hls_ts/master.m3u8`;
  const why = [];
  let detail = '';
  const { page, notes } = await corsPage(`${pageOrigin}/time`, src);
  try {
    const start = Date.now();
    const startup = await waitStart(page, start, 20000);
    const first = await videoState(page);
    let last = first;
    for (const w0 = Date.now(); Date.now() - w0 < playSeconds * 500;) {
      await sleep(1000);
      last = await videoState(page);
      if (last.fatal) break;
    }
    const adv = last.t - first.t;
    const fetched = await page.evaluate(async (u) => {
      try {
        const r = await fetch(u, { headers: { 'X-Playback-Session-Id': 'browser-test' } });
        return `${r.status} ${r.headers.get('X-Cache')}`;
      } catch (e) { return `error ${e}`; }
    }, src);
    let pre = [];
    for (const deadline = Date.now() + 3000; !pre.length && Date.now() < deadline; await sleep(100)) { // the log is flushed every 100 ms
      pre = fs.readFileSync(edge.accessLog, 'utf8').split('\n').filter((l) => l.includes('"cache":"preflight"'));
    }
    detail = `advanced ${adv.toFixed(1)} s (min ${minAdvance / 2}), startup ${startup.toFixed(1)} s, stalls ${last.stalls}, ` +
      `fetch with X-Playback-Session-Id: ${fetched}, ${pre.length} preflights answered by the edge`;
    if (last.fatal) why.push(`fatal: ${last.fatal}`);
    if (adv < minAdvance / 2) why.push(`currentTime advanced only ${adv.toFixed(1)} s`);
    if (!fetched.startsWith('200 ')) why.push(`the preflighted fetch failed: ${fetched}`);
    if (!pre.some((l) => l.includes('"cors":"allowed"'))) why.push('no allowed preflight in the edge access log');
    if (notes.pageErrors.length) why.push(`page error: ${notes.pageErrors[0]}`);
  } finally {
    await page.close();
  }
  // The same page from an origin the policy does not allow.
  const other = pageOrigin.replace('127.0.0.1', 'localhost');
  const refused = await corsPage(`${other}/time`, src);
  try {
    let s = await videoState(refused.page);
    for (const deadline = Date.now() + 20000; !s.fatal && s.t === 0 && Date.now() < deadline; s = await videoState(refused.page)) await sleep(200);
    detail += `; page on ${other}: ${s.fatal ? `fatal ${s.fatal}` : `currentTime ${s.t}`}`;
    if (!s.fatal || s.t > 0) why.push(`a page on ${other} (not allowed) played`);
  } finally {
    await refused.page.close();
  }
  return { name, ok: why.length === 0, detail: why.length ? `${why.join('; ')} (${detail})` : detail };
}

async function runCORS() {
  const origin = await startOrigin('cors-origin');
  const name = 'hls.js live HLS (TS) cross-origin through serve -config with a CORS response headers policy';
  await runCase(named(name, () => corsCase(origin, name)));
}

async function runCase(fn) {
  let r;
  try {
    r = await fn();
  } catch (e) {
    r = { name: fn.caseName, ok: false, detail: String(e && e.message || e).split('\n')[0] };
  }
  results.push(r);
  log(`${r.ok ? 'PASS' : 'FAIL'} ${r.name}: ${r.detail}`);
}

function named(name, fn) { fn.caseName = name; return fn; }

async function main() {
  log(`temp dir: ${tmp}`);
  const ll = process.env.LLHLS || '';
  if (ll === 'only') return llhlsMain();
  if (process.env.CORS === 'only') return corsMain();
  const base = await startDemo('demo', []);
  const longBase = await startDemo('max-age-3600', ['-live-max-age', '1h']);
  const tls = await startTLSDemo('tls');
  if (!fs.existsSync(chromiumPath)) throw new Error(`${chromiumPath} not found (run.sh installs Debian's chromium)`);
  const t = Date.now();
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
  log(`browser: chromium ${browser.version()} (launch ${((Date.now() - t) / 1000).toFixed(1)} s)`);
  const hlsName = 'hls.js live HLS (TS) /live/hls_ts/master.m3u8';
  const dashName = 'shaka live DASH /live/dash/manifest.mpd';
  const longName = 'hls.js live HLS (TS), origin sends max-age=3600 on playlists, browser cache on';
  await runCase(named(hlsName, () => playCase(base, hlsName, 'hls', '/live/hls_ts/master.m3u8')));
  await runCase(named(dashName, () => playCase(base, dashName, 'shaka', '/live/dash/manifest.mpd')));
  await runCase(named(longName, () => playCase(longBase, longName, 'hls', '/live/hls_ts/master.m3u8', 'hls-max-age-3600')));
  await runCase(named('demo page', () => demoCase(base)));
  const tlsName = 'hls.js live HLS (TS) over HTTPS (h2) /live/hls_ts/master.m3u8';
  await runCase(named(tlsName, () => playCase(tls.base, tlsName, 'hls', '/live/hls_ts/master.m3u8', 'hls-https', tls.accessLog)));
  await runCORS();
  if (ll !== '0') await runLLHLS(base);
}

async function corsMain() {
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
  log(`browser: chromium ${browser.version()}`);
  await runCORS();
}

async function llhlsMain() {
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
  log(`browser: chromium ${browser.version()}`);
  await runLLHLS();
}

// runLLHLS is (e), on the demo edge at base (and its origin) or, with no
// base (LLHLS=only), on a pair of its own.
async function runLLHLS(base) {
  const edge = base || await startDemo('llhls', []);
  const name = 'hls.js lowLatencyMode live LL-HLS /live/llhls/master.m3u8 through the edge vs straight from the origin';
  await runCase(named(name, () => llhlsCase(edge, originOf.get(edge), name)));
}

async function cleanup() {
  if (browser) { await browser.close().catch(() => {}); browser = null; }
  for (const p of procs.reverse()) await stop(p).catch(() => {});
}

let code = 0;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => { log(`${sig}: stopping`); await cleanup(); process.exit(130); });
}
try {
  await main();
} catch (e) {
  results.push({ name: 'setup', ok: false });
  log(`FAIL setup: ${e && e.message || e}`);
} finally {
  await cleanup();
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
if (failed) code = 1;
log(`${passed} passed, ${failed} failed`);
process.exit(code);
