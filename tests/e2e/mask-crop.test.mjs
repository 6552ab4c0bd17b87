// The person-mask crop the pose worker cuts (www/js/mask-crop.js), on synthetic masks where the
// right answer is known: the box is the square (in pixels) around the trunk that the core
// expects (crate/src/pose/mask.rs), a cell reads the mask where the core will look for it
// (MaskCrop::at's cell centres), the picture's outside is 0, and no crop is made when the hips
// and shoulders are not seen. Plain Node (no browser), so it runs everywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropMask, MASK_SIDE, MASK_SCALE } from '../../www/js/mask-crop.js';

/** A mask of mw × mh pixels covering a W × H picture, person probability p(x, y) in picture pixels. */
function maskOf(W, H, mw, mh, p) {
  const a = new Float32Array(mw * mh);
  for (let v = 0; v < mh; v++) {
    for (let u = 0; u < mw; u++) a[v * mw + u] = p(((u + 0.5) * W) / mw, ((v + 0.5) * H) / mh);
  }
  let closed = false;
  return { width: mw, height: mh, getAsFloat32Array: () => { assert.ok(!closed); return a; }, close: () => { closed = true; } };
}

/** Landmarks with the shoulders and hips at the given picture pixels (others unused). */
function pose(W, H, { shoulder, hip, vis = 1 }) {
  const lms = Array.from({ length: 33 }, () => ({ x: 0.5, y: 0.5, z: 0, visibility: 1 }));
  const put = (i, [x, y], dx) => { lms[i] = { x: (x + dx) / W, y: y / H, z: 0, visibility: vis }; };
  put(11, shoulder, -3); put(12, shoulder, 3); put(23, hip, -3); put(24, hip, 3);
  return lms;
}

/** Where the core reads cell (i, j) of a crop: its centre, in picture pixels. */
function cellCentre(box, W, H, i, j) {
  return [(box[0] + ((i + 0.5) / MASK_SIDE) * (box[2] - box[0])) * W, (box[1] + ((j + 0.5) / MASK_SIDE) * (box[3] - box[1])) * H];
}

test('the crop is the square around the trunk, in pixels, and its cells read the mask where the core looks', () => {
  const W = 640;
  const H = 480;
  // A person: everything left of x = 300 between y = 60 and y = 420 (a straight back at x = 300).
  const inside = (x, y) => x < 300 && y > 60 && y < 420;
  const m = maskOf(W, H, W, H, (x, y) => (inside(x, y) ? 1 : 0));
  const c = cropMask(m, pose(W, H, { shoulder: [280, 140], hip: [280, 300] }), W, H);
  assert.ok(c, 'a crop');
  assert.equal(c.data.length, MASK_SIDE * MASK_SIDE);
  assert.ok(c.box instanceof Float32Array && c.data instanceof Uint8Array, 'typed, to be transferred');
  const side = MASK_SCALE * 160;
  const [x0, y0, x1, y1] = c.box;
  assert.ok(Math.abs((x1 - x0) * W - side) < 1e-3 && Math.abs((y1 - y0) * H - side) < 1e-3, `square in pixels, ${side} px a side`);
  assert.ok(Math.abs(((x0 + x1) / 2) * W - 280) < 1e-3 && Math.abs(((y0 + y1) / 2) * H - 220) < 1e-3, 'centred on the trunk\'s midpoint');
  // Every cell: the person where its centre is the person (the edge within one mask pixel).
  let wrong = 0;
  for (let j = 0; j < MASK_SIDE; j++) {
    for (let i = 0; i < MASK_SIDE; i++) {
      const [x, y] = cellCentre(c.box, W, H, i, j);
      const v = c.data[j * MASK_SIDE + i];
      const nearEdge = Math.abs(x - 300) < 1.5 || Math.abs(y - 60) < 1.5 || Math.abs(y - 420) < 1.5;
      if (!nearEdge && v !== (inside(x, y) ? 255 : 0)) wrong++;
    }
  }
  assert.equal(wrong, 0, 'every cell away from the edge reads the mask under its centre');
});

test('a coarser mask than the picture is read between its pixel centres, and the outside of the picture is 0', () => {
  const W = 640;
  const H = 360;
  // A smooth ramp across x, the mask at a quarter of the picture's size (as a model's might be).
  const m = maskOf(W, H, 160, 90, (x) => Math.min(1, Math.max(0, (x - 100) / 400)));
  // A lifter near the left edge: the crop reaches past the picture.
  const c = cropMask(m, pose(W, H, { shoulder: [60, 100], hip: [60, 260] }), W, H);
  assert.ok(c.box[0] < 0, 'the box reaches past the left edge');
  let maxErr = 0;
  let outside = 0;
  for (let j = 0; j < MASK_SIDE; j += 7) {
    for (let i = 0; i < MASK_SIDE; i++) {
      const [x, y] = cellCentre(c.box, W, H, i, j);
      const v = c.data[j * MASK_SIDE + i];
      if (x < 0 || y < 0 || x >= W || y >= H) { outside++; assert.equal(v, 0, `cell (${i}, ${j}) outside the picture is 0`); continue; }
      // Bilinear between pixel centres reproduces a linear ramp exactly (within rounding),
      // except in the half pixel by the picture's edge, where it holds the edge pixel.
      if (x < 2 || x > W - 2) continue;
      maxErr = Math.max(maxErr, Math.abs(v - Math.round(255 * Math.min(1, Math.max(0, (x - 100) / 400)))));
    }
  }
  assert.ok(outside > 0, 'some cells fall outside the picture');
  assert.ok(maxErr <= 1, `a linear ramp read back within 1/255 (worst ${maxErr})`);
});

test('no crop when the hips or shoulders are not clearly seen, or the trunk is a few pixels', () => {
  const W = 640;
  const H = 480;
  const m = maskOf(W, H, 64, 48, () => 1);
  assert.equal(cropMask(m, pose(W, H, { shoulder: [280, 140], hip: [280, 300], vis: 0.3 }), W, H), null, 'low visibility');
  const lms = pose(W, H, { shoulder: [280, 140], hip: [280, 300] });
  lms[23] = { ...lms[23], visibility: undefined };
  assert.equal(cropMask(m, lms, W, H), null, 'no visibility given');
  assert.equal(cropMask(m, pose(W, H, { shoulder: [280, 298], hip: [280, 300] }), W, H), null, 'a 2 px trunk');
  const ok = cropMask(m, pose(W, H, { shoulder: [280, 140], hip: [280, 300] }), W, H);
  assert.ok(ok.data.every((v) => v === 255 || v === 0), 'a full mask is 255 inside the picture (0 past it)');
});
