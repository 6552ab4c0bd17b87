// The review chart: trunk, hip and knee angles over time (the frame record's signals, stored
// per frame by the session), the phases as bands (down, up, paused), and rep markers (lockout
// lines coloured by verdict, numbered). A window [t0, t1] zooms to a rep.

const COLORS = { trunk: '#f472b6', hip: '#22c55e', knee: '#38bdf8' };
const BAND = { down: 'rgba(56,189,248,0.16)', up: 'rgba(34,197,94,0.16)', paused: 'rgba(148,163,184,0.12)' };
const VERDICT = { engine: '#22c55e', crane: '#ef4444', unclear: '#cbd5e1' };

/**
 * series: { t0 (s), t: Float64Array (s from t0), sig: Float32Array (3 per frame), phase: Uint8Array,
 *   phaseWords: the phase numbers' words }
 * reps: report.reps (times in the session clock, s).
 * Returns a mapping function x → time (s, session clock) for clicks.
 */
export function drawChart(canvas, series, reps, { from = null, to = null, selected = null } = {}) {
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  const cssW = canvas.clientWidth || 800;
  const cssH = canvas.clientHeight || 260;
  canvas.width = Math.round(cssW * dpr);
  canvas.height = Math.round(cssH * dpr);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#0b1120';
  ctx.fillRect(0, 0, cssW, cssH);
  const n = series.t.length;
  const pad = { l: 40, r: 10, t: 16, b: 22 };
  const w = cssW - pad.l - pad.r;
  const h = cssH - pad.t - pad.b;
  const a = from ?? 0;
  const b = to ?? (n ? series.t[n - 1] : 1);
  const span = Math.max(1e-3, b - a);
  const X = (s) => pad.l + ((s - a) / span) * w;
  const yMax = 180;
  const Y = (deg) => pad.t + h - (Math.max(0, Math.min(yMax, deg)) / yMax) * h;

  // Phase bands.
  const i0 = lowerBound(series.t, a);
  const i1 = Math.min(n, lowerBound(series.t, b) + 1);
  for (let i = i0; i < i1;) {
    const p = series.phase[i];
    let j = i + 1;
    while (j < i1 && series.phase[j] === p) j++;
    const band = BAND[series.phaseWords[p]];
    if (band) {
      ctx.fillStyle = band;
      const x0 = X(series.t[i]);
      const x1 = X(series.t[Math.min(j, n - 1)]);
      ctx.fillRect(x0, pad.t, Math.max(1, x1 - x0), h);
    }
    i = j;
  }

  // Grid and axes.
  ctx.strokeStyle = '#1e293b';
  ctx.fillStyle = '#94a3b8';
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  for (let d = 0; d <= yMax; d += 45) {
    ctx.beginPath(); ctx.moveTo(pad.l, Y(d)); ctx.lineTo(pad.l + w, Y(d)); ctx.stroke();
    ctx.fillText(`${d}°`, pad.l - 4, Y(d) + 4);
  }
  ctx.textAlign = 'center';
  const step = niceStep(span / 8);
  for (let s = Math.ceil(a / step) * step; s <= b; s += step) ctx.fillText(`${+s.toFixed(2)} s`, X(s), cssH - 6);

  // Angle lines (at most one point per pixel column).
  const stride = Math.max(1, Math.floor((i1 - i0) / (w * 1.5)));
  [['trunk', 0], ['hip', 1], ['knee', 2]].forEach(([name, k]) => {
    ctx.strokeStyle = COLORS[name];
    ctx.lineWidth = 1.8;
    ctx.beginPath();
    let pen = false;
    for (let i = i0; i < i1; i += stride) {
      const v = series.sig[i * 3 + k];
      if (!Number.isFinite(v)) { pen = false; continue; }
      if (pen) ctx.lineTo(X(series.t[i]), Y(v)); else ctx.moveTo(X(series.t[i]), Y(v));
      pen = true;
    }
    ctx.stroke();
  });

  // Rep markers at lockout, numbered; the selected rep's span outlined.
  for (const r of reps) {
    const lo = r.lockout_s - series.t0;
    if (lo < a || lo > b) continue;
    ctx.strokeStyle = VERDICT[r.verdict] ?? '#fff';
    ctx.lineWidth = r.index === selected ? 3 : 1.5;
    ctx.beginPath(); ctx.moveTo(X(lo), pad.t); ctx.lineTo(X(lo), pad.t + h); ctx.stroke();
    ctx.fillStyle = VERDICT[r.verdict] ?? '#fff';
    ctx.font = 'bold 12px system-ui, sans-serif';
    ctx.fillText(String(r.index), X(lo), pad.t - 3);
    if (r.index === selected) {
      ctx.strokeStyle = '#facc15';
      ctx.setLineDash([4, 3]);
      ctx.strokeRect(X(r.start_s - series.t0), pad.t, X(r.end_s - series.t0) - X(r.start_s - series.t0), h);
      ctx.setLineDash([]);
    }
  }
  return (x) => series.t0 + a + ((x - pad.l) / w) * span;
}

function lowerBound(arr, v) {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (arr[m] < v) lo = m + 1; else hi = m; }
  return lo;
}

function niceStep(x) {
  const p = 10 ** Math.floor(Math.log10(Math.max(x, 1e-3)));
  return [1, 2, 5, 10].map((k) => k * p).find((s) => s >= x) ?? 10 * p;
}
