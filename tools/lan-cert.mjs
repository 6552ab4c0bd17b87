// The LAN mode's certificate (tools/serve.mjs --lan): a browser gives the camera only to a
// secure origin, so a phone reaching this machine over the network needs HTTPS.
//
// Made on the spot with the openssl command line and kept OUTSIDE the repository, in
// ${XDG_CACHE_HOME:-~/.cache}/hingecheck/lan/ (mode 0700, keys 0600):
//   ca.pem, ca.key      a local certificate authority, made once ("Hinge Check local CA")
//   cert.pem, key.pem   the server's certificate, signed by it, for this machine's addresses
//                       (and localhost, 127.0.0.1), remade when an address is not covered or it
//                       expires within 30 days (397 days: what phones accept for a server).
// A phone can trust the CA once (README: "Open it on your phone") and then opens the page with
// no warning; without that it shows a warning to accept.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';

export function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'hingecheck', 'lan');
}

/**
 * The machine's addresses a phone on the same network can reach: IPv4, not loopback, not
 * link-local, not a container bridge; private ranges first. `LAN_HOST` overrides.
 */
export function lanAddresses() {
  if (process.env.LAN_HOST) return [process.env.LAN_HOST];
  const found = [];
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    if (/^(docker|br-|veth|virbr|cni|flannel|lxc)/.test(name)) continue;
    for (const a of addrs ?? []) {
      if (a.internal || a.family !== 'IPv4' || a.address.startsWith('169.254.')) continue;
      found.push(a.address);
    }
  }
  const isPrivate = (ip) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip);
  return found.sort((a, b) => Number(isPrivate(b)) - Number(isPrivate(a)));
}

function openssl(args, opts = {}) {
  try {
    return execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  } catch (e) {
    if (e.code === 'ENOENT') throw new Error('openssl is not installed: run bash tools/setup.sh (it installs it), or apt-get install openssl', { cause: e });
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString().trim() || e.message}`, { cause: e });
  }
}

/** Does this certificate cover every name, and stay valid for 30 more days? */
function covers(certPem, names) {
  try {
    const c = new crypto.X509Certificate(certPem);
    if (new Date(c.validTo).getTime() - Date.now() < 30 * 86400e3) return false;
    const san = c.subjectAltName ?? '';
    return names.every((n) => san.includes(/^[\d.]+$/.test(n) || n.includes(':') ? `IP Address:${n}` : `DNS:${n}`));
  } catch {
    return false;
  }
}

/**
 * The certificate and key for `addresses` (made or remade when needed). Returns
 * { cert, key, ca (PEM), dir, spki (the server key's SHA-256 SPKI hash, base64), made }.
 */
export function ensureCertificate(addresses, dir = cacheDir()) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = (n) => path.join(dir, n);
  const names = [...new Set(['localhost', '127.0.0.1', ...addresses])];
  let made = false;
  if (!fs.existsSync(f('ca.pem')) || !fs.existsSync(f('ca.key')) || !covers(fs.readFileSync(f('ca.pem')), [])) {
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '3650', '-subj', `/CN=Hinge Check local CA (${os.hostname()})`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    fs.rmSync(f('cert.pem'), { force: true });
    made = true;
  }
  if (!fs.existsSync(f('cert.pem')) || !fs.existsSync(f('key.pem')) || !covers(fs.readFileSync(f('cert.pem')), names)) {
    const san = names.map((n) => (/^[\d.]+$/.test(n) || n.includes(':') ? `IP:${n}` : `DNS:${n}`)).join(',');
    fs.writeFileSync(f('ext.cnf'), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`);
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('key.pem'),
      '-out', f('cert.csr'), '-subj', '/CN=Hinge Check']);
    openssl(['x509', '-req', '-in', f('cert.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial',
      '-out', f('cert.pem'), '-days', '397', '-sha256', '-extfile', f('ext.cnf')]);
    fs.rmSync(f('cert.csr'), { force: true });
    made = true;
  }
  for (const k of ['ca.key', 'key.pem']) fs.chmodSync(f(k), 0o600);
  const cert = fs.readFileSync(f('cert.pem'));
  return { cert, key: fs.readFileSync(f('key.pem')), ca: fs.readFileSync(f('ca.pem')), dir, spki: spkiHash(cert), made };
}

/** The SHA-256 hash of a certificate's public key (SPKI, DER), base64: what Chromium's
 * --ignore-certificate-errors-spki-list takes. */
export function spkiHash(certPem) {
  const der = new crypto.X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(der).digest('base64');
}
