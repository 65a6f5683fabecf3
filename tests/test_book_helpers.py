"""dlsteps.book: glued values must have a plain repr the prose can format."""

import numpy as np
import pytest
import torch

from dlsteps import book


@pytest.mark.parametrize("value", [np.float64(1.25), np.float32(1.25), torch.tensor(1.25), 1.25])
def test_scalars_become_plain_numbers(value):
    out = book.plain(value)
    assert type(out) is float and repr(out) == "1.25"


def test_other_values_are_kept():
    assert book.plain("text") == "text"
    assert book.plain(torch.ones(2)).shape == (2,)
    assert book.glue("name", np.float64(2.0)) is None  # a cell ending in glue shows nothing
