// What this browser and this host give the page, checked once at load, and what the page does
// without each (so a static host that cannot send every header, or an older phone, still gets a
// working page, never a blank one):
//   secureContext        the camera needs it (else: the demo, clips and posetracks still work)
//   crossOriginIsolated  only precise timers and memory measurement (the benchmark): nothing
//                        the lifter sees needs it; hosts that cannot send COOP/COEP lose nothing
//   serviceWorker        offline use and install (else: online only, said once)
//   indexedDB            the logbook (else: the set goes on in memory, logbook.js says why)
//   wakeLock             the screen kept awake (else: a note to set a longer screen timeout)
//   webLocks             a second tab never mistakes a running set for a cut-off one
//   compression          .gz import/export (else: plain JSON)
//   videoFrames          requestVideoFrameCallback: frame-accurate clips (else: clip mode says so)

export function features() {
  const nav = typeof navigator === 'undefined' ? {} : navigator;
  return {
    secureContext: !!globalThis.isSecureContext,
    crossOriginIsolated: !!globalThis.crossOriginIsolated,
    serviceWorker: 'serviceWorker' in nav,
    indexedDB: typeof indexedDB !== 'undefined' && !!indexedDB,
    wakeLock: !!nav.wakeLock?.request,
    webLocks: !!nav.locks?.request,
    camera: !!nav.mediaDevices?.getUserMedia,
    compression: typeof CompressionStream !== 'undefined' && typeof DecompressionStream !== 'undefined',
    videoFrames: typeof HTMLVideoElement !== 'undefined' && 'requestVideoFrameCallback' in HTMLVideoElement.prototype,
  };
}

/** The fallbacks worth a word to the lifter (shown once, at load). */
export function featureNotes(f) {
  const notes = [];
  if (!f.secureContext) notes.push('This page is not on a secure origin (https or localhost), so the browser will not give it the camera. The demo, clips and posetracks work; for the camera open it over https (tools/serve.sh --lan) or on localhost.');
  if (f.secureContext && !f.serviceWorker) notes.push('This browser cannot keep the page for offline use: it works while online.');
  return notes;
}
