"""Pipelines, parallel pipelines, the pipeline task and its runner."""
