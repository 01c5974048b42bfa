"""Uploads from the chat page: checked (type, size) and saved under the data dir with safe names."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from index.loaders import LOADERS

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """A file name that cannot leave its folder: no directories, no leading dots, only plain characters."""
    base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).lstrip("._")
    return base[:120] or "upload"


def save_uploads(paths: list[str], dest: Path, max_bytes: int) -> tuple[list[Path], list[str]]:
    """Copy uploaded temp files into `dest`; returns (saved paths, one problem line per refused file)."""
    dest.mkdir(parents=True, exist_ok=True)
    saved, problems = [], []
    for original in paths:
        source = Path(original)
        name = safe_name(source.name)
        suffix = Path(name).suffix.lower()
        if suffix not in LOADERS:
            problems.append(f"{name}: unsupported file type {suffix or '(none)'!r} "
                            f"(supported: {' '.join(sorted(LOADERS))})")
            continue
        size = source.stat().st_size
        if size > max_bytes:
            problems.append(f"{name}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:g} MB limit")
            continue
        target = dest / name
        shutil.copyfile(source, target.with_name(target.name + ".part"))
        target.with_name(target.name + ".part").replace(target)
        saved.append(target)
    return saved, problems
