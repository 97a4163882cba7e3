"""A local stand-in for GOV.UK Notify's API, spoken over real HTTP on 127.0.0.1.

It answers the four calls Doorstep's provider makes, as Notify documents them:

    POST /v2/notifications/sms              send a text
    GET  /v2/notifications/{id}             one text's status
    GET  /v2/notifications?reference=...    texts with a reference (find_sent)
    GET  /v2/received-text-messages         texts residents sent us, newest first, paged

Like Notify it checks each request's JWT (HS256, `iss` = the service id, signed with the key's
secret, `iat` within 30 seconds of its clock) before anything else, validates request bodies, and
answers errors as `{"status_code": 400, "errors": [{"error": "...", "message": "..."}]}`.

Key types behave as Notify's: a test key never reaches a phone and its texts end delivered, except
07700 900003 (temporary-failure) and 07700 900002 (permanent-failure); a team key sends only to
the team's numbers; a live key sends to anyone. A key only sees texts sent with its own key type.

Tests drive the rest by hand, so nothing depends on timing:
- `complete(id)` gives a text its final status and posts Notify's delivery receipt (with the
  callback bearer token) to the configured URL; `receive_text(...)` does the same for a reply.
- `fail_next(status)` makes the next matching request(s) fail (429, 500...), `hang_next()` makes
  the next one wait (after doing its work) until the test ends or `release()` is called.
"""

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import requests

TOKEN_BOUND_SECONDS = 30
PAGE_SIZE = 250
MAX_SMS_LENGTH = 918
TEST_KEY_OUTCOMES = {"07700900003": "temporary-failure", "07700900002": "permanent-failure"}
FINAL_STATUSES = {"delivered", "permanent-failure", "temporary-failure", "technical-failure"}
# How long a hung request waits at most if the test forgets to release it.
HANG_LIMIT_SECONDS = 30


def notify_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _now() -> datetime:
    return datetime.now(UTC)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def national_number(phone_number: str) -> tuple[str | None, str | None]:
    """Notify's phone number check: (the number as 07..., None) or (None, its error message)."""
    text = re.sub(r"[\s()\-.]", "", phone_number)
    if text.startswith("+"):
        text = text[1:]
    if not text.isdigit():
        return None, "Must not contain letters or symbols"
    if text.startswith("0044"):
        text = "0" + text[4:]
    elif text.startswith("44"):
        text = "0" + text[2:]
    elif not text.startswith("0"):
        # International: Notify accepts these when the service allows them; so do we.
        if len(text) < 8:
            return None, "Not enough digits"
        if len(text) > 15:
            return None, "Too many digits"
        return text, None
    if len(text) < 11:
        return None, "Not enough digits"
    if len(text) > 11:
        return None, "Too many digits"
    if not text.startswith("07"):
        return None, "Not a UK mobile number"
    return text, None


@dataclass
class ApiKey:
    name: str
    key_type: str  # test, team or live
    secret: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass
class Failure:
    status: int
    path: str
    message: str
    retry_after: str | None = None


class NotifyError(Exception):
    """Notify's error answer: every problem found, each with its error type and message."""

    def __init__(self, status: int, error: str, *messages: str):
        super().__init__(messages[0])
        self.status, self.error, self.messages = status, error, messages

    def body(self) -> dict:
        errors = [{"error": self.error, "message": message} for message in self.messages]
        return {"status_code": self.status, "errors": errors}


class FakeNotify:
    def __init__(self, team_numbers: tuple[str, ...] = ()):
        self.service_id = str(uuid.uuid4())
        self.template_id = str(uuid.uuid4())
        self.templates = {self.template_id: "((body))"}
        self.sms_sender_id = str(uuid.uuid4())
        self.inbound_number = "07700900500"
        self.senders = {self.sms_sender_id: self.inbound_number}
        self.keys = {kind: ApiKey(f"doorstep-{kind}", kind) for kind in ("test", "team", "live")}
        self.team_numbers = {national_number(n)[0] for n in team_numbers}
        self.notifications: dict[str, dict] = {}  # newest last
        self.received: list[dict] = []  # newest last
        self.requests: list[dict] = []  # every request that reached the API, in order
        self.page_size = PAGE_SIZE
        # Seconds the fake's clock runs ahead of the real one (to test the 30 s rule).
        self.clock_offset = 0.0
        self.callback_token = ""
        self.delivery_callback_url = ""
        self.received_callback_url = ""
        self._failures: list[Failure] = []
        self._hangs: list[str] = []
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- Running ------------------------------------------------------------------------------

    def start(self) -> "FakeNotify":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                fake._handle(self, "GET")

            def do_POST(self):  # noqa: N802
                fake._handle(self, "POST")

            def log_message(self, *args):
                pass  # quiet test output

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def api_key(self, key_type: str = "test", *, secret: str | None = None) -> str:
        key = self.keys[key_type]
        return f"{key.name}-{self.service_id}-{secret or key.secret}"

    # --- Steering from tests ------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        *,
        path: str = "/v2/",
        times: int = 1,
        message: str | None = None,
        retry_after: str | None = None,
    ) -> None:
        default = {
            429: "Exceeded rate limit for key type TEST of 3000 requests per 60 seconds",
            500: "Internal server error",
            503: "Service unavailable",
        }
        text = message or default.get(status, "Bad request")
        with self._lock:
            self._failures += [Failure(status, path, text, retry_after) for _ in range(times)]

    def hang_next(self, *, path: str = "/v2/") -> None:
        """The next matching request does its work, then answers only once released."""
        with self._lock:
            self._hangs.append(path)

    def release(self) -> None:
        self._released.set()

    def configure_callbacks(self, *, delivery_url: str, received_url: str, token: str) -> None:
        self.delivery_callback_url = delivery_url
        self.received_callback_url = received_url
        self.callback_token = token

    def sent_texts(self) -> list[dict]:
        return [r for r in self.requests if r["method"] == "POST" and r["status"] == 201]

    def complete(self, notification_id: str, *, status: str | None = None, callback: bool = True):
        """The network reports back. Returns Doorstep's HTTP status for the receipt, if posted."""
        notification = self.notifications[notification_id]
        if status is None:
            status = "delivered"
            if notification["key_type"] == "test":
                status = TEST_KEY_OUTCOMES.get(notification["national"], "delivered")
        now = _now()
        notification["status"] = status
        notification["sent_at"] = notification["sent_at"] or notify_time(now)
        if status in FINAL_STATUSES:
            notification["completed_at"] = notify_time(now)
        if callback and self.delivery_callback_url:
            return self.post_callback(
                self.delivery_callback_url, self.delivery_receipt(notification_id)
            )
        return None

    def delivery_receipt(self, notification_id: str) -> dict:
        notification = self.notifications[notification_id]
        return {
            "id": notification["id"],
            "reference": notification["reference"],
            "to": notification["to"],
            "status": notification["status"],
            "created_at": notification["created_at"],
            "completed_at": notification["completed_at"],
            "sent_at": notification["sent_at"],
            "notification_type": "sms",
            "template_id": notification["template"]["id"],
            "template_version": notification["template"]["version"],
        }

    def receive_text(self, source_number: str, message: str, *, callback: bool = True):
        """A resident texts the service's number. Returns (Notify's id, callback HTTP status)."""
        text = {
            "id": str(uuid.uuid4()),
            "created_at": notify_time(_now()),
            "service_id": self.service_id,
            "notify_number": self.inbound_number,
            "user_number": source_number,
            "content": message,
        }
        with self._lock:
            self.received.append(text)
        status = None
        if callback and self.received_callback_url:
            status = self.post_callback(
                self.received_callback_url, self.received_text_callback(text)
            )
        return text["id"], status

    @staticmethod
    def received_text_callback(text: dict) -> dict:
        return {
            "id": text["id"],
            "source_number": text["user_number"],
            "destination_number": text["notify_number"],
            "message": text["content"],
            "date_received": text["created_at"],
        }

    def post_callback(self, url: str, payload: dict, token: str | None = None) -> int:
        """POST JSON as Notify's callbacks do, with `Authorization: Bearer <token>`."""
        token = self.callback_token if token is None else token
        response = requests.post(
            url, json=payload, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        return response.status_code

    # --- The API ------------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        record = {"method": method, "path": parts.path, "query": parse_qs(parts.query)}
        headers = {}
        try:
            key = self._authenticate(handler.headers.get("Authorization"))
            record["key_type"] = key.key_type
            failure = self._take_failure(parts.path)
            if failure is not None:
                if failure.retry_after is not None:
                    headers["Retry-After"] = failure.retry_after
                error = {429: "RateLimitError", 500: "Exception"}.get(
                    failure.status, "BadRequestError"
                )
                raise NotifyError(failure.status, error, failure.message)
            status, body = self._route(method, parts.path, record["query"], raw, key, record)
        except NotifyError as error:
            status, body = error.status, error.body()
        record["status"] = status
        with self._lock:
            self.requests.append(record)
            hang = next((p for p in self._hangs if parts.path.startswith(p)), None)
            if hang is not None:
                self._hangs.remove(hang)
        if hang is not None:
            self._released.wait(HANG_LIMIT_SECONDS)
        data = json.dumps(body).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test)

    def _take_failure(self, path: str) -> Failure | None:
        with self._lock:
            for failure in self._failures:
                if path.startswith(failure.path):
                    self._failures.remove(failure)
                    return failure
        return None

    def _authenticate(self, header: str | None) -> ApiKey:
        if not header:
            raise NotifyError(
                401, "AuthError", "Unauthorized: authentication token must be provided"
            )
        if header[:7].title() != "Bearer ":
            raise NotifyError(
                401, "AuthError", "Unauthorized: authentication bearer scheme must be used"
            )
        token = header[7:]
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.DecodeError as error:
            raise NotifyError(
                403, "AuthError", "Invalid token: signature, api token is not valid"
            ) from error
        if "iss" not in unverified:
            raise NotifyError(403, "AuthError", "Invalid token: iss field not provided")
        if unverified["iss"] != self.service_id:
            raise NotifyError(403, "AuthError", "Invalid token: service not found")
        if jwt.get_unverified_header(token).get("alg") != "HS256":
            raise NotifyError(403, "AuthError", "Invalid token: algorithm used is not HS256")
        for key in self.keys.values():
            try:
                claims = jwt.decode(
                    token,
                    key=key.secret,
                    algorithms=["HS256"],
                    options={"verify_iat": False, "verify_exp": False},
                )
            except jwt.InvalidSignatureError:
                continue
            except jwt.InvalidTokenError as error:
                raise NotifyError(
                    403, "AuthError", "Invalid token: signature, api token is not valid"
                ) from error
            if "iat" not in claims:
                raise NotifyError(403, "AuthError", "Invalid token: iat field not provided")
            now = time.time() + self.clock_offset
            if abs(now - int(claims["iat"])) > TOKEN_BOUND_SECONDS:
                raise NotifyError(
                    403,
                    "AuthError",
                    "Error: Your system clock must be accurate to within 30 seconds",
                )
            return key
        raise NotifyError(403, "AuthError", "Invalid token: API key not found")

    def _route(self, method, path, query, raw, key, record):
        if method == "POST" and path == "/v2/notifications/sms":
            try:
                data = json.loads(raw or b"null")
            except ValueError as error:
                raise NotifyError(
                    400, "ValidationError", "Invalid JSON supplied in POST data"
                ) from error
            record["json"] = data
            return 201, self._send_sms(data, key)
        if method == "GET" and path == "/v2/notifications":
            return 200, self._list_notifications(query, key)
        if method == "GET" and path.startswith("/v2/notifications/"):
            return 200, self._get_notification(path.rsplit("/", 1)[1], key)
        if method == "GET" and path == "/v2/received-text-messages":
            return 200, self._received_texts(query)
        raise NotifyError(404, "ResourceNotFound", "The requested URL was not found on the server.")

    def _send_sms(self, data, key: ApiKey) -> dict:
        if not isinstance(data, dict):
            raise NotifyError(400, "ValidationError", f"{data} is not of type object")
        errors = []
        for name in ("phone_number", "template_id"):
            if name not in data:
                errors.append(f"{name} is a required property")
        national = None
        if "phone_number" in data:
            if not isinstance(data["phone_number"], str):
                errors.append(f"phone_number {data['phone_number']} is not of type string")
            else:
                national, problem = national_number(data["phone_number"])
                if problem:
                    errors.append(f"phone_number {problem}")
        if "template_id" in data and not _is_uuid(data["template_id"]):
            errors.append("template_id is not a valid UUID")
        if "personalisation" in data and not isinstance(data["personalisation"], dict):
            errors.append(f"personalisation {data['personalisation']} is not of type object")
        if "reference" in data and not isinstance(data["reference"], str):
            errors.append(f"reference {data['reference']} is not of type string")
        if "sms_sender_id" in data and not _is_uuid(data["sms_sender_id"]):
            errors.append("sms_sender_id is not a valid UUID")
        if errors:
            raise NotifyError(400, "ValidationError", *errors)

        template = self.templates.get(data["template_id"])
        if template is None:
            raise NotifyError(400, "BadRequestError", "Template not found")
        sender_id = data.get("sms_sender_id")
        if sender_id is not None and sender_id not in self.senders:
            raise NotifyError(
                400,
                "BadRequestError",
                f"sms_sender_id {sender_id} does not exist in database for service id {self.service_id}",
            )
        personalisation = data.get("personalisation") or {}
        missing = [p for p in re.findall(r"\(\(([^)]+)\)\)", template) if p not in personalisation]
        if missing:
            raise NotifyError(
                400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}"
            )
        body = re.sub(r"\(\(([^)]+)\)\)", lambda m: str(personalisation[m.group(1)]), template)
        if len(body) > MAX_SMS_LENGTH:
            raise NotifyError(
                400,
                "BadRequestError",
                f"Text messages cannot be longer than {MAX_SMS_LENGTH} characters. "
                f"Your message is {len(body)} characters long.",
            )
        if key.key_type == "team" and national not in self.team_numbers:
            raise NotifyError(
                400, "BadRequestError", "Can’t send to this recipient using a team-only API key"
            )

        notification_id = str(uuid.uuid4())
        template_uri = f"{self.url}/v2/template/{data['template_id']}/version/1"
        notification = {
            "id": notification_id,
            "reference": data.get("reference"),
            "phone_number": data["phone_number"],
            "to": data["phone_number"],
            "national": national,
            "type": "sms",
            "status": "sending",
            "template": {"id": data["template_id"], "version": 1, "uri": template_uri},
            "body": body,
            "created_at": notify_time(_now()),
            "sent_at": None,
            "completed_at": None,
            "key_type": key.key_type,
        }
        with self._lock:
            self.notifications[notification_id] = notification
        return {
            "id": notification_id,
            "reference": data.get("reference"),
            "content": {"body": body, "from_number": self.senders.get(sender_id, "Doorstep")},
            "uri": f"{self.url}/v2/notifications/{notification_id}",
            "template": {"id": data["template_id"], "version": 1, "uri": template_uri},
            "scheduled_for": None,
        }

    def _public(self, notification: dict) -> dict:
        hidden = {"national", "to", "key_type"}
        return {k: v for k, v in notification.items() if k not in hidden}

    def _get_notification(self, notification_id: str, key: ApiKey) -> dict:
        if not _is_uuid(notification_id):
            raise NotifyError(400, "ValidationError", "notification_id is not a valid UUID")
        notification = self.notifications.get(notification_id)
        if notification is None or notification["key_type"] != key.key_type:
            raise NotifyError(404, "NoResultFound", "No result found")
        return self._public(notification)

    def _list_notifications(self, query: dict, key: ApiKey) -> dict:
        template_type = query.get("template_type", [None])[0]
        if template_type is not None and template_type not in ("sms", "email", "letter"):
            raise NotifyError(
                400,
                "ValidationError",
                f"template_type {template_type} is not one of [sms, email, letter]",
            )
        reference = query.get("reference", [None])[0]
        status = query.get("status", [None])[0]
        found = [
            n
            for n in reversed(list(self.notifications.values()))
            if n["key_type"] == key.key_type
            and (template_type is None or n["type"] == template_type)
            and (reference is None or n["reference"] == reference)
            and (status is None or n["status"] == status)
        ]
        page = self._page(found, query.get("older_than", [None])[0])
        links = {"current": f"{self.url}/v2/notifications"}
        if len(page) == self.page_size:
            links["next"] = f"{self.url}/v2/notifications?older_than={page[-1]['id']}"
        return {"notifications": [self._public(n) for n in page], "links": links}

    def _received_texts(self, query: dict) -> dict:
        page = self._page(list(reversed(self.received)), query.get("older_than", [None])[0])
        links = {"current": f"{self.url}/v2/received-text-messages"}
        if len(page) == self.page_size:
            links["next"] = f"{self.url}/v2/received-text-messages?older_than={page[-1]['id']}"
        return {"received_text_messages": page, "links": links}

    def _page(self, newest_first: list[dict], older_than: str | None) -> list[dict]:
        if older_than is not None:
            ids = [item["id"] for item in newest_first]
            if older_than not in ids:
                return []
            newest_first = newest_first[ids.index(older_than) + 1 :]
        return newest_first[: self.page_size]
