// Sending the outbox through POST /api/v1/sync and taking in what the server answers.
// One function, `flush`, used by the pages (on load, `online`, a backoff timer) and by the
// service worker (Background Sync). A mutation leaves the outbox only when the server has
// answered applied, duplicate or rejected for it; a rejection with `error.retry` (what it
// refers to is not stored yet) keeps it, to be sent again on a later flush.
import { get, getAll, put, transact, uuid4, withServerCopy } from './store.js';

const BATCH = 100;
// A batch the server fails on (5xx) this many times in a row is split to find the one item at
// fault, so that one item can never hold the whole outbox back.
const STRIKES_BEFORE_SPLIT = 2;
// How often an item answered `retry` is sent again before its rejection is taken as final.
const MAX_RETRIES = 20;
const KINDS = { 'help_request.create': 'help_request', 'presence.upsert': 'presence', 'message.create': 'message' };

async function cookie(name) {
  if (typeof document !== 'undefined') {
    const hit = document.cookie.split('; ').find((c) => c.startsWith(name + '='));
    return hit ? decodeURIComponent(hit.slice(name.length + 1)) : '';
  }
  if (self.cookieStore) {
    const c = await self.cookieStore.get(name);
    return c ? c.value : '';
  }
  return '';
}

async function post(url, body, csrfCookie) {
  return fetch(url, {
    method: 'POST', credentials: 'same-origin', cache: 'no-store',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json',
               'X-CSRF-TOKEN': await cookie(csrfCookie) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

// The access cookie lives 15 minutes; the refresh cookie renews it (and rotates itself).
async function refresh() {
  try {
    return (await post('/session/refresh', undefined, 'csrf_refresh_token')).ok;
  } catch (e) {
    return false;
  }
}

export async function deviceId() {
  let id = await get('meta', 'device');
  if (!id) { id = uuid4(); await put('meta', id, 'device'); }
  return id;
}

function retryAfter(response) {
  const value = response.headers.get('Retry-After');
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, (at - Date.now()) / 1000) : 0;
}

// Results and changes of one answer, stored in one transaction with the new cursor; resolves
// with the ids of the mutations kept to be sent again (answered `retry`).
// Everything the answer says of one item (its result, its change) is applied to one read of it and
// written once: two read-then-write steps on one record would both read the old copy, and the
// last write would undo the first (a presence report's acknowledgement putting `pending` back).
function takeAnswer(user, sent, answer, cursorKey) {
  const byMutation = Object.fromEntries(sent.map((m) => [m.id, m]));
  const steps = new Map();  // item id → [item → item (null: deleted, undefined: not stored)]
  const touch = (id, step) => { if (!steps.has(id)) steps.set(id, []); steps.get(id).push(step); };
  return transact(['outbox', 'items', 'meta'], 'readwrite', (s, box) => {
    box.value = [];
    for (const result of answer.results) {
      const m = byMutation[result.id];
      if (!m) continue;
      if (result.status === 'rejected' && result.error && result.error.retry && (m.tries || 0) < MAX_RETRIES) {
        s.outbox.put({ ...m, tries: (m.tries || 0) + 1 });  // still pending: its item is left as it is
        box.value.push(m.id);
        continue;
      }
      s.outbox.delete(m.id);
      touch(m.data.id, (item) => {
        if (!item || item.mutation_id !== m.id) return item;  // corrected meanwhile: a newer mutation decides
        const rejected = result.status === 'rejected';
        return { ...item, sync_state: rejected ? 'rejected' : 'synced', error: rejected ? result.error : null,
                 record_id: result.record_id || item.record_id };
      });
    }
    for (const change of answer.changes) {
      touch(change.id, (item) => {
        if (change.data === null) return null;
        const merged = withServerCopy(item, change.data,
                                      { id: change.id, user, kind: change.entity, data: null, sync_state: 'synced' });
        return { ...merged, sync_state: merged.sync_state === 'pending' ? 'pending' : 'synced' };
      });
    }
    for (const [id, itemSteps] of steps) {
      s.items.get(id).onsuccess = (e) => {
        const item = itemSteps.reduce((value, step) => step(value), e.target.result);
        if (item === null) s.items.delete(id);
        else if (item) s.items.put(item);
      };
    }
    s.meta.put(answer.cursor, cursorKey);
    s.meta.delete('strikes:' + user);
  });
}

// `m` can never be sent as it is: the server fails on it alone while it answers a call without
// it (`unsendable`), or it is over 1 MiB alone (`too_large`). Marked rejected, the page showing
// the label of that name, so that the rest of the outbox goes on.
function giveUp(m, why = 'unsendable') {
  return transact(['outbox', 'items'], 'readwrite', (s) => {
    s.outbox.delete(m.id);
    s.items.get(m.data.id).onsuccess = (e) => {
      const item = e.target.result;
      if (!item || item.mutation_id !== m.id) return;
      item.sync_state = 'rejected';
      item.error = { message: '', errors: {}, local: why };
      s.items.put(item);
    };
  });
}

// Send everything waiting for `user` and pull the changes, then upload the files waiting, then
// send what named those files. Resolves with {ok} | {ok: false, retryAfter?, auth?, later?,
// offline?}; never rejects. `later`: some items wait for what they refer to (a file not uploaded
// yet, a request in another call) and are sent again on the next flush (the caller backs off).
//
// The words go first: a file that uploads slowly or fails never holds back a request's text (the
// page queues the text and the files as separate mutations: static/js/app.js). See docs/sync.md.
export async function flush(user) {
  user = user || (await get('meta', 'user'));
  if (!user) return { ok: false, auth: true };
  const words = await sendOutbox(user);
  if (words.auth || words.offline) return words;
  const files = await uploadFiles(user);
  if (files.auth || files.offline) return { ok: false, ...files };
  if (files.sent) return sendOutbox(user);
  return files.waiting ? { ok: false, later: true, retryAfter: files.retryAfter } : words;
}

// ------------------------------------------------------------------ files (voice notes, photos)

const UPLOAD_TIMEOUT_MS = 120_000;
// Answers after which sending the same file again cannot help: it is marked done, and the
// mutation naming it is answered by the server (retry, then a final rejection the page shows).
const FINAL = new Set([409, 413, 415, 422]);

async function sendFile(file) {
  const controller = typeof AbortController !== 'undefined' ? new AbortController() : null;
  const timer = controller && setTimeout(() => controller.abort(), UPLOAD_TIMEOUT_MS);
  try {
    return await fetch(`/api/v1/attachments/${encodeURIComponent(file.id)}`, {
      method: 'PUT', credentials: 'same-origin', cache: 'no-store', signal: controller?.signal,
      headers: { 'Content-Type': file.content_type, Accept: 'application/json',
                 'X-CSRF-TOKEN': await cookie('csrf_access_token') },
      body: file.blob,
    });
  } finally {
    clearTimeout(timer);
  }
}

function markFile(id, change) {
  return transact(['files'], 'readwrite', (s) => {
    s.files.get(id).onsuccess = (e) => { if (e.target.result) s.files.put({ ...e.target.result, ...change }); };
  });
}

// Upload each file of `user` not uploaded yet, one at a time. Each file is sent whole under the
// id the phone gave it: the server stores an id once, so a connection dropped mid-upload simply
// sends the same file again on a later flush (and a repeat after a lost answer is a 200).
// Once the server has it the phone keeps only its facts, not its bytes.
async function uploadFiles(user) {
  const waiting = (await getAll('files')).filter((f) => f.user === user && !f.uploaded)
    .sort((a, b) => String(a.at).localeCompare(String(b.at)));
  let sent = 0;
  for (const file of waiting) {
    let response;
    try {
      response = await sendFile(file);
      if (response.status === 401 && (await refresh())) response = await sendFile(file);
    } catch (e) {
      return { sent, offline: true };  // no network, or dropped mid-upload: the same file next time
    }
    if (response.status === 401 || response.status === 403) return { sent, auth: true };
    if (response.ok || FINAL.has(response.status)) {
      await markFile(file.id, { uploaded: true, blob: null, size: file.size,
                                refused: response.ok ? null : response.status });
      sent += 1;
      continue;
    }
    return { sent, waiting: true, retryAfter: retryAfter(response) };  // 5xx, 429: later
  }
  return { sent };
}

// The ids of `user`'s files still to upload: a mutation naming one waits on the phone (it would
// only be answered `retry`), so that its retries are not spent while the file travels.
async function filesNotUploaded(user) {
  return new Set((await getAll('files')).filter((f) => f.user === user && !f.uploaded).map((f) => f.id));
}

function waitsForFiles(mutation, notUploaded) {
  return (mutation.data?.attachments || []).some((id) => notUploaded.has(id));
}

// ------------------------------------------------------------------ the outbox

async function sendOutbox(user) {
  const cursorKey = 'cursor:' + user;
  const strikesKey = 'strikes:' + user;
  const deferred = new Set();  // answered `retry`: not sent again in this flush
  let size = BATCH;
  let splitting = false;
  const aloneFailures = {};  // mutation id → failures of a call holding it alone
  try {
    const notUploaded = await filesNotUploaded(user);
    const device = await deviceId();
    const call = async (mutations) => {
      const body = { device_id: device, cursor: (await get('meta', cursorKey)) || null,
                     mutations: mutations.map(({ id, type, data, created_at }) => ({ id, type, data, created_at })) };
      let response = await post('/api/v1/sync', body, 'csrf_access_token');
      if (response.status === 401 && (await refresh())) response = await post('/api/v1/sync', body, 'csrf_access_token');
      return { response, hadCursor: Boolean(body.cursor) };
    };
    for (let round = 0; round < 100; round++) {
      const waiting = (await getAll('outbox'))
        .filter((m) => m.user === user && !deferred.has(m.id) && !waitsForFiles(m, notUploaded))
        .sort((a, b) => a.n - b.n);
      const sent = waiting.slice(0, size);
      const { response, hadCursor } = await call(sent);
      if (response.status === 401 || response.status === 403) return { ok: false, auth: true };
      if (response.status === 400 && hadCursor) { await put('meta', null, cursorKey); continue; }
      if (response.status === 413 && size > 1) { size = Math.max(1, size >> 1); continue; }
      if (response.status === 413 && sent.length === 1) { await giveUp(sent[0], 'too_large'); size = BATCH; continue; }
      if (response.status === 429 || response.status === 503) return { ok: false, retryAfter: retryAfter(response) };
      if (response.status >= 500) {
        // Once may be a passing fault: wait. Again: halve the batch until the item at fault is alone.
        const strikes = ((await get('meta', strikesKey)) || 0) + 1;
        await put('meta', strikes, strikesKey);
        if (!sent.length || (strikes < STRIKES_BEFORE_SPLIT && !splitting)) {
          return { ok: false, retryAfter: retryAfter(response) };
        }
        splitting = true;
        if (sent.length > 1) { size = Math.ceil(sent.length / 2); continue; }
        // Alone it fails: once more to be sure, then only if the server answers a call without it
        // is the item at fault (else the server is unwell, and nothing is given up).
        aloneFailures[sent[0].id] = (aloneFailures[sent[0].id] || 0) + 1;
        if (aloneFailures[sent[0].id] < 2) continue;
        const probe = (await call([])).response;
        if (!probe.ok) return { ok: false, retryAfter: retryAfter(probe) };
        await giveUp(sent[0]);
        await takeAnswer(user, [], await probe.json(), cursorKey);
        size = BATCH;
        continue;
      }
      if (!response.ok) return { ok: false };
      const answer = await response.json();
      for (const id of await takeAnswer(user, sent, answer, cursorKey)) deferred.add(id);
      if (!answer.has_more && waiting.length <= sent.length) return deferred.size ? { ok: false, later: true } : { ok: true };
    }
    return { ok: true };
  } catch (e) {
    return { ok: false, offline: true };  // no network (fetch failed)
  }
}

export async function pendingCount(user) {
  return (await getAll('outbox')).filter((m) => m.user === user).length;
}

