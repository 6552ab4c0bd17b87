// The camera: list, open (a chosen device, or the front or rear camera of a phone), tell which
// way it faces, watch for unplugging; errors become a short `reason` and a message that says
// what to do next.

export class CameraError extends Error {
  constructor(reason, message) {
    super(message);
    this.reason = reason; // 'unsupported' | 'denied' | 'absent' | 'busy' | 'failed'
  }
}

export async function listCameras() {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  try {
    return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
  } catch {
    return [];
  }
}

/**
 * Opens a camera: a deviceId, or the one facing `facing` ('user': the front camera, the
 * default; 'environment': the rear one). Resolves to a MediaStream.
 */
export async function openCamera(deviceId, facing = 'user') {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraError('unsupported', window.isSecureContext
      ? 'This browser cannot open a camera. Try the demo, or open a recorded clip.'
      : 'The camera needs a secure page: open it as http://localhost or over https.');
  }
  const video = {
    width: { ideal: 1280 },
    height: { ideal: 720 },
    frameRate: { ideal: 30 },
    ...(deviceId ? { deviceId: { exact: deviceId } } : { facingMode: { ideal: facing } }),
  };
  try {
    return await navigator.mediaDevices.getUserMedia({ video, audio: false });
  } catch (e) {
    throw describe(e);
  }
}

function describe(e) {
  switch (e?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new CameraError('denied', 'Camera access was refused. Allow the camera for this page (the camera icon in the address bar), then try again; or watch the demo, or open a recorded clip.');
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new CameraError('absent', 'No camera was found. Plug one in and try again; or watch the demo, or open a recorded clip.');
    case 'NotReadableError':
    case 'AbortError':
      return new CameraError('busy', 'The camera is in use by another program (or failed to start). Close the other program and try again.');
    default:
      return new CameraError('failed', `The camera could not be opened: ${e?.message || e}`);
  }
}

/**
 * Which way an open camera faces: 'user' (front), 'environment' (rear), or null when the
 * browser does not say (most desktop webcams). The track's own settings first, then its label.
 */
export function facingOf(stream) {
  const track = stream?.getVideoTracks()[0];
  const said = track?.getSettings?.().facingMode;
  if (said === 'user' || said === 'environment') return said;
  const label = track?.label ?? '';
  if (/\b(back|rear|environment)\b/i.test(label)) return 'environment';
  if (/\b(front|user|facetime|selfie)\b/i.test(label)) return 'user';
  return null;
}

export function stopStream(stream) {
  for (const t of stream?.getTracks() ?? []) {
    t.onended = null;
    t.stop();
  }
}
