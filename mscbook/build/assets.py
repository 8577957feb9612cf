"""Browser assets the book serves itself, so that the site works with no network.

MathJax, require.js and the ipywidgets HTML manager (which the stock HTML loads from CDNs) and
axe-core (used by the browser tests) come from pinned npm packages. `ensure()` fetches each
tarball with `npm pack`, checks it against the pinned integrity hash, and unpacks the files the
book needs into a folder outside the repository (`<venv>/share/mscbook-assets/`). The Sphinx
extension `mscbook.build.offline` adds its `static/` folder to `html_static_path`, so the files
land in the build's `_static/` but never in the book's own `_static/` folder (Jupyter Book would
add every .js and .css file there to every page).

Run by the set-up step (`make book`): `python -m mscbook.build.assets`. Idempotent: a stamp records
what was unpacked, and nothing is fetched while it matches `PACKAGES`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

#: Environment variable that moves the asset folder (default: `<sys.prefix>/share/mscbook-assets`).
ASSETS_ENV = "MSCBOOK_ASSETS_DIR"

#: Files of our own (require-paths.js, the favicon), mirrored into the static folder.
OWN_STATIC = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class Package:
    spec: str  # npm NAME@VERSION
    integrity: str  # the registry's sha512 of the tarball
    target: str  # folder under the asset folder
    #: fnmatch patterns relative to the package root (`*` also matches `/`); a matched file is
    #: copied to target/PATH, with PATH relative to `strip` when it lies under `strip`.
    files: tuple[str, ...]
    strip: str = ""


#: The one pinned list. Change a version here together with its integrity
#: (`npm pack --dry-run --json NAME@VERSION` prints it).
PACKAGES: tuple[Package, ...] = (
    Package(
        "mathjax@3.2.2",
        "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
        "static/mathjax",
        # tex-chtml.js plus what it loads on demand (TeX extensions, fonts, menu, a11y, speech).
        (
            "es5/tex-chtml.js",
            *(f"es5/{folder}/*" for folder in ("input", "output", "ui", "a11y", "sre", "adaptors")),
            "LICENSE",
        ),
        strip="es5",
    ),
    Package(
        "requirejs@2.3.8",
        "sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw==",
        "static/requirejs",
        ("require.js", "LICENSE"),
    ),
    Package(
        "@jupyter-widgets/html-manager@1.0.6",
        "sha512-+Mn+Ra8wyIHrYaUpfmf9A3dsLkt/NuwzPQN8sthdxBD35VV5cOJbpmgMhNR27n/rmP3mKyEe0PWCJrtZrXTXDQ==",
        "static/html-manager",
        (
            "dist/embed-amd.js",
            *(f"dist/*.{ext}" for ext in ("woff2", "woff", "ttf", "eot", "svg")),
            "LICENSE",
        ),
        strip="dist",
    ),
    Package(
        "axe-core@4.14.1",
        "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        "test/axe-core",
        ("axe.min.js", "LICENSE"),
    ),
)

STAMP_NAME = ".mscbook-assets.json"


def assets_dir() -> Path:
    override = os.environ.get(ASSETS_ENV)
    if override:
        return Path(override).resolve()
    return Path(sys.prefix) / "share" / "mscbook-assets"


def static_dir() -> Path:
    """The folder the Sphinx extension adds to `html_static_path`."""
    return assets_dir() / "static"


def axe_js() -> Path:
    return assets_dir() / "test" / "axe-core" / "axe.min.js"


def _stamp_value() -> str:
    pinned = [[p.spec, p.integrity, p.target, p.files, p.strip] for p in PACKAGES]
    own = sorted(
        (f.relative_to(OWN_STATIC).as_posix(), hashlib.sha256(f.read_bytes()).hexdigest())
        for f in OWN_STATIC.rglob("*")
        if f.is_file()
    )
    digest = hashlib.sha256(json.dumps([pinned, own]).encode()).hexdigest()
    return json.dumps({"packages": [p.spec for p in PACKAGES], "sha256": digest})


def is_current(folder: Path | None = None) -> bool:
    stamp = (folder or assets_dir()) / STAMP_NAME
    return stamp.exists() and stamp.read_text() == _stamp_value()


def _integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def _npm_pack(spec: str, into: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed to fetch the book's browser assets (install nodejs/npm)")
    result = subprocess.run(
        [npm, "pack", "--silent", "--json", spec, "--pack-destination", str(into)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"npm pack {spec} failed:\n{result.stderr.strip()}")
    filename = json.loads(result.stdout)[0]["filename"]
    # npm >= 9 names scoped tarballs scope-name-version.tgz
    return into / filename.lstrip("@").replace("/", "-")


def _unpack(package: Package, tarball: Path, destination: Path) -> int:
    if _integrity(tarball) != package.integrity:
        raise RuntimeError(f"{package.spec}: tarball does not match the pinned integrity hash")
    count = 0
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            inner = PurePosixPath(member.name).relative_to("package")
            if not any(fnmatchcase(inner.as_posix(), pattern) for pattern in package.files):
                continue
            relative = inner
            if package.strip and inner.parts[0] == package.strip:
                relative = inner.relative_to(package.strip)
            target = destination / package.target / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out)
            count += 1
    if count == 0:
        raise RuntimeError(f"{package.spec}: none of the expected files is in the tarball")
    return count


def ensure(*, quiet: bool = False) -> Path:
    """Fetch and unpack every pinned package unless the asset folder is already current."""
    folder = assets_dir()
    if is_current(folder):
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".mscbook-assets-", dir=folder.parent))
    try:
        with tempfile.TemporaryDirectory() as downloads:
            for package in PACKAGES:
                tarball = _npm_pack(package.spec, Path(downloads))
                count = _unpack(package, tarball, staging)
                if not quiet:
                    print(f"assets: {package.spec}: {count} file(s)")
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
    except RuntimeError as error:
        print(f"assets: {error}", file=sys.stderr)
        return 1
    print(f"assets: up to date in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
