"""Browser assets the book serves itself, so that the site works with no network.

MathJax (which the stock HTML loads from a CDN), DataTables (the trial explorer's table) and
axe-core (used by the browser tests) are npm packages pinned in the root `package.json` and
`package-lock.json`; the set-up step (`make book`) installs them with `npm ci --ignore-scripts`,
and npm checks every tarball against the lockfile's integrity hash. This module only copies the
files the book needs from `node_modules/` into a folder outside the repository
(`<venv>/share/mscbook-assets/`). The Sphinx extension `mscbook.build.offline` adds its `static/`
folder to `html_static_path`, so the files land in the build's `_static/` but never in the book's
own `_static/` folder (Jupyter Book would add every .js and .css file there to every page).

Run by the set-up step: `python -m mscbook.build.assets`. Idempotent: a stamp records the
lockfile and the copy rules, and nothing is copied while it matches.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

#: Environment variable that moves the asset folder (default: `<sys.prefix>/share/mscbook-assets`).
ASSETS_ENV = "MSCBOOK_ASSETS_DIR"
#: Environment variable that points at another `node_modules/` (default: the repository's).
NODE_MODULES_ENV = "MSCBOOK_NODE_MODULES"

REPO = Path(__file__).resolve().parents[2]
LOCKFILE = REPO / "package-lock.json"

#: Files of our own (the favicon), mirrored into the static folder.
OWN_STATIC = Path(__file__).resolve().parent / "static"

INSTALL_HINT = "run `npm ci --ignore-scripts` in the repository (make book does)"


@dataclass(frozen=True)
class Copy:
    package: str  # npm package name, as in package.json
    target: str  # folder under the asset folder
    #: fnmatch patterns relative to the package root (`*` also matches `/`); a matched file is
    #: copied to target/PATH, with PATH relative to `strip` when it lies under `strip`.
    files: tuple[str, ...]
    strip: str = ""


#: What the book takes from each package (the versions are in package.json / package-lock.json).
COPIES: tuple[Copy, ...] = (
    Copy(
        "mathjax",
        "static/mathjax",
        # tex-chtml.js plus what it loads on demand (TeX extensions, fonts, menu, a11y, speech).
        (
            "es5/tex-chtml.js",
            *(f"es5/{folder}/*" for folder in ("input", "output", "ui", "a11y", "sre", "adaptors")),
            "LICENSE",
        ),
        strip="es5",
    ),
    Copy("axe-core", "test/axe-core", ("axe.min.js", "LICENSE")),
    # The trial explorer's table (mscbook.build.explorer adds them only to pages that have one):
    # DataTables' classic (UMD) script, which also runs from file://, and its default style.
    Copy("datatables.net", "static/datatables", ("js/dataTables.min.js", "License.txt"), "js"),
    Copy("datatables.net-dt", "static/datatables", ("css/dataTables.dataTables.min.css",), "css"),
)

STAMP_NAME = ".mscbook-assets.json"


class AssetError(RuntimeError):
    """node_modules/ is missing, or does not hold what package-lock.json pins."""


def assets_dir() -> Path:
    override = os.environ.get(ASSETS_ENV)
    if override:
        return Path(override).resolve()
    return Path(sys.prefix) / "share" / "mscbook-assets"


def node_modules() -> Path:
    override = os.environ.get(NODE_MODULES_ENV)
    return Path(override).resolve() if override else REPO / "node_modules"


def static_dir() -> Path:
    """The folder the Sphinx extension adds to `html_static_path`."""
    return assets_dir() / "static"


def axe_js() -> Path:
    return assets_dir() / "test" / "axe-core" / "axe.min.js"


def pinned_versions(lockfile: Path = LOCKFILE) -> dict[str, str]:
    """Package name -> version, for every package the copy step reads, from the lockfile."""
    packages = json.loads(lockfile.read_text(encoding="utf-8"))["packages"]
    versions = {}
    for copy in COPIES:
        entry = packages.get(f"node_modules/{copy.package}")
        if not entry or "version" not in entry:
            raise AssetError(f"{lockfile.name} does not pin {copy.package}")
        versions[copy.package] = entry["version"]
    return versions


def _stamp_value(lockfile: Path = LOCKFILE) -> str:
    rules = [[c.package, c.target, c.files, c.strip] for c in COPIES]
    own = sorted(
        (f.relative_to(OWN_STATIC).as_posix(), hashlib.sha256(f.read_bytes()).hexdigest())
        for f in OWN_STATIC.rglob("*")
        if f.is_file()
    )
    lock = hashlib.sha256(lockfile.read_bytes()).hexdigest()
    digest = hashlib.sha256(json.dumps([lock, rules, own]).encode()).hexdigest()
    return json.dumps({"packages": pinned_versions(lockfile), "sha256": digest})


def is_current(folder: Path | None = None) -> bool:
    stamp = (folder or assets_dir()) / STAMP_NAME
    try:
        return stamp.exists() and stamp.read_text() == _stamp_value()
    except (OSError, AssetError):
        return False


def copy_package(copy: Copy, source: Path, destination: Path) -> int:
    """Copy the files `copy` selects from the installed package `source`; return how many."""
    count = 0
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        inner = path.relative_to(source)
        if not any(fnmatchcase(inner.as_posix(), pattern) for pattern in copy.files):
            continue
        relative = inner
        if copy.strip and inner.parts[0] == copy.strip:
            relative = inner.relative_to(copy.strip)
        target = destination / copy.target / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        count += 1
    if count == 0:
        raise AssetError(f"{copy.package}: none of the expected files is in {source}")
    return count


def _installed(package: str, version: str, modules: Path) -> Path:
    folder = modules / package
    manifest = folder / "package.json"
    if not manifest.exists():
        raise AssetError(f"{package} is not installed in {modules}: {INSTALL_HINT}")
    installed = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    if installed != version:
        raise AssetError(
            f"{package} {installed} is installed but package-lock.json pins {version}: "
            + INSTALL_HINT
        )
    return folder


def ensure(*, quiet: bool = False) -> Path:
    """Copy the needed files out of node_modules/ unless the asset folder is already current."""
    folder = assets_dir()
    if is_current(folder):
        return folder
    versions = pinned_versions()
    modules = node_modules()
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".mscbook-assets-", dir=folder.parent))
    try:
        for copy in COPIES:
            source = _installed(copy.package, versions[copy.package], modules)
            count = copy_package(copy, source, staging)
            if not quiet:
                print(f"assets: {copy.package}@{versions[copy.package]}: {count} file(s)")
        shutil.copytree(OWN_STATIC, staging / "static", dirs_exist_ok=True)
        (staging / STAMP_NAME).write_text(_stamp_value())
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def main() -> int:
    try:
        folder = ensure()
    except AssetError as error:
        print(f"assets: {error}", file=sys.stderr)
        return 1
    print(f"assets: up to date in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
