// Place forms (/presence, /help): the region list follows the chosen country. Regions come from
// /api/v1/places, which the service worker keeps, so this works offline for the countries seen
// before and for the main destinations (fetched once a day while online). Without JavaScript the
// server lists the regions of the country last sent.
const lang = document.documentElement.lang || 'id';
const url = (code) => `/api/v1/places/${encodeURIComponent(code)}?lang=${encodeURIComponent(lang)}`;
const DAY_MS = 24 * 3600 * 1000;

async function fill(code, select) {
  if (select.dataset.country === code) return;
  const first = select.options[0];
  select.dataset.country = code;
  let regions = [];
  try {
    const response = await fetch(url(code), { credentials: 'omit' });
    if (response.ok) ({ regions } = await response.json());
  } catch (e) {
    // Offline and never fetched: the city alone still finds the region on the server.
  }
  if (select.dataset.country !== code) return;  // the worker chose another country meanwhile
  const chosen = select.value;  // a region of this country picked while the list was coming stays
  select.replaceChildren(first, ...regions.map((r) => new Option(r.name, r.code)));
  select.value = regions.some((r) => r.code === chosen) ? chosen : '';
}

function warm(country) {
  const key = `places-warm-${lang}`;
  if (!navigator.onLine || !navigator.serviceWorker?.controller) return;
  if (Date.now() - Number(localStorage.getItem(key) || 0) < DAY_MS) return;
  const codes = [...country.querySelectorAll('optgroup:first-child option')].map((o) => o.value);
  Promise.all(codes.map((code) => fetch(url(code), { credentials: 'omit' }).catch(() => null)))
    .then(() => localStorage.setItem(key, String(Date.now())));
}

for (const form of document.querySelectorAll('form')) {
  const country = form.querySelector('[data-places-country]');
  const region = form.querySelector('[data-places-region]');
  if (!country || !region) continue;
  region.dataset.country = country.value;  // the server listed this country's regions
  country.addEventListener('change', () => fill(country.value, region));
  warm(country);
}
