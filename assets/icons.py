"""Draw the raster copies of static/images/favicon.svg: `python assets/icons.py`.

Browsers ask for /favicon.ico whatever a page links, and iPhones want a PNG for the home
screen; both are drawn here from the SVG's shapes (a 32-unit square in the council's blue,
three white bars) with Pillow, and committed.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

IMAGES = Path(__file__).resolve().parent.parent / "static" / "images"
BLUE, WHITE = "#0b3a66", "#ffffff"
# The bars of favicon.svg, as (left, top, right, bottom) in its 32-unit viewBox.
BARS = [(8, 14, 12, 22), (14, 9, 18, 22), (20, 17, 24, 22)]
OVERSAMPLE = 8


def draw(size: int) -> Image.Image:
    """The icon at `size` pixels square, drawn large and scaled down for smooth edges."""
    big = size * OVERSAMPLE
    scale = big / 32
    image = Image.new("RGB", (big, big), BLUE)
    pen = ImageDraw.Draw(image)
    for left, top, right, bottom in BARS:
        pen.rectangle(
            (left * scale, top * scale, right * scale - 1, bottom * scale - 1), fill=WHITE
        )
    return image.resize((size, size), Image.Resampling.BOX)


def main() -> None:
    sizes = [16, 32, 48]
    icons = [draw(size) for size in sizes]
    icons[-1].save(IMAGES / "favicon.ico", sizes=[(s, s) for s in sizes], append_images=icons[:-1])
    draw(180).save(IMAGES / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
