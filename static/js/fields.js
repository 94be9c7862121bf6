// A form's errors on the phone, drawn as the server draws them (templates/fields.html): one
// summary at the top linking to each field, every message under its own field (nested ones,
// `emergency_contact.phone`, under their input), the field marked aria-invalid.
// The rules are the server's schema, rendered into the form (data-rules, app.forms.field_rules)
// with the server's words: the phone checks an item with them before it enters the outbox.

const ids = (name) => name.replace(/\./g, '-');

// Today on this phone, as an input[type=date] writes it.
function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// { name: [messages] } for every rule the form's fields break; `extra.attachments`: files given.
export function check(form, extra = {}) {
  const rules = JSON.parse(form.dataset.rules || '{}');
  const value = (name) => String(form.elements[name]?.value ?? '').trim();
  const errors = {};
  for (const [name, rule] of Object.entries(rules)) {
    if (!form.elements[name]) continue;
    const v = value(name);
    const say = (message) => { (errors[name] = errors[name] || []).push(message); };
    if (!v) {
      if (rule.required) say(rule.required);
      else if (rule.required_if && value(rule.required_if[0]) === rule.required_if[1]) say(rule.required_if[2]);
      else if (rule.required_unless && !extra[rule.required_unless[0]]) say(rule.required_unless[1]);
      continue;
    }
    const length = [...v].length;  // letters as the server counts them, not UTF-16 halves
    if (rule.min && length < rule.min[0]) say(rule.min[1]);
    if (rule.max && length > rule.max[0]) say(rule.max[1]);
    if (rule.phone && !new RegExp(rule.phone[0]).test(v)) say(rule.phone[1]);
    if (rule.past && v > today()) say(rule.past);
    if (rule.after && value(rule.after[0]) && v <= value(rule.after[0])) say(rule.after[1]);
  }
  return errors;
}

// The server's (nested) field errors as one flat map, as app.forms.field_errors makes them.
export function flatten(errors, prefix = '', out = {}) {
  const add = (name, message) => { (out[name || '_'] = out[name || '_'] || []).push(String(message)); };
  for (const [key, value] of Object.entries(errors || {})) {
    const name = key === '_schema' || key === '_' ? prefix : (prefix ? `${prefix}.${key}` : key);
    for (const item of [].concat(value)) {
      if (item && typeof item === 'object') flatten(item, name, out);
      else if (item !== null && item !== undefined) add(name, item);
    }
  }
  return out;
}

// The input of `name`, or the fieldset that groups `name.*` (an error of the whole group).
function fieldOf(form, name) {
  const field = form.elements[name];
  if (field && field.nodeType === 1) return field;
  return form.querySelector(`#field-${CSS.escape(ids(name))}`);
}

// What the summary calls a field: its label, a nested one with its group's legend first.
function labelOf(field) {
  if (field.tagName === 'FIELDSET') return field.querySelector('legend')?.textContent.trim() || '';
  const label = field.labels && field.labels[0];
  const own = label ? [...label.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join(' ').trim() : '';
  const legend = field.name && field.name.includes('.') ? field.closest('fieldset')?.querySelector('legend') : null;
  return legend ? `${legend.textContent.trim()}: ${own}` : own;
}

export function clearErrors(form) {
  form.querySelector('.error-summary')?.remove();
  for (const span of form.querySelectorAll('.error[id^="error-"]')) span.remove();
  for (const field of form.querySelectorAll('[aria-invalid]')) {
    field.removeAttribute('aria-invalid');
    field.removeAttribute('aria-describedby');
  }
}

// Every error at once: under its field and in one summary at the top (a message that is no
// field's, `message`, listed there alone). The summary takes the focus, so it is read first.
export function showErrors(form, errors, message = '') {
  clearErrors(form);
  const items = [];
  for (const [name, messages] of Object.entries(errors || {})) {
    const text = messages.join(' ');
    const field = name === '_' ? null : fieldOf(form, name);
    if (!field) { items.push([null, text]); continue; }
    const span = document.createElement('span');
    span.className = 'error';
    span.id = `error-${ids(name)}`;
    span.textContent = text;
    if (field.tagName === 'FIELDSET') field.querySelector('legend').after(span);
    else {
      field.after(span);
      field.setAttribute('aria-invalid', 'true');
      field.setAttribute('aria-describedby', span.id);
    }
    items.push([field, text]);
  }
  // As the form reads, top to bottom (the rules come sorted by name); what is no field's first.
  items.sort((a, b) => (!a[0] ? -1 : !b[0] ? 1
    : a[0].compareDocumentPosition(b[0]) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  if (!items.length && message) items.push([null, message]);
  if (!items.length) return;
  const summary = document.createElement('div');
  summary.className = 'error-summary';
  summary.setAttribute('role', 'alert');
  summary.tabIndex = -1;
  const heading = document.createElement('p');
  heading.append(Object.assign(document.createElement('strong'), { textContent: form.dataset.summary || '' }));
  const list = document.createElement('ul');
  for (const [field, text] of items) {
    const li = document.createElement('li');
    if (field) {
      const link = Object.assign(document.createElement('a'), { href: `#${field.id}`, textContent: labelOf(field) });
      li.append(link, `: ${text}`);
    } else li.textContent = text;
    list.append(li);
  }
  summary.append(heading, list);
  form.prepend(summary);
  summary.focus();
}
