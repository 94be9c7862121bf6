// The console's request page, where script runs (it works without it too):
// - resolving or closing asks in a dialog, and then the server need not ask again on a page of its own;
// - a consular note template fills the note box (only an empty one, or after asking).
const statusForm = document.getElementById('status-form');
statusForm?.addEventListener('submit', (event) => {
  const question = statusForm.elements.status.selectedOptions[0]?.dataset.confirm;
  if (!question) return;
  if (!window.confirm(question)) {
    event.preventDefault();
    return;
  }
  statusForm.elements.confirm.value = 'yes';
});

for (const picker of document.querySelectorAll('select[data-fills]')) {
  const box = document.getElementById(picker.dataset.fills);
  if (!box) continue;
  picker.closest('label').hidden = false;
  picker.addEventListener('change', () => {
    const text = picker.selectedOptions[0]?.dataset.text;
    if (!text) return;
    if (box.value.trim() && box.value !== text && !window.confirm(picker.dataset.replace || '')) return;
    box.value = text;
    box.focus();
  });
}
