"""A bug report as a thread of posts, from plain text, Markdown, or a JSON export with comments.

JSON exports differ by tracker (GitHub's issue + comments, GitLab notes, a bare list of
comments); the reader looks for the usual keys rather than one schema, and says which keys it
needs when none are there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from copilot.errors import InputError

_TITLE_KEYS = ("title", "summary", "subject", "name")
_BODY_KEYS = ("body", "description", "text", "content", "message")
_COMMENT_KEYS = ("comments", "notes", "replies", "comments_data", "timeline")
_AUTHOR_KEYS = ("user", "author", "reporter", "creator", "login", "from")
_DATE_KEYS = ("created_at", "created", "date", "creation_time", "time")

# Lines that start a new post in text exports of common trackers and mail archives.
_HEADERS = [
    re.compile(r"^#{1,4}\s*(?:Comment|Reply)\b.*?\bby\s+(?P<author>[\w.\-@ ]+?)\s*(?:\((?P<date>[^)]*)\))?\s*:?\s*$", re.I),
    re.compile(r"^-{2,}\s*Comment\s*#?\d*\s*from\s+(?P<author>.+?)\s+(?P<date>\d{4}-\d\d-\d\d[^-]*?)\s*-{2,}\s*$", re.I),
    re.compile(r"^\*\*(?P<author>[\w.\-]+)\*\*\s+commented(?:\s+on\s+(?P<date>.+?))?:?\s*$", re.I),
    re.compile(r"^(?P<author>@?[\w.\-]+)\s+commented(?:\s+on\s+(?P<date>.+?))?:\s*$", re.I),
    re.compile(r"^From:\s*(?P<author>.+?)\s*$"),
    re.compile(r"^On\s+(?P<date>.+?),\s*(?P<author>.+?)\s+wrote:\s*$"),
]


@dataclass
class Post:
    """One message of the thread."""

    author: str
    body: str
    date: str = ""


@dataclass
class Thread:
    """A bug report: a title, the posts in order (the first is the report), and its state."""

    title: str
    posts: list[Post] = field(default_factory=list)
    state: str = ""  # from a JSON export: open / closed
    labels: list[str] = field(default_factory=list)
    source_format: str = "text"

    @property
    def reporter(self) -> str:
        return self.posts[0].author if self.posts else ""

    def flatten(self) -> str:
        """The thread as plain text, one headed block per post."""
        parts = [f"Title: {self.title}"]
        for n, post in enumerate(self.posts, start=1):
            when = f" ({post.date})" if post.date else ""
            parts.append(f"[post {n}] {post.author or 'unknown'}{when}:\n{post.body.strip()}")
        return "\n\n".join(parts) + "\n"


def _first(data: dict, keys: tuple[str, ...]):
    for key in keys:
        if key in data and data[key] not in (None, ""):
            return data[key]
    return None


def _author(data: dict) -> str:
    who = _first(data, _AUTHOR_KEYS)
    if isinstance(who, dict):
        who = _first(who, ("login", "username", "name", "email"))
    return str(who or "")


def _post(data: dict) -> Post | None:
    body = _first(data, _BODY_KEYS)
    if not isinstance(body, str) or not body.strip():
        return None
    return Post(_author(data), body, str(_first(data, _DATE_KEYS) or ""))


def _from_json(data) -> Thread:
    if isinstance(data, list):
        posts = [p for p in (_post(d) for d in data if isinstance(d, dict)) if p]
        title = posts[0].body.strip().split("\n", 1)[0][:120] if posts else ""
        return Thread(title, posts, source_format="json")
    if not isinstance(data, dict):
        raise ValueError("not an object or a list")
    issue = data.get("issue") if isinstance(data.get("issue"), dict) else data
    title = str(_first(issue, _TITLE_KEYS) or "")
    posts = [p for p in [_post(issue)] if p]
    comments = _first(data, _COMMENT_KEYS) or _first(issue, _COMMENT_KEYS) or []
    if isinstance(comments, list):
        posts += [p for p in (_post(c) for c in comments if isinstance(c, dict)) if p]
    labels = [l.get("name", "") if isinstance(l, dict) else str(l) for l in issue.get("labels", []) or []]
    state = str(issue.get("state", "") or "")
    return Thread(title or (posts[0].body.split("\n", 1)[0][:120] if posts else ""), posts, state, labels, "json")


def _from_text(text: str) -> Thread:
    lines = text.split("\n")
    title = ""
    for line in lines:
        if line.strip():
            title = re.sub(r"^(#+\s*|Title:\s*|Subject:\s*|Bug\s*\d+\s*[-:]\s*)", "", line.strip(), flags=re.I)
            break
    posts: list[Post] = []
    author, date, body = "", "", []
    if title:  # the title line heads the thread; it is not part of the first post
        first = next(i for i, line in enumerate(lines) if line.strip())
        lines = lines[first + 1:]
    for line in lines:
        header = next((m for m in (h.match(line.strip()) for h in _HEADERS) if m), None)
        if header:
            if "".join(body).strip():
                posts.append(Post(author, "\n".join(body), date))
            author = header.group("author").strip()
            date = (header.groupdict().get("date") or "").strip()
            body = []
        else:
            body.append(line)
    if "".join(body).strip():
        posts.append(Post(author, "\n".join(body), date))
    markdown = any(line.startswith(("#", "```", "- ", "* ")) for line in lines)
    return Thread(title, posts, source_format="markdown" if markdown else "text")


def read_thread(text: str, name: str) -> Thread:
    """Detect the format of `text` and read it into a Thread."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name} looks like JSON but does not parse (line {exc.lineno}: {exc.msg}); "
                             f"fix it or pass the thread as plain text.") from None
        try:
            thread = _from_json(data)
        except ValueError:
            thread = Thread("")
        if not thread.posts:
            raise InputError(f"{name} is JSON without a thread: expected an issue with 'title' and "
                             f"'body' and a 'comments' list (or a list of comments with 'body').")
        return thread
    return _from_text(text)
