// A phone that is watched or borrowed: the quick exit, the PIN lock, borrowed-phone mode and
// the erase. Everything here stays on the phone; privacy-head.js has already hidden what must
// not flash on screen. Texts come translated from the page (#privacy-labels).
import { getAll, shutDb } from './store.js';

const KEY = {
  exited: 'jembatan.exited',            // sessionStorage: this tab left with a quick exit
  unlocked: 'jembatan.unlocked',        // sessionStorage: the PIN was typed in this tab
  hiddenAt: 'jembatan.hidden-at',       // sessionStorage: when the app went to the background
  pin: 'jembatan.pin',                  // localStorage: {salt, hash, iterations} of the PIN
  tries: 'jembatan.pin-tries',          // localStorage: wrong PINs in a row
  borrowed: 'jembatan.borrowed',        // localStorage: borrowed-phone mode on, since (ISO time)
  logoutPending: 'jembatan.logout-pending',  // localStorage: erased offline, the logout still to do
};
const PIN_TRIES = 5;
const PIN_ITERATIONS = 300000;
const RELOCK_AFTER_MS = 60 * 1000;
const ESC_WINDOW_MS = 1500;
const CHECK_EVERY_MS = 2000;

const root = document.documentElement;
const labelsNode = document.getElementById('privacy-labels');
const L = labelsNode ? JSON.parse(labelsNode.textContent) : { cleared: {} };
const exitLink = document.getElementById('quick-exit');
const $ = (id) => document.getElementById(id);
const fill = (text, n) => String(text || '').replace('{n}', n);

function store(kind) {
  try { return window[kind]; } catch (e) { return null; }
}
const local = store('localStorage');
const session = store('sessionStorage');

// ------------------------------------------------------------------ quick exit

// One tap: the neutral page takes this page's place in the history; a Jembatan page reached
// with "back" afterwards leaves again before it is drawn (privacy-head.js).
export function quickExit(event) {
  if (event) event.preventDefault();
  session?.setItem(KEY.exited, '1');
  session?.removeItem(KEY.unlocked);
  root.classList.add('exiting');
  location.replace(exitLink ? exitLink.getAttribute('href') : '/resep');
}

if (exitLink) exitLink.addEventListener('click', quickExit);
let lastEscape = 0;
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  if (Date.now() - lastEscape < ESC_WINDOW_MS) quickExit(event);
  lastEscape = Date.now();
});

// ------------------------------------------------------------------ erase

function cookie(name) {
  const hit = document.cookie.split('; ').find((c) => c.startsWith(name + '='));
  return hit ? decodeURIComponent(hit.slice(name.length + 1)) : '';
}

function postWith(url, csrfCookie) {
  return fetch(url, { method: 'POST', credentials: 'same-origin', cache: 'no-store',
                      headers: { 'X-CSRF-TOKEN': cookie(csrfCookie) } });
}

// End the login on the server, which also removes its cookies. True when there is no login
// left to end; false when the server could not be reached.
async function logout() {
  if (!cookie('csrf_access_token') && !cookie('csrf_refresh_token')) return true;
  try {
    if ((await postWith('/logout', 'csrf_access_token')).ok) return true;
    // The access cookie lives 15 minutes: renew it with the refresh cookie, then log out.
    const renewed = await postWith('/session/refresh', 'csrf_refresh_token');
    if (!renewed.ok) return renewed.status === 401;  // the login had already ended
    return (await postWith('/logout', 'csrf_access_token')).ok;
  } catch (e) {
    return false;
  }
}

function deleteDatabase(name) {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = req.onerror = () => resolve();
    // onblocked: another tab or the service worker still holds it; store.js lets go on
    // versionchange, and then onsuccess follows.
  });
}

// What Jembatan keeps in this browser, whoever's it is: the service worker, its saved pages and
// every IndexedDB database of this site (wipe() then clears local and session storage).
async function sweep() {
  if ('serviceWorker' in navigator) {
    for (const reg of await navigator.serviceWorker.getRegistrations()) await reg.unregister().catch(() => {});
  }
  if (self.caches) for (const key of await caches.keys()) await caches.delete(key);
  const names = indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : ['jembatan'];
  for (const name of names) await deleteDatabase(name);
}

function exclusive(task) {
  // Not while the outbox is being sent (app.js and the service worker take the same lock).
  if (navigator.locks) return navigator.locks.request('jembatan-outbox', task);
  return task();
}

let erasing = null;
// Other open tabs of Jembatan hear of an erase: they let go of the data and leave their pages too.
const tabs = self.BroadcastChannel ? new BroadcastChannel('jembatan-privacy') : null;

function leaveErased(reason, loggedOut) {
  if (loggedOut) {
    location.replace(`/cleared?why=${encodeURIComponent(reason)}`);
  } else {
    // No signal: the page's data is removed from the screen now, the logout waits for signal.
    local?.setItem(KEY.logoutPending, reason);
    showCleared(L.cleared_offline);
  }
}

// Erase what this phone keeps and log out, then say so. `reason`: sent | pin | manual.
export function wipe(reason) {
  if (erasing) return erasing;
  erasing = (async () => {
    showCleared(L.erasing);
    tabs?.postMessage({ erasing: reason });
    const loggedOut = await exclusive(async () => {
      await shutDb();
      const done = await logout();
      await sweep();
      return done;
    });
    local?.clear();
    session?.clear();
    document.cookie = 'discreet=; Max-Age=0; path=/';
    tabs?.postMessage({ erased: reason, loggedOut });
    leaveErased(reason, loggedOut);
  })();
  return erasing;
}

tabs?.addEventListener('message', async ({ data }) => {
  if (data.erasing && !erasing) {
    erasing = shutDb();
    showCleared(L.erasing);
  }
  if (data.erased) {
    session?.clear();
    leaveErased(data.erased, data.loggedOut);
  }
});

function showCleared(text) {
  root.classList.add('phone-wiped');
  document.querySelector('main')?.replaceChildren();
  document.querySelector('footer')?.replaceChildren();
  const note = $('cleared-text');
  if (note) note.textContent = text || '';
}

async function finishPendingLogout() {
  const reason = local?.getItem(KEY.logoutPending);
  if (!reason) return;
  showCleared(L.cleared_offline);
  if (await logout()) {
    local.removeItem(KEY.logoutPending);
    location.replace(`/cleared?why=${encodeURIComponent(reason)}`);
  }
}

// The page that says the phone was erased checks once more: nothing may have come back meanwhile
// (a service worker that was still finishing a task when it was let go).
async function sweepAgain() {
  await sweep();
  await new Promise((resolve) => setTimeout(resolve, 500));
  await sweep();
  root.dataset.wiped = '1';
}

// ------------------------------------------------------------------ the PIN

const b64 = (bytes) => btoa(String.fromCharCode(...bytes));
const unb64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function derive(pin, salt, iterations) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

const validPin = (pin) => /^[0-9]{4,6}$/.test(pin);
const hasPin = () => Boolean(local?.getItem(KEY.pin));
const canHash = () => Boolean(self.crypto && crypto.subtle);

// Only a salted PBKDF2 hash is kept; a PIN of 4-6 digits can still be found by trying them all
// with the phone in hand, which the page says plainly.
async function savePin(pin) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(pin, salt, PIN_ITERATIONS);
  local.setItem(KEY.pin, JSON.stringify({ salt: b64(salt), hash: b64(hash), iterations: PIN_ITERATIONS }));
  local.removeItem(KEY.tries);
  session?.setItem(KEY.unlocked, '1');
}

async function pinIsRight(pin) {
  let kept;
  try { kept = JSON.parse(local.getItem(KEY.pin)); } catch (e) { return false; }
  if (!kept || !validPin(pin)) return false;
  const hash = await derive(pin, unb64(kept.salt), kept.iterations);
  const want = unb64(kept.hash);
  let diff = hash.length ^ want.length;
  for (let i = 0; i < hash.length; i++) diff |= hash[i] ^ want[i];
  return diff === 0;
}

function lock() {
  if (!hasPin()) return;
  session?.removeItem(KEY.unlocked);
  root.classList.add('pin-locked');
  $('pin-lock-form')?.elements.pin.focus();
}

function wireLock() {
  const form = $('pin-lock-form');
  if (!form) return;
  const error = $('pin-lock-error');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const pin = form.elements.pin.value.trim();
    if (await pinIsRight(pin)) {
      session?.setItem(KEY.unlocked, '1');
      local.removeItem(KEY.tries);
      form.reset();
      error.hidden = true;
      root.classList.remove('pin-locked');
      return;
    }
    const tries = Number(local?.getItem(KEY.tries) || 0) + 1;
    local?.setItem(KEY.tries, String(tries));
    form.reset();
    if (tries >= PIN_TRIES) {
      root.classList.remove('pin-locked');
      await wipe('pin');
      return;
    }
    error.textContent = fill(L.pin_wrong, PIN_TRIES - tries);
    error.hidden = false;
    form.elements.pin.focus();
  });
  if (root.classList.contains('pin-locked')) form.elements.pin.focus();
  // Back from the background after a while: ask again (the phone may have changed hands).
  document.addEventListener('visibilitychange', () => {
    if (!hasPin()) return;
    if (document.hidden) session?.setItem(KEY.hiddenAt, String(Date.now()));
    else if (Date.now() - Number(session?.getItem(KEY.hiddenAt) || Date.now()) > RELOCK_AFTER_MS) lock();
  });
}

// ------------------------------------------------------------------ borrowed-phone mode

const borrowedSince = () => local?.getItem(KEY.borrowed) || '';

function setBorrowed(on) {
  if (on) local?.setItem(KEY.borrowed, borrowedSince() || new Date().toISOString());
  else local?.removeItem(KEY.borrowed);
}

async function phoneState() {
  const [outbox, items] = await Promise.all([getAll('outbox'), getAll('items')]);
  const since = borrowedSince();
  return {
    waiting: outbox.length,
    // Written on this phone since borrowed-phone mode was chosen (server copies have no `data`).
    written: items.some((i) => i.data && String(i.at || '') >= since),
    pending: items.some((i) => i.sync_state === 'pending' || i.sync_state === 'rejected'),
  };
}

// Until the outbox is sent, a banner says how much is kept on this phone; once what she wrote
// has all reached the mission, the phone is erased.
let watching = false;

async function watchBorrowed() {
  const banner = $('borrowed-banner');
  if (watching || !borrowedSince() || !banner || !window.indexedDB) return;
  watching = true;
  const text = $('borrowed-text');
  banner.hidden = false;
  text.textContent = L.borrowed_kept;
  const check = async () => {
    banner.hidden = !borrowedSince();
    if (erasing || !borrowedSince()) return;
    let state;
    try { state = await phoneState(); } catch (e) { return; }
    if (!state.waiting && state.written && !state.pending) {
      await wipe('sent');
      return;
    }
    text.textContent = state.waiting ? fill(L.borrowed_waiting, state.waiting) : L.borrowed_kept;
    banner.dataset.waiting = String(state.waiting);
  };
  await check();
  setInterval(check, CHECK_EVERY_MS);
}

async function eraseOnRequest() {
  let waiting = 0;
  try { waiting = (await getAll('outbox')).length; } catch (e) { /* nothing kept */ }
  const question = waiting ? fill(L.erase_unsent, waiting) : L.erase_confirm;
  if (window.confirm(question)) await wipe('manual');
}

// ------------------------------------------------------------------ the "This phone" page and the login form

function showStates(attribute, on) {
  for (const node of document.querySelectorAll(`[data-${attribute}]`)) {
    node.hidden = node.dataset[attribute] !== (on ? 'on' : 'off');
  }
}

function wireSettings() {
  if ($('borrowed-setting')) {
    showStates('borrowed', Boolean(borrowedSince()));
    $('borrowed-on').addEventListener('click', () => { setBorrowed(true); showStates('borrowed', true); watchBorrowed(); });
    $('borrowed-off').addEventListener('click', () => {
      setBorrowed(false);
      showStates('borrowed', false);
      $('borrowed-banner').hidden = true;
    });
    $('borrowed-on').addEventListener('click', () => { $('borrowed-banner').hidden = false; });
  }
  const pinForm = $('pin-set-form');
  if (pinForm) {
    const message = $('pin-message');
    if (!canHash() || !local) {
      message.textContent = L.pin_unavailable;
      pinForm.hidden = true;
    } else {
      showStates('pin', hasPin());
      pinForm.addEventListener('submit', async (event) => {
        event.preventDefault();
        const pin = pinForm.elements.pin.value.trim();
        if (!validPin(pin)) { message.textContent = L.pin_format; return; }
        if (pin !== pinForm.elements.pin2.value.trim()) { message.textContent = L.pin_mismatch; return; }
        await savePin(pin);
        pinForm.reset();
        showStates('pin', true);
        message.textContent = L.pin_saved;
      });
      $('pin-remove').addEventListener('click', () => {
        local.removeItem(KEY.pin);
        local.removeItem(KEY.tries);
        showStates('pin', false);
        message.textContent = L.pin_removed;
      });
    }
  }
  const erase = $('erase-now');
  if (erase) {
    erase.hidden = false;
    erase.addEventListener('click', eraseOnRequest);
  }
  $('borrowed-erase')?.addEventListener('click', eraseOnRequest);
  // "This is not my phone" on the login and register forms.
  for (const box of document.querySelectorAll('[data-borrowed-choice]')) {
    box.checked = Boolean(borrowedSince());
    box.form.addEventListener('submit', () => { if (box.checked) setBorrowed(true); });
  }
}

// ------------------------------------------------------------------ start

wireLock();
wireSettings();
if (document.querySelector('[data-cleared]')) {
  sweepAgain();
} else if (local?.getItem(KEY.logoutPending)) {
  finishPendingLogout();
  window.addEventListener('online', finishPendingLogout);
} else {
  watchBorrowed();
}
