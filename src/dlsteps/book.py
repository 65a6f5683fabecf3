"""Glue between the notebooks and the book's prose: computed numbers.

``glue`` stores a value for the prose (myst-nb ``{glue:text}``) when the book is built, and does
nothing in Jupyter or Colab, where myst-nb is usually not installed. The Sphinx extension that
builds the book lives in the book's ``_ext/`` folder, not in this package.
"""

from typing import Any

import numpy as np
import torch


def plain(value: Any) -> Any:
    """A NumPy or torch scalar as a plain Python number; anything else unchanged.

    The prose formats glued numbers with a spec such as ``:.2f``, which needs a plain repr
    (NumPy 2 writes ``np.float64(1.5)``).
    """
    if isinstance(value, np.generic) or (isinstance(value, torch.Tensor) and value.numel() == 1):
        return value.item()
    return value


def glue(name: str, value: Any) -> None:
    """Store ``value`` under ``name`` for the book's prose; shows nothing in the notebook."""
    try:
        from myst_nb import glue as myst_glue
    except ImportError:  # Jupyter or Colab without myst-nb: nothing to store
        return
    myst_glue(name, plain(value), display=False)
