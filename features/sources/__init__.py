"""One reader per published DUO/CBS format: ``path -> tidy DataFrame``.

All readers raise :class:`features.errors.DataError` (file, row, column, value, expected) for
bad input and never modify the file they read.
"""

from features.sources.cbs import (
    read_achterstandsscores,
    read_gemeente_geojson,
    read_gemeente_kerncijfers,
    read_pc4_kerncijfers,
    read_ses_pc4,
    read_statline_vsv,
)
from features.sources.duo import (
    eindscores_long,
    read_brin6_advies,
    read_brin6_eindscores,
    read_brin6_heroverweging,
    read_brin6_referentieniveau,
    read_eindscores_wide,
    read_referentieniveaus_wide,
    read_school_register,
    read_schooladviezen_wide,
    read_vsv_per_school,
)
from features.sources.regions import (
    TARGET_YEAR,
    harmonise_gemeente,
    read_advice_matrix,
    read_gemeente_history,
    read_rmc_lookup,
)

__all__ = [
    "TARGET_YEAR",
    "eindscores_long",
    "harmonise_gemeente",
    "read_achterstandsscores",
    "read_advice_matrix",
    "read_brin6_advies",
    "read_brin6_eindscores",
    "read_brin6_heroverweging",
    "read_brin6_referentieniveau",
    "read_eindscores_wide",
    "read_gemeente_geojson",
    "read_gemeente_history",
    "read_gemeente_kerncijfers",
    "read_pc4_kerncijfers",
    "read_referentieniveaus_wide",
    "read_rmc_lookup",
    "read_school_register",
    "read_schooladviezen_wide",
    "read_ses_pc4",
    "read_statline_vsv",
    "read_vsv_per_school",
]
