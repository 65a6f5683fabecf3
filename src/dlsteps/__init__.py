"""Tested helpers for the book *First steps in deep learning with PyTorch*.

Import the module you need explicitly, e.g. ``from dlsteps import data, models, training``.
"""

__version__ = "0.1.0"
