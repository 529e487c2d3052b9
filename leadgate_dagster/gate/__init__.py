"""The gate's stages: plain functions that compose store, providers and core for one batch.

No Dagster here, so the assets, `leadgate qa` and the API run exactly the same code.
"""
