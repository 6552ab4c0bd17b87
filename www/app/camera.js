// The camera: list, open, watch for unplugging; errors become a short `reason` and a message
// that says what to do next.

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

/** Opens a camera (a deviceId, or the default). Resolves to a MediaStream. */
export async function openCamera(deviceId) {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraError('unsupported', window.isSecureContext
      ? 'This browser cannot open a camera. Try the demo, or open a recorded clip.'
      : 'The camera needs a secure page: open it as http://localhost or over https.');
  }
  const video = {
    width: { ideal: 1280 },
    height: { ideal: 720 },
    frameRate: { ideal: 30 },
    ...(deviceId ? { deviceId: { exact: deviceId } } : { facingMode: 'user' }),
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

export function stopStream(stream) {
  for (const t of stream?.getTracks() ?? []) {
    t.onended = null;
    t.stop();
  }
}
