"""How colours look to people with a colour-vision deficiency, and how far apart they are.

The simulation applies Machado, Oliveira and Fernandes (2009) matrices for full-severity
dichromacy to linear RGB; the distance is CIE76 ΔE in CIELAB (about 2.3 is the smallest
step people notice; curves you must tell apart at a glance want 20 or more). numpy only:
the palette test, the explorer's check and the command-line tool below use it.

    python -m fdgui.ui.colour_vision in.png out.png [deuteranopia|protanopia|tritanopia]

writes ``in.png`` as a person with that deficiency would see it.
"""

from __future__ import annotations

import sys
from itertools import combinations

import numpy as np

# Machado et al. 2009, severity 1.0, for linear RGB
MATRICES = {
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}


def to_rgb(colour: str) -> np.ndarray:
    """``#rrggbb`` → sRGB in 0…1."""
    text = colour.lstrip("#")
    return np.array([int(text[i : i + 2], 16) / 255.0 for i in (0, 2, 4)])


def _linear(srgb: np.ndarray) -> np.ndarray:
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _gamma(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def simulate(srgb: np.ndarray, kind: str = "deuteranopia") -> np.ndarray:
    """sRGB values (…, 3) in 0…1 as seen with the deficiency ``kind``."""
    matrix = MATRICES[kind]
    return _gamma(_linear(np.asarray(srgb, dtype=float)) @ matrix.T)


def lab(srgb: np.ndarray) -> np.ndarray:
    """sRGB (…, 3) in 0…1 → CIELAB (D65)."""
    linear = _linear(np.asarray(srgb, dtype=float))
    xyz = (
        linear
        @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    )
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def delta_e(first: str, second: str, kind: str | None = None) -> float:
    """CIE76 distance between two colours, as seen with ``kind`` (None: normal vision)."""
    a, b = to_rgb(first), to_rgb(second)
    if kind is not None:
        a, b = simulate(a, kind), simulate(b, kind)
    return float(np.linalg.norm(lab(a) - lab(b)))


def closest_pair(colours: dict[str, str], kind: str | None = None) -> tuple[str, str, float]:
    """The two named colours that are hardest to tell apart, and their distance."""
    pairs = [(a, b, delta_e(colours[a], colours[b], kind)) for a, b in combinations(colours, 2)]
    return min(pairs, key=lambda pair: pair[2])


def simulate_image(path: str, out: str, kind: str = "deuteranopia") -> None:
    """Write the PNG ``path`` as seen with ``kind`` to ``out`` (needs Qt for the file)."""
    from PySide6.QtGui import QImage

    image = QImage(path).convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(height, stride)
    rgb = data[:, : width * 3].reshape(height, width, 3) / 255.0
    seen = np.ascontiguousarray((simulate(rgb, kind) * 255 + 0.5).astype(np.uint8))
    QImage(seen.data, width, height, width * 3, QImage.Format.Format_RGB888).save(out)


if __name__ == "__main__":  # pragma: no cover - a tool
    simulate_image(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "deuteranopia")
