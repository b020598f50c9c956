"""The report's charts as PNG pictures for the Word file, drawn with Pillow from the same
geometry as the SVG charts: colour, the pattern of each status's place on the scale, numbers."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from reports.charts import WIDTH

SCALE = 1.6  # PNG pixels per chart unit: sharp when printed at 16 cm
FONT_FILES = [
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
]


def _font(size: int) -> ImageFont.ImageFont:
    for path in FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


INK = (11, 12, 12, 90)


def _diagonals(draw, box, step: int) -> None:
    x0, y0, x1, y1 = box
    for offset in range(-(y1 - y0), x1 - x0, step):
        draw.line([(x0 + offset, y1), (x0 + offset + (y1 - y0), y0)], fill=INK, width=3)


def _rows_of_lines(draw, box, start: int, step: int) -> None:
    x0, y0, x1, y1 = box
    for y in range(y0 + start, y1, step):
        draw.line([(x0, y), (x1, y)], fill=INK, width=3)


def _columns_of_lines(draw, box, start: int, step: int) -> None:
    x0, y0, x1, y1 = box
    for x in range(x0 + start, x1, step):
        draw.line([(x, y0), (x, y1)], fill=INK, width=3)


def _grid_of(draw, box, start: int, step: int, shape) -> None:
    x0, y0, x1, y1 = box
    for y in range(y0 + start, y1, step):
        for x in range(x0 + start, x1, step):
            shape(draw, x, y)


# A status's place on the scale -> how its bar is hatched, as in the SVG charts.
_PATTERNS = {
    1: lambda d, b: _diagonals(d, b, 14),
    2: lambda d, b: _grid_of(
        d, b, 7, 14, lambda dr, x, y: dr.ellipse([x - 3, y - 3, x + 3, y + 3], fill=INK)
    ),
    3: lambda d, b: (_diagonals(d, b, 14), _rows_of_lines(d, b, 7, 14)),
    4: lambda d, b: _rows_of_lines(d, b, 6, 12),
    5: lambda d, b: _columns_of_lines(d, b, 6, 12),
    6: lambda d, b: _diagonals(d, b, 17),
    7: lambda d, b: _grid_of(
        d, b, 4, 12, lambda dr, x, y: dr.rectangle([x, y, x + 4, y + 4], fill=INK)
    ),
}


def _hatch(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], pattern: int) -> None:
    """The pattern for a status's place on the scale, as in the SVG charts."""
    if pattern in _PATTERNS:
        _PATTERNS[pattern](draw, box)


def chart_png(chart) -> bytes:
    width, height = int(WIDTH * SCALE), int(chart.height * SCALE)
    image = Image.new("RGBA", (width, height), (255, 255, 255, 255))
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))  # the patterns, laid over the fills
    draw = ImageDraw.Draw(image)
    label_font, count_font = _font(int(17 * SCALE)), _font(int(16 * SCALE))
    for bar in chart.rows:
        draw.text(
            (0, int((bar.label_y - 15) * SCALE)),
            f"{bar.row.label} ({bar.row.total})",
            fill=(11, 12, 12),
            font=label_font,
        )
        for rect in bar.rects:
            box = tuple(
                int(v * SCALE) for v in (rect.x, rect.y, rect.x + rect.width, rect.y + rect.height)
            )
            if rect.segment.status is None:
                draw.rectangle(box, fill=(255, 255, 255), outline=(80, 90, 95), width=2)
            else:
                draw.rectangle(box, fill=rgb(rect.fill), outline=(255, 255, 255), width=1)
                hatch_layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
                _hatch(ImageDraw.Draw(hatch_layer), box, rect.pattern)
                mask = Image.new("L", image.size, 0)
                ImageDraw.Draw(mask).rectangle(box, fill=255)
                overlay.paste(hatch_layer, (0, 0), mask)
    image = Image.alpha_composite(image, overlay)
    draw = ImageDraw.Draw(image)
    for bar in chart.rows:
        for rect in bar.rects:
            if rect.show_count:
                draw.text(
                    (int(rect.text_x * SCALE), int((rect.y + rect.height / 2) * SCALE)),
                    str(rect.segment.count),
                    fill=rgb(rect.ink),
                    font=count_font,
                    anchor="mm",
                )
    output = io.BytesIO()
    image.convert("RGB").save(output, format="PNG", optimize=True)
    return output.getvalue()
