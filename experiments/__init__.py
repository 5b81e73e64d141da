"""kansenradar: experiments."""

__kansenradar__ = "experiments"  # kansenradar_main checks this marker: the package is ours, not a namesake
