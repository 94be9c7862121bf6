// Sending the outbox through POST /api/v1/sync and taking in what the server answers.
// One function, `flush`, used by the pages (on load, `online`, a backoff timer) and by the
// service worker (Background Sync). A mutation leaves the outbox only when the server has
// answered applied, duplicate or rejected for it.
import { get, getAll, put, transact, uuid4 } from './store.js';

const BATCH = 100;
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

// Results and changes of one answer, stored in one transaction with the new cursor.
function takeAnswer(user, sent, answer, cursorKey) {
  const byMutation = Object.fromEntries(sent.map((m) => [m.id, m]));
  return transact(['outbox', 'items', 'meta'], 'readwrite', (s) => {
    for (const result of answer.results) {
      const m = byMutation[result.id];
      if (!m) continue;
      s.outbox.delete(m.id);
      s.items.get(m.data.id).onsuccess = (e) => {
        const item = e.target.result;
        if (!item || item.mutation_id !== m.id) return;  // corrected meanwhile: a newer mutation decides
        item.sync_state = result.status === 'rejected' ? 'rejected' : 'synced';
        item.error = result.status === 'rejected' ? result.error : null;
        if (result.record_id) item.record_id = result.record_id;
        s.items.put(item);
      };
    }
    for (const change of answer.changes) {
      s.items.get(change.id).onsuccess = (e) => {
        if (change.data === null) { s.items.delete(change.id); return; }
        const old = e.target.result || { id: change.id, user, kind: change.entity, data: null, sync_state: 'synced' };
        old.server = change.data;
        old.at = old.at || change.data.created_at;
        if (old.sync_state !== 'pending') old.sync_state = 'synced';
        s.items.put(old);
      };
    }
    s.meta.put(answer.cursor, cursorKey);
  });
}

// Send everything waiting for `user` and pull the changes. Resolves with
// {ok} | {ok: false, retryAfter?, auth?}; never rejects.
export async function flush(user) {
  user = user || (await get('meta', 'user'));
  if (!user) return { ok: false, auth: true };
  const cursorKey = 'cursor:' + user;
  let size = BATCH;
  try {
    const device = await deviceId();
    for (let round = 0; round < 100; round++) {
      const waiting = (await getAll('outbox')).filter((m) => m.user === user).sort((a, b) => a.n - b.n);
      const sent = waiting.slice(0, size);
      const body = { device_id: device, cursor: (await get('meta', cursorKey)) || null,
                     mutations: sent.map(({ id, type, data, created_at }) => ({ id, type, data, created_at })) };
      let response = await post('/api/v1/sync', body, 'csrf_access_token');
      if (response.status === 401 && (await refresh())) response = await post('/api/v1/sync', body, 'csrf_access_token');
      if (response.status === 401 || response.status === 403) return { ok: false, auth: true };
      if (response.status === 400 && body.cursor) { await put('meta', null, cursorKey); continue; }
      if (response.status === 413 && size > 1) { size = Math.max(1, size >> 1); continue; }
      if (response.status === 429 || response.status >= 500) return { ok: false, retryAfter: retryAfter(response) };
      if (!response.ok) return { ok: false };
      const answer = await response.json();
      await takeAnswer(user, sent, answer, cursorKey);
      if (!answer.has_more && waiting.length <= sent.length) return { ok: true };
    }
    return { ok: true };
  } catch (e) {
    return { ok: false, offline: true };  // no network (fetch failed)
  }
}

export async function pendingCount(user) {
  return (await getAll('outbox')).filter((m) => m.user === user).length;
}

export { KINDS };
