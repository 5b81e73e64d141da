"""kansenradar: models."""

__kansenradar__ = "models"  # kansenradar_main checks this marker: the package is ours, not a namesake
