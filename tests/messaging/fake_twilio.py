"""A local stand-in for Twilio's Messages API and its webhooks, for tests.

A real HTTP server on 127.0.0.1 (in a thread) that answers the requests the `twilio` SDK makes:

- POST /2010-04-01/Accounts/{AccountSid}/Messages.json creates a message, after checking Basic
  auth and the form fields as Twilio does (To in E.164, From or MessagingServiceSid, Body of
  1 to 1,600 characters), answering 201 with a Message resource or Twilio's error body
  {"code", "message", "more_info", "status"};
- GET .../Messages.json lists messages, newest first, filtered by To, From, DateSent,
  DateSent< and DateSent> (a message still queued has no date_sent, so DateSent filters skip
  it, as Twilio's do), in pages;
- GET .../Messages/{Sid}.json fetches one.

A test can make the next requests fail with 429 (code 20429) or 500, or hang a create (after or
before it is recorded) until the client gives up. `advance` and `receive` play Twilio's side of
the webhooks: they POST the status callback or the incoming message, signed with
X-Twilio-Signature computed here from Twilio's documented scheme (not with the SDK), to the
URL Twilio would call, or through `routes` to the server behind it (a TLS-ending proxy).
"""

import base64
import hashlib
import hmac
import json
import re
import secrets
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

API_VERSION = "2010-04-01"
E164 = re.compile(r"^\+[1-9]\d{1,14}$")
MAX_BODY = 1600
MAX_PAGE_SIZE = 1000
# Long enough for any client timeout in the tests; short enough that a forgotten hang ends.
HANG_LIMIT_SECONDS = 30


def new_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def twilio_signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    """X-Twilio-Signature as Twilio computes it: the full URL Twilio called, then each POST
    parameter sorted by name, name and value with nothing between, HMAC-SHA1 keyed with the
    auth token, base64."""
    payload = url + "".join(name + params[name] for name in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _rfc2822(moment: datetime | None) -> str | None:
    return format_datetime(moment.astimezone(UTC)) if moment else None


@dataclass
class FakeMessage:
    sid: str
    account_sid: str
    to: str
    from_: str | None
    body: str
    direction: str
    status: str
    messaging_service_sid: str | None = None
    status_callback: str = ""
    error_code: int | None = None
    error_message: str | None = None
    date_created: datetime = field(default_factory=lambda: datetime.now(UTC))
    date_updated: datetime = field(default_factory=lambda: datetime.now(UTC))
    date_sent: datetime | None = None

    def resource(self) -> dict:
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{self.sid}.json"
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": self.body,
            "date_created": _rfc2822(self.date_created),
            "date_sent": _rfc2822(self.date_sent),
            "date_updated": _rfc2822(self.date_updated),
            "direction": self.direction,
            "error_code": self.error_code,
            "error_message": self.error_message,
            "from": self.from_,
            "messaging_service_sid": self.messaging_service_sid,
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "GBP",
            "sid": self.sid,
            "status": self.status,
            "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
            "to": self.to,
            "uri": uri,
        }


@dataclass
class Failure:
    status: int
    code: int
    message: str
    retry_after: int | None = None


class FakeTwilio:
    def __init__(
        self,
        *,
        account_sid: str | None = None,
        auth_token: str | None = None,
        phone_number: str = "+447700900500",
        messaging_service_sid: str | None = None,
    ):
        self.account_sid = account_sid or new_sid("AC")
        self.auth_token = auth_token or secrets.token_hex(16)
        self.phone_number = phone_number
        self.messaging_service_sid = messaging_service_sid or new_sid("MG")
        self.messages: dict[str, FakeMessage] = {}
        self.requests: list[tuple[str, str]] = []  # (method, path) of every API request
        # Numbers that texted STOP to our Twilio number: Twilio refuses them with 21610.
        self.unsubscribed: set[str] = set()
        # The URL Twilio calls for incoming texts (set on the number in Twilio's console).
        self.inbound_url = ""
        # Where the "internet" takes a public origin, e.g. {"https://public-host": live_server}.
        self.routes: dict[str, str] = {}
        self._failures: list[Failure] = []
        self._hang: str | None = None  # "after" or "before" recording the next created text
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeTwilio":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    # --- What a test can ask for --------------------------------------------------------------

    def fail_next(
        self, status: int, code: int, message: str, *, times: int = 1, retry_after=None
    ) -> None:
        """Answer the next `times` API requests with this error."""
        with self._lock:
            self._failures.extend([Failure(status, code, message, retry_after)] * times)

    def rate_limit_next(self, *, retry_after: int | None = None) -> None:
        self.fail_next(429, 20429, "Too Many Requests", retry_after=retry_after)

    def break_next(self) -> None:
        self.fail_next(500, 20500, "Internal Server Error")

    def hang_next_create(self, *, after_recording: bool = True) -> None:
        """Hold the next create's answer until `release()`: the client times out not knowing
        whether Twilio has the text (after_recording) or not."""
        self._release.clear()
        self._hang = "after" if after_recording else "before"

    def release(self) -> None:
        self._release.set()

    def sent(self) -> list[FakeMessage]:
        return [m for m in self.messages.values() if m.direction == "outbound-api"]

    def creates(self) -> int:
        return sum(1 for method, path in self.requests if method == "POST")

    # --- Twilio's side of the webhooks -------------------------------------------------------

    def set_status(self, sid: str, status: str, error_code: int | None = None) -> FakeMessage:
        """Change a message's status without telling anyone (a callback that never came)."""
        message = self.messages[sid]
        now = datetime.now(UTC)
        message.status = status
        message.date_updated = now
        if status in ("sent", "delivered", "undelivered", "failed") and not message.date_sent:
            message.date_sent = now
        if error_code:
            message.error_code = error_code
            message.error_message = f"Error {error_code}"
        return message

    def advance(self, sid: str, *statuses: str, error_code: int | None = None) -> list[int]:
        """Move a text through these statuses, posting the status callback for each, as Twilio
        does. Returns the HTTP status our server answered each with."""
        answers = []
        for status in statuses:
            message = self.set_status(sid, status, error_code)
            params = {
                "AccountSid": self.account_sid,
                "ApiVersion": API_VERSION,
                "From": message.from_ or self.phone_number,
                "MessageSid": sid,
                "MessageStatus": status,
                "SmsSid": sid,
                "SmsStatus": status,
                "To": message.to,
            }
            if message.messaging_service_sid:
                params["MessagingServiceSid"] = message.messaging_service_sid
            if error_code and status in ("undelivered", "failed"):
                params["ErrorCode"] = str(error_code)
            answers.append(self.call_webhook(message.status_callback, params)[0])
        return answers

    def receive(
        self, *, from_: str, body: str, sid: str | None = None, webhook: bool = True
    ) -> tuple[str, int | None, str]:
        """A resident's text arrives at our Twilio number. Returns the MessageSid and, when the
        webhook was called, its HTTP status and body."""
        now = datetime.now(UTC)
        message = self.messages.get(sid or "") or FakeMessage(
            sid=sid or new_sid("SM"),
            account_sid=self.account_sid,
            to=self.phone_number,
            from_=from_,
            body=body,
            direction="inbound",
            status="received",
            date_sent=now,
        )
        self.messages[message.sid] = message
        if not webhook:
            return message.sid, None, ""
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": API_VERSION,
            "Body": message.body,
            "From": message.from_,
            "FromCountry": "GB",
            "MessageSid": message.sid,
            "MessagingServiceSid": self.messaging_service_sid,
            "NumMedia": "0",
            "NumSegments": "1",
            "SmsMessageSid": message.sid,
            "SmsSid": message.sid,
            "SmsStatus": "received",
            "To": message.to,
            "ToCountry": "GB",
        }
        status, answer = self.call_webhook(self.inbound_url, params)
        return message.sid, status, answer

    def call_webhook(
        self, url: str, params: dict[str, str], *, signature: str | None = None
    ) -> tuple[int, str]:
        """POST form parameters to `url` as Twilio would, signed for `url` itself."""
        if signature is None:
            signature = twilio_signature(self.auth_token, url, params)
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        target = self.routes.get(origin, origin) + url[len(origin) :]
        request = urllib.request.Request(  # noqa: S310 (a URL the test gave)
            target,
            data=urlencode(params).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature,
                "User-Agent": "TwilioProxy/1.1",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    # --- The API ------------------------------------------------------------------------------

    def _take_failure(self) -> Failure | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def create(self, form: dict[str, str]) -> tuple[int, dict]:
        to = form.get("To", "")
        sender = form.get("From", "")
        service = form.get("MessagingServiceSid", "")
        body = form.get("Body", "")
        callback = form.get("StatusCallback", "")
        if not to:
            return _error(400, 21604, "A 'To' phone number is required.")
        if not E164.match(to):
            return _error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if not sender and not service:
            return _error(
                400,
                21603,
                "A 'From' or 'MessagingServiceSid' parameter is required to send a message",
            )
        if sender and sender != self.phone_number:
            return _error(
                400,
                21606,
                f"The 'From' phone number provided ({sender}) is not a valid message-capable "
                "Twilio phone number for this destination/account",
            )
        if service and service != self.messaging_service_sid:
            return _error(400, 21701, f"The Messaging Service Sid {service} is invalid.")
        if not body:
            return _error(400, 21602, "Message body is required.")
        if len(body) > MAX_BODY:
            return _error(
                400, 21617, "The concatenated message body exceeds the 1600 character limit."
            )
        if callback and not callback.startswith(("http://", "https://")):
            return _error(400, 21609, "Invalid 'StatusCallback'")
        if to in self.unsubscribed:
            return _error(400, 21610, "Attempt to send to unsubscribed recipient")
        message = FakeMessage(
            sid=new_sid("SM"),
            account_sid=self.account_sid,
            to=to,
            # Through a Messaging Service, Twilio picks the sender after accepting the text.
            from_=sender or None,
            body=body,
            direction="outbound-api",
            status="accepted" if service else "queued",
            messaging_service_sid=service or None,
            status_callback=callback,
        )
        self.messages[message.sid] = message
        return 201, message.resource()

    def list(self, query: dict[str, list[str]]) -> tuple[int, dict]:
        def one(name):
            return query.get(name, [""])[0]

        found = sorted(
            self.messages.values(),
            key=lambda m: (m.date_sent or m.date_created, m.sid),
            reverse=True,
        )
        if one("To"):
            found = [m for m in found if m.to == one("To")]
        if one("From"):
            found = [m for m in found if m.from_ == one("From")]
        for name, keep in (
            ("DateSent", lambda sent, limit, whole_day: _same(sent, limit, whole_day)),
            ("DateSent>", lambda sent, limit, whole_day: sent >= limit),
            ("DateSent<", lambda sent, limit, whole_day: sent <= _end(limit, whole_day)),
        ):
            if not one(name):
                continue
            limit, whole_day = _parse_moment(one(name))
            if limit is None:
                return _error(400, 20001, f"Invalid value for {name}: {one(name)}")
            found = [m for m in found if m.date_sent and keep(m.date_sent, limit, whole_day)]
        try:
            size = min(int(one("PageSize") or 50), MAX_PAGE_SIZE)
            page = int(one("Page") or 0)
        except ValueError:
            return _error(400, 20001, "Invalid paging parameters")
        start = page * size
        chunk = found[start : start + size]
        base = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages.json"
        filters = {k: v[0] for k, v in query.items() if k not in ("Page", "PageSize", "PageToken")}

        def page_uri(number):
            return f"{base}?{urlencode({**filters, 'PageSize': size, 'Page': number})}"

        more = start + size < len(found)
        return 200, {
            "messages": [m.resource() for m in chunk],
            "end": start + len(chunk) - 1 if chunk else start,
            "first_page_uri": page_uri(0),
            "next_page_uri": (page_uri(page + 1) + f"&PageToken=PA{page + 1}") if more else None,
            "page": page,
            "page_size": size,
            "previous_page_uri": page_uri(page - 1) if page else None,
            "start": start,
            "uri": page_uri(page),
        }


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client that timed out closed its end before a held answer was written
        super().handle_error(request, client_address)


def _parse_moment(text: str) -> tuple[datetime | None, bool]:
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC), False
    except ValueError:
        pass
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None, False
    return datetime(day.year, day.month, day.day, tzinfo=UTC), True


def _same(sent: datetime, limit: datetime, whole_day: bool) -> bool:
    return sent.date() == limit.date() if whole_day else sent == limit


def _end(limit: datetime, whole_day: bool) -> datetime:
    return limit + timedelta(days=1) - timedelta(microseconds=1) if whole_day else limit


def _error(status: int, code: int, message: str) -> tuple[int, dict]:
    return status, {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _handler_for(fake: FakeTwilio):
    messages_path = re.compile(rf"^/{API_VERSION}/Accounts/(?P<account>AC\w+)/Messages\.json$")
    message_path = re.compile(
        rf"^/{API_VERSION}/Accounts/(?P<account>AC\w+)/Messages/(?P<sid>\w+)\.json$"
    )

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 (the name the base class uses)
            pass  # keep test output quiet

        def _answer(self, status: int, payload: dict, headers: dict | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            expected = base64.b64encode(f"{fake.account_sid}:{fake.auth_token}".encode()).decode()
            given = self.headers.get("Authorization", "")
            return hmac.compare_digest(given.encode(), f"Basic {expected}".encode())

        def _start(self, method: str):
            """Common checks; returns the path's match, or None once an error was answered."""
            parts = urlsplit(self.path)
            fake.requests.append((method, parts.path))
            length = int(self.headers.get("Content-Length") or 0)
            self.form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            self.query = parse_qs(parts.query)
            if not self._authorised():
                self._answer(
                    *_error(401, 20003, "Authenticate"),
                    headers={"WWW-Authenticate": 'Basic realm="Twilio API"'},
                )
                return None
            failure = fake._take_failure()
            if failure is not None:
                headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
                self._answer(*_error(failure.status, failure.code, failure.message), headers)
                return None
            match = messages_path.match(parts.path) or message_path.match(parts.path)
            if match is None or match["account"] != fake.account_sid:
                self._answer(
                    *_error(404, 20404, f"The requested resource {parts.path} was not found")
                )
                return None
            return match

        def do_POST(self):
            match = self._start("POST")
            if match is None:
                return
            if "sid" in match.groupdict():
                self._answer(*_error(405, 20004, "Method not allowed"))
                return
            hang, fake._hang = fake._hang, None
            if hang == "before":
                fake._release.wait(HANG_LIMIT_SECONDS)
                self.close_connection = True
                return  # the client has given up: Twilio never got the text
            status, payload = fake.create(self.form)
            if hang == "after":
                fake._release.wait(HANG_LIMIT_SECONDS)
            self._answer(status, payload)

        def do_GET(self):
            match = self._start("GET")
            if match is None:
                return
            if "sid" in match.groupdict():
                message = fake.messages.get(match["sid"])
                if message is None:
                    path = urlsplit(self.path).path
                    self._answer(
                        *_error(404, 20404, f"The requested resource {path} was not found")
                    )
                else:
                    self._answer(200, message.resource())
                return
            self._answer(*fake.list(self.query))

    return Handler
