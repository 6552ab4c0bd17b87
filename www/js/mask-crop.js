// The person-mask crop the core wants (crate/src/pose/mask.rs; ARCHITECTURE.md, "Person masks"),
// cut from MediaPipe's full-picture mask: a square in pixels around the trunk, MASK_SIDE² cells of
// round(255 × person probability), bilinear between mask pixel centres, 0 past the picture; its
// box normalised [x0, y0, x1, y1]. No worker globals: Node tests it.

export const MASK_SIDE = 128;
export const MASK_MIN_VISIBILITY = 0.5;
export const MASK_MIN_TRUNK_PX = 8;
export const MASK_SCALE = 2.5;

/**
 * The crop from a full-picture mask, or null. `mask`: an MPMask (or any { width, height,
 * getAsFloat32Array() } covering the whole picture); `lms`: MediaPipe's normalised landmarks
 * of the pose ({ x, y, visibility }); `W`, `H`: the picture in pixels.
 */
export function cropMask(mask, lms, W, H) {
  const p = (i) => lms[i];
  for (const i of [11, 12, 23, 24]) {
    if (!p(i) || !((p(i).visibility ?? 0) >= MASK_MIN_VISIBILITY)) return null;
  }
  const hx = ((p(23).x + p(24).x) / 2) * W;
  const hy = ((p(23).y + p(24).y) / 2) * H;
  const sx = ((p(11).x + p(12).x) / 2) * W;
  const sy = ((p(11).y + p(12).y) / 2) * H;
  const trunk = Math.hypot(sx - hx, sy - hy);
  if (!(trunk >= MASK_MIN_TRUNK_PX) || !Number.isFinite(trunk)) return null;
  const side = MASK_SCALE * trunk;
  const x0 = (hx + sx) / 2 - side / 2;
  const y0 = (hy + sy) / 2 - side / 2;
  const box = new Float32Array([x0 / W, y0 / H, (x0 + side) / W, (y0 + side) / H]);
  const mw = mask.width;
  const mh = mask.height;
  const src = mask.getAsFloat32Array();
  if (!(mw > 0 && mh > 0) || src.length < mw * mh) return null;
  // Where each column and row of cells reads the mask: its two neighbouring mask pixels and
  // the weight of the second (−1: outside the picture, the cell is 0).
  const step = side / MASK_SIDE;
  const axis = (o, size, msize) => {
    const i0 = new Int32Array(MASK_SIDE);
    const w = new Float32Array(MASK_SIDE);
    for (let k = 0; k < MASK_SIDE; k++) {
      const px = o + (k + 0.5) * step; // picture pixels
      if (!(px >= 0 && px < size)) { i0[k] = -1; continue; }
      const u = Math.min(msize - 1, Math.max(0, (px * msize) / size - 0.5)); // mask pixel centres
      const f = Math.min(Math.floor(u), Math.max(0, msize - 2));
      i0[k] = f;
      w[k] = msize > 1 ? u - f : 0;
    }
    return { i0, w };
  };
  const cx = axis(x0, W, mw);
  const cy = axis(y0, H, mh);
  const dx = mw > 1 ? 1 : 0;
  const dy = mh > 1 ? mw : 0;
  const data = new Uint8Array(MASK_SIDE * MASK_SIDE);
  for (let j = 0; j < MASK_SIDE; j++) {
    const r = cy.i0[j];
    if (r < 0) continue;
    const fy = cy.w[j];
    const row = r * mw;
    for (let i = 0; i < MASK_SIDE; i++) {
      const c = cx.i0[i];
      if (c < 0) continue;
      const fx = cx.w[i];
      const a = row + c;
      const top = src[a] + (src[a + dx] - src[a]) * fx;
      const bottom = src[a + dy] + (src[a + dy + dx] - src[a + dy]) * fx;
      const v = top + (bottom - top) * fy;
      data[j * MASK_SIDE + i] = v >= 1 ? 255 : v > 0 ? Math.round(255 * v) : 0;
    }
  }
  return { box, data };
}
