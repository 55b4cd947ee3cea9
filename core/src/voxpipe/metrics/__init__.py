"""Metrics data carried by ``MetricsFrame``."""
