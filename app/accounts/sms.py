"""Text messages to a worker's phone (one-time codes), through a pluggable sender.

- `GatewaySender`: POSTs JSON `{"to": "+62…", "text": "…"}` to `SMS_GATEWAY_URL`; any 2xx answer
  means delivered (the contract's gateway).
- `LogSender`: development without a gateway; the message goes to the log. Production refuses
  to start without `SMS_GATEWAY_URL` (app.config.check_production_secrets).
- Anything with a `send(message)` method set as `SMS_SENDER` in the app's config (another
  provider's client).

A failure to deliver is logged, not answered: the caller was told only that a message may come.
"""
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from flask import current_app

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextMessage:
    to: str  # E.164
    text: str


class NotDelivered(Exception):
    """The gateway could not be reached or did not answer 2xx."""


class GatewaySender:
    """An HTTP SMS gateway: POST JSON `{"to", "text"}`; 2xx is delivered."""

    def __init__(self, url: str, timeout: float = 10):
        self.url, self.timeout = url, timeout

    def send(self, message: TextMessage) -> None:
        body = json.dumps({"to": message.to, "text": message.text}).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
            error.close()
        except (urllib.error.URLError, OSError) as error:
            raise NotDelivered(f"gateway unreachable: {error}") from error
        if not 200 <= status < 300:
            raise NotDelivered(f"gateway answered {status}")


class LogSender:
    """Development only: the message is written to the log instead of a phone."""

    def send(self, message: TextMessage) -> None:
        log.warning("SMS (no SMS_GATEWAY_URL, development) to %s: %s", message.to, message.text)


def configured_sender(config):
    """The sender the configuration names: SMS_SENDER, else the gateway at SMS_GATEWAY_URL, else the log."""
    if config.get("SMS_SENDER") is not None:
        return config["SMS_SENDER"]
    if config.get("SMS_GATEWAY_URL"):
        return GatewaySender(config["SMS_GATEWAY_URL"])
    return LogSender()


def _masked(phone: str) -> str:
    return phone[:4] + "…" + phone[-2:]


def send(message: TextMessage) -> None:
    """Send through the configured sender; a failure is logged, never raised (the caller was told
    only that a message may come)."""
    try:
        configured_sender(current_app.config).send(message)
    except Exception:
        log.exception("text message to %s not delivered", _masked(message.to))
