"""Reads a QR code back from the inline SVG a page renders: paint its squares, decode with zxing-cpp."""

import re

import numpy as np
import zxingcpp

SVG = re.compile(r'<svg class="kit-qr".*?</svg>', re.S)
VIEWBOX = re.compile(r'viewBox="0 0 (\d+) (\d+)"')
SQUARE = re.compile(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z")
SCALE = 8


def qr_svgs(html: str) -> list[str]:
    return SVG.findall(html)


def decode_svg(svg: str) -> str:
    """The text a phone's camera would read from the SVG's QR code (black squares on white)."""
    box = VIEWBOX.search(svg)
    assert box, "the SVG has no viewBox"
    width, height = (int(n) for n in box.groups())
    image = np.full((height * SCALE, width * SCALE), 255, dtype=np.uint8)
    squares = SQUARE.findall(svg)
    assert squares, "the SVG draws no squares"
    for x0, y0, x1, y1 in ((int(a), int(b), int(c), int(d)) for a, b, c, d in squares):
        image[y0 * SCALE:y1 * SCALE, x0 * SCALE:x1 * SCALE] = 0
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, f"expected one QR code, read {len(found)}"
    return found[0].text
