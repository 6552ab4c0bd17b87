// QR codes for "open on your phone": the LAN server prints one in the terminal
// (tools/serve.mjs imports this module in Node) and the page draws the same one on a canvas.
// No DOM and no dependency here: `qrMatrix(text)` encodes text (UTF-8, byte mode, error
// correction level M, the smallest version from 1 to 10 that holds it, the mask with the lowest
// penalty, ISO/IEC 18004) into rows of booleans (true = dark), without the quiet zone;
// `qrTerminal` and `drawQr` render it. The tests decode both renderings with an independent
// decoder (jsQR).

// Per version 1..10 at level M: error-correction codewords per block, and the number of blocks.
const ECC_PER_BLOCK = [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26];
const BLOCKS = [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5];
const FORMAT_M = 0; // level M's two format bits
const MAX_VERSION = 10;

/** Modules left for data and error correction in a symbol of this version. */
function rawModules(ver) {
  let n = (16 * ver + 128) * ver + 64;
  if (ver >= 2) {
    const align = Math.floor(ver / 7) + 2;
    n -= (25 * align - 10) * align - 55;
    if (ver >= 7) n -= 36;
  }
  return n;
}
const dataCodewords = (ver) => Math.floor(rawModules(ver) / 8) - ECC_PER_BLOCK[ver] * BLOCKS[ver];

function alignmentPositions(ver, size) {
  if (ver === 1) return [];
  const n = Math.floor(ver / 7) + 2;
  const step = Math.floor((ver * 8 + n * 3 + 5) / (n * 4 - 4)) * 2;
  const out = [6];
  for (let pos = size - 7; out.length < n; pos -= step) out.splice(1, 0, pos);
  return out;
}

// GF(256) with the QR polynomial 0x11D.
function gfMul(x, y) {
  let z = 0;
  for (let i = 7; i >= 0; i--) {
    z = (z << 1) ^ ((z >>> 7) * 0x11d);
    z ^= ((y >>> i) & 1) * x;
  }
  return z & 0xff;
}
function rsDivisor(degree) {
  const r = new Array(degree).fill(0);
  r[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < r.length; j++) {
      r[j] = gfMul(r[j], root);
      if (j + 1 < r.length) r[j] ^= r[j + 1];
    }
    root = gfMul(root, 0x02);
  }
  return r;
}
function rsRemainder(data, divisor) {
  const r = divisor.map(() => 0);
  for (const b of data) {
    const factor = b ^ r.shift();
    r.push(0);
    divisor.forEach((c, i) => { r[i] ^= gfMul(c, factor); });
  }
  return r;
}

/** The data codewords (byte mode, terminator, padding) and their error correction, interleaved. */
function codewords(bytes, ver) {
  const bits = [];
  const put = (v, n) => { for (let i = n - 1; i >= 0; i--) bits.push((v >>> i) & 1); };
  put(0b0100, 4);
  put(bytes.length, ver < 10 ? 8 : 16);
  for (const b of bytes) put(b, 8);
  const cap = dataCodewords(ver) * 8;
  put(0, Math.min(4, cap - bits.length));
  put(0, (8 - (bits.length % 8)) % 8);
  for (let pad = 0xec; bits.length < cap; pad ^= 0xec ^ 0x11) put(pad, 8);
  const data = [];
  for (let i = 0; i < bits.length; i += 8) data.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));

  const nBlocks = BLOCKS[ver];
  const eccLen = ECC_PER_BLOCK[ver];
  const raw = Math.floor(rawModules(ver) / 8);
  const nShort = nBlocks - (raw % nBlocks);
  const shortLen = Math.floor(raw / nBlocks);
  const div = rsDivisor(eccLen);
  const blocks = [];
  for (let i = 0, k = 0; i < nBlocks; i++) {
    const dat = data.slice(k, k + shortLen - eccLen + (i < nShort ? 0 : 1));
    k += dat.length;
    const ecc = rsRemainder(dat, div);
    if (i < nShort) dat.push(0);
    blocks.push(dat.concat(ecc));
  }
  const out = [];
  for (let i = 0; i < blocks[0].length; i++) {
    blocks.forEach((b, j) => { if (i !== shortLen - eccLen || j >= nShort) out.push(b[i]); });
  }
  return out;
}

const MASKS = [
  (x, y) => (x + y) % 2 === 0,
  (x, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

/** A symbol being drawn: modules and which of them are function patterns. */
function symbol(ver) {
  const size = ver * 4 + 17;
  const dark = Array.from({ length: size }, () => new Array(size).fill(false));
  const fixed = Array.from({ length: size }, () => new Array(size).fill(false));
  const set = (x, y, d) => { dark[y][x] = d; fixed[y][x] = true; };
  for (let i = 0; i < size; i++) { set(6, i, i % 2 === 0); set(i, 6, i % 2 === 0); }
  for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]]) {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const x = cx + dx;
        const y = cy + dy;
        const d = Math.max(Math.abs(dx), Math.abs(dy));
        if (x >= 0 && x < size && y >= 0 && y < size) set(x, y, d !== 2 && d !== 4);
      }
    }
  }
  const pos = alignmentPositions(ver, size);
  const last = pos.length - 1;
  pos.forEach((px, i) => pos.forEach((py, j) => {
    if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) set(px + dx, py + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
  }));
  if (ver >= 7) {
    let rem = ver;
    for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
    const bits = (ver << 12) | rem;
    for (let i = 0; i < 18; i++) {
      const d = ((bits >>> i) & 1) === 1;
      const a = size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      set(a, b, d);
      set(b, a, d);
    }
  }
  return { size, dark, fixed, set };
}

function drawFormat(s, mask) {
  const data = (FORMAT_M << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  const bits = ((data << 10) | rem) ^ 0x5412;
  const bit = (i) => ((bits >>> i) & 1) === 1;
  const { size, set } = s;
  for (let i = 0; i <= 5; i++) set(8, i, bit(i));
  set(8, 7, bit(6));
  set(8, 8, bit(7));
  set(7, 8, bit(8));
  for (let i = 9; i < 15; i++) set(14 - i, 8, bit(i));
  for (let i = 0; i < 8; i++) set(size - 1 - i, 8, bit(i));
  for (let i = 8; i < 15; i++) set(8, size - 15 + i, bit(i));
  set(8, size - 8, true);
}

function placeData(s, words) {
  const { size, dark, fixed } = s;
  let i = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let vert = 0; vert < size; vert++) {
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        const up = ((right + 1) & 2) === 0;
        const y = up ? size - 1 - vert : vert;
        if (!fixed[y][x] && i < words.length * 8) {
          dark[y][x] = ((words[i >>> 3] >>> (7 - (i & 7))) & 1) === 1;
          i++;
        }
      }
    }
  }
}

/** The standard's penalty score of a finished symbol (lower is easier to read). */
function penalty(dark) {
  const size = dark.length;
  let score = 0;
  const line = (get) => {
    let run = 1;
    for (let i = 1; i <= size; i++) {
      if (i < size && get(i) === get(i - 1)) { run++; continue; }
      if (run >= 5) score += run - 2;
      run = 1;
    }
    const s = Array.from({ length: size }, (_, i) => (get(i) ? '1' : '0')).join('');
    for (const pat of ['10111010000', '00001011101']) {
      for (let k = s.indexOf(pat); k >= 0; k = s.indexOf(pat, k + 1)) score += 40;
    }
  };
  for (let y = 0; y < size; y++) line((x) => dark[y][x]);
  for (let x = 0; x < size; x++) line((y) => dark[y][x]);
  let n = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (dark[y][x]) n++;
      if (x + 1 < size && y + 1 < size) {
        const c = dark[y][x];
        if (c === dark[y][x + 1] && c === dark[y + 1][x] && c === dark[y + 1][x + 1]) score += 3;
      }
    }
  }
  const total = size * size;
  score += Math.ceil(Math.abs(n * 20 - total * 10) / total - 1) * 10;
  return score;
}

/**
 * Encodes text into a QR symbol: rows of booleans (true = dark), no quiet zone. Throws when
 * the text is too long for version 10 (213 bytes).
 */
export function qrMatrix(text) {
  const bytes = [...new TextEncoder().encode(String(text))];
  let ver = 1;
  while (ver <= MAX_VERSION && 4 + (ver < 10 ? 8 : 16) + bytes.length * 8 > dataCodewords(ver) * 8) ver++;
  if (ver > MAX_VERSION) throw new Error(`too long for a QR code here (${bytes.length} bytes; at most ${dataCodewords(MAX_VERSION) - 2})`);
  const words = codewords(bytes, ver);
  let best = null;
  for (let mask = 0; mask < 8; mask++) {
    const s = symbol(ver);
    drawFormat(s, mask);
    placeData(s, words);
    const m = MASKS[mask];
    for (let y = 0; y < s.size; y++) for (let x = 0; x < s.size; x++) if (!s.fixed[y][x] && m(x, y)) s.dark[y][x] = !s.dark[y][x];
    const p = penalty(s.dark);
    if (!best || p < best.p) best = { p, dark: s.dark };
  }
  return best.dark;
}

const QUIET = 4; // modules of light border the standard asks for

/**
 * The symbol for a terminal: two module rows per text line ('▀' with the upper module as the
 * foreground colour and the lower one as the background), in explicit black and white so it
 * reads the same on dark and light terminal themes. Returns the lines.
 */
export function qrTerminal(matrix) {
  const size = matrix.length;
  const at = (x, y) => x >= 0 && y >= 0 && x < size && y < size && matrix[y][x];
  const fg = (d) => (d ? '30' : '97');
  const bg = (d) => (d ? '40' : '107');
  const lines = [];
  for (let y = -QUIET; y < size + QUIET; y += 2) {
    let s = '';
    for (let x = -QUIET; x < size + QUIET; x++) s += `\x1b[${fg(at(x, y))};${bg(at(x, y + 1))}m▀`;
    lines.push(`${s}\x1b[0m`);
  }
  return lines;
}

/**
 * Reads `qrTerminal`'s lines back into module rows (the tests decode what the terminal shows).
 * Returns rows of booleans including the quiet zone.
 */
export function readQrTerminal(lines) {
  const rows = [];
  for (const line of lines) {
    const top = [];
    const bottom = [];
    for (const m of line.matchAll(/\x1b\[(\d+);(\d+)m▀/g)) { // eslint-disable-line no-control-regex
      top.push(m[1] === '30');
      bottom.push(m[2] === '40');
    }
    if (top.length) rows.push(top, bottom);
  }
  return rows;
}

/** Draws the symbol on a canvas (a 2D context), `px` pixels a module, with the quiet zone. */
export function drawQr(canvas, matrix, px = 6) {
  const n = matrix.length + 2 * QUIET;
  canvas.width = n * px;
  canvas.height = n * px;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#000';
  matrix.forEach((row, y) => row.forEach((d, x) => { if (d) ctx.fillRect((x + QUIET) * px, (y + QUIET) * px, px, px); }));
}
