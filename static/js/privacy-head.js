// Runs in <head>, before the page is drawn (a classic script, not a module: modules wait for
// the whole page). Decides what must never flash on the screen of a watched or borrowed phone:
//  - a Jembatan page reached with "back" after a quick exit leaves again at once, unseen;
//  - with a PIN set, the page stays hidden under the lock until the PIN is typed (privacy.js);
//  - after an erase whose logout is not finished yet, the page stays hidden;
//  - in discreet mode, pages saved for offline use get the bland title, manifest and icon too.
// The keys are shared with privacy.js.
(function () {
  'use strict';
  var data = document.currentScript.dataset;
  var root = document.documentElement;

  function read(store, key) {
    try { return window[store].getItem(key); } catch (e) { return null; }
  }

  function leave() {
    root.classList.add('exiting');
    location.replace(data.exit);
  }

  // "back" after a quick exit: the flag lives in this tab only (sessionStorage); opening the app
  // anew (a plain navigation) clears it.
  if (read('sessionStorage', 'jembatan.exited')) {
    var nav = performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
    if (nav && nav.type === 'back_forward') leave();
    else try { sessionStorage.removeItem('jembatan.exited'); } catch (e) { /* private mode */ }
  }

  function lockIfNeeded() {
    if (read('localStorage', 'jembatan.pin') && read('sessionStorage', 'jembatan.unlocked') !== '1') {
      root.classList.add('pin-locked');
    }
  }
  lockIfNeeded();
  if (read('localStorage', 'jembatan.logout-pending')) root.classList.add('phone-wiped');

  // A page kept whole in the back-forward cache runs no script again: check once more.
  window.addEventListener('pageshow', function (event) {
    if (!event.persisted) return;
    if (read('sessionStorage', 'jembatan.exited')) leave();
    lockIfNeeded();
  });

  if (/(?:^|;\s*)discreet=1(?:;|$)/.test(document.cookie)) {
    root.classList.add('discreet');
    document.title = data.bland;
    var manifest = document.querySelector('link[rel=manifest]');
    if (manifest) manifest.setAttribute('href', data.manifest);
    var icon = document.querySelector('link[rel=icon]');
    if (icon) icon.setAttribute('href', data.icon);
  }
})();
