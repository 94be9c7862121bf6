// The console's queue page, where script runs (it works without it too, just without these):
// - every few seconds while the tab is visible it asks /console/queue/updates what arrived since the
//   page was shown, and says "3 new requests — show" in a polite live region (emergencies and
//   critical ones also in an alert); it waits while the staff member is typing, and backs off on errors;
// - "show" fetches this same address again (filters, search and page kept) and swaps in the rows,
//   keeping the row she was looking at where it was on the screen, and the boxes she ticked;
// - "select all on this page" for the bulk actions.
const box = document.getElementById('queue-updates');
const button = document.getElementById('queue-news');
const urgentLine = document.getElementById('queue-urgent');

const rows = () => [...document.querySelectorAll('#queue-list tr[data-id]')];
const shownIds = () => new Set(rows().map((row) => row.dataset.id));

// ------------------------------------------------------------------ select all on this page
function syncSelectAll() {
  const all = document.getElementById('select-all');
  if (!all) return;
  all.hidden = false;
  const boxes = [...document.querySelectorAll('#queue-list input[name=ids]')];
  const ticked = boxes.filter((b) => b.checked).length;
  all.checked = boxes.length > 0 && ticked === boxes.length;
  all.indeterminate = ticked > 0 && ticked < boxes.length;
}
document.addEventListener('change', (event) => {
  if (event.target.id === 'select-all') {
    for (const b of document.querySelectorAll('#queue-list input[name=ids]')) b.checked = event.target.checked;
  }
  if (event.target.id === 'select-all' || event.target.name === 'ids') syncSelectAll();
});
syncSelectAll();

// ------------------------------------------------------------------ "3 new"
if (box && button && urgentLine) {
  const texts = JSON.parse(box.dataset.texts);
  const base = Math.max(Number(box.dataset.pollSeconds) || 30, 0.2) * 1000;
  const longest = Math.max(base * 16, 60000);
  let since = box.dataset.since;
  let delay = base;
  let timer = null;
  let busy = false;
  let news = null;  // {count, urgent, more}: what the last answer said is new

  const say = (forms, n, label) => (n === 1 ? forms.one : forms.other).replace('{n}', label || String(n));
  const typing = () => {
    const el = document.activeElement;
    if (!el) return false;
    if (el.isContentEditable || el.tagName === 'TEXTAREA') return true;
    return el.tagName === 'INPUT' && ['text', 'search', 'email', 'tel', 'number', ''].includes(el.type);
  };
  const setText = (el, text) => { if (el.textContent !== text) el.textContent = text; };

  function showNews() {
    if (!news || !news.count) {
      button.hidden = true;
      setText(urgentLine, '');
      return;
    }
    // A changing live region while she types a note or a search would interrupt her: wait for her.
    if (typing()) return;
    setText(button, say(texts.news, news.count, news.more ? `${news.count}+` : ''));
    button.classList.toggle('urgent', news.urgent > 0);
    button.hidden = false;
    setText(urgentLine, news.urgent ? say(texts.urgent, news.urgent) : '');
  }
  document.addEventListener('focusout', () => setTimeout(showNews, 0));

  function schedule(wait) {
    clearTimeout(timer);
    timer = document.hidden ? null : setTimeout(poll, wait);
  }

  async function poll() {
    timer = null;
    if (document.hidden || busy) return;
    busy = true;
    try {
      const url = new URL(box.dataset.url, window.location.href);
      url.searchParams.set('since', since);
      // A lapsed session answers with the login page: a redirect is an error here, never followed.
      const response = await fetch(url, { credentials: 'same-origin', redirect: 'error',
                                          headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = await response.json();
      const seen = shownIds();
      news = { count: body.ids.filter((id) => !seen.has(id)).length,
               urgent: body.urgent_ids.filter((id) => !seen.has(id)).length, more: body.more };
      showNews();
      delay = base;
    } catch (error) {
      delay = Math.min(delay * 2, longest);
    } finally {
      busy = false;
    }
    schedule(delay);
  }

  // The first visible row and where it is on the screen: the place to keep.
  function anchor() {
    const row = rows().find((r) => r.getBoundingClientRect().bottom > 0);
    return row ? { id: row.dataset.id, top: row.getBoundingClientRect().top } : null;
  }

  async function showThem() {
    button.disabled = true;
    const place = anchor();
    const scrollY = window.scrollY;
    const before = shownIds();
    const ticked = new Set([...document.querySelectorAll('#queue-list input[name=ids]:checked')].map((b) => b.value));
    try {
      const response = await fetch(window.location.href, { credentials: 'same-origin', redirect: 'error' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
      const oldBody = document.querySelector('#queue-list table.queue tbody');
      const newBody = fresh.querySelector('#queue-list table.queue tbody');
      // Rows only, when both pages have a table: what she chose in the bulk form stays.
      if (oldBody && newBody) oldBody.replaceWith(document.adoptNode(newBody));
      else document.getElementById('queue-list').replaceWith(document.adoptNode(fresh.getElementById('queue-list')));
      const counts = fresh.querySelector('.console-head .counts');
      if (counts) document.querySelector('.console-head .counts')?.replaceWith(document.adoptNode(counts));
      since = fresh.getElementById('queue-updates')?.dataset.since || since;
    } catch (error) {
      button.disabled = false;
      window.location.reload();
      return;
    }
    for (const b of document.querySelectorAll('#queue-list input[name=ids]')) b.checked = ticked.has(b.value);
    syncSelectAll();
    const added = rows().filter((row) => !before.has(row.dataset.id));
    for (const row of added) row.classList.add('fresh');
    const kept = place && document.querySelector(`#queue-list tr[data-id="${place.id}"]`);
    if (kept) window.scrollBy(0, kept.getBoundingClientRect().top - place.top);
    else window.scrollTo(0, scrollY);
    news = null;
    button.disabled = false;
    button.hidden = true;
    setText(urgentLine, '');
    const link = added[0]?.querySelector('a.ref');
    link?.focus({ preventScroll: true });
    schedule(base);
  }
  button.addEventListener('click', showThem);

  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      clearTimeout(timer);
      timer = null;
    } else {
      schedule(0);
    }
  });
  schedule(base);
}
