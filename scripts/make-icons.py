"""Draws Strata's app icon (three stacked layers) and writes every size Tauri's bundler wants.

Run once when the artwork changes: `pip install pillow && python3 scripts/make-icons.py`.
The PNG/ICO/ICNS files it writes are committed, so builds never need Pillow.
"""
from pathlib import Path
from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "icons"
LAYER_COLOURS = [(38, 70, 120), (40, 120, 170), (64, 190, 200)]  # bottom to top


def draw(size: int) -> Image.Image:
    scale = 4  # draw large, then downsample for smooth edges
    s = size * scale
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([0, 0, s - 1, s - 1], radius=s * 0.22, fill=(18, 24, 38, 255))
    cx, w, h = s / 2, s * 0.34, s * 0.15
    for i, colour in enumerate(LAYER_COLOURS):
        cy = s * (0.66 - i * 0.16)
        diamond = [(cx, cy - h), (cx + w, cy), (cx, cy + h), (cx - w, cy)]
        d.polygon(diamond, fill=colour + (255,), outline=(230, 245, 255, 255), width=max(1, s // 96))
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, size in [("32x32.png", 32), ("128x128.png", 128), ("128x128@2x.png", 256), ("icon.png", 512),
                       ("Square30x30Logo.png", 30), ("Square44x44Logo.png", 44), ("Square71x71Logo.png", 71),
                       ("Square89x89Logo.png", 89), ("Square107x107Logo.png", 107), ("Square142x142Logo.png", 142),
                       ("Square150x150Logo.png", 150), ("Square284x284Logo.png", 284), ("Square310x310Logo.png", 310),
                       ("StoreLogo.png", 50), ("64x64.png", 64)]:
        draw(size).save(OUT / name)
    big = draw(1024)
    big.save(OUT / "icon.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    big.save(OUT / "icon.icns")


if __name__ == "__main__":
    main()
