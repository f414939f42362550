"""Sources of the source link: admins configure them; everyone else sees them with their secrets masked.

Secrets are write-only: API keys, tokens, passwords and private keys in a
source's options, and credentials in its URL, are never returned once set,
to anyone. An edit that sends the mask back keeps the stored secret.
"""
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from manager.auth import Principal
from manager.domain import db_of
from manager.domain.policy import require_province_level, require_role
from manager.sources import store

MASK = "********"
READERS = ("editor", "approver", "auditor")
_SECRET = re.compile(r"(key|token|secret|passw|pwd|auth|credential|private|cookie|signature)", re.I)
_PRIVATE_PEM = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S)


def _mask_value(key: str, value):
    if isinstance(value, dict):
        return {k: _mask_value(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_value(key, v) for v in value]
    if _SECRET.search(key) and key != "signing_certificate" and value not in (None, ""):
        return MASK
    if isinstance(value, str) and "PRIVATE KEY" in value:
        return _PRIVATE_PEM.sub(MASK, value)
    return value


def mask_url(url: str) -> str:
    if not url:
        return url
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        netloc = f"{userinfo.split(':', 1)[0]}:{MASK}@{host}" if ":" in userinfo else f"{MASK}@{host}"
    query = urlencode([(k, MASK if _SECRET.search(k) else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _secret_values(source: dict) -> set[str]:
    """Every secret a source holds, to scrub also from texts that quote it (an error message with the URL)."""
    found: set[str] = set()

    def walk(key: str, value):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(k, v)
        elif isinstance(value, list):
            for v in value:
                walk(key, v)
        elif isinstance(value, str) and value and _SECRET.search(key) and key != "signing_certificate":
            found.add(value)

    walk("", source["config"])
    parts = urlsplit(source["url"] or "")
    if parts.password:
        found.add(parts.password)
    found.update(v for k, v in parse_qsl(parts.query) if _SECRET.search(k) and v)
    return {v for v in found if len(v) >= 4}


def scrub(text, secrets: set[str]):
    if not isinstance(text, str):
        return text
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def masked(source: dict) -> dict:
    secrets = _secret_values(source)
    return {**{k: scrub(v, secrets) for k, v in source.items()}, "config": _mask_value("", source["config"]), "url": mask_url(source["url"])}


def _keep_secrets(new, old):
    """The mask sent back (the console's form, a script that read the source) means: keep what is stored."""
    if isinstance(new, dict) and isinstance(old, dict):
        return {k: _keep_secrets(v, old.get(k)) for k, v in new.items()}
    return old if new == MASK and old is not None else new


def _keep_url(new: str, old: str) -> str:
    return old if new == mask_url(old) else new


def list_sources(x, principal: Principal) -> list[dict]:
    require_role(principal, *READERS)
    return [masked(s) for s in store.list_all(db_of(x))]


def _all_secrets(db) -> set[str]:
    return set().union(*[_secret_values(s) for s in store.list_all(db)])


def _scrubbed_events(db, source_id: int | None, limit: int) -> list[dict]:
    secrets = _all_secrets(db)
    return [{k: scrub(v, secrets) for k, v in e.items()} for e in store.events(db, source_id, limit)]


def get_source(x, principal: Principal, source_id: int, events: int = 50) -> dict:
    db = db_of(x)
    require_role(principal, *READERS)
    return {**masked(store.get(db, source_id)), "events": _scrubbed_events(db, source_id, events)}


def events(x, principal: Principal, source_id: int | None, limit: int) -> list[dict]:
    require_role(principal, *READERS)
    return _scrubbed_events(db_of(x), source_id, limit)


def create_source(x, principal: Principal, body: store.SourceIn) -> dict:
    """The new source (masked) and its push token, shown this once."""
    source, token = store.create(db_of(x), principal, body)
    return {**masked(source), "push_token": token}


def update_source(x, principal: Principal, source_id: int, body: store.SourcePatch) -> dict:
    db = db_of(x)
    require_role(principal, "admin")
    old = store.get(db, source_id)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("config") is not None:
        changes["config"] = _keep_secrets(changes["config"], old["config"])
    if changes.get("url") is not None:
        changes["url"] = _keep_url(changes["url"], old["url"])
    return masked(store.update(db, principal, source_id, store.SourcePatch(**changes)))


def rotate_token(x, principal: Principal, source_id: int) -> dict:
    db = db_of(x)
    token = store.rotate_token(db, principal, source_id)
    return {"push_token": token, "source": masked(store.get(db, source_id))}


def source_for_poll(x, principal: Principal, source_id: int) -> dict:
    require_role(principal, "admin")
    return store.get(db_of(x), source_id)


def require_link_reader(x, principal: Principal) -> None:
    """The source-link status (every board's position), play log and pushes: the source system's
    account, and auditors, at province level (admins always)."""
    require_province_level(db_of(x), principal, "source", "auditor")


PROBLEMS = 50  # refused and skipped documents shown
PER_SOURCE = 10  # events shown per source


def problems(x, principal: Principal) -> list[dict]:
    """The sources' events and the documents they sent that were refused or skipped (those the person may see), newest first."""
    from manager.domain import inbox as dinbox

    db = db_of(x)
    require_role(principal, *READERS)
    names = {s["id"]: s["name"] for s in store.list_all(db)}
    # Each source's own newest events: a noisy source cannot push a quiet one's failure off the page.
    events = [e for source_id in names for e in _scrubbed_events(db, source_id, PER_SOURCE)]
    found = [{"at": e["at"], "source": names.get(e["source_id"], "—"), "level": e["level"], "message": e["message"],
              "message_en": e["message_en"], "item": None, "code": e.get("code")} for e in events]
    for row in dinbox.list_items(db, principal, "refused", None, PROBLEMS) + dinbox.list_items(db, principal, "skipped", None, PROBLEMS):
        found.append({"at": row["received_at"], "source": names.get(row["source_id"], "—"), "level": row["status"],
                      "message": row["reason"] or "", "message_en": row["payload"].get("reason_en", ""), "item": row["id"],
                      "code": row["payload"].get("error")})
    found.sort(key=lambda p: p["at"], reverse=True)
    return found


def names(x, principal: Principal) -> dict[int, str]:
    require_role(principal, *READERS)
    return {s["id"]: s["name"] for s in store.list_all(db_of(x))}


def error_count(x, principal: Principal) -> int:
    """Enabled sources whose last read failed (the dashboard's warning)."""
    return sum(1 for s in list_sources(x, principal) if s["enabled"] and s["last_error"])
