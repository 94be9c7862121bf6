// IndexedDB on the phone: the outbox (writes waiting for the server), the items the worker
// sees (their requests, messages, presence), small facts (device id, cursor, user) and the
// files (voice notes, photos) waiting to be uploaded.
// Used by the pages and by the service worker alike.
const NAME = 'jembatan';
// 2: the `files` store (voice notes and photos, static/js/attachments.js).
const VERSION = 2;
let opened;
let shut = false;

export function openDb() {
  if (shut) return Promise.reject(new Error('the data on this phone was erased'));
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const req = indexedDB.open(NAME, VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        const stores = { outbox: { keyPath: 'id' }, items: { keyPath: 'id' }, meta: undefined, files: { keyPath: 'id' } };
        for (const [name, options] of Object.entries(stores)) {
          if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, options);
        }
      };
      req.onsuccess = () => {
        // Erasing the phone's data (privacy.js) deletes the database: let go of it when asked.
        req.result.onversionchange = () => { req.result.close(); opened = undefined; };
        resolve(req.result);
      };
      req.onerror = () => reject(req.error);
    });
  }
  return opened;
}

// After an erase nothing in this page may create the database again (privacy.js).
export async function shutDb() {
  shut = true;
  const db = await (opened || Promise.resolve(null)).catch(() => null);
  opened = undefined;
  if (db) db.close();
}

// Run `work(stores)` in one transaction; resolves with what `work` returned once it commits.
export async function transact(names, mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(names, mode);
    const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
    const box = { value: undefined };
    work(stores, box);
    tx.oncomplete = () => resolve(box.value);
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

export const get = (store, key) =>
  transact([store], 'readonly', (s, box) => { s[store].get(key).onsuccess = (e) => { box.value = e.target.result; }; });
export const getAll = (store) =>
  transact([store], 'readonly', (s, box) => { s[store].getAll().onsuccess = (e) => { box.value = e.target.result; }; });
export const put = (store, value, key) =>
  transact([store], 'readwrite', (s) => { key === undefined ? s[store].put(value) : s[store].put(value, key); });

export function uuid4() {
  if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// A server time in microseconds ("…T00:00:03.966772Z"). Date.parse keeps milliseconds only, and a
// request's two status changes (triaged, then in progress) can fall in one millisecond.
function micros(iso) {
  const ms = Date.parse(iso || '');
  if (!Number.isFinite(ms)) return 0;
  const below = /[.,]\d{3}(\d{1,3})/.exec(iso);
  return ms * 1000 + (below ? Number(below[1].padEnd(3, '0')) : 0);
}

// Which copy of a server record is later: its `updated_at` (`created_at` for records that never
// change), then the number of its messages and of its status changes (a staff message does not
// always touch the request's `updated_at`). Later copies hold everything earlier ones did.
function version(record) {
  return [micros(record.updated_at || record.created_at), (record.messages || []).length,
          (record.history || []).length];
}

function later(incoming, known) {
  if (!known) return true;
  const [a, b] = [version(incoming), version(known)];
  const i = a.findIndex((value, n) => value !== b[n]);
  return i >= 0 && a[i] > b[i];  // the same version: the copy the phone has stays
}

// The phone's `item` once the server's copy `incoming` of its record arrived, by whatever way (a sync
// answer, the list a page was drawn with, a page saved for offline use long ago): the later copy
// is kept, so that no way in can take a request's status back. `fresh` is the item to start from
// when the phone has none. The one rule for every writer of `server`; call it inside the readwrite
// transaction that read `item`, so that no other write comes between the read and the put.
export function withServerCopy(item, incoming, fresh) {
  const old = item || fresh;
  if (!later(incoming, old.server)) return old;
  return { ...old, server: incoming, at: old.at || incoming.created_at };
}

let counter = 0;

// A write the worker made: into the outbox and the visible items in one transaction, so
// that it is never shown without being queued, nor queued without being shown.
export function enqueue(user, type, data, kind) {
  const mutation = { id: uuid4(), n: Date.now() * 1000 + (counter++ % 1000), user, type, data,
                     created_at: data.created_at || new Date().toISOString() };
  return transact(['outbox', 'items'], 'readwrite', (s, box) => {
    s.items.get(data.id).onsuccess = (e) => {
      const old = e.target.result || {};
      s.items.put({ ...old, id: data.id, user, kind, data, server: old.server || null,
                    sync_state: 'pending', error: null, mutation_id: mutation.id, at: data.created_at });
      s.outbox.put(mutation);
      box.value = mutation;
    };
  });
}
