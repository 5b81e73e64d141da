"""kansenradar: app."""

__kansenradar__ = "app"  # kansenradar_main checks this marker: the package is ours, not a namesake
