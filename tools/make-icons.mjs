#!/usr/bin/env node
// Renders the app's icons for the manifest (installable PWA) from www/icon.svg with Chromium:
// www/icons/icon-192.png, icon-512.png (the SVG as it is) and maskable-512.png (full-bleed
// background, the glyph inside the central safe zone that launchers may crop to a circle).
// The PNGs are committed; run this again only when icon.svg changes:
//   node tools/make-icons.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const svg = fs.readFileSync(path.join(ROOT, 'www/icon.svg'), 'utf8');
const out = path.join(ROOT, 'www/icons');
fs.mkdirSync(out, { recursive: true });

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  const render = async (file, size, maskable) => {
    await page.setViewportSize({ width: size, height: size });
    const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    const glyph = maskable ? 0.72 : 1;
    await page.setContent(`<html><body style="margin:0;width:${size}px;height:${size}px;display:grid;place-items:center;background:${maskable ? '#0f172a' : 'transparent'}">
      <img src="${src}" style="width:${size * glyph}px;height:${size * glyph}px"></body></html>`);
    await page.waitForFunction(() => globalThis.document.images[0].complete);
    await page.screenshot({ path: path.join(out, file), omitBackground: !maskable });
    console.log(`www/icons/${file}`);
  };
  await render('icon-192.png', 192, false);
  await render('icon-512.png', 512, false);
  await render('maskable-512.png', 512, true);
} finally {
  await browser.close();
}
