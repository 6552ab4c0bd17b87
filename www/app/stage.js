// The stage: the video (camera or clip), a figure canvas (the demo's and replay's drawn
// lifter on dark) and the overlay canvas on top. The overlay canvas is sized and placed to
// cover exactly the video's picture inside the element (object-fit: contain letterboxing), so
// the core's normalised landmark coordinates land on the person. The core paints the overlay
// (a session's or replayer's draw()); this module only decides where the canvas goes, and
// `show()` paints the session on show at most once per task, whatever the number of frames fed.
// What it shows (source, picture, mirror, workshop) it reads from the store.

import { $ } from './ui.js';
import { store } from './store.js';

const video = () => $('video');
const overlay = () => $('overlay');
const figure = () => $('figure');

/** The rectangle (CSS px, relative to the stage) the picture occupies under object-fit: contain. */
export function pictureRect(boxW, boxH, picW, picH) {
  if (!(picW > 0 && picH > 0 && boxW > 0 && boxH > 0)) return { x: 0, y: 0, w: boxW, h: boxH };
  const s = Math.min(boxW / picW, boxH / picH);
  const w = picW * s;
  const h = picH * s;
  return { x: (boxW - w) / 2, y: (boxH - h) / 2, w, h };
}

function place(canvas, r, dpr) {
  const cw = Math.max(1, Math.round(r.w * dpr));
  const ch = Math.max(1, Math.round(r.h * dpr));
  if (canvas.width !== cw || canvas.height !== ch) { canvas.width = cw; canvas.height = ch; }
  const st = canvas.style;
  const px = (v) => `${Math.round(v * 100) / 100}px`;
  if (st.left !== px(r.x)) st.left = px(r.x);
  if (st.top !== px(r.y)) st.top = px(r.y);
  if (st.width !== px(r.w)) st.width = px(r.w);
  if (st.height !== px(r.h)) st.height = px(r.h);
}

/** Re-places the canvases for the current source; cheap, called before each draw. */
export function layout() {
  const stage = $('stage');
  const bw = stage.clientWidth;
  const bh = stage.clientHeight;
  const v = video();
  const view = store.get();
  const src = view.source === 'video' && v.videoWidth
    ? { w: v.videoWidth, h: v.videoHeight }
    : view.picture;
  const r = pictureRect(bw, bh, src.w, src.h);
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  place(overlay(), r, dpr);
  place(figure(), r, dpr);
  figure().hidden = view.source !== 'figure';
  v.style.visibility = view.source === 'figure' ? 'hidden' : '';
  v.classList.toggle('mirrored', view.mirror && view.source === 'video');
  return r;
}

/**
 * Paints the overlay of `target` (a Session or a Replayer) for its latest frame (clears first).
 * By default as the store says: mirrored preview, workshop type and canvas HUD.
 */
export function drawOverlay(target, opts = {}) {
  const view = store.get();
  const { canvas = overlay(), mirror = view.mirror, textScale = view.workshop ? 2 : 1, hud = view.workshop, drill = false, clear = true } = opts;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  if (clear) ctx.clearRect(0, 0, canvas.width, canvas.height);
  target?.draw(ctx, canvas.width, canvas.height, { mirror, textScale, clock: performance.now() / 1000, hud, drill });
}

let queued = null;
/**
 * Paints a session on the stage (its figure too when the stage shows the drawn lifter), once
 * per task however many frames were fed in it; nothing while a rep is being replayed.
 */
export function show(session) {
  if (!queued) queueMicrotask(paintQueued);
  queued = session;
}

function paintQueued() {
  const s = queued;
  queued = null;
  const view = store.get();
  if (!s || view.replaying) return;
  layout();
  const drill = s.settings.exercise === 'drill';
  if (view.source === 'figure') drawFigure(s.lastFrame?.landmarks, { label: view.figureLabel, bell: !drill });
  drawOverlay(s, { drill });
}

export function clearOverlay() {
  const c = overlay();
  c.getContext('2d').clearRect(0, 0, c.width, c.height);
}

// BlazePose bones for the figure (both sides; the far side is drawn darker, behind).
const LIMBS = [[11, 13], [13, 15], [23, 25], [25, 27], [27, 29], [29, 31], [27, 31], [11, 23]];
const SHIFT = 1; // right side = left + 1

/**
 * Draws a lifter as a figure on a dark background from normalised landmarks (the demo and
 * replays of sessions without a video). `lm` all zero or empty = nobody.
 */
export function drawFigure(lm, { canvas = figure(), mirror = false, label = '', bell = true } = {}) {
  const ctx = canvas.getContext('2d');
  const W = canvas.width;
  const H = canvas.height;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  const g = ctx.createLinearGradient(0, 0, 0, H);
  g.addColorStop(0, '#0f172a');
  g.addColorStop(1, '#020617');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, W, H);
  if (label) {
    ctx.fillStyle = 'rgba(148,163,184,0.8)';
    ctx.font = `${Math.round(H / 28)}px system-ui, sans-serif`;
    ctx.textAlign = 'right';
    ctx.fillText(label, W - H / 40, H - H / 40);
  }
  if (!lm || lm.length < 132) return;
  let any = false;
  for (let i = 0; i < 132; i++) if (lm[i] !== 0) { any = true; break; }
  if (!any) return;
  const P = (i) => [mirror ? W - lm[i * 4] * W : lm[i * 4] * W, lm[i * 4 + 1] * H];
  const vis = (i) => lm[i * 4 + 3] > 0.3;
  // Floor line under the feet.
  const footY = Math.max(P(31)[1], P(32)[1], P(29)[1], P(30)[1]);
  ctx.strokeStyle = '#334155';
  ctx.lineWidth = Math.max(2, H / 160);
  ctx.beginPath();
  ctx.moveTo(0, footY + H / 100);
  ctx.lineTo(W, footY + H / 100);
  ctx.stroke();
  // Near side: the one with the smaller z at the hips (closer to the camera).
  const nearShift = lm[24 * 4 + 2] < lm[23 * 4 + 2] ? SHIFT : 0;
  const limbW = H / 26;
  ctx.lineCap = 'round';
  for (const [shift, color] of [[1 - nearShift, '#475569'], [nearShift, '#cbd5e1']]) {
    ctx.strokeStyle = color;
    ctx.lineWidth = limbW;
    for (const [a, b] of LIMBS) {
      const i = a + shift;
      const j = b + shift;
      if (!vis(i) || !vis(j)) continue;
      const [x1, y1] = P(i);
      const [x2, y2] = P(j);
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.lineTo(x2, y2);
      ctx.stroke();
    }
  }
  // Head.
  const [ex, ey] = P(7 + nearShift);
  const [nx, ny] = P(0);
  ctx.fillStyle = '#cbd5e1';
  ctx.beginPath();
  ctx.arc((ex + nx) / 2, (ey + ny) / 2, H / 22, 0, Math.PI * 2);
  ctx.fill();
  if (!bell) return;
  // The kettlebell, hanging from the hands.
  const [wx1, wy1] = P(15);
  const [wx2, wy2] = P(16);
  const bx = (wx1 + wx2) / 2;
  const by = (wy1 + wy2) / 2 + H / 22;
  ctx.fillStyle = '#1f2937';
  ctx.strokeStyle = '#64748b';
  ctx.lineWidth = Math.max(2, H / 200);
  ctx.beginPath();
  ctx.arc(bx, by, H / 26, 0, Math.PI * 2);
  ctx.fill();
  ctx.stroke();
}
