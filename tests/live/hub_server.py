"""A Hugging Face Hub-protocol server on loopback, for testing planner/sources/models.py's Hub path.

What it is: a small HTTP server written for these tests (http.server in a thread), NOT the Hub and
not a mirror of it. It serves repositories held in memory, with the routes, status codes and headers
that huggingface_hub (2.x, read in its source) relies on:

- ``HEAD|GET /{org}/{name}/resolve/{revision}/{path}``: a regular file answers 200 with ``ETag`` (the
  git blob sha1 of its bytes, quoted), ``X-Repo-Commit`` and ``Content-Length``
  (file_download.py ``get_hf_file_metadata``). An LFS file (``*.safetensors``) answers 302 to a
  second server on another port standing for the CDN, with ``X-Linked-Etag`` (the sha256 of the
  file) and ``X-Linked-Size``, as the Hub does; huggingface_hub follows redirects on the Hub's own
  origin only and never forwards the token to another origin (utils/_http.py
  ``_httpx2_follow_hub_redirects``).
- The CDN answers ``Range: bytes=a-b`` with 206 and ``Content-Range``: ``get_safetensors_metadata``
  reads the first 100,001 bytes of ``model.safetensors`` (hf_api.py ``parse_safetensors_file_metadata``).
  The data region after the header is zeros, made on the fly for the bytes asked for.
- ``GET /api/models/{org}/{name}/revision/{revision}``: ``{id, sha, private, gated, siblings}``.
- Errors carry ``X-Error-Code`` and ``X-Error-Message``, which ``hf_raise_for_status`` maps to its
  exceptions: ``RepoNotFound`` (401 without a token, 404 with one), ``RevisionNotFound`` (404),
  ``EntryNotFound`` (404, with ``X-Repo-Commit``), ``GatedRepo`` (401 without a token, 403 with a
  token not granted access), with the Hub's own messages.

Not modelled: xet storage, the resolve-cache relative redirect of regular files, private repositories
beyond the 401/404 above, uploads. Every request is recorded (method, path, Range, Authorization,
bytes sent) so a test can say what went over the wire.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import threading
from dataclasses import dataclass, field
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class LfsFile:
    """A safetensors file: its real header, then zeros for the data (never downloaded in full)."""

    header: bytes  # the 8-byte length and the JSON header, as safetensors writes them
    data_bytes: int

    @property
    def size(self) -> int:
        return len(self.header) + self.data_bytes

    def read(self, start: int, end: int) -> bytes:  # inclusive end, like a Range header
        head = self.header[start : end + 1] if start < len(self.header) else b""
        return head + b"\0" * (end + 1 - start - len(head))

    @cached_property
    def sha256(self) -> str:
        digest = hashlib.sha256(self.header)
        zeros = b"\0" * (1 << 24)
        left = self.data_bytes
        while left:
            digest.update(zeros[: min(left, len(zeros))])
            left -= min(left, len(zeros))
        return digest.hexdigest()


def safetensors_header(tensors: dict[str, tuple[str, list[int]]]) -> tuple[bytes, int]:
    """(8-byte length + JSON header padded to 8 bytes, data bytes) for tensors {name: (dtype, shape)},
    laid out as the safetensors format specifies (huggingface/safetensors docs, "Format")."""
    itemsize = {"BF16": 2, "F16": 2, "F32": 4, "I8": 1, "U8": 1, "I32": 4}
    header: dict = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, (dtype, shape) in sorted(tensors.items()):
        count = 1
        for dim in shape:
            count *= dim
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + count * itemsize[dtype]]}
        offset += count * itemsize[dtype]
    body = json.dumps(header, separators=(",", ":")).encode()
    body += b" " * (-len(body) % 8)
    return struct.pack("<Q", len(body)) + body, offset


@dataclass
class Repo:
    repo_id: str
    commits: dict[str, dict[str, bytes | LfsFile]]  # commit sha -> {path: content}
    refs: dict[str, str]  # branch or tag -> commit sha
    gated: bool = False
    granted_tokens: frozenset[str] = frozenset()

    def commit_for(self, revision: str) -> str | None:
        if revision in self.refs:
            return self.refs[revision]
        return revision if revision in self.commits else None


def blob_sha1(data: bytes) -> str:
    """Git's blob id: the ETag the Hub gives a regular (non-LFS) file."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Hub:
    repos: dict[str, Repo] = field(default_factory=dict)
    requests: list[dict] = field(default_factory=list)
    url: str = ""
    cdn_url: str = ""
    _lfs: dict[str, LfsFile] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, repo: Repo) -> None:
        self.repos[repo.repo_id] = repo
        for files in repo.commits.values():
            for content in files.values():
                if isinstance(content, LfsFile):
                    self._lfs.setdefault(content.sha256, content)

    def record(self, entry: dict) -> None:
        with self._lock:
            self.requests.append(entry)

    def seen(self, **match) -> list[dict]:
        with self._lock:
            return [r for r in self.requests if all(r.get(k) == v for k, v in match.items())]


_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<path>.+)$")
_API = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+)/revision/(?P<rev>[^/]+)$")
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


def _handler(hub: Hub, role: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # the record below replaces the stderr log
            pass

        def do_HEAD(self) -> None:
            self._route(body=False)

        def do_GET(self) -> None:
            self._route(body=True)

        def _send(self, status: int, headers: dict[str, str], payload: bytes, body: bool) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", headers.get("Content-Length", str(len(payload))))
            self.end_headers()
            if body:
                self.wfile.write(payload)
            hub.record(
                {
                    "server": role,
                    "method": self.command,
                    "path": self.path.split("?")[0],
                    "status": status,
                    "range": self.headers.get("Range"),
                    "authorization": self.headers.get("Authorization"),
                    "bytes_sent": len(payload) if body else 0,
                }
            )

        def _error(self, status: int, code: str, message: str, body: bool, **extra: str) -> None:
            headers = {"X-Error-Code": code, "X-Error-Message": message, "Content-Type": "application/json", **extra}
            self._send(status, headers, json.dumps({"error": message}).encode(), body)

        def _token(self) -> str | None:
            auth = self.headers.get("Authorization") or ""
            return auth.removeprefix("Bearer ").strip() or None

        def _route(self, body: bool) -> None:
            path = self.path.split("?")[0]
            if role == "cdn":
                return self._cdn(path, body)
            if m := _RESOLVE.match(path):
                return self._resolve(m["repo"], m["rev"], m["path"], body)
            if (m := _API.match(path)) and self.command == "GET":
                return self._api(m["repo"], m["rev"], body)
            self._send(404, {"Content-Type": "text/plain"}, b"Not Found", body)

        def _repo(self, repo_id: str, body: bool) -> Repo | None:
            repo = hub.repos.get(repo_id)
            token = self._token()
            if repo is None:
                # The Hub answers 401 for a missing repo without a token (it might be private), 404 with one.
                self._error(401 if token is None else 404, "RepoNotFound", "Repository not found", body)
                return None
            if repo.gated and token not in repo.granted_tokens:
                if token is None:
                    message = (
                        f"Access to model {repo_id} is restricted. You must have access to it and be "
                        "authenticated to access it. Please log in."
                    )
                    self._error(401, "GatedRepo", message, body)
                else:
                    message = (
                        f"Access to model {repo_id} is restricted and you are not in the authorized list. "
                        f"Visit {hub.url}/{repo_id} to ask for access."
                    )
                    self._error(403, "GatedRepo", message, body)
                return None
            return repo

        def _resolve(self, repo_id: str, revision: str, path: str, body: bool) -> None:
            repo = self._repo(repo_id, body)
            if repo is None:
                return
            sha = repo.commit_for(revision)
            if sha is None:
                return self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}", body)
            content = repo.commits[sha].get(path)
            if content is None:
                return self._error(404, "EntryNotFound", "Entry not found", body, **{"X-Repo-Commit": sha})
            if isinstance(content, LfsFile):
                digest = content.sha256
                headers = {
                    "Location": f"{hub.cdn_url}/cdn/{digest}",
                    "X-Repo-Commit": sha,
                    "X-Linked-Etag": f'"{digest}"',
                    "X-Linked-Size": str(content.size),
                    "ETag": f'"{digest}"',
                }
                return self._send(302, headers, b"", body)
            headers = {"X-Repo-Commit": sha, "ETag": f'"{blob_sha1(content)}"', "Accept-Ranges": "bytes"}
            self._send(200, headers, content, body)

        def _api(self, repo_id: str, revision: str, body: bool) -> None:
            repo = self._repo(repo_id, body)
            if repo is None:
                return
            sha = repo.commit_for(revision)
            if sha is None:
                return self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}", body)
            info = {
                "_id": sha[:24],
                "id": repo_id,
                "modelId": repo_id,
                "sha": sha,
                "private": False,
                "gated": "manual" if repo.gated else False,
                "disabled": False,
                "siblings": [{"rfilename": name} for name in sorted(repo.commits[sha])],
            }
            self._send(200, {"Content-Type": "application/json"}, json.dumps(info).encode(), body)

        def _cdn(self, path: str, body: bool) -> None:
            digest = path.removeprefix("/cdn/")
            content = hub._lfs.get(digest)
            if content is None:
                return self._send(404, {"Content-Type": "text/plain"}, b"NoSuchKey", body)
            wanted = _RANGE.match(self.headers.get("Range") or "")
            if not wanted:
                headers = {"ETag": f'"{digest}"', "Accept-Ranges": "bytes"}
                return self._send(200, headers, content.read(0, content.size - 1), body)
            start = int(wanted[1])
            end = min(int(wanted[2]) if wanted[2] else content.size - 1, content.size - 1)
            if start > end:
                return self._send(416, {"Content-Range": f"bytes */{content.size}"}, b"", body)
            headers = {"Content-Range": f"bytes {start}-{end}/{content.size}", "ETag": f'"{digest}"'}
            self._send(206, headers, content.read(start, end), body)

    return Handler


class HubServer:
    """The Hub on one loopback port and its CDN on another; a context manager."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._servers = [
            ThreadingHTTPServer(("127.0.0.1", 0), _handler(hub, "hub")),
            ThreadingHTTPServer(("127.0.0.1", 0), _handler(hub, "cdn")),
        ]
        hub.url = f"http://127.0.0.1:{self._servers[0].server_address[1]}"
        hub.cdn_url = f"http://127.0.0.1:{self._servers[1].server_address[1]}"

    def __enter__(self) -> Hub:
        for server in self._servers:
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self.hub

    def __exit__(self, *exc) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
