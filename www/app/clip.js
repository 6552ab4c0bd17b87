// Recorded clip: open a video file (or drop it), analyse EVERY frame with the same pipeline as
// live, then scrub and replay it with the overlay.
//
// Frame-accurate: the clip plays at a rate a little slower than the model (tuned as it goes);
// each frame requestVideoFrameCallback presents goes to the model with its own media time; a
// frame that comes while the model is busy pauses the clip until it can go; a gap in media time
// (a frame the browser skipped) is fetched again by seeking back. The landmarks are stored, so
// scrubbing and replaying re-draw the overlay without the model.

import { $, banner, clearBanner, setStatus } from './ui.js';
import { Session, Replayer } from './session.js';
import { layout, drawOverlay, clearOverlay } from './stage.js';
import { store } from './store.js';

const MAX_BYTES = 4 * 1024 ** 3;

export function createClip(app) {
  const video = $('video');
  let url = null;
  let session = null;
  let analysing = false;
  let replayer = null;
  let rvfc = 0;
  let playing = false;
  let slow = false;
  const stats = { frames: 0, missed: 0, recovered: 0, duplicates: 0, rate: 1, wallMs: 0, frameDurMs: NaN };

  function reset() {
    stopPlayback();
    if (rvfc) video.cancelVideoFrameCallback?.(rvfc);
    rvfc = 0;
    analysing = false;
    replayer?.free();
    replayer = null;
  }

  async function open(file) {
    if (!file) return;
    clearBanner('clip');
    if (file.type && !file.type.startsWith('video/')) {
      banner('clip', `"${file.name}" is not a video (${file.type}). Open a video file, or import a posetrack in Review.`, { kind: 'error' });
      return;
    }
    if (file.size > MAX_BYTES) {
      banner('clip', `"${file.name}" is too large (${(file.size / 1024 ** 3).toFixed(1)} GB); trim it to the set first.`, { kind: 'error' });
      return;
    }
    app.stopOthers('clip');
    reset();
    if (url) URL.revokeObjectURL(url);
    url = URL.createObjectURL(file);
    video.srcObject = null;
    video.muted = true;
    video.loop = false;
    video.src = url;
    store.set({ source: 'video', mirror: false });
    setStatus('clip-status', `Opening ${file.name}…`);
    try {
      await new Promise((resolve, reject) => {
        video.onloadeddata = resolve;
        video.onerror = () => reject(new Error(video.error?.message || 'the browser cannot decode it'));
      });
    } catch (e) {
      banner('clip', `"${file.name}" cannot be played here (${e.message}). Try an MP4 (H.264) or WebM file.`, { kind: 'error' });
      setStatus('clip-status', 'No clip.', true);
      return;
    } finally {
      video.onloadeddata = null;
      video.onerror = null;
    }
    // A file whose sound plays but whose picture this browser cannot decode (MPEG-4 Part 2 from
    // an older camera, say) loads with no picture at all.
    if (!video.videoWidth || !video.videoHeight) {
      banner('clip', `"${file.name}" cannot be played here: this browser cannot decode its picture (its video format), only its sound. Re-save it as an MP4 (H.264) or WebM file and open that.`, { kind: 'error' });
      setStatus('clip-status', 'No clip.', true);
      video.removeAttribute('src');
      video.load();
      return;
    }
    if (!video.requestVideoFrameCallback) {
      banner('clip', 'This browser cannot step through video frames (requestVideoFrameCallback): use a current Chrome, Edge or Safari.', { kind: 'error' });
      return;
    }
    session = new Session({ settings: app.settings(), source: 'clip', name: file.name, meta: app.meta() });
    session.clipUrl = url;
    app.setSession(session, { speak: false });
    layout();
    await analyse();
  }

  async function analyse() {
    try {
      await app.loadModel();
    } catch (e) {
      banner('clip', `The pose model is needed to analyse a clip and did not load: ${e.message}`, { kind: 'error', actions: [{ label: 'Try again', run: () => analyse() }] });
      return;
    }
    const s = session;
    analysing = true;
    controls();
    Object.assign(stats, { frames: 0, missed: 0, recovered: 0, duplicates: 0, rate: 0.25, frameDurMs: NaN });
    $('clip-progress').hidden = false;
    const t0 = performance.now();
    const inference = [];
    let lastMt = -1; // media time (s) of the last frame taken
    let frameDur = Infinity; // s, the smallest step between frames seen
    let busy = false;
    let pending = null; // a frame that arrived while busy (the clip is paused on it)
    let recovering = 0; // watchdog timer while seeking back for a skipped frame
    let failures = 0;
    let finish;
    const done = new Promise((resolve) => { finish = resolve; });
    const end = (complete) => { analysing = false; finish(complete); };
    const atEnd = (mt) => video.ended || (video.duration && mt >= video.duration - Math.min(frameDur, 0.05) * 0.5);

    // The rate is set so a frame comes a little slower than the model takes one.
    const tune = () => {
      if (!Number.isFinite(frameDur) || inference.length < 5) return;
      const med = [...inference].sort((a, b) => a - b)[inference.length >> 1];
      const rate = Math.min(1, Math.max(0.0625, (frameDur * 1000) / (med * 1.15 + 10)));
      if (Math.abs(rate - video.playbackRate) > 0.02) video.playbackRate = rate;
      stats.rate = Math.round(rate * 1000) / 1000;
    };

    async function take(mt) {
      busy = true;
      let bmp;
      // Right after a seek (or a source change) the frame may not be decodable yet: retry.
      for (let attempt = 0; !bmp; attempt++) {
        try {
          bmp = await createImageBitmap(video);
        } catch (e) {
          if (attempt >= 20 || !analysing) {
            busy = false;
            banner('clip', `Analysis stopped: the frame at ${mt.toFixed(3)} s could not be read (${e.message}).`, { kind: 'error', actions: [{ label: 'Try again', run: () => analyse() }] });
            return end(false);
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      // The picture is taken: the clip may play on to the next frame meanwhile.
      if (video.paused && !recovering && !atEnd(mt) && analysing) play();
      try {
        // The model may still be busy with another frame (the camera's last one, say): wait,
        // so this frame is not dropped.
        for (let k = 0; app.pose.busy && k < 300; k++) await new Promise((res) => setTimeout(res, 10));
        const r = await app.pose.detect(bmp, mt * 1000);
        if (r && s === session) {
          inference.push(r.inferenceMs);
          s.feed({ t: r.timestampMs, width: r.width, height: r.height, landmarks: r.poses[0], people: r.poses.length, mask: r.mask });
          stats.frames++;
          if (stats.frames % 10 === 5) tune();
        }
      } catch (e) {
        if (++failures > 20 || !app.pose.ready) {
          banner('clip', `Analysis stopped: ${e.message}`, { kind: 'error', actions: [{ label: 'Try again', run: () => analyse() }] });
          busy = false;
          return end(false);
        }
      }
      busy = false;
      if (!analysing || s !== session) return end(false);
      $('clip-progress').value = video.duration ? mt / video.duration : 0;
      setStatus('clip-status', `Analysing frame ${stats.frames}… ${s.frame.repCount} reps so far`);
      if (pending != null) {
        const next = pending;
        pending = null;
        return take(next);
      }
      if (atEnd(lastMt)) end(true);
    }

    const step = (now, meta) => {
      if (!analysing || s !== session) return end(false);
      rvfc = video.requestVideoFrameCallback(step);
      const mt = meta.mediaTime;
      if (!(mt > lastMt + 1e-6)) { // the same frame again
        stats.duplicates++;
        return;
      }
      if (lastMt >= 0) {
        const d = mt - lastMt;
        if (d < frameDur) frameDur = d;
        if (!recovering && d > 1.5 * frameDur && stats.frames > 2) {
          // The browser presented more than one frame since the last callback: seek back for
          // the skipped one. If no frame comes from the seek, accept the gap.
          stats.missed += Math.max(1, Math.round(d / frameDur) - 1);
          video.pause();
          recovering = setTimeout(() => { recovering = 0; if (!busy && analysing) play(); }, 500);
          video.currentTime = lastMt + frameDur * 0.5;
          return;
        }
      }
      if (recovering) { clearTimeout(recovering); recovering = 0; stats.recovered++; }
      lastMt = mt;
      if (busy) { video.pause(); pending = mt; return; }
      take(mt);
    };

    video.addEventListener('ended', () => setTimeout(() => { if (analysing && !busy && pending == null) end(true); }, 300), { once: true });
    await seek(0);
    video.playbackRate = stats.rate;
    rvfc = video.requestVideoFrameCallback(step);
    // The first frame is already on show after the seek (no callback comes for it): take it.
    lastMt = 0;
    take(0);

    const complete = await done;
    analysing = false;
    if (recovering) clearTimeout(recovering);
    if (rvfc) video.cancelVideoFrameCallback?.(rvfc);
    rvfc = 0;
    video.pause();
    $('clip-progress').hidden = true;
    stats.wallMs = performance.now() - t0;
    stats.frameDurMs = frameDur * 1000;
    if (s !== session) return;
    const r = s.finish();
    app.setSession(s);
    if (complete && r.summary.rep_count) app.logbook.keep(s); // into History (clips are sets too)
    const med = inference.sort((a, b) => a - b)[inference.length >> 1];
    setStatus('clip-status', `${complete ? 'Analysed' : 'Stopped after'} ${stats.frames} frames in ${(stats.wallMs / 1000).toFixed(0)} s`
      + ` (model ${med?.toFixed(0) ?? '–'} ms a frame${stats.missed ? `; ${stats.missed} skipped by the browser, ${stats.recovered} fetched again` : ''}):`
      + ` ${r.summary.rep_count} reps: engine ${r.summary.engine}, crane ${r.summary.crane}, unclear ${r.summary.unclear}.`);
    replayer = new Replayer(s);
    controls();
    await seek(0);
    drawAt(0);
    if (complete && r.summary.rep_count) {
      banner('clip-done', `Clip analysed: ${r.summary.rep_count} reps.`, { kind: 'info', actions: [{ label: 'Review', run: () => app.setMode('review') }], timeoutMs: 20000 });
    }
    if (complete && r.lift_unsure) askLift(r);
  }

  /** Auto was not sure which lift the clip shows: ask, and judge it again as the one chosen. */
  function askLift(r) {
    const lifts = [['swing', 'Swing'], ['deadlift', 'Deadlift (barbell)'], ['kettlebell-deadlift', 'Kettlebell deadlift'], ['rdl', 'RDL']];
    const seen = r.exercise && r.exercise !== 'unknown' ? ` (it looked like a ${r.exercise.replace(/_/g, ' ')})` : '';
    banner('clip-lift', `Which lift was it${seen}? Too few reps to be sure — choose it and the clip is judged again.`, {
      kind: 'info',
      actions: lifts.map(([value, label]) => ({
        label,
        run: () => {
          $('exercise').value = value;
          $('exercise').dispatchEvent(new Event('change'));
        },
      })),
    });
  }

  function play() {
    const p = video.play();
    p?.catch?.(() => {});
  }

  function seek(t) {
    return new Promise((resolve) => {
      if (Math.abs(video.currentTime - t) < 1e-4 && video.readyState >= 2) return resolve();
      video.addEventListener('seeked', () => resolve(), { once: true });
      video.currentTime = t;
    });
  }

  // ---- after analysis: scrub and replay with the stored landmarks ----

  function drawAt(mediaTimeS) {
    if (!replayer) return;
    layout();
    replayer.seek(mediaTimeS * 1000);
    drawOverlay(replayer);
    app.feedback.frame(replayer, replayer.frame);
  }

  function onPlaybackFrame(now, meta) {
    if (!playing) return;
    drawAt(meta.mediaTime);
    $('clip-scrub').value = video.duration ? meta.mediaTime / video.duration : 0;
    if (stopAt != null && meta.mediaTime >= stopAt) { stopPlayback(); return; }
    rvfc = video.requestVideoFrameCallback(onPlaybackFrame);
  }

  let stopAt = null;
  let onStop = null;
  function startPlayback(from = null, to = null, done = null) {
    if (!replayer) return;
    stopPlayback();
    playing = true;
    stopAt = to;
    onStop = done;
    video.playbackRate = slow ? 0.25 : 1;
    const go = () => { rvfc = video.requestVideoFrameCallback(onPlaybackFrame); play(); };
    if (from != null) seek(Math.max(0, from)).then(go); else go();
    controls();
  }

  function stopPlayback() {
    if (!playing) return;
    playing = false;
    video.pause();
    if (rvfc) video.cancelVideoFrameCallback?.(rvfc);
    rvfc = 0;
    stopAt = null;
    const f = onStop;
    onStop = null;
    controls();
    f?.();
  }

  function controls() {
    const ready = !!replayer && !analysing;
    $('clip-scrub').disabled = !ready;
    $('clip-play').disabled = !ready;
    $('clip-slow').disabled = !ready;
    $('clip-play').textContent = playing ? 'Pause' : 'Play with overlay';
    $('clip-slow').setAttribute('aria-pressed', String(slow));
  }

  /** Replays [fromS, toS] of the analysed clip with the overlay (a rep, from Review). */
  function replayRange(fromS, toS, done) {
    if (!replayer || !video.src || session?.clipUrl !== video.src) return false;
    store.set({ source: 'video' });
    startPlayback(fromS, toS, done);
    return true;
  }

  $('clip-file').addEventListener('change', (e) => { open(e.target.files[0]); e.target.value = ''; });
  $('clip-scrub').addEventListener('input', async (e) => {
    if (!replayer) return;
    stopPlayback();
    const t = Number(e.target.value) * (video.duration || 0);
    await seek(t);
    drawAt(t);
  });
  $('clip-play').addEventListener('click', () => (playing ? stopPlayback() : startPlayback(video.ended ? 0 : null)));
  $('clip-slow').addEventListener('click', () => {
    slow = !slow;
    if (playing) video.playbackRate = slow ? 0.25 : 1;
    controls();
  });

  return {
    open,
    replayRange,
    stop() {
      if (analysing) { analysing = false; video.pause(); }
      stopPlayback();
    },
    toggle() { if (analysing) return; if (playing) stopPlayback(); else if (replayer) startPlayback(video.ended ? 0 : null); },
    onHidden() { if (analysing) video.pause(); },
    onVisible() { if (analysing && rvfc) play(); },
    settingsChanged() {
      if (!session || analysing) return;
      session.rebuild(app.settings());
      replayer?.free();
      replayer = new Replayer(session);
      app.setSession(session);
      drawAt(video.currentTime);
    },
    get analysing() { return analysing; },
    get session() { return session; },
    get hasVideo() { return !!replayer; },
    stats,
    clear() { reset(); clearOverlay(); },
  };
}
