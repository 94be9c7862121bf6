// Speak or show instead of write: a voice note recorded on the phone (MediaRecorder) and photos
// made small on the phone (canvas), kept with the request in IndexedDB (`files`) and uploaded by
// sync.js when there is signal. No framework: the help form's fieldset #attachments-picker.
import { transact, uuid4 } from './store.js';

const MiB = 1024 * 1024;
const LIMITS = { voice: 2 * MiB, photo: MiB };  // the server's (app/attachments/kinds.py)
const MAX_FILES = 5;
// Opus at 24 kbit/s: two minutes is about 360 KiB, far under the limit on any phone.
const MAX_SECONDS = 120;
const AUDIO_BITS = 24_000;
// Opus in WebM (Chromium, Firefox) or Ogg; MP4 (AAC) where that is all the browser has (Safari).
const VOICE_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/ogg', 'audio/mp4'];
const PHOTO_EDGE = 1600;  // the longer side, in pixels, before quality is lowered
const PHOTO_QUALITIES = [0.82, 0.7, 0.55, 0.4];

function voiceType() {
  if (typeof MediaRecorder === 'undefined') return null;
  return VOICE_TYPES.find((t) => !MediaRecorder.isTypeSupported || MediaRecorder.isTypeSupported(t)) || null;
}

const baseType = (type) => String(type || '').split(';')[0].trim().toLowerCase();

function canvasBlob(canvas, quality) {
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
}

// A photo as a JPEG under the limit: scaled to PHOTO_EDGE, then lower quality, then smaller again.
async function shrinkPhoto(file) {
  const bitmap = await createImageBitmap(file);
  let edge = PHOTO_EDGE;
  for (let round = 0; round < 4; round++, edge = Math.round(edge * 0.7)) {
    const scale = Math.min(1, edge / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    for (const quality of PHOTO_QUALITIES) {
      const blob = await canvasBlob(canvas, quality);
      if (blob && blob.size <= LIMITS.photo) {
        const thumb = document.createElement('canvas');
        const t = Math.min(1, 160 / Math.max(canvas.width, canvas.height));
        thumb.width = Math.round(canvas.width * t); thumb.height = Math.round(canvas.height * t);
        thumb.getContext('2d').drawImage(canvas, 0, 0, thumb.width, thumb.height);
        bitmap.close?.();
        return { blob, thumb: thumb.toDataURL('image/jpeg', 0.6) };
      }
    }
  }
  bitmap.close?.();
  return null;
}

function seconds(ms) {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

// Wire the picker of `form`; returns {files(): the chosen files, count()} or null without one.
export function wireAttachments(form, labels) {
  const box = form.querySelector('#attachments-picker');
  if (!box || !window.indexedDB) return null;
  const L = labels || {};
  const list = box.querySelector('#attachment-list');
  const recordButton = box.querySelector('#record-voice');
  const photoInput = box.querySelector('#add-photo');
  const note = box.querySelector('#attachment-note');
  const description = form.elements.description;
  const chosen = [];
  let recorder = null;

  const say = (text) => { note.textContent = text || ''; note.hidden = !text; };
  const refresh = () => {
    list.replaceChildren(...chosen.map((f) => {
      const li = document.createElement('li');
      li.className = `attachment attachment-${f.kind}`;
      li.dataset.attachmentId = f.id;
      if (f.thumb) {
        const img = document.createElement('img');
        img.src = f.thumb; img.alt = L.photo || '';
        li.append(img);
      }
      li.append(document.createTextNode(f.kind === 'voice' ? `${L.voice} ${seconds(f.duration)}` : ` ${L.photo}`), ' ');
      const remove = document.createElement('button');
      remove.type = 'button'; remove.className = 'link'; remove.textContent = L.remove;
      remove.addEventListener('click', () => { chosen.splice(chosen.indexOf(f), 1); refresh(); });
      li.append(remove);
      return li;
    }));
    // A voice note or photo may stand for the words: then the text is not required.
    if (description) description.required = chosen.length === 0;
    const full = chosen.length >= MAX_FILES;
    recordButton.disabled = full && !recorder;
    photoInput.disabled = full;
  };
  const add = (file) => {
    if (chosen.length >= MAX_FILES) { say(L.max); return; }
    chosen.push(file);
    say('');
    refresh();
  };

  const type = voiceType();
  if (!type || !navigator.mediaDevices?.getUserMedia) recordButton.hidden = true;
  recordButton.addEventListener('click', async () => {
    if (recorder) { recorder.stop(); return; }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      say(L.no_microphone);
      return;
    }
    const chunks = [];
    const started = Date.now();
    recorder = new MediaRecorder(stream, { mimeType: type, audioBitsPerSecond: AUDIO_BITS });
    recorder.ondataavailable = (e) => { if (e.data && e.data.size) chunks.push(e.data); };
    const limit = setTimeout(() => recorder && recorder.state !== 'inactive' && recorder.stop(), MAX_SECONDS * 1000);
    recorder.onstop = () => {
      clearTimeout(limit);
      stream.getTracks().forEach((t) => t.stop());
      const contentType = baseType(recorder.mimeType || type);
      const blob = new Blob(chunks, { type: contentType });
      recorder = null;
      recordButton.textContent = L.record;
      recordButton.classList.remove('recording');
      if (!blob.size) { say(L.no_microphone); return; }
      if (blob.size > LIMITS.voice) { say(L.too_large); return; }
      add({ id: uuid4(), kind: 'voice', content_type: contentType, blob, size: blob.size,
            duration: Date.now() - started });
    };
    recorder.start(1000);
    recordButton.textContent = L.stop;
    recordButton.classList.add('recording');
  });

  photoInput.addEventListener('change', async () => {
    const file = photoInput.files && photoInput.files[0];
    photoInput.value = '';
    if (!file) return;
    try {
      const small = await shrinkPhoto(file);
      if (!small) { say(L.too_large); return; }
      add({ id: uuid4(), kind: 'photo', content_type: 'image/jpeg', blob: small.blob, size: small.blob.size,
            thumb: small.thumb });
    } catch (e) {
      say(L.not_a_photo);
    }
  });

  box.hidden = false;
  refresh();
  return { files: () => chosen.slice(), recording: () => Boolean(recorder) };
}

// Keep the chosen files on the phone (the `files` store) for `user`, to be uploaded by sync.js.
export function keepFiles(user, files) {
  const at = new Date().toISOString();
  return transact(['files'], 'readwrite', (s) => {
    for (const f of files) {
      s.files.put({ id: f.id, user, kind: f.kind, content_type: f.content_type, blob: f.blob, size: f.size,
                    uploaded: false, at });
    }
  });
}
