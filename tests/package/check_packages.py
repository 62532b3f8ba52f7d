#!/usr/bin/env python3
"""check_packages.py — checks on the .debs `./yimen package` writes (tests/package/CMakeLists.txt runs each as a test).

  metadata DIR      each package's control fields (dpkg-deb -I), its files (dpkg-deb -c), conffiles and maintainer
                    scripts, and Depends from dpkg-shlibdeps (yimen-kiosk → libsdl2-2.0-0, yimen-county → libsqlite3-0)
  lintian DIR       lintian on each package: no error (E:) tag; warnings are printed and must be among the ones the
                    README explains
  units DIR         systemd-analyze verify on every unit, in a root made of this system's units and the packages'
                    files: no message at all (an unknown key is only a warning to systemd, a failure here)
  security DIR      systemd-analyze security --offline=true on yimen-county.service: prints the exposure, ≤ 2.0
Prints one line per check and 'N passed, N failed'; exits 1 when any failed.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Lintian warnings the packages keep on purpose (README "Debian packages" says why); any other warning fails.
EXPLAINED_WARNINGS = {
    "no-manual-page",                 # the programs' --help and the READMEs in /usr/share/doc are their manuals
    "initial-upload-closes-no-bugs",  # not uploaded to Debian: no ITP bug to close
    "maintainer-script-calls-systemctl",  # daemon-reload after unit changes, as debhelper's snippets do
}

passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {what}")
    else:
        failed += 1
        print(f"FAIL {what}" + (f": {detail}" if detail else ""))


def run(*cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def debs(directory):
    found = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.deb"))):
        name = run("dpkg-deb", "-f", path, "Package").stdout.strip()
        found[name] = path
    return found


def field(path, name):
    return run("dpkg-deb", "-f", path, name).stdout.strip()


def files(path):
    out = run("dpkg-deb", "-c", path).stdout
    listing = {}
    for line in out.splitlines():
        parts = line.split(None, 5)
        if len(parts) == 6:
            name = parts[5].split(" -> ")[0]
            listing[name.lstrip(".")] = parts[0]
    return listing


def control_member(path, member):
    with tempfile.TemporaryDirectory() as tmp:
        if run("dpkg-deb", "-e", path, tmp).returncode != 0:
            return None
        p = os.path.join(tmp, member)
        if not os.path.exists(p):
            return None
        return open(p).read(), os.stat(p).st_mode & 0o777


def metadata(directory):
    found = debs(directory)
    check(set(found) == {"yimen-common", "yimen-county", "yimen-kiosk"}, "three packages: yimen-common, yimen-county, yimen-kiosk",
          f"found {sorted(found)}")
    if len(found) != 3:
        return
    version = field(found["yimen-common"], "Version")
    check(re.fullmatch(r"\d+\.\d+\.\d+-\d+", version) is not None, f"version {version} is upstream-revision")
    for name, path in found.items():
        check(field(path, "Version") == version, f"{name}: version {version}")
        check(os.path.basename(path) == f"{name}_{version}_{field(path, 'Architecture')}.deb", f"{name}: Debian file name",
              os.path.basename(path))
        check(field(path, "Maintainer") != "", f"{name}: Maintainer set")
        desc = field(path, "Description")
        check(len(desc.splitlines()) >= 2 and len(desc.splitlines()[0]) <= 80, f"{name}: a synopsis and a long description")
        listing = files(path)
        check(f"/usr/share/doc/{name}/copyright" in listing, f"{name}: /usr/share/doc/{name}/copyright")
        check(f"/usr/share/doc/{name}/changelog.Debian.gz" in listing, f"{name}: changelog.Debian.gz")
    check(field(found["yimen-common"], "Architecture") == "all", "yimen-common: Architecture all")
    common = files(found["yimen-common"])
    for f in ["/usr/share/yimen/assets/rules/programmes.json", "/usr/share/yimen/assets/calendar",
              "/usr/share/yimen/assets/i18n"]:
        check(any(k.rstrip("/") == f for k in common), f"yimen-common: {f}")

    county, kiosk = found["yimen-county"], found["yimen-kiosk"]
    depends_county, depends_kiosk = field(county, "Depends"), field(kiosk, "Depends")
    check(re.search(r"\blibsqlite3-0\b", depends_county) is not None, "yimen-county: Depends libsqlite3-0 (dpkg-shlibdeps)",
          depends_county)
    check(re.search(r"\blibpq5\b", depends_county) is not None, "yimen-county: Depends libpq5 (dpkg-shlibdeps)")
    check(f"yimen-common (= {version})" in depends_county, "yimen-county: Depends yimen-common of the same version")
    check(re.search(r"\blibsdl2-2\.0-0\b", depends_kiosk) is not None, "yimen-kiosk: Depends libsdl2-2.0-0 (dpkg-shlibdeps)",
          depends_kiosk)
    for dep in ["cage", "seatd", "xwayland", "fonts-noto-cjk", "rime-data-luna-pinyin", "tegaki-zinnia-simplified-chinese", "libsystemd0"]:
        check(re.search(r"\b" + re.escape(dep) + r"\b", depends_kiosk) is not None, f"yimen-kiosk: Depends {dep}")
    check("libsdl2" not in depends_county, "yimen-county: no SDL (its own Depends only)")

    expect = {
        county: ["/usr/bin/county-server", "/lib/systemd/system/yimen-county.service", "/lib/systemd/system/yimen-county.path",
                 "/etc/yimen/county.env", "/usr/share/doc/yimen-county/README.county.md"],
        kiosk: ["/usr/bin/hall-kiosk", "/usr/bin/kiosk-ctl", "/usr/lib/yimen/kiosk-session", "/usr/lib/yimen/deploy-rime",
                "/lib/systemd/system/yimen-kiosk.service", "/lib/systemd/system/yimen-kiosk-restart.timer",
                "/lib/systemd/system/yimen-kiosk-restart.service", "/lib/udev/rules.d/60-yimen-kiosk.rules",
                "/etc/yimen/kiosk.toml"],
    }
    for path, wanted in expect.items():
        listing = files(path)
        name = field(path, "Package")
        for f in wanted:
            check(f in listing, f"{name}: {f}")
            if f.startswith("/usr/bin/") or f.startswith("/usr/lib/yimen/"):
                check(listing.get(f, "").startswith("-rwxr-xr-x"), f"{name}: {f} is 0755", listing.get(f, "missing"))
        check(not any(k.startswith("/usr/share/yimen") for k in listing), f"{name}: assets only in yimen-common")
        check(not any(k.startswith("/var/") for k in listing), f"{name}: no state shipped (made by postinst)")
        conffiles = control_member(path, "conffiles")
        etc = sorted(k for k in listing if k.startswith("/etc/") and not k.endswith("/"))
        check(conffiles is not None and sorted(conffiles[0].split()) == etc, f"{name}: every /etc file is a conffile",
              f"conffiles {conffiles and conffiles[0].split()} vs {etc}")
        for script in ["postinst", "prerm", "postrm"]:
            member = control_member(path, script)
            check(member is not None and member[1] == 0o755 and member[0].startswith("#!/bin/sh"),
                  f"{name}: {script} (0755, /bin/sh)")
        post = control_member(path, "postinst")[0]
        user = "yimen-county" if name == "yimen-county" else "kiosk"
        check(f"adduser --system" in post and user in post, f"{name}: postinst creates the system user {user}")
        postrm = control_member(path, "postrm")[0]
        check("deluser" in postrm and 'YIMEN_PURGE_STATE:-}" = yes' in postrm,
              f"{name}: purge removes the user, the state only when asked")
        # Binaries stripped (CPACK_STRIP_FILES) and hardened: full RELRO, bind now.
        with tempfile.TemporaryDirectory() as tmp:
            run("dpkg-deb", "-x", path, tmp)
            for f in wanted:
                if not f.startswith("/usr/bin/"):
                    continue
                binary = tmp + f
                sections = run("readelf", "-S", "-W", binary).stdout
                check(".debug_info" not in sections, f"{name}: {f} stripped")
                dynamic = run("readelf", "-d", "-W", binary).stdout
                check("BIND_NOW" in dynamic or "(FLAGS)" in dynamic and "NOW" in dynamic, f"{name}: {f} bind now (full RELRO)")


def lintian(directory):
    found = debs(directory)
    check(len(found) == 3, "three packages to check")
    for name, path in found.items():
        r = run("lintian", "--no-tag-display-limit", "--display-info", path)
        tags = [line for line in r.stdout.splitlines() if re.match(r"^[EWIPXOC]: ", line)]
        errors = [t for t in tags if t.startswith("E: ")]
        warnings = [t for t in tags if t.startswith("W: ")]
        unexplained = [w for w in warnings if w.split()[2] not in EXPLAINED_WARNINGS]
        for t in tags:
            print(f"     {t}")
        check(r.returncode in (0, 1) and not errors, f"{name}: lintian reports no error", "; ".join(errors) or r.stderr[-300:])
        check(not unexplained, f"{name}: every lintian warning is one the README explains", "; ".join(unexplained))


def unpacked_root(directory, tmp):
    # This system's units (the targets and services the packages' units name) and the packages' files over them.
    shutil.copytree("/lib/systemd/system", os.path.join(tmp, "lib/systemd/system"), symlinks=True)
    for path in debs(directory).values():
        run("dpkg-deb", "-x", path, tmp)
    # What the units run that the packages depend on: stand-ins in the root (verify checks they are executable).
    for tool in ["/usr/bin/cage", "/bin/systemctl"]:
        target = tmp + tool
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            shutil.copy("/bin/true", target)
    return tmp


def units(directory):
    with tempfile.TemporaryDirectory() as tmp:
        root = unpacked_root(directory, tmp)
        ours = sorted(os.path.basename(p) for p in glob.glob(os.path.join(root, "lib/systemd/system/yimen-*")))
        check(len(ours) == 5, "five units in the packages", ", ".join(ours))
        for unit in ours:
            r = run("systemd-analyze", "verify", f"--root={root}", unit)
            messages = (r.stdout + r.stderr).strip()
            check(r.returncode == 0 and not messages, f"systemd-analyze verify {unit}", messages)


def security(directory):
    with tempfile.TemporaryDirectory() as tmp:
        root = unpacked_root(directory, tmp)
        unit = os.path.join(root, "lib/systemd/system/yimen-county.service")
        text = open(unit).read()
        for line in ["ProtectSystem=strict", "ReadWritePaths=/var/lib/yimen/county", "NoNewPrivileges=yes", "PrivateTmp=yes",
                     "PrivateDevices=yes", "CapabilityBoundingSet=", "SystemCallFilter=@system-service", "Restart=on-failure"]:
            check(re.search(r"^" + re.escape(line) + r"$", text, re.M) is not None, f"yimen-county.service: {line}")
        r = run("systemd-analyze", "security", "--offline=true", unit)
        m = re.search(r"Overall exposure level for \S+: ([0-9.]+) (\w+)", r.stdout)
        print(f"     {m.group(0) if m else r.stdout[-400:] + r.stderr[-400:]}")
        check(m is not None and float(m.group(1)) <= 2.0 and m.group(2) == "OK",
              "yimen-county.service: systemd-analyze security exposure ≤ 2.0 (OK)")
        r = run("systemd-analyze", "security", "--offline=true", os.path.join(root, "lib/systemd/system/yimen-kiosk.service"))
        m = re.search(r"Overall exposure level for \S+: ([0-9.]+) (\w+)", r.stdout)
        print(f"     {m.group(0) if m else 'yimen-kiosk.service: no score'} (a graphical session on a VT: the DRM, input and tty devices are its own)")
        kiosk = open(os.path.join(root, "lib/systemd/system/yimen-kiosk.service")).read()
        for line in ["WatchdogSec=30", "Restart=always", "User=kiosk", "Type=notify", "NotifyAccess=all", "TTYPath=/dev/tty1"]:
            check(re.search(r"^" + re.escape(line) + r"$", kiosk, re.M) is not None, f"yimen-kiosk.service: {line}")
        session = open(os.path.join(root, "usr/lib/yimen/kiosk-session")).read()
        launch = [line for line in session.splitlines() if line.startswith("exec ")]
        check(len(launch) == 1 and re.search(r'/usr/bin/cage}" -d \$turns -- ', launch[0]) is not None and " -s" not in launch[0],
              "kiosk-session: cage without -s (no VT switching)")


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("metadata", "lintian", "units", "security"):
        print(__doc__)
        return 2
    directory = sys.argv[2]
    if not debs(directory):
        print(f"FAIL no .deb in {directory}: run ./yimen package (or the package/cpack test) first")
        return 1
    {"metadata": metadata, "lintian": lintian, "units": units, "security": security}[sys.argv[1]](directory)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
