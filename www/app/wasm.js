// Loads the analysis core (Rust → wasm, built into www/pkg by tools/build-web.sh) once.
import init, * as pkg from '../pkg/hingecheck.js';

export const core = pkg;
let ready = null;

/** Resolves to the wasm exports (memory included) once the module is instantiated. */
export function loadCore() {
  ready ??= init({ module_or_path: new URL('../pkg/hingecheck_bg.wasm', import.meta.url) });
  return ready;
}
