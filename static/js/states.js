// How the phone shows what became of what the worker wrote: one word and one icon per state (the
// same words as the server's pages: app/pwa/views.py STATE_LABELS), the dates of a request card, and
// the banner on every page that says there is no signal and how many items wait to be sent.
import { getAll } from './store.js';

const lang = document.documentElement.lang || 'id';

function span(attrs, text) {
  const node = document.createElement('span');
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.textContent = text;
  return node;
}

// "Waiting to be sent", "Sent" or "Refused", its icon drawn by css/app.css (`.state[data-state]`).
export function stateChip(state, labels) {
  return span({ class: 'state', 'data-state': state }, labels.state?.[state] || state);
}

// "29 Nov 2026, 14.05" on the phone's clock, as the server writes it (app/localtime.py short_datetime).
function shortTime(iso) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  try {
    return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
  } catch (e) {
    return at.toLocaleString();
  }
}

// When she wrote it (the phone's own time, kept while it waits) and, if another minute, its last
// change on the server: "Ditulis: 29 Nov 2026, 14.05 · Terakhir berubah: 30 Nov 2026, 09.10".
export function cardDates(view, labels) {
  const shown = [['written', view.created_at], ['changed', view.updated_at]]
    .map(([key, iso]) => [key, iso, iso ? shortTime(iso) : ''])
    .filter(([, , text], i, all) => text && (i === 0 || text !== all[0][2]));
  if (!shown.length) return null;
  const p = document.createElement('p');
  p.className = 'when';
  shown.forEach(([key, iso, text], i) => {
    p.append(`${i ? ' · ' : ''}${labels[key] || key}: `);
    const time = document.createElement('time');
    time.dateTime = iso;
    time.textContent = text;
    p.append(time);
  });
  return p;
}

// The banner (templates/base.html): "Tanpa sinyal · 2 menunggu dikirim". Shown while the phone has
// no signal or something of this worker waits on it; empty (and taking no room) otherwise.
export async function showBanner(user) {
  const box = document.getElementById('outbox-banner');
  if (!box) return;
  let waiting = 0;
  if (user && window.indexedDB) {
    try {
      waiting = (await getAll('items')).filter((i) => i.user === user && i.sync_state === 'pending').length;
    } catch (e) { /* the phone's data was just erased (privacy.js): nothing waits */ }
  }
  const parts = [];
  if (!navigator.onLine) parts.push(span({ class: 'no-signal' }, box.dataset.noSignal));
  if (waiting) {
    const form = new Intl.PluralRules(lang).select(waiting) === 'one' ? box.dataset.one : box.dataset.other;
    parts.push(span({ class: 'state', 'data-state': 'pending', 'data-count': waiting },
      form.replace('%(count)s', waiting)));
  }
  const text = parts.map((p) => p.textContent).join(' · ');
  if (text === (box.textContent || '')) return;  // unchanged: nothing new to announce
  if (!parts.length) { box.replaceChildren(); return; }
  const banner = document.createElement('p');
  banner.className = 'outbox-banner';
  parts.forEach((part, i) => banner.append(...(i ? [' · ', part] : [part])));
  box.replaceChildren(banner);
}
