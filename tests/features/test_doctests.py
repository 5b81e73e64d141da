"""The worked examples in the docstrings of the core definitions run as tests."""

from __future__ import annotations

import doctest

import pytest

from experiments import api
from features import geometry, panel, targets, vocabulary


@pytest.mark.parametrize("module", [panel, targets, geometry, vocabulary, api], ids=lambda m: m.__name__)
def test_docstring_examples_hold(module) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
