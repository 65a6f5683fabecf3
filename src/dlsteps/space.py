"""A slider demo's parameter space, declared once.

A ``Space`` lists its ``Slider``s: the argument each sets, the label a reader sees, the real values
it offers (a learning rate of 0.03, not an exponent) and its default. From that one declaration
come the grid of precomputed runs, the static twin's sliders (``static``) and the live panel's
sliders (``live``); the demo's run function checks its arguments against it.
"""

import itertools
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Slider:
    """One slider: argument ``name``, reader's ``label``, increasing real ``values``, ``default``.

    ``prefix=True`` marks a slider along which runs are prefixes of one another (epochs): the grid
    runs only its largest value, and the twin shows the first part of that run.
    """

    name: str
    label: str
    values: tuple[float, ...]
    default: float
    prefix: bool = False

    def __post_init__(self) -> None:
        if len(self.values) < 2 or any(a >= b for a, b in itertools.pairwise(self.values)):
            raise ValueError(
                f"{self.name}: values must be at least two, increasing, got {self.values}"
            )
        if self.default not in self.values:
            raise ValueError(f"{self.name}: default {self.default!r} is not one of {self.values}")

    @property
    def low(self) -> float:
        return self.values[0]

    @property
    def high(self) -> float:
        return self.values[-1]

    def text(self, value: float) -> str:
        """How a value reads next to the slider: 0.03, 10, 0.5."""
        return f"{value:,}" if isinstance(value, int) else f"{value:.3g}"

    def check(self, value: float) -> None:
        """``ValueError`` naming the slider unless low <= value <= high."""
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not (self.low <= value <= self.high)
        ):
            raise ValueError(
                f"{self.name} must be between {self.low:g} and {self.high:g}, got {value!r}"
            )


class Space:
    """The sliders of one demo, in the order the reader sees them."""

    def __init__(self, *sliders: Slider) -> None:
        names = [s.name for s in sliders]
        if len(set(names)) != len(names):
            raise ValueError(f"slider names must differ, got {names}")
        self.sliders = sliders

    def __getitem__(self, name: str) -> Slider:
        for s in self.sliders:
            if s.name == name:
                return s
        raise KeyError(name)

    def defaults(self) -> dict[str, float]:
        return {s.name: s.default for s in self.sliders}

    def check(self, **values: float) -> None:
        """Each value must lie in its slider's range (the declared space, ends included)."""
        for name, value in values.items():
            self[name].check(value)

    def combinations(self) -> Iterator[dict[str, float]]:
        """Every combination of the grid; a prefix slider takes only its largest value."""
        choices = [(s.high,) if s.prefix else s.values for s in self.sliders]
        for combo in itertools.product(*choices):
            yield dict(zip((s.name for s in self.sliders), combo, strict=True))
