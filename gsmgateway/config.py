"""The gateway's configuration: TOML file -> frozen, validated dataclasses.

Every key has a default, so ``Config()`` is the built-in configuration that
``gsmgateway serve --simulate 4`` runs on. A key the schema does not know, a value of
the wrong type or out of range is a ``ConfigError`` naming the key and its line in the
file: a misspelt key must never be silently ignored. ``config.example.toml`` documents
every key; a test keeps it and this module in step.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NATIONAL_LANGUAGES = ("tr", "es", "pt", "bn", "gu", "hi", "kn", "ml", "or", "pa", "ta", "te", "ur")
PROFILES = ("auto", "generic", "huawei", "sim800", "quectel")


class ConfigError(Exception):
    """The configuration file is unreadable or a key in it is unknown or invalid."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")
        self.path = path
        self.line = line


@dataclass(frozen=True)
class ServerConfig:
    """The HTTP listener."""

    listen: str = "127.0.0.1:8080"
    max_body_bytes: int = 64 * 1024
    max_batch: int = 1000
    max_pending_messages: int = 20000  # accepted, not yet committed; beyond: 429

    def __post_init__(self) -> None:
        parse_listen(self.listen)
        _at_least("max_body_bytes", self.max_body_bytes, 1024)
        _at_least("max_batch", self.max_batch, 1)
        _at_least("max_pending_messages", self.max_pending_messages, 1)


@dataclass(frozen=True)
class StorageConfig:
    """Where the durable state lives and how long finished messages are kept."""

    path: str = ""  # empty: $STATE_DIRECTORY or the user's data directory, gsmgateway.db
    retention_days: float = 30.0
    resend_unknown: bool = False
    lease_seconds: float = 120.0

    def __post_init__(self) -> None:
        _at_least("retention_days", self.retention_days, 0)
        _at_least("lease_seconds", self.lease_seconds, 10)


@dataclass(frozen=True)
class ApiConfig:
    """Bearer API keys, as hashes: ``sha256:`` + the hex SHA-256 of the key."""

    key_hashes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for value in self.key_hashes:
            if not re.fullmatch(r"sha256:[0-9a-f]{64}", value):
                raise ValueError(
                    "key_hashes: each entry is 'sha256:' and 64 lowercase hex digits "
                    "(printf %s KEY | sha256sum), not the key itself"
                )


@dataclass(frozen=True)
class MessagesConfig:
    """How texts are validated and encoded, and the defaults of optional body fields."""

    default_region: str = ""  # ISO 3166 region for national numbers, e.g. "DE"
    allow_short_codes: bool = False
    max_segments: int = 10
    national_languages: tuple[str, ...] = ()  # TS 23.038 tables allowed, or ("all",)
    smart_encoding: bool = False
    status_report: bool = True
    validity_minutes: int = 0  # 0: no TP-VP, the SMSC's default validity
    concat_ref_bits: int = 8
    max_attempts: int = 5  # temporary errors before a part fails

    def __post_init__(self) -> None:
        if self.default_region and not re.fullmatch(r"[A-Z]{2}", self.default_region):
            raise ValueError("default_region: a two-letter ISO 3166 region such as 'DE'")
        if not 1 <= self.max_segments <= 255:
            raise ValueError("max_segments: between 1 and 255 (the concatenation limit)")
        allowed = (*NATIONAL_LANGUAGES, "all")
        for code in self.national_languages:
            if code not in allowed:
                raise ValueError(f"national_languages: {code!r} is not one of {', '.join(allowed)}")
        if not 0 <= self.validity_minutes <= 63 * 7 * 24 * 60:
            raise ValueError("validity_minutes: 0 (none) up to 635040 (63 weeks)")
        if self.concat_ref_bits not in (8, 16):
            raise ValueError("concat_ref_bits: 8 or 16")
        _at_least("max_attempts", self.max_attempts, 1)


@dataclass(frozen=True)
class ModemsConfig:
    """Which serial ports hold modems, and the driver's timings."""

    ports: tuple[str, ...] = ()
    globs: tuple[str, ...] = ()  # e.g. "/dev/serial/by-id/usb-*-if0[0-9]*"
    pin: str = ""  # SIM PIN used when a SIM asks for one and no [[modem]] entry names it
    baudrate: int = 115200
    scan_interval_seconds: float = 5.0
    command_timeout_seconds: float = 10.0
    send_timeout_seconds: float = 60.0
    poll_interval_seconds: float = 60.0

    def __post_init__(self) -> None:
        if self.pin and not re.fullmatch(r"\d{4,8}", self.pin):
            raise ValueError("pin: 4 to 8 digits")
        _at_least("scan_interval_seconds", self.scan_interval_seconds, 0.1)
        _at_least("command_timeout_seconds", self.command_timeout_seconds, 0.1)
        _at_least("send_timeout_seconds", self.send_timeout_seconds, 1)
        _at_least("poll_interval_seconds", self.poll_interval_seconds, 5)


@dataclass(frozen=True)
class ModemConfig:
    """Settings of one modem, picked by its IMEI or its SIM's ICCID."""

    imei: str = ""
    iccid: str = ""
    pin: str = ""
    profile: str = "auto"
    groups: tuple[str, ...] = ("default",)
    rate_per_minute: float = 0.0  # parts a minute; 0: unlimited
    daily_quota: int = 0  # segments a day; 0: unlimited
    monthly_quota: int = 0  # segments a calendar month; 0: unlimited
    enabled: bool = True

    def __post_init__(self) -> None:
        if not self.imei and not self.iccid:
            raise ValueError("each [[modem]] needs imei or iccid")
        if self.imei and not re.fullmatch(r"\d{14,16}", self.imei):
            raise ValueError("imei: 14 to 16 digits")
        if self.iccid and not re.fullmatch(r"\d{18,20}[0-9F]?", self.iccid):
            raise ValueError("iccid: 18 to 20 digits")
        if self.pin and not re.fullmatch(r"\d{4,8}", self.pin):
            raise ValueError("pin: 4 to 8 digits")
        if self.profile not in PROFILES:
            raise ValueError(f"profile: one of {', '.join(PROFILES)}")
        if not self.groups:
            raise ValueError("groups: at least one group")
        _at_least("rate_per_minute", self.rate_per_minute, 0)
        _at_least("daily_quota", self.daily_quota, 0)
        _at_least("monthly_quota", self.monthly_quota, 0)


@dataclass(frozen=True)
class RouteConfig:
    """Destinations matching ``prefix`` (E.164) or ``region`` go to ``group``."""

    group: str = ""
    prefix: str = ""
    region: str = ""
    fallback: str = ""  # group used while no modem of ``group`` is in service

    def __post_init__(self) -> None:
        if not self.group:
            raise ValueError("each [[route]] needs a group")
        if bool(self.prefix) == bool(self.region):
            raise ValueError("each [[route]] needs exactly one of prefix or region")
        if self.prefix and not re.fullmatch(r"\+\d{1,15}", self.prefix):
            raise ValueError("prefix: '+' and digits, e.g. '+49'")
        if self.region and not re.fullmatch(r"[A-Z]{2}", self.region):
            raise ValueError("region: a two-letter ISO 3166 region such as 'DE'")


@dataclass(frozen=True)
class WebhookConfig:
    """One endpoint that receives signed events."""

    url: str = ""
    secret: str = ""
    name: str = ""  # defaults to the URL
    events: tuple[str, ...] = ("message.status", "message.received")
    timeout_seconds: float = 10.0
    max_age_hours: float = 24.0

    def __post_init__(self) -> None:
        if not re.match(r"https?://[^/\s]+", self.url):
            raise ValueError("url: an http:// or https:// URL")
        if len(self.secret) < 16:
            raise ValueError("secret: at least 16 characters")
        for event in self.events:
            if event not in ("message.status", "message.received"):
                raise ValueError(f"events: {event!r} is not message.status or message.received")
        _at_least("timeout_seconds", self.timeout_seconds, 0.1)
        _at_least("max_age_hours", self.max_age_hours, 0.01)

    @property
    def endpoint(self) -> str:
        """The name the outbox knows this endpoint by."""
        return self.name or self.url


@dataclass(frozen=True)
class LogConfig:
    """Logging to stderr (the journal under systemd)."""

    level: str = "info"

    def __post_init__(self) -> None:
        if self.level not in ("debug", "info", "warning", "error"):
            raise ValueError("level: debug, info, warning or error")


@dataclass(frozen=True)
class Config:
    """The whole configuration; table names are the TOML sections."""

    server: ServerConfig = field(default_factory=ServerConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    api: ApiConfig = field(default_factory=ApiConfig)
    messages: MessagesConfig = field(default_factory=MessagesConfig)
    modems: ModemsConfig = field(default_factory=ModemsConfig)
    modem: tuple[ModemConfig, ...] = ()
    route: tuple[RouteConfig, ...] = ()
    webhook: tuple[WebhookConfig, ...] = ()
    log: LogConfig = field(default_factory=LogConfig)

    def __post_init__(self) -> None:
        names = [hook.endpoint for hook in self.webhook]
        if len(names) != len(set(names)):
            raise ValueError("webhook: two endpoints with the same name or URL")

    def modem_settings(self, imei: str, iccid: str = "") -> ModemConfig | None:
        """The [[modem]] entry for a modem (by IMEI first, then by its SIM's ICCID)."""
        for entry in self.modem:
            if entry.imei and entry.imei == imei:
                return entry
        for entry in self.modem:
            if entry.iccid and iccid and entry.iccid == iccid:
                return entry
        return None

    def database_path(self) -> Path:
        """The SQLite file: the configured path, else under the service's state directory."""
        if self.storage.path:
            return Path(self.storage.path)
        return default_data_dir() / "gsmgateway.db"


def default_data_dir() -> Path:
    """$STATE_DIRECTORY (systemd), else $XDG_DATA_HOME/gsmgateway, else ~/.local/share."""
    state = os.environ.get("STATE_DIRECTORY")
    if state:
        return Path(state.split(":")[0])
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "gsmgateway"


def parse_listen(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6) -> (host, port); ValueError otherwise."""
    match = re.fullmatch(r"\[([0-9a-fA-F:.]+)\]:(\d{1,5})|([^:\[\]\s]+):(\d{1,5})", value)
    if not match:
        raise ValueError(f"listen: {value!r} is not HOST:PORT")
    host = match.group(1) or match.group(3)
    port = int(match.group(2) or match.group(4))
    if port > 65535:
        raise ValueError(f"listen: port {port} is out of range")
    return host, port


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate a TOML config file; raises ConfigError naming the key and line."""
    name = os.fspath(path)
    try:
        raw = Path(name).read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read: {error.strerror or error}", path=name) from None
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text", path=name) from None
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None)
        raise ConfigError(f"not valid TOML: {error}", path=name, line=line) from None
    return config_from_mapping(data, path=name, text=text)


def config_from_mapping(
    data: Mapping[str, Any], *, path: str | None = None, text: str = ""
) -> Config:
    """Build a Config from already-parsed TOML; errors carry the line found in ``text``."""
    locator = _LineLocator(text)
    return _build(Config, data, (), path, locator)


# --- the schema walker ---------------------------------------------------------------------


def _build(
    cls: type, data: Any, where: tuple[str | int, ...], path: str | None, locator: Any
) -> Any:
    name = _dotted(where) or "the top level"
    if not isinstance(data, Mapping):
        raise ConfigError(f"{name} must be a table", path=path, line=locator.find(where))
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(
                f"unknown key {_dotted((*where, key))!r} (known here: {known})",
                path=path,
                line=locator.find((*where, key)),
            )
        values[key] = _convert(hints[key], value, (*where, key), path, locator)
    try:
        return cls(**values)
    except ValueError as error:
        message = str(error)
        key = message.split(":", 1)[0]
        line = locator.find((*where, key)) if key in fields else locator.find(where)
        prefix = f"{name}: " if where else ""
        raise ConfigError(f"{prefix}{message}", path=path, line=line) from None


def _convert(
    hint: Any, value: Any, where: tuple[str | int, ...], path: str | None, locator: Any
) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, where, path, locator)
    if origin is tuple:
        (item_type, _ellipsis) = typing.get_args(hint)
        if not isinstance(value, list):
            if dataclasses.is_dataclass(item_type):
                what = f"[[{_dotted(where)}]] tables"
            else:
                what = "an array"
            raise ConfigError(
                f"{_dotted(where)} must be {what}", path=path, line=locator.find(where)
            )
        return tuple(
            _convert(item_type, item, (*where, index), path, locator)
            for index, item in enumerate(value)
        )
    expected: tuple[type, ...]
    if hint is float:
        expected = (int, float)
    elif isinstance(hint, type):
        expected = (hint,)
    elif isinstance(hint, types.UnionType):  # pragma: no cover - no unions in the schema yet
        expected = tuple(typing.get_args(hint))
    else:  # pragma: no cover - schema programming error
        raise TypeError(f"unsupported config type {hint!r}")
    # bool is an int in Python: a number where a boolean belongs (or the reverse) is wrong.
    if isinstance(value, bool) != (hint is bool) or not isinstance(value, expected):
        raise ConfigError(
            f"{_dotted(where)} must be {_type_name(hint)}, not {_value_name(value)}",
            path=path,
            line=locator.find(where),
        )
    return float(value) if hint is float else value


def _type_name(hint: Any) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(
        hint, str(hint)
    )


def _value_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "a table"
    return type(value).__name__


def _dotted(where: tuple[str | int, ...]) -> str:
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-. \"]+?)\s*=")


class _LineLocator:
    """Finds the line of a key path in the TOML text (tomllib does not keep positions)."""

    def __init__(self, text: str) -> None:
        # (table path with array indexes, key, line number)
        self.entries: list[tuple[tuple[str | int, ...], str, int]] = []
        self.headers: dict[tuple[str | int, ...], int] = {}
        table: tuple[str | int, ...] = ()
        counts: dict[tuple[str, ...], int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header:
                names = tuple(part.strip().strip('"') for part in header.group(2).split("."))
                if header.group(1) == "[[":
                    index = counts.get(names, 0)
                    counts[names] = index + 1
                    table = (*names, index)
                else:
                    table = names
                self.headers.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                # A dotted key (server.listen = ...) names sub-tables of the current table.
                *inner, last = (part.strip().strip('"') for part in key.group(1).split("."))
                self.entries.append(((*table, *inner), last, number))

    def find(self, where: tuple[str | int, ...]) -> int | None:
        if not where:
            return None
        table, key = where[:-1], where[-1]
        if isinstance(key, int):  # an item of an array of tables or of an inline array
            return self.headers.get(where) or self.find(table)
        for entry_table, entry_key, number in self.entries:
            if entry_table == table and entry_key == key:
                return number
        if where in self.headers:
            return self.headers[where]
        return self.find(table) if table else None


def _at_least(name: str, value: float, minimum: float) -> None:
    if value < minimum:
        raise ValueError(f"{name}: must be at least {minimum}, not {value}")
