// The "Call now" card of /help and /requests: shown for an emergency or a critical category,
// with the numbers of the country in question. Everything comes from the page itself (the call
// table the server wrote into it), so the card works offline too. Without JavaScript the
// server's card and the stylesheet (:has) do the same for the country first shown.
import { getAll } from './store.js';

const card = document.getElementById('call-now');
const tableNode = document.getElementById('call-table');
const table = tableNode ? JSON.parse(tableNode.textContent) : { countries: {}, critical: [] };
const labelsNode = document.getElementById('labels');
const L = (labelsNode ? JSON.parse(labelsNode.textContent).call : null) || { kinds: {}, services: {}, phone_labels: {} };
const CLOSED = ['resolved', 'closed', 'withdrawn'];

function href(kind, number) {
  if (kind === 'whatsapp') return `https://wa.me/${number.replace(/\D/g, '')}`;
  if (kind === 'sms') return `sms:${number}`;
  return `tel:${number.replace(/[^\d+*#]/g, '')}`;
}

// The same markup as the server's (templates/calls.html): what it is, then the number.
function button(kind, number, label, shown) {
  const a = document.createElement('a');
  a.className = kind === 'whatsapp' ? 'call wa' : 'call';
  a.href = href(kind, number);
  if (kind === 'whatsapp') a.rel = 'noopener';
  const what = document.createElement('span');
  what.className = 'k';
  what.textContent = label;
  const digits = document.createElement('span');
  digits.className = 'n';
  digits.dir = 'ltr';
  digits.textContent = shown || number;
  a.append(what, ' ', digits);
  const li = document.createElement('li');
  li.append(a);
  return li;
}

function part(name, who, buttons) {
  const box = card.querySelector(`[data-part="${name}"]`);
  if (!box) return;
  if (who !== null) box.querySelector('.who').textContent = who;
  box.querySelector('ul.calls').replaceChildren(...buttons);
  box.hidden = buttons.length === 0;
}

// Redraw the card's mission and local numbers for `country` from the call table.
function fill(country) {
  if (!card || card.dataset.country === country) return;
  const [mission, phones, local] = table.countries[country] || [null, [], []];
  part('mission', mission || '', phones.map(([kind, number, label, shown]) => button(kind, number,
    `${L.kinds[kind] || kind}${label ? ` (${L.phone_labels[label] || label})` : ''}`, shown)));
  part('local', null, local.map(([number, services]) => button('phone', number,
    services.map((s, i) => { const w = L.services[s] || s; return i ? w[0].toLowerCase() + w.slice(1) : w; }).join(', '))));
  card.dataset.country = country;
}

function show(on) {
  if (card) card.toggleAttribute('data-hidden', !on);
}

function critical(select) {
  const option = select && select.selectedOptions[0];
  return Boolean(option && 'critical' in option.dataset);
}

// /help: follow the choices of the form being written.
function watchForm(form) {
  const update = () => {
    fill(form.elements.country.value);
    show(critical(form.elements.urgency) || critical(form.elements.category));
  };
  form.addEventListener('change', update);
  update();
}

// /requests: the newest open request that is an emergency, including those still on the phone.
async function watchRequests() {
  const user = document.querySelector('meta[name="jembatan-user"]')?.content;
  if (!user || !window.indexedDB) return;
  const mine = (await getAll('items')).filter((i) => i.user === user && i.kind === 'help_request' && i.sync_state !== 'rejected');
  const urgent = mine.map((i) => ({ at: i.at || '', sent: Boolean(i.server), view: { ...(i.data || {}), ...(i.server || {}) } }))
    .filter(({ view }) => !CLOSED.includes(view.status)
      && (view.urgency === 'emergency' || table.critical.includes(view.category)))
    .sort((a, b) => String(b.at).localeCompare(String(a.at)))[0];
  if (!urgent) return;
  // A request the server has is already on the card, with the mission it went to.
  if (!(urgent.sent && !card.hasAttribute('data-hidden'))) fill(urgent.view.country);
  show(true);
}

if (card) {
  const form = document.getElementById('help-form');
  if (form) watchForm(form);
  else {
    watchRequests();
    navigator.serviceWorker?.addEventListener('message', (event) => { if (event.data === 'synced') watchRequests(); });
  }
}
