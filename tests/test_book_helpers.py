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


def test_glue_hands_myst_nb_the_plain_value_and_displays_nothing(monkeypatch):
    import myst_nb

    calls = []
    monkeypatch.setattr(myst_nb, "glue", lambda *args, **kw: calls.append((args, kw)))
    book.glue("name", np.float64(2.0))
    assert calls == [(("name", 2.0), {"display": False})] and type(calls[0][0][1]) is float
