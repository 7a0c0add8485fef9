"""Adding learners to the gradebook from a class list."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ALIASES = {
    "id": "id", "student_id": "id", "student id": "id", "username": "id",
    "first_name": "first_name", "first name": "first_name", "given name": "first_name", "firstname": "first_name",
    "last_name": "last_name", "last name": "last_name", "surname": "last_name", "family name": "last_name",
    "lastname": "last_name", "email": "email", "email address": "email", "e-mail": "email",
}


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"students: {len(self.added)} added, {len(self.updated)} updated, "
                 f"{len(self.unchanged)} unchanged, {len(self.errors)} row(s) refused"]
        lines += [f"  {e}" for e in self.errors]
        return "\n".join(lines)


def read_class_list(path: Path) -> tuple[list[tuple[int, dict]], list[str]]:
    """Rows as (line number, {id, first_name, last_name, email}), and the faults found."""
    errors: list[str] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [], [f"{path}: no such file"]
    except UnicodeDecodeError as exc:
        return [], [f"{path}: not UTF-8 text (byte {exc.start}); save it as CSV UTF-8"]
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if not header:
        return [], [f"{path}: the file is empty; expected a header row such as id,first_name,last_name,email"]
    columns = [ALIASES.get(h.strip().lower()) for h in header]
    if "id" not in columns:
        return [], [f"{path}, line 1: no student id column; name one of: id, student_id, username"]
    rows, seen = [], {}
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            errors.append(f"{path}, line {line}: {len(values)} values but the header has {len(header)}")
            continue
        row = {col: v.strip() for col, v in zip(columns, values) if col}
        sid = row.get("id", "")
        if not sid:
            errors.append(f"{path}, line {line}: the student id is empty")
        elif not ID_PATTERN.match(sid):
            errors.append(f"{path}, line {line}: student id {sid!r} may use only letters, digits, . _ - @")
        elif sid in seen:
            errors.append(f"{path}, line {line}: student id {sid!r} is already on line {seen[sid]}")
        elif row.get("email") and not EMAIL_PATTERN.match(row["email"]):
            errors.append(f"{path}, line {line}: {row['email']!r} is not an email address (student {sid})")
        else:
            seen[sid] = line
            rows.append((line, row))
    return rows, errors


def import_students(root: Path, path: str | Path) -> ImportReport:
    """Add or update every good row; refuse bad rows by line, without stopping."""
    from nbgrader.api import Gradebook, MissingEntry

    from .grading import gradebook_url

    report = ImportReport()
    rows, report.errors = read_class_list(Path(path))
    with Gradebook(gradebook_url(root)) as gb:
        for _, row in rows:
            sid = row["id"]
            fields = {k: row.get(k) or None for k in ("first_name", "last_name", "email")}
            try:
                existing = gb.find_student(sid)
            except MissingEntry:
                gb.add_student(sid, **fields)
                report.added.append(sid)
                continue
            new = {k: v for k, v in fields.items() if v is not None and getattr(existing, k) != v}
            if new:
                gb.update_or_create_student(sid, **new)
                report.updated.append(sid)
            else:
                report.unchanged.append(sid)
    return report
