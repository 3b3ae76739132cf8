"""The docs store: a Chroma collection of passages plus a manifest collection of sources.

Embedded (PersistentClient under the data dir) by default; a shared `chroma run` server
when `chroma_url` is set. The manifest says which version (content hash) of each source is
live: passages of any other version are invisible to searches and removed by the next
index run, so a run that dies midway never leaves half a source searchable.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from copilot.context import AppContext
from copilot.docs.embedding import CopilotEmbeddingFunction, model_name
from copilot.errors import StoreError

SCHEMA = 1
DOCS = "copilot_docs"
MANIFEST = "copilot_manifest"
REBUILD = "rebuild it with `copilot index --rebuild`"


@dataclass(frozen=True)
class ManifestEntry:
    """One indexed source: its content hash, what it is, and how many passages it has."""

    key: str
    sha: str
    title: str
    kind: str
    chunks: int
    via: str = ""  # the folder (or "defaults", "tool") that brought the source in


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:160]}" if text else type(exc).__name__


def _client(app: AppContext, create: bool):
    """(client, description) for the configured store; None when a local store does not exist."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    url = app.settings.chroma_url
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        secure = parsed.scheme == "https"
        try:
            client = chromadb.HttpClient(host=parsed.hostname or "localhost",
                                         port=parsed.port or (443 if secure else 8000), ssl=secure,
                                         settings=chroma_settings)
        except Exception as exc:  # connection refused, DNS, TLS: all mean the same to the user
            raise StoreError(
                f"cannot reach the Chroma server at {url} ({_first_line(exc)}); start it with "
                f"`chroma run --path DIR --host 127.0.0.1 --port {parsed.port or 8000}`, "
                f"or unset chroma_url to use the local store.") from None
        return client, url
    path = app.settings.store_path(app.locations)
    if path.exists() and not path.is_dir():
        raise StoreError(f"the docs store path {path} is a file, not a folder; set `store` to a folder.")
    if not create and not (path / "chroma.sqlite3").is_file():
        return None, str(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings), str(path)
    except Exception as exc:  # a damaged sqlite file or a store from another Chroma version
        _forget_client(path)
        raise StoreError(f"the docs store at {path} cannot be opened ({_first_line(exc)}); "
                         f"it is damaged or from another Chroma version: {REBUILD}.") from None


def heartbeat(app: AppContext) -> tuple[str, float]:
    """(server version, seconds one heartbeat took) of the shared Chroma server `chroma_url` names."""
    import time

    client, url = _client(app, create=False)
    began = time.monotonic()
    try:
        client.heartbeat()
        seconds = time.monotonic() - began
        return client.get_version(), seconds
    except Exception as exc:
        raise StoreError(f"the Chroma server at {url} stopped answering ({_first_line(exc)}); "
                         f"check that `chroma run` is still up.") from None


def _forget_client(path: Path) -> None:
    """Drop Chroma's in-process cache entry for a store folder.

    Chroma caches one client system per folder and keeps it even when starting it failed
    or the folder was deleted, so a rebuild in the same process would reuse a dead one.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    cache = getattr(SharedSystemClient, "_identifier_to_system", None)
    if isinstance(cache, dict):
        cache.pop(str(path), None)


class DocStore:
    """Open collections of one store, checked against this copilot's schema and model."""

    def __init__(self, client, where: str, docs, manifest, function: CopilotEmbeddingFunction) -> None:
        self.client, self.where, self.docs, self.manifest = client, where, docs, manifest
        self.function = function
        self.model = function.model

    def entries(self) -> dict[str, ManifestEntry]:
        return _entries(self.manifest)

    @property
    def ident(self) -> str:
        """Names this store (where and model) in cache file names."""
        return hashlib.sha256(f"{self.where}\0{self.model}".encode()).hexdigest()[:12]

    def fingerprint(self, entries: dict[str, ManifestEntry] | None = None) -> str:
        """Changes whenever the set of live source versions does (keys the BM25 cache)."""
        entries = self.entries() if entries is None else entries
        digest = hashlib.sha256()
        for key in sorted(entries):
            digest.update(f"{key}\0{entries[key].sha}\n".encode())
        return digest.hexdigest()[:24]

    def commit(self, entries: list[ManifestEntry]) -> None:
        """Make these source versions live (one manifest write)."""
        if entries:
            self.manifest.upsert(
                ids=[e.key for e in entries], embeddings=[[1.0]] * len(entries),
                documents=[e.key for e in entries],
                metadatas=[{"sha": e.sha, "title": e.title[:200], "kind": e.kind, "chunks": e.chunks,
                            "via": e.via} for e in entries])

    def forget(self, keys: list[str]) -> None:
        if keys:
            self.manifest.delete(ids=keys)


def _entries(manifest) -> dict[str, ManifestEntry]:
    got = manifest.get(include=["metadatas"])
    return {key: ManifestEntry(key, m["sha"], m.get("title", ""), m.get("kind", ""),
                               int(m.get("chunks", 0)), m.get("via", ""))
            for key, m in zip(got["ids"], got["metadatas"])}


def read_manifest(app: AppContext) -> dict[str, ManifestEntry]:
    """The sources of a store, even one this copilot refuses to search (built with another
    model or layout): what `index --rebuild` indexes again. Empty when unreadable."""
    try:
        client, _ = _client(app, create=False)
    except StoreError:
        if app.settings.chroma_url:
            raise  # the server is down: say so rather than "empty"
        return {}  # a damaged local store: the paths must be given again
    try:
        return _entries(client.get_collection(MANIFEST, embedding_function=None)) if client else {}
    except Exception:  # no manifest collection, or one this version cannot read
        return {}


def _check(collection, where: str, model: str) -> None:
    meta = collection.metadata or {}
    if meta.get("copilot_schema") != SCHEMA:
        raise StoreError(f"the docs store at {where} has layout version {meta.get('copilot_schema')!r}, "
                         f"this copilot reads {SCHEMA}: {REBUILD}.")
    built_with = meta.get("embedding_model")
    if built_with != model:
        raise StoreError(f"the docs store at {where} was built with embedding model {built_with!r}, "
                         f"not {model!r}: {REBUILD} (or set embedding_model back).")


def open_store(app: AppContext, create: bool = False) -> DocStore | None:
    """The store, checked; None when it does not exist yet and `create` is False."""
    model = model_name(app.settings.embedding_model)
    client, where = _client(app, create)
    if client is None:
        return None
    function = CopilotEmbeddingFunction(model)
    meta = {"copilot_schema": SCHEMA, "embedding_model": model}
    try:
        names = {c if isinstance(c, str) else c.name for c in client.list_collections()}
        if DOCS not in names or MANIFEST not in names:
            if not create:
                return None
            docs = client.get_or_create_collection(DOCS, embedding_function=function, metadata=meta,
                                                   configuration={"hnsw": {"space": "cosine"}})
            manifest = client.get_or_create_collection(MANIFEST, embedding_function=None, metadata=meta)
        else:
            docs = client.get_collection(DOCS, embedding_function=function)
            manifest = client.get_collection(MANIFEST, embedding_function=None)
    except StoreError:
        raise
    except ValueError as exc:
        if "embedding function" in str(exc).lower():
            raise StoreError(f"the docs store at {where} was built with another embedding function: {REBUILD}.") from None
        raise StoreError(f"the docs store at {where} cannot be read ({_first_line(exc)}): {REBUILD}.") from None
    except Exception as exc:
        raise StoreError(f"the docs store at {where} cannot be read ({_first_line(exc)}): {REBUILD}.") from None
    _check(docs, where, model)
    return DocStore(client, where, docs, manifest, function)


def delete_store(app: AppContext) -> None:
    """Drop both collections (for --rebuild); a local store too damaged to open is removed."""
    try:
        client, _ = _client(app, create=False)
    except StoreError:
        path = app.settings.store_path(app.locations)
        if app.settings.chroma_url or not (path / "chroma.sqlite3").is_file():
            raise
        import shutil

        shutil.rmtree(path)  # only a folder that holds a Chroma database is ever removed
        _forget_client(path)
        return
    if client is None:
        return
    from chromadb.errors import NotFoundError

    for name in (DOCS, MANIFEST):
        try:
            client.delete_collection(name)
        except NotFoundError:
            pass
