"""Browser assets: pinned by package-lock.json, copied out of node_modules/ at set-up."""

from __future__ import annotations

import json

import pytest

from mscbook.build import assets

PINNED = {
    "mathjax": "3.2.2",
    "axe-core": "4.14.1",
    "datatables.net": "3.1.2",
    "datatables.net-dt": "3.1.2",
}


def test_lockfile_pins_the_packages_with_integrity_hashes():
    assert assets.pinned_versions() == PINNED
    lock = json.loads(assets.LOCKFILE.read_text())["packages"]
    manifest = json.loads((assets.REPO / "package.json").read_text())
    assert manifest["dependencies"] == PINNED  # exact versions, no ranges
    fetched = {name: entry for name, entry in lock.items() if "integrity" in entry}
    assert {name.removeprefix("node_modules/") for name in fetched} == set(PINNED)
    assert all(entry["integrity"].startswith("sha512-") for entry in fetched.values())
    assert {name for name in lock if name} == set(fetched)  # nothing else is installed


def _fake_package(modules, name, version, files):
    folder = modules / name
    for relative, text in {"package.json": json.dumps({"version": version}), **files}.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text)
    return folder


def test_copy_package_takes_only_the_selected_files(tmp_path):
    source = _fake_package(
        tmp_path / "node_modules",
        "mathjax",
        "3.2.2",
        {
            "es5/tex-chtml.js": "tex",
            "es5/output/chtml/fonts/a.woff": "font",
            "es5/tex-svg.js": "not needed",
            "LICENSE": "licence",
        },
    )
    copy = assets.Copy(
        "mathjax", "static/mathjax", ("es5/tex-chtml.js", "es5/output/*", "LICENSE"), "es5"
    )
    out = tmp_path / "out"
    assert assets.copy_package(copy, source, out) == 3
    copied = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert copied == [
        "static/mathjax/LICENSE",
        "static/mathjax/output/chtml/fonts/a.woff",
        "static/mathjax/tex-chtml.js",
    ]


def test_copy_package_fails_when_nothing_matches(tmp_path):
    source = _fake_package(tmp_path / "node_modules", "axe-core", "4.14.1", {"other.js": ""})
    with pytest.raises(assets.AssetError, match="axe-core: none of the expected files"):
        assets.copy_package(assets.COPIES[1], source, tmp_path / "out")


@pytest.fixture
def fake_install(tmp_path, monkeypatch):
    modules = tmp_path / "node_modules"
    files = {
        "mathjax": {"es5/tex-chtml.js": "", "es5/input/tex/a.js": "", "LICENSE": ""},
        "axe-core": {"axe.min.js": "axe", "axe.js": "not copied"},
        "datatables.net": {
            "js/dataTables.min.js": "dt",
            "js/dataTables.min.mjs": "module: not copied",
            "License.txt": "MIT",
        },
        "datatables.net-dt": {"css/dataTables.dataTables.min.css": "css", "js/x.js": ""},
    }
    for name, version in PINNED.items():
        _fake_package(modules, name, version, files[name])
    monkeypatch.setenv(assets.NODE_MODULES_ENV, str(modules))
    monkeypatch.setenv(assets.ASSETS_ENV, str(tmp_path / "assets"))
    return modules


def test_ensure_copies_once_and_records_a_stamp(fake_install, capsys):
    folder = assets.ensure()
    assert "axe-core@4.14.1: 1 file(s)" in capsys.readouterr().out
    assert assets.axe_js().read_text() == "axe"
    assert (folder / "static" / "mathjax" / "tex-chtml.js").exists()
    assert (folder / "static" / "favicon.svg").exists()
    # The trial explorer: DataTables' classic script and style, and the book's own script.
    tables = folder / "static" / "datatables"
    assert sorted(p.name for p in tables.iterdir()) == [
        "License.txt", "dataTables.dataTables.min.css", "dataTables.min.js"
    ]  # fmt: skip
    assert (folder / "static" / "trials-table.js").exists()
    assert assets.is_current()
    assets.ensure()
    assert capsys.readouterr().out == ""  # current: nothing copied again


def test_ensure_names_a_package_installed_at_another_version(fake_install):
    manifest = fake_install / "axe-core" / "package.json"
    manifest.write_text(json.dumps({"version": "4.14.0"}))
    with pytest.raises(assets.AssetError, match=r"axe-core 4\.14\.0 is installed but .* 4\.14\.1"):
        assets.ensure()
    assert not assets.is_current()


def test_ensure_says_how_to_install_when_node_modules_is_missing(fake_install, monkeypatch):
    monkeypatch.setenv(assets.NODE_MODULES_ENV, str(fake_install.parent / "nowhere"))
    with pytest.raises(assets.AssetError, match=r"npm ci --ignore-scripts"):
        assets.ensure()
