// Small DOM helpers: element lookup, banners (messages with a way forward), the verdict's
// live region, and the HUD beside the stage.

export const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el;
};

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c != null) el.append(c instanceof Node ? c : String(c));
  return el;
}

// Every message the page showed, for window.hingecheck.state() and the tests.
export const messageLog = [];

/**
 * Shows a banner. `id` replaces an earlier banner with the same id. `actions`: [{label, run}].
 * kind: 'error' | 'warn' | 'info'. Returns a function that removes it.
 */
export function banner(id, text, { kind = 'warn', actions = [], timeoutMs = 0 } = {}) {
  const host = $('banners');
  clearBanner(id);
  const el = h('div', { class: `banner ${kind}`, 'data-id': id, role: kind === 'error' ? 'alert' : 'status' },
    h('p', {}, text),
    h('div', { class: 'actions' },
      ...actions.map((a) => h('button', { type: 'button', onclick: () => { clearBanner(id); a.run(); } }, a.label)),
      h('button', { type: 'button', 'aria-label': 'Dismiss', onclick: () => clearBanner(id) }, '×')));
  host.append(el);
  // An error the user must read is brought into view (the banners sit above the stage: a user
  // who opened a file from the panel below has scrolled past them).
  if (kind === 'error') el.scrollIntoView?.({ block: 'nearest' });
  messageLog.push({ id, kind, text, at: Date.now() });
  if (timeoutMs) setTimeout(() => el.isConnected && el.remove(), timeoutMs);
  return () => el.remove();
}

export function clearBanner(id) {
  for (const el of $('banners').querySelectorAll(`[data-id="${CSS.escape(id)}"]`)) el.remove();
}

export function setStatus(id, text, bad = false) {
  const el = $(id);
  el.textContent = text;
  el.classList.toggle('bad', bad);
}

const VERDICT_WORD = { engine: 'Engine', crane: 'Crane', unclear: 'Unclear' };

/** The HUD beside the stage (the same facts the canvas shows, as text for everyone). */
export const hud = {
  reps(n) { $('rep-count').value = String(n); $('rep-count').textContent = String(n); },
  phase(p) { const o = $('phase'); o.textContent = p || '–'; },
  meters(engine, crane) { $('engine-meter').value = engine || 0; $('crane-meter').value = crane || 0; },
  // The verdict region is aria-live: screen readers hear each new rep.
  verdict(rep, extra = '') {
    const el = $('verdict');
    el.className = 'verdict';
    if (!rep) { el.textContent = extra || 'No rep yet.'; return; }
    el.classList.add(rep.verdict);
    el.replaceChildren(
      h('strong', {}, `Rep ${rep.index}${rep.revised ? ', read again' : ''}: ${VERDICT_WORD[rep.verdict] ?? rep.verdict}.`),
      h('span', { class: 'msg' }, ` ${rep.message || ''}`, ...(extra ? [h('span', { class: 'extra' }, ` ${extra}`)] : [])));
  },
  framing(list, known) {
    const ul = $('framing');
    const key = list.map((f) => f.code).join();
    if (ul.dataset.key === key && ul.dataset.known === String(known)) return;
    ul.dataset.key = key;
    ul.dataset.known = String(known);
    if (!list.length) {
      ul.replaceChildren(...(known ? [h('li', { class: 'ok' }, 'Framing OK')] : []));
      return;
    }
    ul.replaceChildren(...list.map((f) => h('li', { 'data-code': f.code }, f.message)));
  },
  reset() { this.reps(0); this.phase(''); this.meters(0, 0); this.verdict(null); this.framing([], false); },
};

export function fmt(n, digits = 0) {
  return typeof n === 'number' && Number.isFinite(n) ? n.toFixed(digits) : '–';
}
