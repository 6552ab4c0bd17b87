// Export (report JSON, reps CSV, the session's posetrack) and import (a posetrack, .json or
// .json.gz) of sessions. Files are made and read on the device; nothing is uploaded.

import { readPosetrack } from './posetrack.js';
import { Session } from './session.js';

const MAX_IMPORT_BYTES = 512 * 1024 * 1024; // a 60-min posetrack is ~150 MB of JSON

export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function stamp(d = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

function csvCell(v) {
  if (v == null) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(Math.round(v * 1000) / 1000) : '') : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per rep: times, verdict, confidence, every metric, faults, message. */
export function repsCsv(report) {
  const metricKeys = [...new Set(report.reps.flatMap((r) => Object.keys(r.metrics ?? {})))].sort();
  const head = ['rep', 'start_s', 'bottom_s', 'lockout_s', 'end_s', 'verdict', 'confidence', ...metricKeys, 'faults', 'message'];
  const rows = report.reps.map((r) => [r.index, r.start_s, r.bottom_s, r.lockout_s, r.end_s, r.verdict, r.confidence,
    ...metricKeys.map((k) => r.metrics?.[k]),
    (r.faults ?? []).map((f) => `${f.code}:${f.severity}`).join(' '), r.message ?? '']);
  return [head, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

/** Reads a file as text, gunzipping it when it is gzip (by its magic bytes, not its name). */
export async function readText(file) {
  if (file.size > MAX_IMPORT_BYTES) throw new Error(`${file.name} is too large (${(file.size / 1024 ** 2).toFixed(0)} MB; the limit is ${MAX_IMPORT_BYTES / 1024 ** 2} MB)`);
  if (file.size === 0) throw new Error(`${file.name} is empty`);
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  if (head[0] === 0x1f && head[1] === 0x8b) {
    if (typeof DecompressionStream === 'undefined') throw new Error('this browser cannot read .gz files: unzip it first');
    try {
      return await new Response(file.stream().pipeThrough(new DecompressionStream('gzip'))).text();
    } catch (e) {
      throw new Error(`${file.name} is not a readable gzip file (truncated?): ${e.message}`, { cause: e });
    }
  }
  return file.text();
}

/** Imports a posetrack file into a new (finished) session. Throws with a clear message. */
export async function importPosetrack(file, { settings, meta }) {
  const text = await readText(file);
  let track;
  try {
    track = readPosetrack(text);
  } catch (e) {
    throw new Error(`${file.name}: ${e.message || e}`, { cause: e });
  }
  const n = track.times.length;
  if (!n) throw new Error(`${file.name} has no frames`);
  const s = new Session({ settings, source: 'import', name: file.name, meta });
  for (let i = 0; i < n; i++) {
    const lm = track.lms[i];
    const mask = track.masks?.get(i) ?? null;
    s.feed({ t: track.times[i], width: track.width, height: track.height, landmarks: lm, people: lm.length ? 1 : 0, mask });
  }
  s.problems = track.problems;
  s.finish();
  return s;
}
