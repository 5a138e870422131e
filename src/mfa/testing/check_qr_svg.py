#!/usr/bin/python3
"""check_qr_svg.py: independent check of the SVG that sr::mfa::QrSvg writes.

Usage: check_qr_svg.py SVG_FILE [--decode]

Parses the file with Python's XML parser, checks it is a self-contained SVG
(one background <rect>, one <path>, nothing that loads or runs anything),
rasterises the path and prints JSON: the size in modules (quiet zone
included), the module rows as strings of 0 and 1 without the quiet zone, and
with --decode the text zbarimg (Debian zbar-tools) reads from the raster, or
null if zbarimg is not installed. Exits 1 with a message on any violation.
Used by src/mfa/qr_svg_test.cc; Debian's python3 only.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
QUIET = 4
SCALE = 8  # pixels per module in the raster given to zbarimg


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def main():
    path = sys.argv[1]
    decode = "--decode" in sys.argv[2:]
    root = ET.parse(path).getroot()  # raises on malformed XML
    if root.tag != SVG + "svg":
        fail("root is not an svg element: " + root.tag)
    for element in root.iter():
        for name, value in element.attrib.items():
            if "href" in name or "url(" in value or name.startswith("on"):
                fail("external reference or handler: %s=%s" % (name, value))
    children = list(root)
    if [c.tag for c in children] != [SVG + "rect", SVG + "path"]:
        fail("expected exactly <rect> then <path>, got %s" % [c.tag for c in children])
    m = re.fullmatch(r"0 0 (\d+) (\d+)", root.get("viewBox", ""))
    if not m or m.group(1) != m.group(2):
        fail("viewBox is not square: %r" % root.get("viewBox"))
    size = int(m.group(1))
    rect, path_el = children
    if rect.get("fill") != "#ffffff" or rect.get("width") != str(size):
        fail("background rect does not cover the symbol")
    if path_el.get("fill") != "#000000":
        fail("path is not black")
    d = path_el.get("d", "")
    if not re.fullmatch(r"(M\d+ \d+h\d+v1h-\d+z)*", d):
        fail("path is not a list of 1-module-high boxes")
    grid = [[0] * size for _ in range(size)]
    for x, y, run, back in re.findall(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z", d):
        x, y, run = int(x), int(y), int(run)
        if run != int(back) or run == 0 or x + run > size or y >= size:
            fail("box out of range at %d,%d" % (x, y))
        for i in range(x, x + run):
            if grid[y][i]:
                fail("overlapping boxes at %d,%d" % (i, y))
            grid[y][i] = 1
    inner = range(QUIET, size - QUIET)
    for y in range(size):
        for x in range(size):
            if grid[y][x] and (x not in inner or y not in inner):
                fail("dark module in the quiet zone at %d,%d" % (x, y))
    result = {
        "size": size,
        "rows": ["".join(str(v) for v in grid[y][QUIET:size - QUIET]) for y in inner],
        "decoded": None,
    }
    zbarimg = shutil.which("zbarimg")
    if decode and zbarimg:
        with tempfile.TemporaryDirectory() as tmp:
            pgm = os.path.join(tmp, "qr.pgm")
            with open(pgm, "wb") as f:
                f.write(b"P5 %d %d 255\n" % (size * SCALE, size * SCALE))
                for row in grid:
                    line = b"".join((b"\x00" if v else b"\xff") * SCALE for v in row)
                    f.write(line * SCALE)
            out = subprocess.run([zbarimg, "--quiet", "--raw", pgm], capture_output=True)
            if out.returncode != 0:
                fail("zbarimg could not read the symbol: " + out.stderr.decode(errors="replace"))
            result["decoded"] = out.stdout.decode("utf-8").rstrip("\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
