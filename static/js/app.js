// The worker's pages: the service worker, the outbox behind the forms, and the lists drawn
// from what is on the phone. Plain JavaScript modules, no build step.
import { keepFiles, wireAttachments } from './attachments.js';
import { check, clearErrors, flatten, showErrors } from './fields.js';
import { cardDates, showBanner, stateChip } from './states.js';
import { enqueue, get, getAll, put, transact, uuid4, withServerCopy } from './store.js';
import { flush, pendingCount } from './sync.js';

const user = document.querySelector('meta[name="jembatan-user"]')?.content || '';
const labelsNode = document.getElementById('labels');
const L = labelsNode ? JSON.parse(labelsNode.textContent) : { state: {} };
const BASE_DELAY = 2000;
const MAX_DELAY = 5 * 60 * 1000;
let attempt = 0;
let timer = null;
let running = null;

if ('serviceWorker' in navigator && !location.pathname.startsWith('/console')) {
  navigator.serviceWorker.register('/sw.js', { scope: '/', type: 'module' }).catch(() => {});
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data === 'synced') render();
  });
}
if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});

// ------------------------------------------------------------------ sending

// Exponential backoff with jitter: phones that regain signal together do not all call at once.
function schedule(seconds) {
  clearTimeout(timer);
  const ceiling = Math.min(MAX_DELAY, BASE_DELAY * 2 ** Math.min(attempt, 20));
  const delay = Math.max((seconds || 0) * 1000, ceiling / 2 + Math.random() * (ceiling / 2));
  timer = setTimeout(kick, delay);
}

function exclusive(task) {
  // One flush at a time across this page, other tabs and the service worker.
  if (navigator.locks) return navigator.locks.request('jembatan-outbox', task);
  return task();
}

export async function kick() {
  if (!user) return;
  if (running) return running;
  running = (async () => {
    clearTimeout(timer);
    const result = await exclusive(() => flush(user));
    await render();
    note(result);
    if (result.ok) {
      attempt = 0;
      if (await pendingCount(user)) schedule(0);
    } else if (!result.auth) {
      attempt += 1;
      schedule(result.retryAfter);
    }
  })().finally(() => { running = null; });
  return running;
}

function note(result) {
  const el = document.getElementById('sync-note');
  if (!el) return;
  const text = result.auth ? L.login : '';  // no signal: the banner says it (states.js)
  el.textContent = text || '';
  el.hidden = !text;
}

async function backgroundSync() {
  try {
    const reg = await navigator.serviceWorker?.ready;
    if (reg && reg.sync) await reg.sync.register('outbox');
  } catch (e) { /* not available: the timer and the online event still send */ }
}

// ------------------------------------------------------------------ forms into the outbox

function formBody(form) {
  const data = {};
  for (const [name, raw] of new FormData(form).entries()) {
    const value = String(raw).trim();
    if (name === 'csrf_token' || value === '') continue;
    const [outer, inner] = name.split('.');
    if (inner) (data[outer] = data[outer] || {})[inner] = value;
    else data[name] = value;
  }
  return data;
}

// The words and the files of a request as outbox mutations. With words, the request goes as it is
// and its files follow as a message of their own (no text) that waits on the phone until they
// are uploaded: a failing upload never holds the words back. With no words (a voice note instead),
// the request itself names its files and goes once they are uploaded. docs/sync.md
async function enqueueWithFiles(type, data, kind, files) {
  if (!files.length) return enqueue(user, type, data, kind);
  await keepFiles(user, files);
  const ids = files.map((f) => f.id);
  if (!data.description) return enqueue(user, type, { ...data, attachments: ids }, kind);
  await enqueue(user, type, data, kind);
  return enqueue(user, 'message.create', { id: uuid4(), help_request_id: data.id, attachments: ids,
                                           created_at: data.created_at }, 'message');
}

function wireForm(form) {
  const type = form.dataset.outbox;
  const kind = type.split('.')[0];
  const picker = user && type === 'help_request.create' ? wireAttachments(form, L.files) : null;
  // Checked on the phone with the server's rules: nothing that breaks one enters the outbox, and
  // every error shows at once, next to its field (static/js/fields.js).
  const valid = () => {
    const errors = check(form, { attachments: picker ? picker.files().length : 0 });
    if (Object.keys(errors).length) showErrors(form, errors);
    else clearErrors(form);
    return !Object.keys(errors).length;
  };
  form.addEventListener('submit', async (event) => {
    if (!window.indexedDB) return;  // a plain POST: the server handles it
    if (!user) {
      // Written before logging in: kept on this phone and sent under the login that follows.
      event.preventDefault();
      if (!valid()) return;
      await keepDraft(type, kind, formBody(form));
      location.assign(`/login?next=${kind === 'presence' ? '/presence' : '/requests'}`);
      return;
    }
    event.preventDefault();
    if (picker && picker.recording()) return;  // "Stop" first: the note is not finished
    if (!valid()) return;
    const data = formBody(form);
    // A page saved for offline use carries one id: each new write needs its own.
    if (!form.dataset.editing) data.id = uuid4();
    data.created_at = new Date().toISOString();
    await enqueueWithFiles(type, data, kind, picker ? picker.files() : []);
    await backgroundSync();
    kick();
    location.assign(kind === 'presence' ? '/presence' : '/requests');
  });
}

// ------------------------------------------------------------------ written before logging in

// One draft at a time, in `meta`: what a worker wrote before logging in (or registering). It is
// sent under the next login on this phone within DRAFT_MINUTES; older, it is dropped, so that words
// left on a borrowed phone never go out under someone else's account later. The borrowed-phone
// wipe (privacy.js) deletes it with everything else.
const DRAFT_KEY = 'draft';
const DRAFT_MINUTES = 60;

function keepDraft(type, kind, data) {
  return put('meta', { type, kind, data: { ...data, id: uuid4(), created_at: new Date().toISOString() },
                       saved: Date.now() }, DRAFT_KEY);
}

// Read and removed in one transaction: two tabs opening at once send it once.
function takeDraft() {
  return transact(['meta'], 'readwrite', (s, box) => {
    s.meta.get(DRAFT_KEY).onsuccess = (e) => { box.value = e.target.result; s.meta.delete(DRAFT_KEY); };
  });
}

async function adoptDraft() {
  if (!user || !window.indexedDB) return;
  const draft = await takeDraft();
  if (!draft || Date.now() - draft.saved > DRAFT_MINUTES * 60 * 1000) return;
  await enqueue(user, draft.type, draft.data, draft.kind);
}

// Lapor diri without a passport in hand: the number is needed only while the passport is with her.
function wirePassportStatus(form) {
  const status = form.elements.passport_status;
  const number = form.elements.passport_number;
  if (!status || !number) return;
  const follow = () => { number.required = status.value === 'held'; };
  status.addEventListener('change', follow);
  follow();
}

async function prefillCorrection(form) {
  const id = new URLSearchParams(location.search).get('edit');
  if (!id) return;
  const item = await get('items', id);
  if (!item || item.user !== user || item.sync_state !== 'rejected') return;
  for (const [name, value] of Object.entries(item.data)) {
    const field = form.elements[name];
    if (field && typeof value !== 'object') field.value = value;
  }
  form.dataset.editing = id;
  showRefusal(form, item.error);
}

// Why an item was not accepted: the server's words, or the page's own label for what the phone
// decided itself (`local`, e.g. an item the server kept failing on: sync.js giveUp).
function reason(error) {
  return (error && (error.message || L[error.local])) || '';
}

// The server's refusal of an item, in the form it came from: each field's errors under it (nested
// ones too), its message said once, in the summary.
function showRefusal(form, error) {
  if (!error) return;
  showErrors(form, flatten(error.errors), reason(error));
}

// ------------------------------------------------------------------ lists drawn from the phone

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, v);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

async function adoptServerItems() {
  // What the server rendered into /requests is known synced: keep it for offline visits. The page
  // may be an old copy (saved for offline use, or served by the service worker when the network
  // was slow): withServerCopy keeps whichever copy is later, so it never takes a status back.
  const node = document.getElementById('server-items');
  if (!node || !user) return;
  const items = JSON.parse(node.textContent);
  if (!items.length) return;
  await transact(['items'], 'readwrite', (s) => {
    for (const server of items) {
      s.items.get(server.id).onsuccess = (e) => {
        const old = e.target.result;
        if (old && old.sync_state === 'pending') return;  // her own write, waiting, is what she sees
        const item = withServerCopy(old, server, { id: server.id, user, kind: 'help_request', data: null });
        if (item !== old) s.items.put({ ...item, sync_state: item.sync_state === 'rejected' ? 'rejected' : 'synced' });
      };
      for (const m of server.messages || []) {
        s.items.get(m.id).onsuccess = (e) => {
          const old = e.target.result;
          const item = withServerCopy(old, { ...m, help_request_id: server.id },
                                      { id: m.id, user, kind: 'message', data: null, sync_state: 'synced' });
          if (item !== old) s.items.put(item);
        };
      }
    }
  });
}

// The mission's numbers as call buttons (the same markup as templates/calls.html): its hotlines and
// WhatsApp where it has them, else its ordinary phones.
function callButtons(mission) {
  const phones = mission.phones || [];
  const urgent = phones.filter((p) => p.kind === 'hotline' || p.kind === 'whatsapp');
  const C = L.call || { kinds: {}, phone_labels: {} };
  return el('ul', { class: 'calls' }, ...(urgent.length ? urgent : phones.filter((p) => p.kind === 'phone')).map((p) => {
    const wa = p.kind === 'whatsapp';
    const href = wa ? `https://wa.me/${p.number.replace(/\D/g, '')}`
      : p.kind === 'sms' ? `sms:${p.number}` : `tel:${p.number.replace(/[^\d+*#]/g, '')}`;
    const label = `${C.kinds[p.kind] || p.kind}${p.label ? ` (${C.phone_labels[p.label] || p.label})` : ''}`;
    return el('li', {}, el('a', { class: wa ? 'call wa' : 'call', href, rel: wa ? 'noopener' : null },
      el('span', { class: 'k' }, label), ' ', el('span', { class: 'n', dir: 'ltr' }, p.number)));
  }));
}

function missionName(mission) {
  // As the worker names it: "KJRI Kota Kinabalu".
  const kind = L.mission_kinds?.[mission.kind];
  return kind ? `${kind} ${mission.city}` : mission.name;
}

// "1 voice note or photo" for a request or message that holds files and no words.
function filesNote(view) {
  const count = (view.attachments || []).length;
  return count && L.files ? L.files.attached.replace('%(count)s', count) : '';
}

function requestItem(item, messages) {
  const view = { ...(item.data || {}), ...(item.server || {}) };
  const state = item.sync_state;
  const li = el('li', { class: 'card', 'data-id': item.id, 'data-sync-state': state },
    el('strong', {}, L.category?.[view.category] || view.category || ''), ' ', stateChip(state, L),
    el('p', {}, view.description || filesNote(view)), cardDates(view, L));
  if (item.server) {
    li.append(el('p', { class: 'muted' }, `${L.reference}: ${view.reference || ''} · `,
      el('span', { class: 'badge', 'data-status': view.status }, L.status?.[view.status] || view.status)));
    if (view.filed_by && L.filed_by) {
      // Someone filed it for her, with her consent (app.assist): she sees who and when.
      li.append(el('p', { class: 'filed-by muted' }, L.filed_by.replace('%(name)s', view.filed_by.name)
        .replace('%(organisation)s', view.filed_by.organisation).replace('%(day)s', (view.filed_by.at || '').slice(0, 10))));
    }
    if (view.closure_reason) {
      li.append(el('p', { class: 'closure', 'data-closure': view.closure_reason }, L.closure?.[view.closure_reason] || ''));
    }
    if (L.family) {
      li.append(el('p', {}, el('a', { class: 'family-link', href: `/requests/${encodeURIComponent(item.id)}/family` }, L.family)));
    }
  }
  if (view.mission && L.sent_to) {
    // Where it went, as the worker names the mission: "Dikirim ke KJRI Kota Kinabalu".
    li.append(el('p', { class: 'sent-to', 'data-mission': view.mission.code },
      L.sent_to.replace('%(mission)s', missionName(view.mission))));
  }
  if (state === 'rejected' && item.error) {
    const reasons = Object.values(flatten(item.error.errors)).flat();
    li.append(el('p', { class: 'error', role: 'alert' }, [reason(item.error), ...reasons].join(' ')),
      el('a', { class: 'button', href: `/help?edit=${encodeURIComponent(item.id)}` }, L.correct));
  }
  const thread = [...(view.messages || []).map((m) => ({ server: m })), ...messages]
    .filter((m, i, all) => all.findIndex((x) => (x.server?.id || x.id) === (m.server?.id || m.id)) === i);
  if (thread.length) {
    li.append(el('ul', { class: 'messages' }, ...thread.map((m) => {
      const msg = { ...(m.data || {}), ...(m.server || {}) };
      const mine = msg.direction !== 'to_worker';
      return el('li', { class: mine ? 'from_worker' : 'to_worker', 'data-sync-state': m.sync_state || 'synced' },
        el('b', {}, `${mine ? L.from_me : L.from_mission}: `), msg.body || filesNote(msg),
        m.sync_state === 'rejected' ? el('span', { class: 'error', role: 'alert' }, ' ', reason(m.error)) : null);
    })));
  }
  if (item.server && state === 'synced') li.append(replyForm(item.id));
  return li;
}

function replyForm(helpRequestId) {
  const input = el('input', { name: 'body', required: '', maxlength: '4000', 'aria-label': L.send });
  const form = el('form', { class: 'reply' }, input, el('button', { type: 'submit' }, L.send));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = input.value.trim();
    if (!body) return;
    const id = uuid4();
    input.value = '';  // first: a redraw meanwhile must not put it back (typedReplies)
    try {
      await enqueue(user, 'message.create', { id, help_request_id: helpRequestId, body,
                                              created_at: new Date().toISOString() }, 'message');
    } catch (e) { input.value = body; throw e; }
    await backgroundSync();
    await render();
    kick();
  });
  return form;
}

export async function render() {
  await showBanner(user);
  await renderPresence();
  const list = document.getElementById('my-requests');
  if (!list || !user) return;
  const mine = (await getAll('items')).filter((i) => i.user === user);
  const requests = mine.filter((i) => i.kind === 'help_request')
    .sort((a, b) => String(b.at || '').localeCompare(String(a.at || '')));
  const messages = mine.filter((i) => i.kind === 'message');
  const typing = typedReplies(list);
  list.replaceChildren(...(requests.length
    ? requests.map((r) => requestItem(r, messages.filter((m) => (m.server?.help_request_id || m.data?.help_request_id) === r.id)))
    : [el('li', { class: 'muted', 'data-empty': '' }, L.empty || '')]));
  typing.restore(list);
}

// The list is redrawn after every sync, at any moment: a reply being typed keeps its text and cursor.
function typedReplies(list) {
  const kept = new Map();
  for (const input of list.querySelectorAll('form.reply input')) {
    const id = input.closest('li.card')?.dataset.id;
    const focused = document.activeElement === input;
    if (id && (input.value || focused)) kept.set(id, [input.value, focused, input.selectionStart, input.selectionEnd]);
  }
  return {
    restore(fresh) {
      for (const card of fresh.querySelectorAll(':scope > li.card')) {
        const input = card.querySelector('form.reply input');
        const typed = kept.get(card.dataset.id);
        if (!typed || !input) continue;
        input.value = typed[0];
        if (typed[1]) { input.focus({ preventScroll: true }); input.setSelectionRange(typed[2], typed[3]); }
      }
    },
  };
}

async function renderPresence() {
  const box = document.getElementById('presence-state');
  if (!box || !user) return;
  const mine = (await getAll('items')).filter((i) => i.user === user && i.kind === 'presence');
  const latest = mine.sort((a, b) => String(b.at).localeCompare(String(a.at)))[0];
  if (!latest || (latest.sync_state === 'synced' && !latest.server)) return;  // the server's drawing stands
  box.dataset.syncState = latest.sync_state;
  if (latest.sync_state === 'synced') {
    // Received: say by whom ("Diterima oleh KJRI Kota Kinabalu") and give its numbers to call.
    const mission = latest.server.mission;
    box.replaceChildren(el('p', {}, stateChip('synced', L), ' ',
      mission ? L.received_by.replace('%(mission)s', missionName(mission)) : L.received),
    ...(mission ? [callButtons(mission)] : []));
    if (mission) box.dataset.mission = mission.code;
    return;
  }
  const form = document.getElementById('presence-form');
  const parts = [stateChip(latest.sync_state, L)];
  // Why it was refused is said once: in the form's summary when the form is here.
  if (latest.error && !form) parts.push(el('span', { class: 'error' }, reason(latest.error)));
  box.replaceChildren(el('p', {}, ...parts));
  if (latest.sync_state === 'rejected' && form && form.dataset.editing !== latest.id) {
    // Put the refused report back into the form, to be corrected and sent again.
    for (const [name, value] of Object.entries(latest.data || {})) {
      if (value && typeof value === 'object') {
        for (const [inner, v] of Object.entries(value)) if (form.elements[`${name}.${inner}`]) form.elements[`${name}.${inner}`].value = v;
      } else if (form.elements[name]) form.elements[name].value = value;
    }
    form.dataset.editing = latest.id;
    form.elements.passport_status?.dispatchEvent(new Event('change'));
    showRefusal(form, latest.error);
  }
}

// ------------------------------------------------------------------ start

// The pages saved for offline use must be this worker's: ask for them again when the login
// changed, and mark the page (html[data-offline-ready]) once they are.
async function savePagesFor() {
  if (!('serviceWorker' in navigator)) return;
  const reg = await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    // A page whose navigation began while the worker was installing is never claimed (Chromium):
    // the pages are saved for the next visit all the same.
    await new Promise((resolve) => {
      navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true });
      setTimeout(resolve, 3000);
    });
  }
  for (let i = 0; i < 120; i++) {
    if ((await get('meta', 'pages-user')) === user) {
      document.documentElement.dataset.offlineReady = '1';
      return;
    }
    if (i % 20 === 0) reg.active.postMessage('refresh-pages');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function start() {
  const presenceForm = document.getElementById('presence-form');
  if (presenceForm) wirePassportStatus(presenceForm);  // before any wait: the form is usable at once
  if (user) await put('meta', user, 'user');
  await adoptDraft();
  savePagesFor();
  for (const form of document.querySelectorAll('form[data-outbox]')) {
    wireForm(form);
    if (form.id === 'help-form') prefillCorrection(form);
  }
  // The list is drawn from the phone even when taking in the page's copy failed: the page may be
  // an old copy, and the phone's own is never older.
  await adoptServerItems().catch(() => {});
  await render();
  kick();
}

window.addEventListener('online', () => { attempt = 0; showBanner(user); kick(); });
window.addEventListener('offline', () => showBanner(user));
document.addEventListener('visibilitychange', () => { if (!document.hidden) kick(); });
start();
