"""``python -m benchmarks.attainment [SEED]``: the attainment target on the generated default world.

Per level: place-years, share *elevated under-advice* (upper bound of the 90 % interval of O/E
below 0.9) and the median O/E; for the levels with planted under-advice hot spots (schools,
gemeenten) the same for planted places from the year after onset against never-planted places.
Nothing is asserted; the README quotes the output.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pandas as pd

from features.catalog import load_sources
from features.pipeline import build_features
from features.synthetic import generate
from features.synthetic.files import TRUTH_FILE
from features.vocabulary import ATTAINMENT_TARGET, TARGET_LEVELS


def main(seed: int = 20241) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        generate(out, seed=seed)
        built = build_features(load_sources(out))
        truth = pd.read_csv(out / TRUTH_FILE, dtype={"place_id": str})
    for level in TARGET_LEVELS[ATTAINMENT_TARGET]:
        p, _ = built[(ATTAINMENT_TARGET, level)]
        line = (
            f"{level}: {len(p):,} place-years, elevated {p['elevated'].mean():.1%}, "
            f"O/E median {p['ratio'].median():.2f}"
        )
        planted = truth[(truth["target"] == "under_advice") & (truth["level"] == level)]
        if len(planted):
            onset = p["place_id"].map(planted.set_index("place_id")["onset_year"])
            after = onset.notna() & (onset > 0) & (p["school_year"] >= onset + 1)
            never = ~(onset > 0).fillna(False)
            line += (
                f"; planted, from the year after onset: elevated {p.loc[after, 'elevated'].mean():.1%}, "
                f"O/E median {p.loc[after, 'ratio'].median():.2f} (never planted: "
                f"{p.loc[never, 'elevated'].mean():.1%}, {p.loc[never, 'ratio'].median():.2f})"
            )
        print(line)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20241)
