"""kansenradar: features."""

__kansenradar__ = "features"  # kansenradar_main checks this marker: the package is ours, not a namesake
