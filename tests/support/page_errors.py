"""Read a page's form errors as a person (and a screen reader) meets them: the summaries at the
top, the message under each field, and which field each message describes (aria-describedby)."""
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class FormErrors:
    summaries: int = 0
    links: list = field(default_factory=list)   # [(href, the link's words)] of the summaries
    items: list = field(default_factory=list)   # every summary line, whole
    messages: dict = field(default_factory=dict)  # error span id → its words
    inputs: dict = field(default_factory=dict)   # field name → its attributes (input, select, textarea)

    def under(self, name: str) -> str:
        """The words of the error that describes the field `name` (aria-describedby), or ''."""
        attrs = self.inputs[name]
        if attrs.get("aria-invalid") != "true":
            return ""
        return self.messages.get(attrs.get("aria-describedby"), "")


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = FormErrors()
        self._span = self._link = self._item = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and self._depth:
            self._depth += 1
        if tag == "div" and "error-summary" in (attrs.get("class") or ""):
            self.found.summaries += 1
            self._depth = 1
        elif tag == "span" and (attrs.get("id") or "").startswith("error-"):
            self._span, self.found.messages[attrs["id"]] = attrs["id"], ""
        elif tag == "li" and self._depth and self._item is None:
            self._item = ""
        elif tag == "a" and self._item is not None:
            self._link = [attrs.get("href"), ""]
        elif tag in ("input", "select", "textarea") and attrs.get("name"):
            self.found.inputs[attrs["name"]] = attrs

    def handle_endtag(self, tag):
        if tag == "div" and self._depth:
            self._depth -= 1
        if tag == "span" and self._span:
            self._span = None
        elif tag == "a" and self._link is not None:
            self.found.links.append(tuple(self._link))
            self._link = None
        elif tag == "li" and self._item is not None:
            self.found.items.append(self._item.strip())
            self._item = None

    def handle_data(self, data):
        if self._span:
            self.found.messages[self._span] += data
        if self._link is not None:
            self._link[1] += data
        if self._item is not None:
            self._item += data


def form_errors(html: str) -> FormErrors:
    reader = _Reader()
    reader.feed(html)
    return reader.found
