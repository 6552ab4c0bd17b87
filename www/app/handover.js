// "Open on your phone": a laptop hands the page over to a phone. The dialog shows the page's
// address on the network as a QR code (qr.js) to scan with the phone's camera app. Served by
// `tools/serve.sh --lan`, the server says that address (/lan.json: the page may be open on
// 127.0.0.1 here); on a static HTTPS host it is the page's own address. Served for this machine
// only (http://127.0.0.1), a phone cannot reach it: the dialog says how to serve it for one.

import { $, setStatus } from './ui.js';
import { qrMatrix, drawQr } from './qr.js';

const LOCAL = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;
const IP = /^(\d+\.\d+\.\d+\.\d+|\[[0-9a-f:]+\])$/i;

/** Where a phone can open this page: { url, how } or { url: null, why }. */
export async function handoverUrl() {
  const here = `${location.origin}${location.pathname}`;
  // Only our own server (an address, not a host name) knows a LAN address: ask it.
  if (LOCAL.test(location.hostname) || IP.test(location.hostname)) {
    try {
      const r = await fetch('lan.json', { cache: 'no-store' });
      const j = r.ok ? await r.json() : null;
      if (j?.url) return { url: j.url, how: 'lan' };
    } catch { /* not our server, or offline */ }
  }
  if (LOCAL.test(location.hostname) || location.protocol !== 'https:') {
    return { url: null, why: 'This page is served for this machine only, so a phone cannot open it. Serve it on your network with tools/serve.sh --lan (it prints this code too), or put the static build (tools/build-dist.sh) on an HTTPS host.' };
  }
  return { url: here, how: 'here' };
}

export function createHandover() {
  const dialog = $('handover');

  async function open() {
    const { url, why, how } = await handoverUrl();
    const canvas = $('handover-qr');
    canvas.hidden = !url;
    $('handover-url').textContent = url ?? '';
    setStatus('handover-note', !url ? why : how === 'lan'
      ? 'Scan it with the phone\'s camera app, on the same Wi-Fi. The first time, the phone warns about the certificate made for this machine: accept it (README: "Open it on your phone").'
      : 'Scan it with the phone\'s camera app.');
    if (url) drawQr(canvas, qrMatrix(url), 8);
    if (typeof dialog.showModal === 'function') dialog.showModal(); else dialog.setAttribute('open', '');
    return url;
  }

  $('handover-open').addEventListener('click', () => { open(); });
  $('handover-close').addEventListener('click', () => dialog.close?.() ?? dialog.removeAttribute('open'));
  return { open };
}
